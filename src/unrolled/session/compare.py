"""Two networks side by side on the same input and seed, stepping and training in lockstep:
an RNN against an LSTM, one cell at two values of rho, with and without clipping, one layer
against four, one direction against two.

Networks of different depth or direction take different numbers of steps per pass (N = L *
dirs * T, `step_order`). A step of the comparison is one step of the network with the
longer pass, the leader; the other follows by phase: within a pass it takes its own next
step beside the leader's while it has steps left in that pass, then waits at the pass's
end, so both reach the loss together and the update together. Both passes start alike in
both networks (the forward at layer 1's forward direction, t = 1; the backward at the top
layer's last direction), so where the two start alike they go t by t together. Stepping
back retraces the same positions exactly."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from ..engine.losses import mse, one_hot
from .config import COMPARABLE, FRESH, Config, ConfigError, config_of_b
from .events import Change, Signal
from .gradient_reading import ratio_reading
from .own_model import OwnTask
from .stepper import Session, gradient_verdict
from .training import Diverged, Trainer


def default_changes(config: Config) -> dict:
    """RNN against LSTM, the classic comparison: B is the other kind of cell. Opened weights
    fix the cell: B is the same model with every U at spectral radius 1."""
    if config.weights:
        return {"rho": 1.0}
    return {"cell": "lstm" if config.cell != "lstm" else "rnn"}


def times_as_much(ratio: float) -> str:
    """A ratio in words: "about the same", "3.2 times more", "350 times less", "10^5 times
    less": two significant figures below a thousand, else a whole power of ten (never a
    fractional power such as 10^0.1, nor 1e+02)."""
    if not ratio > 0:
        raise ValueError(f"ratio: got {ratio}, expected a positive number")
    with np.errstate(divide="ignore", over="ignore"):
        decades = abs(float(np.log10(ratio)))
    more = "more" if ratio >= 1 else "less"
    if decades < np.log10(1.2):
        return "about the same"
    if not np.isfinite(decades):
        return f"immeasurably {more}"
    factor = float(f"{10 ** min(decades, 3.0):.2g}")  # two significant figures, as a number
    if factor < 1000:
        return f"{factor:g} times {more}"
    return f"10^{round(decades)} times {more}"


def cell_title(config: Config) -> str:
    """The model as a lecture names it: "RNN", "ReLU RNN", "LSTM", "GRU"."""
    if config.cell != "rnn":
        return config.cell.upper()
    if config.activation == "tanh":
        return "RNN"
    return f"{'ReLU' if config.activation == 'relu' else config.activation} RNN"


def setting(key: str, value, opened: bool = False) -> str:
    """One setting in words for a legend: "rho 1.5", "orthogonal U", "no clipping"; of
    opened weights (`opened`), rho 0 is their file's own U."""
    if key == FRESH:
        return "fresh weights" if value else "trained weights"
    if key == "rho" and not value:
        return "the file's U" if opened else "orthogonal U"
    if key == "clipping":
        return "no clipping" if value == "none" else f"{value} clipping"
    if key == "truncation":
        return f"truncation k = {value}" if value else "full BPTT"
    if key == "layers":
        return f"{value} layer{'s' if value != 1 else ''}"
    if key == "bidirectional":
        return "bidirectional" if value else "one direction"
    shown = format(value, "g") if isinstance(value, float) else str(value)
    return f"{key.replace('_', ' ')} {shown}"


def model_names(a: Config, changes: dict) -> tuple[str, str]:
    """Names for A and B in a legend: their cells ("RNN", "LSTM"); for two of the same
    cell, with what tells them apart ("RNN, rho 0.8" and "RNN, rho 1.5")."""
    b = config_of_b(a, changes)
    first, second = cell_title(a), cell_title(b)
    if first != second:
        return first, second

    def value(config: Config, key: str):
        return (config is b and changes[FRESH]) if key == FRESH else getattr(config, key)

    differing = [k for k in changes if value(a, k) != value(b, k)]
    if not differing:
        return f"A: {first}", f"B: {second}"
    opened = bool(a.weights)
    return (", ".join([first, *(setting(k, value(a, k), opened) for k in differing)]),
            ", ".join([second, *(setting(k, value(b, k), opened) for k in differing)]))


BASELINE_VALUES = 2**21  # at most this many input values drawn to estimate the MSE baseline
OWN_BASELINE_SEQUENCES = 256  # an opened model's own predictions as targets: a forward pass each


def baseline_loss(session: Session) -> tuple[float, str] | None:
    """The loss of a model that ignores its input, and its name in a legend: for
    cross-entropy, guessing every class with probability 1/C (ln C); for MSE, predicting
    the targets' mean, estimated on the session's own targets drawn apart from its stream
    (a fixed seed, so A and B and every redraw agree): fresh sequences of the task, or an
    opened model's data. None for one class."""
    config = session.config
    if config.loss == "cross-entropy":
        return (float(np.log(config.n_classes)), f"chance (ln {config.n_classes})") if config.n_classes >= 2 else None
    Y = np.asarray(_baseline_targets(session))
    targets = Y.astype(float) if Y.dtype.kind == "f" else one_hot(Y, config.n_classes)
    mean = np.broadcast_to(targets.mean(axis=0), targets.shape)
    loss, _ = mse(mean, targets)
    return loss, "predict the mean"


def _baseline_targets(session: Session) -> np.ndarray:
    """Targets as the session's task gives them, its stream left where it is: an opened
    model's data (its Y, or the model's predictions on its X), else a draw at seed 0."""
    config, task = session.config, session.task
    B = int(np.clip(BASELINE_VALUES // (config.timesteps * config.n_features), 64, 65536))
    if isinstance(task, OwnTask):
        B = min(B, OWN_BASELINE_SEQUENCES)
        if task.model.data is not None:
            return task.rows(range(min(task.model.data.n_samples, B)))[1]
    return task.sample(config.timesteps, config.n_features, config.n_classes, B, np.random.default_rng(0))[1]


def describe_changes(changes: dict) -> str:
    said = [f"{k} = {v}" if k != FRESH else "fresh weights of the same shape" for k, v in changes.items()
            if k != FRESH or v]
    return ", ".join(said) or "no change"


def follower_position(position: int, leader_pass: int, follower_pass: int) -> int:
    """The follower's position within its iteration when the leader, whose passes are
    `leader_pass` steps long, is at `position` of its own; the follower's passes are
    `follower_pass` <= `leader_pass` steps: in each pass min(steps the leader has taken in
    it, follower_pass); the loss and the update together."""
    N, M = leader_pass, follower_pass
    if position <= N:
        return min(position, M)
    if position <= 2 * N + 1:  # the loss (N + 1), then the backward pass
        return M + 1 + min(position - N - 1, M)
    return 2 * M + 2


def _ratio_said(name: str, s: Session) -> tuple[str, float | None]:
    """What the summary says of one network's gradient ratio, and the ratio when it is one
    to compare (not after an overflow, nor 0 / 0 where the last step has no loss term)."""
    ratio = s.gradient_ratio()
    overflow = s.nonfinite_from()
    if overflow is not None:
        return f"{name}: the {overflow[0]} pass overflows from t = {overflow[1]}", None
    if ratio is None:
        return f"{name}: ratio after the backward pass", None
    curve = s.gradient_curve()
    if not np.isfinite(ratio) and curve is not None and curve[-1] == 0:  # no loss term at t = T (look-ahead)
        return f"{name}: no gradient of the last step's loss at t = T to compare with", None
    window = s.truncation_window()
    if ratio == 0 and window is not None and window[0] > 1:  # exactly 0 by construction: cut, not vanished
        return f"{name}: ||dL_T/dh_1||/||dL_T/dh_T|| = {ratio_reading(s, ratio)[0]}", ratio
    return f"{name}: ||dL_T/dh_1||/||dL_T/dh_T|| = {ratio:.3g}, {gradient_verdict(ratio)}", ratio


class Comparison:
    def __init__(self, config: Config, changes: dict | None = None):
        changes = default_changes(config) if changes is None else dict(changes)
        bad = sorted(set(changes) - set(COMPARABLE))
        if bad:
            raise ConfigError({name: "B may change only " + ", ".join(COMPARABLE) for name in bad})
        self.changes = changes
        self.changed = Signal()
        self._build(config)

    def _build(self, config: Config) -> None:
        config_b = config_of_b(config, self.changes).validated()
        self.a = Session(config)
        fresh = None
        if self.changes.get(FRESH):
            own = self.a.own_model
            assert own is not None  # config_of_b refuses a fresh model without opened weights
            if own.data is None or own.data.Y is None:
                raise ConfigError({FRESH: f"a fresh model would learn its own predictions: open {own.title} "
                                          "with data holding Y to compare it with a fresh one"})
            fresh = own.fresh_copy()
        # the same batch for both, and the same stream of training batches (same seed)
        self.b = Session(config_b, batch=(self.a.X, self.a.Y), model=fresh)
        self.trainers = (Trainer(self.a), Trainer(self.b))
        # network label -> why it stopped training (an overflow); the other trains on
        self.stopped: dict[str, str] = {}
        self._baseline: tuple[tuple[float, str] | None] | None = None  # computed once, when first asked

    def baseline(self) -> tuple[float, str] | None:
        """A's baseline_loss, computed once: A and B share the task or data, hence the loss and C."""
        if self._baseline is None:
            self._baseline = (baseline_loss(self.a),)
        return self._baseline[0]

    @property
    def sessions(self) -> tuple[Session, Session]:
        return self.a, self.b

    @property
    def names(self) -> tuple[str, str]:
        """A's and B's names by model: ("RNN", "LSTM"), or ("RNN, rho 0.8", "RNN, rho 1.5")."""
        return model_names(self.a.config, self.changes)

    # -- lockstep ---------------------------------------------------------------------
    @property
    def leader(self) -> Session:
        """The network with the longer pass (A when they are as long): its steps are the
        comparison's steps."""
        return self.b if self.b.order.steps_per_pass > self.a.order.steps_per_pass else self.a

    @property
    def follower(self) -> Session:
        return self.a if self.leader is self.b else self.b

    def _followed(self) -> int:
        """The follower's position within its iteration for the leader's position."""
        return follower_position(self.leader.position, self.leader.order.steps_per_pass,
                                 self.follower.order.steps_per_pass)

    @property
    def in_lockstep(self) -> bool:
        leader, follower = self.leader, self.follower
        return (follower.iteration, follower.position) == (leader.iteration, self._followed())

    @property
    def history(self):
        return self.a.history

    def steps_to(self, target: str) -> int:
        return self.leader.steps_to(target)

    def _follow(self, iterations_begun: int) -> None:
        """The follower to the leader's place, after the leader began `iterations_begun`
        more iterations (fewer when negative): forward or back by the difference."""
        follower = self.follower
        n = follower.steps_per_iteration
        behind = iterations_begun * n + self._followed() - follower.position
        if behind > 0:
            follower.advance(behind)
        for _ in range(-behind):
            if not follower.can_step_back:
                break
            follower.step_back()

    def advance(self, n: int) -> None:
        """n steps of the leader; the follower goes with it (see the module's docstring)."""
        leader = self.leader
        begun = leader.iteration
        leader.advance(n)
        self._follow(leader.iteration - begun)
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def step(self) -> None:
        self.advance(1)

    @property
    def can_step_back(self) -> bool:
        return self.a.can_step_back and self.b.can_step_back

    def step_back(self) -> None:
        if not self.can_step_back:
            raise ValueError("step_back: nothing to undo")
        leader = self.leader
        begun = leader.iteration
        leader.step_back()
        self._follow(leader.iteration - begun)
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def reset(self) -> None:
        self._build(self.a.config)
        self.changed.emit(Change.ALL)

    # -- training in lockstep (a Trainable for the training runner) --------------------
    @property
    def completed_iterations(self) -> int:
        return max(len(self.a.history), len(self.b.history))

    def train_iteration(self) -> None:
        for _ in self.iteration_in_steps():
            pass

    def iteration_in_steps(self) -> Generator[None, None, None]:
        """One iteration for each network still training, on the same fresh batch, as a
        generator (see Trainer.iteration_in_steps). A network that overflows stops there,
        keeping its last finite weights, and `stopped` says why; the other trains on. When
        neither can train, Diverged says why each stopped."""
        if len(self.stopped) == 2:
            raise Diverged(len(self.a.history) + 1, "; ".join(self.stopped[k] for k in "AB"))
        for label, trainer in zip("AB", self.trainers):
            if label in self.stopped:
                continue
            try:
                yield from trainer.iteration_in_steps()
            except Diverged as error:
                self.stopped[label] = f"network {label} ({self._which(label)}) stopped at iteration " \
                                      f"{error.iteration}: {error.where}"
                if len(self.stopped) == 2:
                    self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)
                    raise Diverged(error.iteration, "; ".join(self.stopped[k] for k in "AB")) from error
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def _which(self, label: str) -> str:
        return describe_changes(self.changes) if label == "B" else "as set"

    def stopped_note(self) -> str:
        """What stopped training, in a sentence, or "" when both train."""
        if not self.stopped:
            return ""
        if len(self.stopped) == 2:
            return "; ".join(self.stopped[k] for k in "AB") + "."
        label = next(iter(self.stopped))
        other = "B" if label == "A" else "A"
        return f"N{self.stopped[label][1:]}; its last finite weights are kept, and {other} trains on."

    def show_gradients(self) -> None:
        """Both networks to the end of the backward pass of their batch, so that the
        gradient plot shows the weights as they are now (after training each starts its
        iteration afresh)."""
        for s in self.sessions:  # a network that stopped training may stand elsewhere
            target = s.steps_per_iteration - 1
            s.advance(target - s.position if s.position <= target else target)
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    # -- what the status bar says -------------------------------------------------------
    def current_loss(self, label: str) -> float | None:
        """The network's loss on the batch it steps through, or else its last training loss."""
        s = self.a if label == "A" else self.b
        if s.loss is not None:
            return s.loss
        return s.history[-1].loss if s.history else None

    def summary(self) -> str:
        parts = []
        ratios = []
        for label, model, s in zip("AB", self.names, self.sessions):
            said, ratio = _ratio_said(f"{label} ({model})", s)
            parts.append(said)
            ratios.append(ratio)
        a, b = ratios
        if a and b and np.isfinite(a) and np.isfinite(b) and a > 0 and b > 0:
            parts.append(f"relative to t = T, B keeps {times_as_much(b / a)} gradient at t = 1")
        parts.extend(self.little_left_to_learn())
        if self.a.history or self.b.history:
            a_name, b_name = self.names
            losses = [f"{s.history[-1].loss:.4g}" if s.history else "not trained" for s in self.sessions]
            parts.append(f"last training loss {a_name} {losses[0]}, {b_name} {losses[1]}")
        if self.stopped:
            parts.append(self.stopped_note())
        return " | ".join(parts)

    def little_left_to_learn(self) -> list[str]:
        """For a trained network whose loss is under a tenth of the baseline's (a model that
        ignores its input): its gradient is small because its loss is, not because it
        forgets, and the comparison of gradients says so."""
        baseline = self.baseline()
        if baseline is None:
            return []
        said = []
        for label, s in zip("AB", self.sessions):
            loss = self.current_loss(label)
            if s.history and loss is not None and np.isfinite(loss) and loss < 0.1 * baseline[0]:
                said.append(f"{label}'s loss is {loss:.2g} against {baseline[0]:.2g} for {baseline[1]}: "
                            f"little is left to learn, so its whole gradient is small")
        return said
