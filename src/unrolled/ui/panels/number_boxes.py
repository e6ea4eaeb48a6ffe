"""Spin boxes that let a typed number beyond their range through to be refused out loud.

Qt's own spin boxes drop the keystroke that would leave the range: typing 99999 into a
box whose largest value is 5000 leaves 9999, or 999, without a word. These boxes accept
any number while typing; when editing finishes with one out of range, Qt puts the last
good value back and `refused` holds what was typed, for the panel to explain.
"""

from __future__ import annotations

from PySide6 import QtGui, QtWidgets

State = QtGui.QValidator.State


class _Refusing:
    """Mixin over a Qt spin box: out-of-range numbers are Intermediate, not Invalid."""

    refused: float | None = None

    def _number(self, text: str) -> float | None:
        text = text.strip()
        prefix, suffix = self.prefix(), self.suffix()  # type: ignore[attr-defined]
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        try:
            return float(text.strip().replace(",", ""))
        except ValueError:
            return None

    def validate(self, text: str, pos: int):
        state, text, pos = super().validate(text, pos)  # type: ignore[misc]
        if state == State.Invalid and self._number(text) is not None:
            state = State.Intermediate  # keep typing; judged when editing finishes
        return state, text, pos

    def fixup(self, text: str) -> str:
        """Called when editing finishes on text Qt will not accept; remember the number."""
        self.refused = self._number(text)
        return super().fixup(text)  # type: ignore[misc]

    def take_refused(self) -> float | None:
        value, self.refused = self.refused, None
        return value


class WholeNumberBox(_Refusing, QtWidgets.QSpinBox):
    pass


class RealNumberBox(_Refusing, QtWidgets.QDoubleSpinBox):
    pass
