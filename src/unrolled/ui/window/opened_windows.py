"""The windows the main window opens on demand: a comparison (beside it, or over its plots
for a lesson's stop), the success-rate sweep and the gradient check; each placed whole on
the screen, and closed with the main window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets
from shiboken6 import isValid

from ...session.config import WEIGHTS_FIELDS
from ...session.stepper import Session

if TYPE_CHECKING:  # opened on demand: their imports wait until then
    from ..windows.compare_window import CompareWindow
    from ..windows.sweep_window import SweepWindow

TITLE_BAR_MAX_PX = 40  # a window manager's frame above a window's inside, at most
FRAME_KNOWN_MS = 300  # a new window's frame (title bar) is known by then


def screen_room(widget: QtWidgets.QWidget) -> QtCore.QRect:
    """The available geometry of the widget's screen (less panels and docks)."""
    screen = widget.screen() or QtWidgets.QApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 1366, 768)


def place_on_screen(window: QtWidgets.QWidget, want: QtCore.QRect, room: QtCore.QRect) -> None:
    """Put `window`, frame and title bar included, on `want` cut to `room` (or as near it
    as its minimum size allows, still on screen). Before the window manager has framed it
    the title bar is taken to be TITLE_BAR_MAX_PX tall."""
    frame, inside = window.frameGeometry(), window.geometry()
    top = inside.top() - frame.top() if window.isVisible() and frame != inside else TITLE_BAR_MAX_PX
    side = inside.left() - frame.left() if window.isVisible() and frame != inside else 0
    bottom = frame.bottom() - inside.bottom() if window.isVisible() and frame != inside else side
    target = want & room
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    width = min(max(target.width() - 2 * side, minimum.width()), room.width() - 2 * side)
    height = min(max(target.height() - top - bottom, minimum.height()), room.height() - top - bottom)
    x = min(max(target.left(), room.left()), room.right() + 1 - width - 2 * side)
    y = min(max(target.top(), room.top()), room.bottom() + 1 - height - top - bottom)
    window.resize(width, height)
    window.move(x, y)  # move() places the frame's corner, resize() sizes the inside


class OpenedWindows:
    """The comparison, sweep and gradient-check windows of `owner` (the main window), on
    its session. compare_changes() -> the comparison to open (a preset's or a stop's, None:
    the other cell); pause() holds the owner's play; focus_home() gives the keyboard back
    to its plots."""

    def __init__(self, owner: QtWidgets.QWidget, session: Session, compare_changes: Callable[[], dict | None],
                 pause: Callable[[], None], focus_home: Callable[[], None]):
        self.owner, self.session = owner, session
        self._compare_changes, self._pause, self._focus_home = compare_changes, pause, focus_home
        self.compare: CompareWindow | None = None
        self.sweep: SweepWindow | None = None
        self.gradcheck: QtWidgets.QDialog | None = None

    def open_compare(self, over: QtCore.QRect | None = None) -> None:
        """A window with A = the owner's config and B = the preset's comparison (or the
        other cell). Beside the owner; or, given `over` (a lesson: the plot area, in screen
        coordinates), a window of the owner's, in front of it over that rectangle."""
        from ..windows.compare_window import CompareWindow

        if self.compare is not None:
            self.compare.close()
        changes = self._compare_changes()
        if changes and self.session.config.weights and set(changes) & set(WEIGHTS_FIELDS):
            changes = None  # a preset's suggestion, of a model the opened weights replaced: B rescales their U
        try:
            self.compare = CompareWindow(self.session.config, changes)
        except ValueError as error:
            QtWidgets.QMessageBox.warning(self.owner, "Cannot compare", str(error))
            return
        compare, owner = self.compare, self.owner
        room = screen_room(owner)
        if over is None:
            width = min(compare.width(), room.width() // 2)
            want = QtCore.QRect(room.right() - width, room.top(), width, room.height() * 3 // 4 + TITLE_BAR_MAX_PX)
            want.moveBottom(room.bottom())
        else:
            # its own window, in front of the owner even when the owner has the keyboard: a
            # tool window of the owner's (transient for it), which a window manager keeps above
            # it (a plain window goes behind at the first click on the owner)
            flags = compare.windowFlags() & ~QtCore.Qt.WindowType.WindowType_Mask
            compare.setParent(owner, flags | QtCore.Qt.WindowType.Tool)
            want = over
        place_on_screen(compare, want, room)
        compare.show()
        compare.raise_()
        # the window manager's frame is known once the window is mapped: fitted again then
        QtCore.QTimer.singleShot(FRAME_KNOWN_MS, compare, lambda: self._place_again(compare, want))

    def _place_again(self, compare: QtWidgets.QWidget, want: QtCore.QRect) -> None:
        """Fitted once its frame is known; not when the owner closed meanwhile (the comparison,
        closed with it, outlives it a moment)."""
        if isValid(self.owner):
            place_on_screen(compare, want, screen_room(self.owner))

    def open_sweep(self) -> None:
        from ..windows.sweep_window import SweepWindow

        if self.sweep is None:
            self.sweep = SweepWindow()
        self.sweep.show()
        self.sweep.raise_()

    def check_gradients(self) -> None:
        from ..dialogs.gradcheck_dialog import GradcheckDialog

        self._pause()
        self.gradcheck = GradcheckDialog(self.session, self.owner)
        # beside the owner, not in front of its keyboard: a presenter remote's PageDown
        # still steps while the check runs and its result is on screen
        self.gradcheck.setAttribute(QtCore.Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.gradcheck.show()
        self.owner.activateWindow()
        self._focus_home()

    def close(self) -> None:
        for window in (self.compare, self.sweep, self.gradcheck):
            if window is not None:
                window.close()  # the gradient check's worker is waited for
