"""The keyboard always steps, and typing never runs a command.

The stepping keys (Right, Left, Space, Shift+Right, Ctrl+Right, Esc, and a presenter
remote's PgDown / PgUp) reach the window's actions whatever has focus in the window, the
toolbar's Speed box or a panel's slider included. A text field (a spin box, a line edit)
claims keys for itself through Qt's ShortcutOverride event, so a field that merely *has*
focus (after a rebuild of the views moved focus along the chain) would swallow Right. Here
a field keeps its editing keys only while it is being edited: from a click into it or a key
typed into it, until Enter (which hands the keyboard back to the plots) or focus leaves it.

The one-letter shortcuts (T, R, N: any shortcut that is a single printable character) are
also what a user types. They act only while no text field could have been meant
(`actions.LETTER_KEYS_RULE` states it to the user): never while a text field has focus, and
not after a mouse press into a text field, within NEAR_FIELD px of one, or anywhere in a
dock that holds one, until a press elsewhere (the plots, any button), a stepping command,
Enter or focus coming back to the plots. And a one-letter command waits LETTER_WAIT_MS
before it acts: a character typed meanwhile shows that a word is being typed ("the
professor" after a click that missed every field), so the command is dropped and the
letters are off as after a press beside a field. A Space within TYPING_GAP seconds of a
typed character is part of the typing and does not play."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable

from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import isValid

from .actions import is_letter_key


@functools.cache
def _keys() -> tuple[frozenset, frozenset]:
    """(Enter's keys, the keys that edit nothing), built at the first key event: PySide6
    builds Qt.Key's 500 members at its first use, which the first window need not wait for."""
    key = QtCore.Qt.Key
    enter = frozenset({key.Key_Return, key.Key_Enter})
    return enter, enter | {key.Key_Tab, key.Key_Backtab, key.Key_Shift, key.Key_Control, key.Key_Alt, key.Key_Meta}


TEXT_FIELDS = (QtWidgets.QLineEdit, QtWidgets.QAbstractSpinBox, QtWidgets.QTextEdit, QtWidgets.QPlainTextEdit)
NEAR_FIELD = 24  # px around a text field: a mouse press this close may have been meant for it
TYPING_GAP = 1.5  # s: a Space this soon after a typed character is part of the typing
# ms a one-letter command waits for the next character: shorter than a key held for a command
# is noticed, longer than the gap between two letters of a typed word
LETTER_WAIT_MS = 350
COMMAND_MODIFIERS = (QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.AltModifier
                     | QtCore.Qt.KeyboardModifier.MetaModifier)
LETTERS_OFF = ("Typing went to no field and ran nothing: click into the field to type, "
               "or on the plots to use T, R and N again")


def is_text_field(widget: QtWidgets.QWidget | None) -> bool:
    if isinstance(widget, QtWidgets.QComboBox):
        return widget.isEditable()
    return isinstance(widget, TEXT_FIELDS)


def _text_fields(root: QtWidgets.QWidget) -> list[QtWidgets.QWidget]:
    """The visible, enabled text fields inside `root`."""
    found = root.findChildren(QtWidgets.QWidget)
    return [w for w in found if is_text_field(w) and w.isVisible() and w.isEnabled()]


def key_text(event: QtGui.QKeyEvent) -> str:
    """The key as a QKeySequence string ("Shift+Right"); the keypad flag is left out."""
    modifiers = event.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier
    return QtGui.QKeySequence(QtCore.QKeyCombination(modifiers, QtCore.Qt.Key(event.key()))).toString()


class SteppingKeys(QtCore.QObject):
    """Watches the widget that has focus in `window` (an event filter on it alone, moved as
    focus moves) and lets the stepping keys through to the window's actions; watches the
    window's mouse presses (at its QWindow, before any widget sees them) and the window's
    one-letter actions, which it lets act only while no text field could have been meant.

    actions: those whose keys always step; home: gives the keyboard back to the plots (a
    method of the plots' widget: focus arriving there gives the one-letter keys back);
    tell(text): says why a typed key ran nothing (a status line), optional."""

    def __init__(self, window: QtWidgets.QWidget, actions: Iterable[QtGui.QAction], home: Callable[[], None],
                 tell: Callable[[str], object] | None = None):
        super().__init__(window)
        self._window = window
        stepping = list(actions)
        self._stepping = stepping
        self._home = home
        plots = getattr(home, "__self__", None)
        self._plots = plots if isinstance(plots, QtWidgets.QWidget) else None
        self._tell = tell
        self._watched: list[QtWidgets.QWidget] = []
        self.editing = False
        self.letters_on = True  # no press into, beside or in a panel with a text field since the last reset
        self._typed_at = -TYPING_GAP  # time.monotonic() of the latest typed character that ran nothing
        self._letter_actions: list[QtGui.QAction] = []
        self._pending: QtGui.QAction | None = None  # a one-letter command waiting for LETTER_WAIT_MS
        self._wait = QtCore.QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.setInterval(LETTER_WAIT_MS)
        self._wait.timeout.connect(self._act_pending)
        self._space_actions: list[QtGui.QAction] = []
        self._rearming = [a for a in stepping if a.shortcuts()
                          and not any(is_letter_key(k.toString()) or k.toString() == "Space" for k in a.shortcuts())]
        for action in self._rearming:
            action.triggered.connect(self._letters_back)
        for action in window.actions():
            self._watch_action(action)
        self._handle: QtGui.QWindow | None = None
        window.installEventFilter(self)  # its QWindow is made at the first show; actions added later
        self._hook_window_handle()
        app = QtWidgets.QApplication.instance()
        assert isinstance(app, QtWidgets.QApplication)
        app.focusChanged.connect(self._on_focus_changed)
        self._attached = True
        self._on_focus_changed(None, app.focusWidget())

    def detach(self) -> None:
        """The window closes: stop watching."""
        self._wait.stop()
        self._pending = None
        if self._attached:
            QtWidgets.QApplication.instance().focusChanged.disconnect(self._on_focus_changed)  # type: ignore[union-attr]  # a QApplication
            for action in self._rearming:
                if isValid(action):
                    action.triggered.disconnect(self._letters_back)
            for obj in (self._window, self._handle, *self._letter_actions, *self._space_actions):
                if obj is not None and isValid(obj):
                    obj.removeEventFilter(self)
            self._attached = False
        self._watch(None)

    @property
    def keys(self) -> set[str]:
        """The stepping actions' keys as they are now (a window may move a key between two
        of its actions, as Shift+Right between Finish phase and Finish layer)."""
        return {seq.toString() for action in self._stepping if isValid(action) for seq in action.shortcuts()
                if not is_letter_key(seq.toString())}

    # -- what is watched ----------------------------------------------------------------
    def _watch_action(self, action: QtGui.QAction) -> None:
        keys = [seq.toString() for seq in action.shortcuts()]
        if any(is_letter_key(k) for k in keys) and action not in self._letter_actions:
            self._letter_actions.append(action)
            action.installEventFilter(self)  # it receives QEvent.Shortcut from its key alone
        elif "Space" in keys and action not in self._space_actions:
            self._space_actions.append(action)
            action.installEventFilter(self)

    def _hook_window_handle(self) -> None:
        handle = self._window.windowHandle()
        if handle is self._handle:
            return
        if self._handle is not None and isValid(self._handle):
            self._handle.removeEventFilter(self)
        self._handle = handle
        if handle is not None:
            handle.installEventFilter(self)

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

    # -- the one-letter keys --------------------------------------------------------------
    def letters_allowed(self) -> bool:
        """May a one-letter shortcut act now? Not while a text field has the keyboard, nor
        after a press that may have been meant for one."""
        return self.letters_on and not is_text_field(QtWidgets.QApplication.focusWidget())

    def _letters_back(self) -> None:
        self.letters_on = True

    def _could_mean_a_field(self, point: QtCore.QPoint) -> bool:
        """A press at `point` (window coordinates): into a text field, within NEAR_FIELD px
        of one, or in a dock that holds one; a press on a button is a command, not a miss."""
        target = self._window.childAt(point)
        chain: list[QtWidgets.QWidget] = []
        while target is not None and target is not self._window:
            chain.append(target)
            target = target.parentWidget()
        if any(is_text_field(w) for w in chain):
            return True
        if any(isinstance(w, QtWidgets.QAbstractButton) for w in chain):
            return False
        dock = next((w for w in chain if isinstance(w, QtWidgets.QDockWidget)), None)
        if dock is not None and _text_fields(dock):
            return True
        origin = QtCore.QPoint(0, 0)
        for field in _text_fields(self._window):
            if field.window() is self._window:
                area = QtCore.QRect(field.mapTo(self._window, origin), field.size())
                if area.adjusted(-NEAR_FIELD, -NEAR_FIELD, NEAR_FIELD, NEAR_FIELD).contains(point):
                    return True
        return False

    def _typed_nowhere(self) -> None:
        self._typed_at = time.monotonic()
        if self._pending is not None:  # a letter right after a one-letter command: a word is being typed
            self._pending = None
            self._wait.stop()
            self.letters_on = False
        if self._tell is not None and not self.letters_on:
            self._tell(LETTERS_OFF)

    def _act_pending(self) -> None:
        action, self._pending = self._pending, None
        if action is not None and isValid(action):  # judged a command when pressed; no letter followed
            action.trigger()

    # -- events -----------------------------------------------------------------------------
    def _on_focus_changed(self, old: QtWidgets.QWidget | None, new: QtWidgets.QWidget | None) -> None:
        inside = new is not None and isValid(new) and self._inside(new)
        self._watch(new if inside else None)
        # a click that gives a field the focus starts editing it; focus that lands on a field
        # by itself (a rebuild, a closed panel) does not
        pressed = QtWidgets.QApplication.mouseButtons() != QtCore.Qt.MouseButton.NoButton
        self.editing = inside and is_text_field(new) and pressed
        plots = self._plots
        if inside and new is not None and plots is not None and isValid(plots) \
                and (new is plots or plots.isAncestorOf(new)) and not is_text_field(new):
            self.letters_on = True  # the keyboard is back with the plots

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        # `event` arrives as its own class (PySide6 casts it by its type): each ignore below
        # reads a member of the class its type names
        kind = event.type()
        if kind == QtCore.QEvent.Type.Shortcut:
            return self._on_shortcut(watched)
        if watched is self._handle:
            if kind == QtCore.QEvent.Type.MouseButtonPress:
                self.letters_on = not self._could_mean_a_field(event.position().toPoint())  # type: ignore[attr-defined]  # QMouseEvent
            return False
        if watched is self._window:
            self._on_window_event(event)
            if watched not in self._watched:
                return False
        if kind == QtCore.QEvent.Type.ShortcutOverride:
            # True: the focus widget does not claim the key, so the window's action takes it
            return not self.editing and key_text(event) in self.keys  # type: ignore[arg-type]  # a QKeyEvent
        if kind == QtCore.QEvent.Type.MouseButtonPress:
            # a click into the text edits it; a click on a spin box's arrows (the box itself,
            # around its line edit) only changes the value: the keys go on stepping
            arrows = isinstance(watched, QtWidgets.QAbstractSpinBox)
            self.editing = bool(self._watched) and is_text_field(self._watched[0]) and not arrows
        elif kind == QtCore.QEvent.Type.KeyPress:
            self._on_key_press(event)  # type: ignore[arg-type]  # a QKeyEvent
        elif kind == QtCore.QEvent.Type.KeyRelease and event.key() in _keys()[0] and (  # type: ignore[attr-defined]  # a QKeyEvent
                self.editing or is_text_field(QtWidgets.QApplication.focusWidget())):
            self.editing = False
            self.letters_on = True
            self._home()  # Enter commits a field; stepping takes the keyboard again
        return False

    def _on_shortcut(self, action: QtCore.QObject) -> bool:
        """True when the shortcut's key is taken here, not as its action's command."""
        if action in self._letter_actions:
            if self.letters_allowed() and self._pending is None:
                self._pending = action
                self._wait.start()
                return True  # it acts once no character follows within LETTER_WAIT_MS
            self._typed_nowhere()
            return True  # the key was typed, not meant as the command
        if action in self._space_actions and time.monotonic() - self._typed_at < TYPING_GAP:
            self._typed_at = time.monotonic()
            return True  # the space between typed words
        return False

    def _on_window_event(self, event: QtCore.QEvent) -> None:
        kind = event.type()
        if kind in (QtCore.QEvent.Type.Show, QtCore.QEvent.Type.WinIdChange):
            self._hook_window_handle()
        elif kind == QtCore.QEvent.Type.ActionAdded:
            self._watch_action(event.action())  # type: ignore[attr-defined]  # a QActionEvent

    def _on_key_press(self, event: QtGui.QKeyEvent) -> None:
        if self._watched and is_text_field(self._watched[0]):
            if event.key() not in _keys()[1] and key_text(event) not in self.keys:
                self.editing = True
        elif event.text() and event.text().isprintable() and not event.modifiers() & COMMAND_MODIFIERS:
            self._typed_nowhere()  # a character the focus widget has no use for
