"""The File menu's commands: open and save sessions (with recent files), open a trained
PyTorch model's weights and data, export figures, an animation, the clipboard; and the
right-click menu of a plot, which offers the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from ...session.figure_registry import DEFAULT_FIGURE, FIGURES, figures_for
from ...session.stepper import Session
from .. import theme
from ..control.actions import make_action

if TYPE_CHECKING:
    from .status import SessionStatus


class FileCommands:
    """session: the one the window shows (opening a file adopts into it); window: parent
    of the dialogs, and what "the whole window" export grabs; halt: ends a long run and
    play before another session replaces this one; status: where messages appear."""

    def __init__(self, session: Session, window: QtWidgets.QWidget, halt: Callable[[], None],
                 status: SessionStatus):
        self.session, self.window, self.halt, self.status = session, window, halt, status
        self.session_path: str | None = None
        self.model_replaced: list[Callable[[str], None]] = []  # told what was opened (a lesson leaves its stop)
        a = make_action
        self.act_open = a(window, "Open session...", "Ctrl+O", self.open_session_dialog, "Open a saved session")
        self.act_open_weights = a(window, "Open weights...", "Ctrl+Shift+O", self.open_weights_dialog,
                                  "Open a trained PyTorch RNN, LSTM or GRU (.pt, .safetensors, .npz), then its data")
        self.act_torch_check = a(window, "Check against PyTorch...", None, self.check_against_torch,
                                 "The loss and every gradient of the opened model computed again by torch's autograd")
        self.act_save = a(window, "Save session", "Ctrl+S", self.save_session,
                          "Save the session: settings, weights and step")
        self.act_save_as = a(window, "Save session as...", "Ctrl+Shift+S", self.save_session_as,
                             "Save the session under a new name")
        self.act_export = a(window, "Export...", "Ctrl+E", self.export_figure,
                            "Export a figure as PNG, SVG, PDF or CSV")
        self.act_export_animation = a(window, "Export animation...", None, self.export_animation,
                                      "Every step of this iteration as numbered PNGs (and a GIF with Pillow)")
        self.act_export_html = a(window, "Export HTML replay...", None, self.export_html,
                                 "This iteration, every step, as one web page a student opens offline in any browser")
        self.act_copy = a(window, "Copy dashboard", "Ctrl+Shift+C", lambda: self.copy_figure(DEFAULT_FIGURE),
                          "Copy all plots to the clipboard as one picture")
        self.recent_menu: QtWidgets.QMenu | None = None

    def fill_menu(self, menu: QtWidgets.QMenu) -> None:
        """The File menu's entries, up to (not including) Quit."""
        menu.addAction(self.act_open)
        menu.addAction(self.act_open_weights)
        self.recent_menu = menu.addMenu("Open recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        menu.addAction(self.act_save)
        menu.addAction(self.act_save_as)
        menu.addSeparator()
        menu.addAction(self.act_export)
        menu.addAction(self.act_export_animation)
        menu.addAction(self.act_export_html)
        menu.addAction(self.act_copy)

    def figure_menu(self, names: tuple[str, ...]) -> QtWidgets.QMenu:
        """Right-click on a plot: export it or copy it, without going through File."""
        menu = QtWidgets.QMenu(self.window)
        available = figures_for(self.session)
        for name in names:
            if name not in available:
                continue
            menu.addAction(f"Export {FIGURES[name].title.lower()}...", lambda n=name: self.export_figure(n))
            menu.addAction(f"Copy {FIGURES[name].title.lower()} to the clipboard", lambda n=name: self.copy_figure(n))
        menu.addSeparator()
        menu.addAction(self.act_export)
        return menu

    # -- sessions -----------------------------------------------------------------------
    def open_session_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open session", self._last_folder(),
                                                        "unrolled session (*.json)")
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Open a saved session; a bad file leaves the open one untouched."""
        from ...session.files import SessionFileError, load_session  # read and checked only when a file is opened

        try:
            opened = load_session(path)
        except SessionFileError as error:
            QtWidgets.QMessageBox.warning(self.window, "Cannot open the session",
                                          f"{error}\n\nThe open session is unchanged.")
            return False
        self.halt()
        self.session.adopt(opened)
        self.session_path = path
        self._remember(path)
        self.status.showMessage(f"Opened {path}", 5000)
        for replaced in self.model_replaced:
            replaced(f"the session {Path(path).name}")
        return True

    # -- a user's own model -------------------------------------------------------------
    def open_weights_dialog(self) -> None:
        """Choose the weights, then the data (Cancel: a random input of the model's shape)."""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Open weights", self._model_folder(),
            "PyTorch weights (*.pt *.pth *.safetensors *.npz);;All files (*)")
        if not path:
            return
        data, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Open its data (Cancel: a random input)", str(Path(path).parent),
            "Sequences (*.npz *.npy *.csv);;All files (*)")
        self.open_weights(path, data or None)

    def open_weights(self, path: str, data: str | None = None, **options) -> bool:
        """Open a trained model's weights on its data (options: Session.from_torch's); a bad
        file is said in one line and leaves the open session untouched."""
        try:
            opened = Session.from_torch(path, data, **options)
        except (ValueError, MemoryError) as error:  # WeightsError and DataError are ValueErrors
            QtWidgets.QMessageBox.warning(self.window, "Cannot open the model",
                                          f"{error}\n\nThe open session is unchanged.")
            return False
        self.halt()
        self.session.adopt(opened)
        self.session_path = None
        self.announce_model()
        for replaced in self.model_replaced:
            replaced(f"the model {Path(path).name}")
        return True

    def check_against_torch(self) -> str:
        """Torch's autograd on the opened model's weights and batch: the largest relative
        difference per parameter, shown in a box (and returned); one line when it cannot run."""
        from ...session.torch_check import NotComparable, check_against_torch, report

        try:
            text = report(check_against_torch(self.session))
        except NotComparable as error:
            QtWidgets.QMessageBox.information(self.window, "Check against PyTorch", str(error))
            return str(error)
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "Check against PyTorch",
                                    text.splitlines()[-1], parent=self.window)
        box.setDetailedText(text)
        box.exec()
        return text

    def announce_model(self) -> None:
        """The opened model's files in the title, and, where the input or the targets are not
        the user's own (a random input, the model's predictions), the title and the status say so."""
        own = self.session.own_model
        if own is None:
            return
        opened = Path(own.title).name + (f" on {Path(own.data_name).name}" if own.data_name else "")
        self.window.setWindowTitle(f"unrolled: {opened}" + (f" ({own.notes.rstrip('.')})" if own.notes else ""))
        self.status.showMessage(f"Opened {opened}" + (f". {own.notes}" if own.notes else ""), 30_000)

    def save_session(self) -> bool:
        if not self.session_path:
            return self.save_session_as()
        return self.save_to(self.session_path)

    def save_session_as(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Save session", self._last_folder() + "/demo.json",
                                                        "unrolled session (*.json)")
        return bool(path) and self.save_to(path)

    def save_to(self, path: str) -> bool:
        from ...session.files import SessionFileError, save_session

        try:
            json_path, _ = save_session(self.session, path)
        except SessionFileError as error:
            QtWidgets.QMessageBox.warning(self.window, "Cannot save the session",
                                          f"{error}\n\nNothing was overwritten.")
            return False
        self.session_path = str(json_path)
        self._remember(self.session_path)
        self.status.showMessage(f"Saved {json_path} (and its .npz)", 5000)
        return True

    # -- recent files -------------------------------------------------------------------
    def _model_folder(self) -> str:
        """Where weights are looked for: the open model's folder, else the current one."""
        own = self.session.own_model
        folder = Path(own.weights_name).parent if own is not None and own.weights_name else Path.cwd()
        return str(folder) if folder.is_dir() else str(Path.cwd())

    def _last_folder(self) -> str:
        recent = self._recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    @staticmethod
    def _recent() -> list[str]:
        value = QtCore.QSettings().value("recent", [])
        if isinstance(value, str):  # QSettings hands back a one-item list as a string
            return [value]
        return [str(p) for p in value] if isinstance(value, (list, tuple)) else []

    def _remember(self, path: str) -> None:
        recent = [p for p in self._recent() if p != path]
        QtCore.QSettings().setValue("recent", [path, *recent][:8])

    def _fill_recent_menu(self) -> None:
        assert self.recent_menu is not None
        self.recent_menu.clear()
        recent = self._recent()
        for path in recent:
            self.recent_menu.addAction(path, lambda p=path: self.open_session(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # -- figures ------------------------------------------------------------------------
    def export_figure(self, name: str = DEFAULT_FIGURE) -> None:
        from ..dialogs.export_dialog import ExportDialog  # the export stack waits for its first use

        ExportDialog(self.session, self.window, figure=name).exec()

    def copy_figure(self, name: str) -> None:
        from ..export.writers import copy_to_clipboard

        copy_to_clipboard(self.session, name, theme=theme.THEME)
        self.status.showMessage(f"{FIGURES[name].title} copied: paste it into a slide", 5000)

    def export_html(self) -> None:
        """The session as it is now, every step of this iteration, as one .html file."""
        from .html_export import export_html_replay, suggested_name  # the replay's recorder waits for its first use

        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Export HTML replay",
                                                        f"{self._last_folder()}/{suggested_name(self.session)}",
                                                        "Web page (*.html)")
        if not path:
            return
        self.halt()  # play and a long run stop: the page records the iteration as it is now
        written = export_html_replay(self.session, self.window, path)
        if written is not None:
            self.status.showMessage(f"Wrote {written}: open it in any browser", 8000)

    def export_animation(self) -> None:
        from ..export.writers import ExportError, export_animation, gif_available

        folder = QtWidgets.QFileDialog.getExistingDirectory(self.window, "Folder for the animation frames",
                                                            self._last_folder())
        if not folder:
            return
        total = self.session.steps_per_iteration + 1
        dialog = QtWidgets.QProgressDialog("Drawing every step of the iteration...", "Cancel", 0, total, self.window)
        dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)

        def progress(done: int, count: int) -> bool:
            dialog.setValue(done)
            QtWidgets.QApplication.processEvents()
            return not dialog.wasCanceled()

        try:
            written = export_animation(self.session, folder, gif=gif_available(), progress=progress,
                                       theme=theme.THEME)
        except ExportError as error:
            dialog.close()  # before the message: a dialog left over it hides it and takes its clicks
            QtWidgets.QMessageBox.warning(self.window, "Export failed", str(error))
            return
        finally:
            dialog.close()
        gif = "" if gif_available() else " (install Pillow for an animated GIF)"
        self.status.showMessage(f"Wrote {len(written)} files to {folder}{gif}", 8000)
