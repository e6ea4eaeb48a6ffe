"""A clock that moves only when a test says so, for what takes a `clock` (the redraw
throttle): timing is then driven, never waited for."""

from __future__ import annotations


class FakeClock:
    """Seconds, as time.perf_counter() gives them: `now` until `advance` moves it on."""

    def __init__(self, now: float = 0.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        assert seconds >= 0, "a clock never goes back"
        self.now += seconds
