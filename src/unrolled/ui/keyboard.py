"""The keyboard always steps: the transport's keys (Right, Left, Space, Shift+Right,
Ctrl+Right, R, N, Esc, and a presenter remote's PgDown / PgUp) reach the window's actions
whatever has focus in the window, the toolbar's Speed box or a panel's slider included.

A text field (a spin box, a line edit) claims those keys for itself through Qt's
ShortcutOverride event, so today a field that merely *has* focus (after a rebuild of the
views moved focus along the chain) swallows Right. Here a field keeps its editing keys
only while it is being edited: from a click into it or a key typed into it, until Enter
(which hands the keyboard back to the plots) or focus leaves it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import isValid

Key = QtCore.Qt.Key
TEXT_FIELDS = (QtWidgets.QLineEdit, QtWidgets.QAbstractSpinBox, QtWidgets.QTextEdit, QtWidgets.QPlainTextEdit)
ENTER = (Key.Key_Return, Key.Key_Enter)
NOT_EDITING = {Key.Key_Tab, Key.Key_Backtab, Key.Key_Return, Key.Key_Enter, Key.Key_Shift, Key.Key_Control,
               Key.Key_Alt, Key.Key_Meta}


def is_text_field(widget: QtWidgets.QWidget | None) -> bool:
    if isinstance(widget, QtWidgets.QComboBox):
        return widget.isEditable()
    return isinstance(widget, TEXT_FIELDS)


def key_text(event: QtGui.QKeyEvent) -> str:
    """The key as a QKeySequence string ("Shift+Right"); the keypad flag is left out."""
    modifiers = event.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier
    return QtGui.QKeySequence(QtCore.QKeyCombination(modifiers, Key(event.key()))).toString()


class SteppingKeys(QtCore.QObject):
    """Watches the widget that has focus in `window` (an event filter on it alone, moved as
    focus moves) and lets the stepping keys through to the window's actions.

    actions: those whose keys always step; home: gives the keyboard back to the plots."""

    def __init__(self, window: QtWidgets.QWidget, actions: Iterable[QtGui.QAction], home: Callable[[], None]):
        super().__init__(window)
        self._window = window
        self.keys = {seq.toString() for action in actions for seq in action.shortcuts()}
        self._home = home
        self._watched: list[QtWidgets.QWidget] = []
        self.editing = False
        app = QtWidgets.QApplication.instance()
        assert isinstance(app, QtWidgets.QApplication)
        app.focusChanged.connect(self._on_focus_changed)
        self._attached = True
        self._on_focus_changed(None, app.focusWidget())

    def detach(self) -> None:
        """The window closes: stop watching."""
        if self._attached:
            QtWidgets.QApplication.instance().focusChanged.disconnect(self._on_focus_changed)  # type: ignore[union-attr]
            self._attached = False
        self._watch(None)

    def _inside(self, widget: QtWidgets.QWidget) -> bool:
        top = widget.window()
        return top is self._window or (isinstance(top, QtWidgets.QDockWidget) and top.parentWidget() is self._window)

    def _watch(self, widget: QtWidgets.QWidget | None) -> None:
        for old in self._watched:
            if isValid(old):
                old.removeEventFilter(self)
        self._watched = []
        if widget is not None:
            inner = widget.lineEdit() if isinstance(widget, (QtWidgets.QAbstractSpinBox, QtWidgets.QComboBox)) else None
            self._watched = [w for w in (widget, inner) if w is not None]
        for w in self._watched:
            w.installEventFilter(self)

    def _on_focus_changed(self, old: QtWidgets.QWidget | None, new: QtWidgets.QWidget | None) -> None:
        inside = new is not None and isValid(new) and self._inside(new)
        self._watch(new if inside else None)
        # a click that gives a field the focus starts editing it; focus that lands on a field
        # by itself (a rebuild, a closed panel) does not
        pressed = QtWidgets.QApplication.mouseButtons() != QtCore.Qt.MouseButton.NoButton
        self.editing = inside and is_text_field(new) and pressed

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind == QtCore.QEvent.Type.ShortcutOverride:
            # True: the focus widget does not claim the key, so the window's action takes it
            return not self.editing and key_text(event) in self.keys  # type: ignore[arg-type]
        if kind == QtCore.QEvent.Type.MouseButtonPress:
            # a click into the text edits it; a click on a spin box's arrows (the box itself,
            # around its line edit) only changes the value: the keys go on stepping
            arrows = isinstance(watched, QtWidgets.QAbstractSpinBox)
            self.editing = bool(self._watched) and is_text_field(self._watched[0]) and not arrows
        elif kind == QtCore.QEvent.Type.KeyPress and self._watched and is_text_field(self._watched[0]):
            key = event.key()  # type: ignore[attr-defined]
            if key not in NOT_EDITING and key_text(event) not in self.keys:  # type: ignore[arg-type]
                self.editing = True
        elif kind == QtCore.QEvent.Type.KeyRelease and event.key() in ENTER and (  # type: ignore[attr-defined]
                self.editing or is_text_field(QtWidgets.QApplication.focusWidget())):
            self.editing = False
            self._home()  # Enter commits a field; stepping takes the keyboard again
        return False
