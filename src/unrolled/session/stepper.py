"""The session: one network, its batch, and the step machine over training iterations.

One iteration is 2N + 2 steps, N = T for one layer in one direction (`step_order`):

    forward (every layer, direction, t)  ->  loss  ->  backward (the reverse)  ->  update

`step()` takes one, `step_back()` undoes one exactly (arrays restored bit for bit), across
the boundary into the previous iteration too, as far back as the undo budget reaches. The
session is the only writer of its state. Training, comparing, files and export ask it:
`training_batch`, `checkpoint` / `restore`, `apply_update`, `iteration_start`,
`replay_iteration`, `Session.resume`. Every public method that changes the session sends
exactly one `changed` event, whose `Change` flag says what moved (PARAMS only when the
weights did); a method that raises has changed nothing and sends nothing. Notebooks: see constructors.py."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..engine import with_spectral_radius
from ..engine.quoting import quoted
from ..engine.traces import BackwardTrace, ForwardTrace
from .building import check_weights, memory_limit
from .carrying import CarriedWindows
from .config import FIELDS, Config, ConfigError
from .constructors import Constructors
from .display import Displayed
from .events import Change, Signal
from .iteration import Checkpoint, IterationRecord, IterationState, Phase
from .own_model import OPENING, OwnModel, build_session, open_model
from .readings import Readings
from .step_order import Place, StepOrder, order_of
from .theory import TheoryRates, gradient_verdict
from .updates import UpdateRejected, apply_update, restore_weights, take_checkpoint

UNDO_BUDGET_BYTES = 64 * 2**20  # completed iterations kept for stepping back (every array counted)

__all__ = ["Change", "IterationRecord", "Phase", "Place", "Session", "UpdateRejected", "gradient_verdict",
           "memory_limit"]


class Session(Readings, Constructors, CarriedWindows, Displayed):
    def __init__(self, config: Config | None = None, batch: tuple[np.ndarray, np.ndarray] | None = None,
                 model: OwnModel | None = None):
        """batch: (X, Y) to step through instead of the task's first sample (see `build`);
        model: a user's own model in place of the task (a config naming weights opens them)."""
        self.changed = Signal()
        self._build((config or Config()).validated(), batch, model)

    @classmethod
    def from_torch(cls, model, X=None, Y=None, **options) -> Session:
        """A session on an nn.Module (its state_dict() only), a state dict or a weights file: `open_model`."""
        own = open_model(model, X, Y, **{name: options.pop(name) for name in OPENING if name in options})
        return cls(own.config(**options), model=own)

    # -- building ---------------------------------------------------------------------
    def _build(self, config: Config, batch: tuple[np.ndarray, np.ndarray] | None = None,
               model: OwnModel | None = None) -> None:
        model, (config, task, net, optimiser, rng, (X, Y), current) = build_session(config, batch, model)
        # all built: only now replace the old state, so a failure above changes nothing
        self.own_model = model
        self.config, self.task, self.net, self.optimiser = config, task, net, optimiser
        self._rng = rng
        self.X, self.Y = self._start_stream((X, Y), given=batch is not None)
        self.iteration = 0
        self.history: list[IterationRecord] = []
        self._previous: list[tuple[IterationState, int]] = []  # completed iterations and their bytes, oldest first
        self._current = current if self.X is X else IterationState(net.begin_forward(self.X))
        self._theory_rates = TheoryRates()  # of this iteration's U (its packed weights), once
        self.weights_version = getattr(self, "weights_version", 0) + 1

    def reconfigure(self, **changes) -> None:
        """Rebuild with changed settings. On any problem, raise ConfigError and keep
        everything as it was."""
        self.adopt(self.rebuilt(**changes))

    def rebuilt(self, **changes) -> Session:
        """A new session with changed settings, built completely (this one is untouched, so
        a UI may build it in a worker thread and `adopt` it); ConfigError says what is wrong,
        MemoryError included."""
        config = self.config.replace(**changes)
        if "task" in changes:
            config = config.resolved()
            if "input" not in changes:  # another task: its own samples, not the old sentence
                config = config.replace(input="")
        config.validated()
        try:
            return Session(config, model=self.own_model)
        except MemoryError as error:
            detail = error or "T, D, F, C or B"
            raise ConfigError({"config": f"not enough memory for these sizes ({detail})"}) from error
        except ValueError as error:
            raise ConfigError({"config": str(error)}) from error

    def adopt(self, other: Session) -> None:
        """Become `other` (an opened file, say), keeping this session's observers."""
        changed, version = self.changed, self.weights_version
        self.__dict__.update(other.__dict__)
        self.changed, self.weights_version = changed, version + 1
        self.changed.emit(Change.ALL)

    def reset(self) -> None:
        """Fresh weights and sample from the seed; iteration 0, nothing computed."""
        self._build(self.config, model=self.own_model)
        self.changed.emit(Change.ALL)

    def new_sample(self) -> None:
        """A new batch from the task (weights kept); the iteration starts over."""
        self.X, self.Y = self._next_stepping_batch()
        self._restart()
        self.changed.emit(Change.STEP | Change.REBUILT)

    def use_sentence(self, text: str) -> None:
        """Step through a sentence typed from the task's vocabulary, with the weights as they
        are: it becomes the batch (B = 1), T follows its length, and the iteration starts
        over. ConfigError names unknown words and lists the vocabulary; nothing changes then."""
        words = text.split()
        if not words:
            raise ConfigError({"input": f"type a sentence; the vocabulary is: {' '.join(self.vocabulary() or ())}"})
        # T follows the sentence: checked as the config the session will hold, which a saved
        # file of it must hold too, before the sentence is encoded or anything is set
        if len(words) > FIELDS["timesteps"].maximum:
            raise ConfigError({"input": f"{len(words)} words; a sentence has at most "
                                        f"{FIELDS['timesteps'].maximum:g} (T is its length)"})
        config = self.config.replace(input=" ".join(words), timesteps=len(words), batch_size=1).validated()
        if config.estimated_trace_bytes() > memory_limit():  # as opening a file of it would refuse
            raise ConfigError({"input": f"{len(words)} words need about "
                                        f"{config.estimated_trace_bytes() / 2**30:.1f} GB for one iteration: "
                                        "type a shorter sentence or choose a smaller D"})
        X, Y = self.task.encode(config.input, config.n_features, config.n_classes)
        self.X, self.Y, self.config = X, Y, config
        self._restart()
        self.changed.emit(Change.STEP | Change.REBUILT)

    def vocabulary(self) -> tuple[str, ...] | None:
        """The words a typed sentence may use, or None when the task takes none."""
        return self.task.vocabulary(self.config.n_features)

    @classmethod
    def resume(cls, config: Config, start: Checkpoint, batch: tuple[np.ndarray, np.ndarray],
               history: list[IterationRecord], position: int, model: OwnModel | None = None,
               carried: dict[str, np.ndarray] | None = None) -> Session:
        """A session at `position` steps into an iteration that began from `start` on
        `batch`, after `history`: what a saved file holds (carried: `windows_arrays`).
        ValueError says what does not fit."""
        session = cls(config, batch, model)
        session._resume_stream(carried or {})
        if not 0 <= position <= session.steps_per_iteration:
            raise ValueError(f"position {position} is outside 0..{session.steps_per_iteration}")
        if start.iteration < 0:
            raise ValueError(f"iteration {start.iteration} is negative")
        session._put_weights(start.params, require_all=True)
        session.optimiser.load_state_dict(start.optimiser_state)
        session.history = list(history)
        session.iteration = start.iteration
        session._restart()
        for _ in range(position):
            session._step()
        return session

    # -- where we are -----------------------------------------------------------------
    @property
    def T(self) -> int:
        return self.config.timesteps

    @property
    def order(self) -> StepOrder:
        """The step order of an iteration: T, layers and directions."""
        return order_of(self.config)

    @property
    def steps_per_iteration(self) -> int:
        return self.order.steps_per_iteration

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
        return self.order.phase(self.position)

    @property
    def t(self) -> int | None:
        """The timestep (1-based) the last step computed, in the forward or backward phase."""
        return self.place.t

    @property
    def place(self) -> Place:
        """(phase, layer, direction, t) of the last step; see `step_order.Place`."""
        return self.order.place(self.position)

    @property
    def loss(self) -> float | None:
        return None if self.bwd is None else self.bwd.loss

    @property
    def can_step_back(self) -> bool:
        return self.position > 0

    @property
    def loss_history(self) -> list[float]:
        return [r.loss for r in self.history]

    @property
    def undo_bytes(self) -> int:
        """Memory held by the completed iterations kept for stepping back."""
        return sum(size for _, size in self._previous)

    # -- stepping ---------------------------------------------------------------------
    def step(self) -> None:
        self.changed.emit(self._step())

    def _step(self) -> Change:
        cur, net = self._current, self.net
        position = cur.position + 1
        if cur.position == self.steps_per_iteration:  # start the next iteration
            self._keep_for_undo(cur)
            self._current = cur = IterationState(net.begin_forward(self.X, self.initial_state))
            self.iteration += 1
            position = 1
        change, N = Change.STEP, self.order.steps_per_pass
        if position <= N:
            net.forward_step(cur.fwd)
        elif position == N + 1:
            cur.bwd = net.begin_backward(cur.fwd, self.Y, track_last_step=self.config.mode == "many-to-many")
        elif position <= 2 * N + 1:
            assert cur.bwd is not None
            net.backward_step(cur.bwd, cur.fwd)
        else:
            assert cur.bwd is not None
            cur.before_update = self.checkpoint()
            record = self._apply(cur.bwd.grads, cur.bwd.loss, cur.before_update)
            self.history.append(record)
            change |= Change.HISTORY | (Change.PARAMS if record.applied else Change(0))
        cur.position = position
        return change

    def _keep_for_undo(self, done: IterationState) -> None:
        """Keep a completed iteration for stepping back; forget the oldest past the budget
        (the newest is always kept, so one step back across a boundary always works)."""
        self._previous.append((done, done.nbytes))
        while len(self._previous) > 1 and self.undo_bytes > UNDO_BUDGET_BYTES:
            del self._previous[0]

    def _apply(self, grads: dict[str, np.ndarray], loss: float, before: Checkpoint) -> IterationRecord:
        c = self.config
        record = apply_update(self.net, self.optimiser, grads, loss, c.clipping, c.clip_threshold, before)
        if record.applied:
            self.weights_version += 1
        return record

    def step_back(self) -> None:
        if not self.can_step_back:
            raise ValueError("step_back: nothing to undo")
        self.changed.emit(self._step_back())

    def _step_back(self) -> Change:
        cur, net = self._current, self.net
        if cur.position == 1 and self._previous:  # back into the previous, completed iteration
            self._current = self._previous.pop()[0]
            self.iteration -= 1
            return Change.STEP
        change = Change.STEP
        phase = self.phase
        if phase is Phase.FORWARD:
            net.forward_unstep(cur.fwd)
        elif phase is Phase.LOSS:
            cur.bwd = None
        elif phase is Phase.BACKWARD:
            assert cur.bwd is not None
            net.backward_unstep(cur.bwd)
        else:
            assert cur.before_update is not None
            record = self.history.pop()
            if record.applied:
                restore_weights(net, self.optimiser, cur.before_update)
                self.weights_version += 1
                change |= Change.PARAMS
            cur.before_update = None
            change |= Change.HISTORY
        cur.position -= 1
        return change

    def finish_phase(self) -> None:
        """Take one step, then go on to the end of the phase it entered: from the start,
        the whole forward pass; then the loss; then the whole backward pass; then the update."""
        self.advance(self.steps_to("phase"))

    def finish_layer(self) -> None:
        """Take one step, then go on to the end of the layer it entered (both directions);
        outside the passes, as `finish_phase`. One layer: the same as `finish_phase`."""
        self.advance(self.steps_to("layer"))

    def run_iteration(self) -> None:
        """Complete the current iteration (or run a whole new one if it is complete)."""
        self.advance(self.steps_to("iteration"))

    def advance(self, n: int) -> None:
        """Take n steps and tell the observers once."""
        change = Change.STEP
        for _ in range(n):
            change |= self._step()
        self.changed.emit(change)

    def steps_to(self, target: str) -> int:
        """How many steps finish the layer ("layer") or the phase ("phase") the next step
        enters, or complete the iteration ("iteration"); a UI runs that many in chunks."""
        return self.order.steps_to(self.position, target)

    # -- the weights ------------------------------------------------------------------
    def set_spectral_radius(self, rho: float, keep_position: bool = False) -> None:
        """Rescale every recurrent U to spectral radius rho now; the iteration restarts
        from its forward pass with the new weights, and with keep_position is replayed to
        the step it was at, so the plots follow at once."""
        if not (np.isfinite(rho) and rho > 0):
            raise ConfigError({"rho": f"got {quoted(rho)}, expected a number > 0"})
        config = self.config.replace(rho=float(rho)).validated()  # what a saved file of it holds
        scaled = {name: with_spectral_radius(self.net.params[name], rho) for name in self.net.recurrent_param_names()}
        position = min(self.position, self.steps_per_iteration - 1)  # never re-apply an update
        self._put_weights(scaled)
        self.config = config
        self._restart()
        for _ in range(position if keep_position else 0):
            self._step()
        self.changed.emit(Change.STEP | Change.PARAMS)

    def set_weights(self, params: dict[str, np.ndarray]) -> None:
        """Replace some or all weights (shapes must match); the iteration starts over from
        its forward pass, and what came before can no longer be stepped back into."""
        self._put_weights(params)
        self._restart()
        self.changed.emit(Change.STEP | Change.PARAMS)

    def _put_weights(self, params: dict[str, np.ndarray], require_all: bool = False) -> None:
        check_weights(self.net, params, require_all)
        for name, value in params.items():
            self.net.params[name] = np.array(value, dtype=np.float64)
        self.weights_version += 1

    def _restart(self) -> None:
        """The weights or the batch changed: the iteration starts over from its forward pass,
        and what came before can no longer be stepped back into."""
        self._previous = []
        self._current = IterationState(self.net.begin_forward(self.X, self.initial_state))

    def checkpoint(self) -> Checkpoint:
        """A copy of the weights and optimiser state now, for `restore`."""
        return take_checkpoint(self.net, self.optimiser, len(self.history), self.iteration)

    def iteration_start(self) -> Checkpoint:
        """The weights and optimiser state this iteration started from (before its update,
        if the update has been taken), and the history before it."""
        before = self._current.before_update
        return before if before is not None else self.checkpoint()

    def restore(self, checkpoint: Checkpoint) -> None:
        """Back to a checkpoint's weights, optimiser state and history; the iteration
        starts over from its forward pass."""
        restore_weights(self.net, self.optimiser, checkpoint)
        del self.history[checkpoint.history_length:]
        self.iteration = checkpoint.iteration
        self.weights_version += 1
        self._restart()
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    # -- training (and `training_batch`, `carried_state`, `end_window`: carrying.py) --
    def apply_update(self, grads: dict[str, np.ndarray], loss: float) -> IterationRecord:
        """A completed iteration computed elsewhere (training): clip, step, record it; the
        session then steps through its own batch afresh with the new weights. Raises
        UpdateRejected, changing nothing, when the gradient or the new weights are not finite."""
        before = self.checkpoint()
        record = self._apply(grads, loss, before)
        if not record.applied:
            raise UpdateRejected(record)
        self.history.append(record)
        self.iteration = len(self.history)
        self._restart()
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)
        return record

    def replay_iteration(self) -> Iterator[Session]:
        """A copy of this iteration replayed from its start: yields the copy before the first
        step and after each step. This session is untouched."""
        start = self.iteration_start()
        replay = Session.resume(self.config, start, (self.X, self.Y), self.history[:start.history_length], 0,
                                self.own_model, self.windows_arrays())
        yield replay
        for _ in range(replay.steps_per_iteration):
            replay.step()
            yield replay
