"""File > Presets and File > Open config or preset: switch demonstrations without leaving
the window (from the vanishing to the exploding RNN, say), as `--preset` and `--config` do
at the command line. A preset that cannot be built is refused with its reason and the open
session stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from ...session.config import ConfigError
from ...session.presets import Preset, get_preset, load_file, preset_menu
from ...session.stepper import Session
from ..control.actions import make_action

if TYPE_CHECKING:
    from .status import SessionStatus


class PresetCommands:
    """session: the window's (a preset is adopted into it); halt: ends a long run and play
    first; compare: takes the preset's suggested comparison (network B's changes)."""

    def __init__(self, session: Session, window: QtWidgets.QWidget, halt: Callable[[], None],
                 status: SessionStatus, compare: Callable[[dict | None], None]):
        self.session, self.window, self.halt, self.status, self.compare = session, window, halt, status, compare
        self.model_replaced: list[Callable[[str], None]] = []  # told what was opened (a lesson leaves its stop)
        self.act_open_config = make_action(window, "Open config or preset...", None, self.open_config_dialog,
                                           "Open a JSON config or preset file (a copy of a preset, edited)")

    def fill_menu(self, menu: QtWidgets.QMenu) -> None:
        presets = self.menu = QtWidgets.QMenu("Presets", menu)  # kept: PySide would let it go
        menu.addMenu(presets)
        presets.setToolTipsVisible(True)
        for name, description in preset_menu():
            action = presets.addAction(name)
            action.setToolTip(description)
            action.triggered.connect(lambda _=False, n=name: self.open_preset(n))
        menu.addAction(self.act_open_config)

    def open_preset(self, name: str) -> bool:
        return self._open(lambda: get_preset(name), name)

    def open_config_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open config or preset", "",
                                                        "unrolled config or preset (*.json)")
        if path:
            self.open_config(path)

    def open_config(self, path: str) -> bool:
        return self._open(lambda: load_file(path), path)

    def _open(self, read: Callable[[], Preset], what: str) -> bool:
        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            preset = read()
            built = Session(preset.config)
            built.advance(preset.steps)
        except ConfigError as error:  # a file that cannot be read names itself: say its path once
            file_only = set(error.problems) == {"file"} and what in error.problems["file"]
            return self._refuse(what, error.problems["file"] if file_only else str(error))
        except (MemoryError, ValueError) as error:
            return self._refuse(what, f"it cannot be built: {error}")
        finally:
            QtWidgets.QApplication.restoreOverrideCursor()
        self.halt()
        self.compare(preset.compare or None)
        self.session.adopt(built)
        self.status.showMessage(f"Opened {preset.name}" + (f": {preset.description}" if preset.description else ""),
                                8000)
        for replaced in self.model_replaced:
            replaced(f"the preset {preset.name}")
        return True

    def _refuse(self, what: str, reason: str) -> bool:
        text = reason if reason.startswith(what) else f"{what}: {reason}"
        QtWidgets.QMessageBox.warning(self.window, "Cannot open", f"{text}\n\nThe open session is unchanged.")
        return False
