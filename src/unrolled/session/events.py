"""A minimal signal: views subscribe to the session without the session knowing Qt."""

from __future__ import annotations

import enum
from collections.abc import Callable


class Change(enum.Flag):
    """What a session event changed, so a view redraws only what it shows."""

    STEP = enum.auto()  # the position within the iteration (traces grew or shrank)
    PARAMS = enum.auto()  # the weights (update step, rho rescale)
    HISTORY = enum.auto()  # the loss / clipping history
    REBUILT = enum.auto()  # config, network, batch: everything
    ALL = STEP | PARAMS | HISTORY | REBUILT


class Signal:
    def __init__(self) -> None:
        self._slots: list[Callable] = []

    def connect(self, slot: Callable) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self._slots):
            slot(*args)
