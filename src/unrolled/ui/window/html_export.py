"""File > Export HTML replay: the session as it is now (its config, its weights, this
iteration's batch) as one offline page (unrolled.replay) that opens at the current step."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ...replay.page import write_replay
from ...session.stepper import Session

# a recording that takes longer than this shows its progress; a shorter one flashes nothing
PROGRESS_AFTER_MS = 500


def suggested_name(session: Session) -> str:
    """The file name the save dialog offers, after what is replayed (as `unrolled export`
    names it): an own model's weights file, else the cell and T; the dialog asks before it
    replaces a file."""
    own = session.own_model
    return f"{Path(own.title).stem}.html" if own is not None else f"{session.config.cell}-T{session.T}.html"


def replay_title(session: Session, path: Path) -> tuple[str, str]:
    """The page's title (the file's name) and the line under it: where it was exported from."""
    own = session.own_model
    cell = session.config.cell.upper()
    # the article as the name is read aloud: an RNN, an LSTM, a GRU
    article = "an" if cell[0] in "AEFHILMNORSX" else "a"
    source = f"the model {Path(own.title).name}" if own is not None else f"{article} {cell} network"
    return path.stem, (f"Exported from unrolled: {source}, iteration {session.iteration_start().iteration + 1}, "
                       f"at step {session.position} of {session.steps_per_iteration}.")


def export_html_replay(session: Session, window: QtWidgets.QWidget, path: str) -> Path | None:
    """The replay written to `path` (".html" added when it has no suffix); None after a
    failure, which is said in one line in a message box."""
    target = Path(path) if Path(path).suffix else Path(path).with_suffix(".html")
    dialog = QtWidgets.QProgressDialog("Recording every step of the iteration...", "", 0, 1, window)
    dialog.setCancelButton(None)  # no Cancel: the recording is short, and the window waits for it
    dialog.setWindowTitle("Export HTML replay")
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)  # no stepping while it records
    dialog.setMinimumDuration(PROGRESS_AFTER_MS)
    dialog.setAutoReset(False)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        QtWidgets.QApplication.processEvents()  # the dialog paints; input to the window is blocked

    try:
        return write_replay(target, session, *replay_title(session, target), at=session.position, progress=progress)
    except (OSError, ValueError, MemoryError) as error:
        dialog.close()  # before the message: a dialog left over it hides it and takes its clicks
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error) or type(error).__name__
        QtWidgets.QMessageBox.warning(window, "Export failed", f"Cannot write {target}: {reason}".splitlines()[0])
        return None
    finally:
        dialog.close()
        dialog.deleteLater()
