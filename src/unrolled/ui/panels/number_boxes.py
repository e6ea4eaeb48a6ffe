"""Spin boxes that let a typed number beyond their range through to be refused out loud,
and fields that the mouse wheel passes over unless they have the keyboard.

Qt's own spin boxes drop the keystroke that would leave the range: typing 99999 into a
box whose largest value is 5000 leaves 9999, or 999, without a word, and 1e3 becomes 13.
These boxes accept any number while typing; when editing finishes with one Qt cannot take
(out of range, or written 1e3), Qt puts the last good value back and `refused` holds the
number typed, for the panel to apply or to explain.
"""

from __future__ import annotations

import re

from PySide6 import QtCore, QtGui, QtWidgets

State = QtGui.QValidator.State
# what can become a number while it is typed: 99999, -0.5, 1e3, 2.5e-
PARTIAL_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?\d*)?")


class _Refusing:
    """Mixin over a Qt spin box: out-of-range numbers are Intermediate, not Invalid."""

    refused: float | None = None

    def _bare(self, text: str) -> str:
        """The text without the box's prefix and suffix."""
        text = text.strip()
        prefix, suffix = self.prefix(), self.suffix()  # type: ignore[attr-defined]  # mixin: the spin box has them
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        return text.strip().replace(",", "")

    def _number(self, text: str) -> float | None:
        """The number typed: an int when written as one ("9"), else a float ("2.0", "1e3"),
        so that a field that takes whole numbers alone can tell "2.0" from "2"."""
        bare = self._bare(text)
        for kind in (int, float):
            try:
                return kind(bare)
            except ValueError:
                pass
        return None

    def validate(self, text: str, pos: int):
        state, text, pos = super().validate(text, pos)  # type: ignore[misc]  # mixin: the spin box's
        if state == State.Invalid and PARTIAL_NUMBER.fullmatch(self._bare(text)):
            state = State.Intermediate  # keep typing (1e3 too); judged when editing finishes
        return state, text, pos

    def fixup(self, text: str) -> str:
        """Called when editing finishes on text Qt will not accept; remember the number."""
        self.refused = self._number(text)
        return super().fixup(text)  # type: ignore[misc]  # mixin: the spin box's

    def take_refused(self) -> float | None:
        value, self.refused = self.refused, None
        return value


class _WheelWhenFocused:
    """The wheel scrolls the panel past the field; it turns the value only once the field
    has the keyboard (clicked): one notch over Cell rebuilt the model as an RNN became an
    LSTM, losing the preset."""

    def _keep_wheel_for_focus(self) -> None:
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)  # type: ignore[attr-defined]  # mixin over a widget

    def wheelEvent(self, event) -> None:
        if self.hasFocus():  # type: ignore[attr-defined]  # mixin over a widget
            super().wheelEvent(event)  # type: ignore[misc]  # mixin: the widget's
        else:
            event.ignore()  # to the scroll area around


class WholeNumberBox(_WheelWhenFocused, _Refusing, QtWidgets.QSpinBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._keep_wheel_for_focus()


class RealNumberBox(_WheelWhenFocused, _Refusing, QtWidgets.QDoubleSpinBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._keep_wheel_for_focus()


class ChoiceBox(_WheelWhenFocused, QtWidgets.QComboBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._keep_wheel_for_focus()
