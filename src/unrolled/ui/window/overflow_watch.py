"""Where values first became inf or nan, asked at every step by the status bar, found by
looking only at the steps taken since it was last asked: the session's own answer scans
the whole trace (at T = 1000, D = 256 that is ~10 ms a step, twice per status refresh)."""

from __future__ import annotations

from ...engine.traces import first_nonfinite_step
from ...session.stepper import Session


class _TraceWatch:
    """The first non-finite step of one trace, kept up to date as its steps_done grows."""

    def __init__(self):
        self._trace: object = None
        self._done = 0
        self._first: int | None = None

    def first(self, trace, arrays, steps_of) -> int | None:
        """steps_of(a, b): the range of 0-based timesteps steps a..b-1 of the pass cover."""
        done = trace.steps_done
        if trace is not self._trace or done < self._done:  # a new pass, or a step undone
            self._trace, self._done, self._first = trace, 0, None
        if self._first is None and done > self._done:
            self._first = first_nonfinite_step(arrays, steps_of(self._done, done))
        self._done = done
        return self._first


class OverflowWatch:
    """session.nonfinite_from(), incrementally: ("forward" | "backward", t) or None."""

    def __init__(self):
        self._forward = _TraceWatch()
        self._backward = _TraceWatch()

    def __call__(self, session: Session) -> tuple[str, int] | None:
        fwd = session.fwd
        t = self._forward.first(fwd, (fwd.h, fwd.c), lambda a, b: range(a, b))
        if t is not None:
            return "forward", t
        bwd = session.bwd
        if bwd is None:
            return None
        T = bwd.T  # the backward pass runs from T down: its k-th step is timestep T - k
        t = self._backward.first(bwd, (bwd.dh, bwd.dc), lambda a, b: range(T - 1 - a, T - 1 - b, -1))
        return None if t is None else ("backward", t)
