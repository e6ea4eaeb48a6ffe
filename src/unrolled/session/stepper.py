"""The step machine over training iterations.

One iteration is 2T + 2 steps:

    forward t = 1..T  ->  loss  ->  backward t = T..1  ->  weight update

`step()` takes one, `step_back()` undoes one exactly (arrays restored bit for bit), across
the boundary into the previous iteration too. Observers subscribe to `changed`, which
carries a `Change` flag saying what moved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from ..engine import Network, get_task, make_optimiser, spectral_radius, with_spectral_radius
from ..engine.jacobians import rnn_step_bound
from ..engine.optim import ClipResult, clip
from ..engine.traces import BackwardTrace, ForwardTrace
from .config import Config, ConfigError
from .events import Change, Signal


class Phase(enum.Enum):
    READY = "ready"  # nothing computed yet in this iteration
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"  # the weights have been updated: the iteration is complete


@dataclass
class IterationRecord:
    """What one completed iteration leaves behind."""

    loss: float
    clip: ClipResult
    params_before: dict[str, np.ndarray]
    optimiser_state_before: dict


@dataclass
class _Iteration:
    """Everything stepping within one iteration touches, so a boundary can be undone."""

    fwd: ForwardTrace
    bwd: BackwardTrace | None = None
    position: int = 0  # steps done in this iteration: 0 .. 2T + 2
    record: IterationRecord | None = None


UNDO_BUDGET_BYTES = 256 * 2**20  # completed iterations kept for stepping back, at most
GRADIENT_VERDICT_LIMITS = (1e-2, 1e2)  # ratio ||dL/dh_1|| / ||dL/dh_T|| outside: vanish / explode


def gradient_verdict(ratio: float) -> str:
    if not np.isfinite(ratio):
        return "overflow"
    low, high = GRADIENT_VERDICT_LIMITS
    if ratio < low:
        return "vanishing"
    if ratio > high:
        return "exploding"
    return "stable"


class Session:
    def __init__(self, config: Config | None = None):
        self.changed = Signal()
        self._build((config or Config()).validated())

    # -- building ---------------------------------------------------------------------
    def _build(self, config: Config) -> None:
        task = get_task(config.task)
        net = Network(
            config.cell,
            n_features=config.n_features,
            n_hidden=config.n_hidden,
            n_classes=config.n_classes,
            mode=config.mode,
            activation=config.activation,
            loss=config.loss,
            seed=config.seed,
            rho=config.rho or None,
            forget_bias=config.forget_bias,
        )
        optimiser = make_optimiser(config.optimiser, config.learning_rate, config.momentum)
        rng = np.random.default_rng(config.seed)
        X, Y = task.sample(config.timesteps, config.n_features, config.n_classes, config.batch_size, rng)
        # all built: only now replace the old state, so a failure above changes nothing
        self.config, self.task, self.net, self.optimiser = config, task, net, optimiser
        self._rng, self.X, self.Y = rng, X, Y
        self.iteration = 0
        self.history: list[IterationRecord] = []
        self._previous: list[_Iteration] = []  # completed iterations, oldest first
        self._current = _Iteration(net.begin_forward(X))

    def reconfigure(self, **changes) -> None:
        """Rebuild with changed settings. On any problem, raise ConfigError and keep
        everything as it was."""
        config = self.config.replace(**changes)
        if "task" in changes:
            config = config.resolved()
        config.validated()
        try:
            self._build(config)
        except MemoryError as error:
            raise ConfigError({"config": "not enough memory for these sizes"}) from error
        except ValueError as error:
            raise ConfigError({"config": str(error)}) from error
        self.changed.emit(Change.ALL)

    def adopt(self, other: "Session") -> None:
        """Become `other` (an opened file, say), keeping this session's observers."""
        changed = self.changed
        self.__dict__.update(other.__dict__)
        self.changed = changed
        self.changed.emit(Change.ALL)

    def reset(self) -> None:
        """Fresh weights and sample from the seed; iteration 0, nothing computed."""
        self._build(self.config)
        self.changed.emit(Change.ALL)

    def new_sample(self) -> None:
        """A new batch from the task (weights kept); the iteration starts over."""
        c = self.config
        self.X, self.Y = self.task.sample(c.timesteps, c.n_features, c.n_classes, c.batch_size, self._rng)
        self.restart_iteration()
        self.changed.emit(Change.REBUILT)

    # -- where we are -----------------------------------------------------------------
    @property
    def T(self) -> int:
        return self.config.timesteps

    @property
    def steps_per_iteration(self) -> int:
        return 2 * self.T + 2

    @property
    def position(self) -> int:
        return self._current.position

    @property
    def fwd(self) -> ForwardTrace:
        return self._current.fwd

    @property
    def bwd(self) -> BackwardTrace | None:
        return self._current.bwd

    @property
    def phase(self) -> Phase:
        p, T = self.position, self.T
        if p == 0:
            return Phase.READY
        if p <= T:
            return Phase.FORWARD
        if p == T + 1:
            return Phase.LOSS
        if p <= 2 * T + 1:
            return Phase.BACKWARD
        return Phase.UPDATE

    @property
    def t(self) -> int | None:
        """The timestep (1-based) the last step computed, in the forward or backward phase."""
        p, T = self.position, self.T
        if self.phase is Phase.FORWARD:
            return p
        if self.phase is Phase.BACKWARD:
            return 2 * T + 2 - p
        return None

    @property
    def loss(self) -> float | None:
        return None if self.bwd is None else self.bwd.loss

    @property
    def can_step_back(self) -> bool:
        return self.position > 0

    @property
    def loss_history(self) -> list[float]:
        return [r.loss for r in self.history]

    # -- stepping ---------------------------------------------------------------------
    def step(self) -> None:
        self._step()
        self.changed.emit(Change.STEP | (Change.PARAMS | Change.HISTORY if self.phase is Phase.UPDATE else Change(0)))

    def _step(self) -> None:
        cur, net = self._current, self.net
        phase_after = self.position + 1
        if cur.position == self.steps_per_iteration:  # start the next iteration
            self._previous.append(cur)
            keep = max(1, UNDO_BUDGET_BYTES // max(self.config.estimated_trace_bytes(), 1))
            del self._previous[:-keep]
            self._current = cur = _Iteration(net.begin_forward(self.X))
            self.iteration += 1
            phase_after = 1
        if phase_after <= self.T:
            net.forward_step(cur.fwd)
        elif phase_after == self.T + 1:
            cur.bwd = net.begin_backward(cur.fwd, self.Y, track_last_step=self.config.mode == "many-to-many")
        elif phase_after <= 2 * self.T + 1:
            net.backward_step(cur.bwd, cur.fwd)
        else:
            cur.record = self._update(cur.bwd)
            self.history.append(cur.record)
        cur.position = phase_after

    def _update(self, bwd: BackwardTrace) -> IterationRecord:
        params_before = {k: v.copy() for k, v in self.net.params.items()}
        optimiser_before = self.optimiser.state_dict()
        clipped = clip(bwd.grads, self.config.clipping, self.config.clip_threshold)
        if np.isfinite(clipped.norm_after):
            self.optimiser.step(self.net.params, clipped.grads)
        # a non-finite gradient is not applied: the weights stay finite, the record says so
        return IterationRecord(bwd.loss, clipped, params_before, optimiser_before)

    def step_back(self) -> None:
        if not self.can_step_back:
            raise ValueError("step_back: nothing to undo")
        self._step_back()
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def _step_back(self) -> None:
        cur, net = self._current, self.net
        if cur.position == 1 and self._previous:  # back into the previous, completed iteration
            self._current = self._previous.pop()
            self.iteration -= 1
            return
        phase = self.phase
        if phase is Phase.FORWARD:
            net.forward_unstep(cur.fwd)
        elif phase is Phase.LOSS:
            cur.bwd = None
        elif phase is Phase.BACKWARD:
            net.backward_unstep(cur.bwd)
        else:
            record = cur.record
            for name, value in record.params_before.items():
                net.params[name][...] = value
            self.optimiser.load_state_dict(record.optimiser_state_before)
            self.history.pop()
            cur.record = None
        cur.position -= 1

    def finish_phase(self) -> None:
        """Take one step, then go on to the end of the phase it entered: from the start,
        the whole forward pass; then the loss; then the whole backward pass; then the update."""
        self.advance(self.steps_to("phase"))

    def run_iteration(self) -> None:
        """Complete the current iteration (or run a whole new one if it is complete)."""
        self.advance(self.steps_to("iteration"))

    def advance(self, n: int) -> None:
        """Take n steps and tell the observers once."""
        for _ in range(n):
            self._step()
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def steps_to(self, target: str) -> int:
        """How many steps finish the phase the next step enters ("phase"), or complete the
        iteration ("iteration"); a UI runs that many in chunks, with progress."""
        T, n = self.T, self.steps_per_iteration
        first = 1 if self.position == n else self.position + 1
        if target == "iteration":
            end = n
        elif target == "phase":
            end = T if first <= T else 2 * T + 1 if T + 2 <= first <= 2 * T + 1 else first
        else:
            raise ValueError(f"target: got {target!r}, expected 'phase' or 'iteration'")
        return end - first + 1

    # -- the weights ------------------------------------------------------------------
    def set_spectral_radius(self, rho: float, keep_position: bool = False) -> None:
        """Rescale every recurrent U to spectral radius rho now; the iteration restarts
        from its forward pass with the new weights, and with keep_position is replayed to
        the step it was at, so the plots follow at once."""
        if not (np.isfinite(rho) and rho > 0):
            raise ConfigError({"rho": f"got {rho!r}, expected a number > 0"})
        for name in self.net.recurrent_param_names():
            self.net.params[name] = with_spectral_radius(self.net.params[name], rho)
        self.config = self.config.replace(rho=float(rho))
        position = min(self.position, self.steps_per_iteration - 1)  # never re-apply an update
        self.restart_iteration()
        if keep_position:
            self.advance(position)

    def restart_iteration(self) -> None:
        """The weights or the batch changed from outside: the iteration starts over from its
        forward pass, and what came before can no longer be stepped back into."""
        self._previous = []
        self._current = _Iteration(self.net.begin_forward(self.X))
        self.changed.emit(Change.STEP | Change.PARAMS)

    # -- what the plots show ----------------------------------------------------------
    def gradient_curve(self) -> np.ndarray | None:
        """(T,) the gradient norm that shows the decay: ||dL_T/dh_t|| (the last step's loss
        alone) in many-to-many mode, ||dL/dh_t|| in many-to-one mode (where they agree)."""
        if self.bwd is None:
            return None
        return self.bwd.dh_last_norm if self.bwd.dh_last is not None else self.bwd.dh_norm

    def gradient_ratio(self) -> float | None:
        """||dL_T/dh_1|| / ||dL_T/dh_T|| once the backward pass has reached t = 1."""
        curve = self.gradient_curve()
        if curve is None or np.isnan(curve[0]):
            return None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return float(curve[0] / curve[-1])

    def theory_curve(self) -> tuple[np.ndarray, str] | None:
        """(T,) the theory for gradient_curve, anchored at t = T, and its label:
        rho^(T-t) for the linear RNN; the bound (gamma sigma_max(U))^(T-t) for the other
        vanilla RNNs (Pascanu, Mikolov and Bengio 2013, eq. 7); None for gated cells."""
        curve = self.gradient_curve()
        if curve is None or self.net.cell_name != "rnn" or not np.isfinite(curve[-1]):
            return None
        base, label = self._theory_rate()
        steps_back = self.T - np.arange(1, self.T + 1)
        with np.errstate(over="ignore", under="ignore"):
            return curve[-1] * base**steps_back, label

    def _theory_rate(self) -> tuple[float, str]:
        """The per-step factor of the theory line and its label, for this iteration's U.
        An eigen- or singular-value problem of U: computed once per iteration, not per frame
        (the cache holds U itself, so a new iteration's U can never match a stale entry)."""
        U = self.fwd.packed["U"]  # the weights this iteration's gradients were computed with
        cached = getattr(self, "_theory_cache", None)
        if cached is None or cached[0] is not U or cached[1] != self.config.activation:
            if self.config.activation == "linear":
                base = spectral_radius(U)
                label = f"ρ^(T−t), ρ(U) = {base:.3g}"
            else:
                base = rnn_step_bound(U, self.config.activation)
                label = f"bound (γ σ_max(U))^(T−t), γ σ_max = {base:.3g}"
            self._theory_cache = cached = (U, self.config.activation, base, label)
        return cached[2], cached[3]

    def nonfinite_from(self) -> tuple[str, int] | None:
        """("forward" | "backward", t) where values first became inf or nan, or None."""
        if self.fwd.nonfinite_from is not None:
            return "forward", self.fwd.nonfinite_from
        if self.bwd is not None and self.bwd.nonfinite_from is not None:
            return "backward", self.bwd.nonfinite_from
        return None
