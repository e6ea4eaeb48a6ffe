"""A presenter remote's keys in a lesson: while a lesson is on, PageDown and PageUp belong
to it (taken from Step and Step back, and given back when the lesson ends), in the window
and in a comparison the stop opened."""

from __future__ import annotations

from PySide6 import QtGui

from ..control.transport import Transport

# the transport command whose presenter-remote key the lesson takes while it runs
REMOTE_KEYS = {"step": "PgDown", "step_back": "PgUp"}


def release(transport: Transport) -> dict[str, list[QtGui.QKeySequence]]:
    """The remote's keys taken from the transport's commands; their shortcuts as they were."""
    taken = {}
    for name, key in REMOTE_KEYS.items():
        action = transport.actions[name]
        taken[name] = action.shortcuts()
        action.setShortcuts([k for k in action.shortcuts() if k.toString() != key])
    return taken


class RemoteKeys:
    """PageDown and PageUp for the lesson's own actions (page_down, page_up) while a lesson
    runs, given back to the window's transport at its end."""

    def __init__(self, transport: Transport, page_down: QtGui.QAction, page_up: QtGui.QAction):
        self.transport, self.page_down, self.page_up = transport, page_down, page_up
        self._taken: dict[str, list[QtGui.QKeySequence]] = {}

    def take(self) -> None:
        if self._taken:
            return
        self._taken = release(self.transport)
        self.page_down.setShortcut(QtGui.QKeySequence(REMOTE_KEYS["step"]))
        self.page_up.setShortcut(QtGui.QKeySequence(REMOTE_KEYS["step_back"]))

    def give_back(self) -> None:
        self.page_down.setShortcuts([])
        self.page_up.setShortcuts([])
        for name, keys in self._taken.items():
            self.transport.actions[name].setShortcuts(keys)
        self._taken = {}
