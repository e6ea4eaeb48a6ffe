"""Where values first became inf or nan, and the largest |h_t| so far, asked at every step by
the status bar, found by looking only at the steps taken since it was last asked: the
session's own answer scans the whole trace (at T = 1000, D = 256 that is ~10 ms a step,
twice per status refresh).

A network of several layers or two directions records each (layer, direction) in a trace of
its own, in the order that direction visits time; one layer in one direction is the key
(0, 0) and its trace is the pass itself."""

from __future__ import annotations

import numpy as np

from ..engine.stack_traces import Key, StackBackwardTrace, StackForwardTrace, natural_t
from ..engine.traces import LayerBackward, LayerTrace, first_nonfinite_step
from .iteration import Phase
from .step_order import Place
from .stepper import Session


def forward_layers(fwd) -> list[tuple[Key, LayerTrace]]:
    """(layer, direction) -> that direction's forward trace, in step order."""
    return list(fwd.layers.items()) if isinstance(fwd, StackForwardTrace) else [((0, 0), fwd)]


def backward_layers(bwd) -> list[tuple[Key, LayerBackward]]:
    """(layer, direction) -> that direction's backward trace, in backward step order."""
    return list(reversed(bwd.layers.items())) if isinstance(bwd, StackBackwardTrace) else [((0, 0), bwd)]


class _TraceWatch:
    """The first non-finite step of one trace, kept up to date as its steps_done grows."""

    def __init__(self):
        self._trace: object = None
        self._done = 0
        self._first: int | None = None

    def first(self, trace, arrays, steps_of) -> int | None:
        """steps_of(a, b): the range of 0-based indices (in the trace's own time order)
        steps a..b-1 of the pass cover."""
        done = trace.steps_done
        if trace is not self._trace or done < self._done:  # a new pass, or a step undone
            self._trace, self._done, self._first = trace, 0, None
        if self._first is None and done > self._done:
            self._first = first_nonfinite_step(arrays, steps_of(self._done, done))
        self._done = done
        return self._first


class OverflowWatch:
    """session.nonfinite_place() (and nonfinite_from()), incrementally, over every layer and
    direction in step order."""

    def __init__(self):
        self._watches: dict[tuple[Phase, Key], _TraceWatch] = {}

    def _watch(self, phase: Phase, key: Key) -> _TraceWatch:
        return self._watches.setdefault((phase, key), _TraceWatch())

    def place(self, session: Session) -> Place | None:
        """(phase, layer, direction, t) of the first step whose values are inf or nan."""
        for (layer, direction), trace in forward_layers(session.fwd):
            i = self._watch(Phase.FORWARD, (layer, direction)).first(trace, (trace.h, trace.c), range)
            if i is not None:
                return Place(Phase.FORWARD, layer, direction, natural_t(direction, i - 1, trace.T) + 1)
            if not trace.complete:  # the layers above have not begun
                break
        bwd = session.bwd
        if bwd is None:
            return None
        for (layer, direction), part in backward_layers(bwd):
            T = part.T  # a direction's backward pass runs from its own T down
            i = self._watch(Phase.BACKWARD, (layer, direction)).first(
                part, (part.dh, part.dc), lambda a, b, T=T: range(T - 1 - a, T - 1 - b, -1))
            if i is not None:
                return Place(Phase.BACKWARD, layer, direction, natural_t(direction, i - 1, T) + 1)
            if not part.complete:
                break
        return None

    def __call__(self, session: Session) -> tuple[str, int] | None:
        """("forward" | "backward", t), as session.nonfinite_from()."""
        place = self.place(session)
        return None if place is None or place.t is None else (place.phase.value, place.t)


class LargestState:
    """max |h_t| over every layer and direction computed so far, looking only at the steps
    taken since it was last asked (it changes only with the forward pass)."""

    def __init__(self):
        self._seen: dict[Key, tuple[object, int, float]] = {}  # key -> (trace, steps done, max |h|)

    def __call__(self, session: Session) -> float:
        largest = 0.0
        for key, trace in forward_layers(session.fwd):
            old, done, most = self._seen.get(key, (None, 0, 0.0))
            now = trace.steps_done
            if old is not trace or now < done:  # a new pass, or a step undone
                done, most = 0, 0.0
            if now > done:
                most = max(most, float(np.max(np.abs(trace.h[:, done:now]))))
            self._seen[key] = (trace, now, most)
            largest = max(largest, most)
        return largest
