"""The File menu's commands: open and save sessions (with recent files), export figures,
an animation, the clipboard. A mixin of MainWindow, which supplies session, runner,
player and statusBar()."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ..session.files import SessionFileError, load_session, save_session
from .export import ExportError, copy_to_clipboard, export_animation, gif_available
from .export_dialog import ExportDialog
from .figures import TITLES


class FileCommands:
    def open_session_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open session", self._last_folder(),
                                                        "unrolled session (*.json)")
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Open a saved session; a bad file leaves the open one untouched."""
        try:
            opened = load_session(path)
        except SessionFileError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot open the session", f"{error}\n\nThe open session is unchanged.")
            return False
        self.runner.cancel()
        self.player.pause()
        self.session.adopt(opened)
        self.session_path = path
        self._remember(path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def save_session(self) -> bool:
        if not getattr(self, "session_path", None):
            return self.save_session_as()
        return self._save_to(self.session_path)

    def save_session_as(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save session", self._last_folder() + "/demo.json",
                                                        "unrolled session (*.json)")
        return bool(path) and self._save_to(path)

    def _save_to(self, path: str) -> bool:
        try:
            json_path, _ = save_session(self.session, path)
        except SessionFileError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot save the session", f"{error}\n\nNothing was overwritten.")
            return False
        self.session_path = str(json_path)
        self._remember(self.session_path)
        self.statusBar().showMessage(f"Saved {json_path} (and its .npz)", 5000)
        return True

    def _last_folder(self) -> str:
        recent = self._recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    @staticmethod
    def _recent() -> list[str]:
        value = QtCore.QSettings().value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember(self, path: str) -> None:
        recent = [p for p in self._recent() if p != path]
        QtCore.QSettings().setValue("recent", [path, *recent][:8])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for path in recent:
            self.recent_menu.addAction(path, lambda p=path: self.open_session(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def export_figure(self, name: str = "dashboard") -> None:
        ExportDialog(self.session, self, figure=name).exec()

    def copy_figure(self, name: str) -> None:
        copy_to_clipboard(self.session, name)
        self.statusBar().showMessage(f"{TITLES[name]} copied: paste it into a slide", 5000)

    def export_animation(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Folder for the animation frames", self._last_folder())
        if not folder:
            return
        total = self.session.steps_per_iteration + 1
        dialog = QtWidgets.QProgressDialog("Drawing every step of the iteration...", "Cancel", 0, total, self)
        dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)

        def progress(done: int, count: int) -> bool:
            dialog.setValue(done)
            QtWidgets.QApplication.processEvents()
            return not dialog.wasCanceled()

        try:
            written = export_animation(self.session, folder, gif=gif_available(), progress=progress)
        except ExportError as error:
            QtWidgets.QMessageBox.warning(self, "Export failed", str(error))
            return
        finally:
            dialog.close()
        gif = "" if gif_available() else " (install Pillow for an animated GIF)"
        self.statusBar().showMessage(f"Wrote {len(written)} files to {folder}{gif}", 8000)
