"""A panel that works only while it can be seen: a change of the session marks it stale;
it refreshes at once when visible, else when it is next shown. Hidden on another tab or
closed, it costs a step nothing."""

from __future__ import annotations

from ...session.events import Change


class RefreshWhenSeen:
    """Mixin for a QWidget with `refresh()` (which clears `_stale`); connect the session's
    `changed` to `_on_session_changed`."""

    _stale = True

    def _on_session_changed(self, change: Change) -> None:
        self._stale = True
        if self.isVisible():  # type: ignore[attr-defined]
            self.refresh()  # type: ignore[attr-defined]

    def showEvent(self, event) -> None:
        super().showEvent(event)  # type: ignore[misc]
        if self._stale:
            self.refresh()  # type: ignore[attr-defined]
