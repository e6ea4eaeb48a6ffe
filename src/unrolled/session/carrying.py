"""Where a session's batches come from: the task's samples, or, when the config carries
the state (`Config.carries_state`, char-lm), consecutive windows of the text each starting
from the previous one's final state (`text_stream`). A mixin of `Session`; no Qt.

The stepping batch X starts from `initial_state` (None: zeros). Training pulls windows from
the same stream: `training_batch`, then `carried_state` is the state that window starts
from, and `end_window` hands its final state on, so the gradient stops at the window's edge.
"""

from __future__ import annotations

import numpy as np

from ..engine import Network
from ..engine.carried import CarriedState
from ..engine.tasks import Task
from ..engine.tasks.char_lm import CharLM
from .config import Config
from .text_stream import TextStream


class CarriedWindows:
    config: Config
    task: Task
    net: Network
    _rng: np.random.Generator
    X: np.ndarray
    _stream: TextStream | None
    _batch_window: int  # the stream's window count when X was drawn from it
    initial_state: CarriedState | None  # the state the batch X starts from; None: zeros

    def _start_stream(self, first: tuple[np.ndarray, np.ndarray], given: bool) -> tuple[np.ndarray, np.ndarray]:
        """Start the stream for this config (or None); the first batch: the text's first
        window when the state is carried and no batch is `given`, else `first`, which then
        stands for that window (a comparison's second network: both train on the windows after it)."""
        c, task = self.config, self.task
        self.initial_state, self._batch_window = None, 0
        self._stream = TextStream(task, c.timesteps, c.batch_size) if c.carries_state and isinstance(task, CharLM) \
            else None
        if self._stream is None:
            return first
        batch = self._stream.next_window()
        self._batch_window = self._stream.windows
        return first if given else batch

    def training_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """A fresh batch (X, Y) from the task's stream (the next window of the text when the
        state is carried: see `carried_state`). Changes nothing a view shows (only where the
        stream is), so it sends no event."""
        if self._stream is not None:
            return self._stream.next_window()
        c = self.config
        return self.task.sample(c.timesteps, c.n_features, c.n_classes, c.batch_size, self._rng)

    @property
    def carried_state(self) -> CarriedState | None:
        """The state the batch `training_batch` last gave starts from (None: zeros)."""
        return None if self._stream is None else self._stream.window_state

    def end_window(self, final: CarriedState) -> None:
        """The final state of the window `training_batch` last gave, for the next window to
        start from (`Network.final_state`). Sends no event: nothing a view shows changed."""
        if self._stream is not None:
            self._stream.end_window(final)

    def _resume_stream(self, carried: dict[str, np.ndarray]) -> None:
        """Where a saved session's stream and batch were (`windows_arrays`)."""
        if self._stream is None or "carry.offset" not in carried:
            return
        self._stream.offset = int(carried["carry.offset"])
        self._stream.windows = self._batch_window = 1
        self.initial_state = _state(carried, "carry.initial.", self.net)
        self._stream.state = _state(carried, "carry.state.", self.net)

    def windows_arrays(self) -> dict[str, np.ndarray]:
        """What a saved session keeps of the stream: its offset, the state it carries on and
        the state the batch X starts from, under "carry." names; empty without a stream."""
        if self._stream is None:
            return {}
        out = {"carry.offset": np.array(self._stream.offset)}
        for prefix, state in (("carry.initial.", self.initial_state), ("carry.state.", self._stream.state)):
            for layer, part in enumerate(state or ()):
                out.update({f"{prefix}{layer}.{name}": value for name, value in part.items()})
        return out

    def _next_stepping_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The next batch to step through; with a carried state, the window after the last
        one drawn, starting from where that one ended (X's, under the weights now, when X
        is the last one drawn) and setting `initial_state`."""
        stream = self._stream
        if stream is None:
            return self.training_batch()
        if stream.windows == self._batch_window:  # training has not drawn since: X's own end
            stream.end_window(self.net.final_state(self.net.forward(self.X, self.initial_state)))
        batch = stream.next_window()
        self.initial_state, self._batch_window = stream.window_state, stream.windows
        return batch


def _state(arrays: dict[str, np.ndarray], prefix: str, net: Network) -> CarriedState | None:
    """The state saved under prefix ("carry.initial.0.h", ...), or None (zeros) when absent."""
    if f"{prefix}0.h" not in arrays:
        return None
    return [{name: np.array(arrays[f"{prefix}{layer}.{name}"], dtype=np.float64) for name in net.cell.state_names}
            for layer in range(net.layers)]
