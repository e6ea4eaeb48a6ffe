"""Write a lesson's handout from the window: a PDF (a title page and a page per stop) and
a PNG per stop, with the stop's progress dialog, cancellable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ...session.lessons import Lesson, LessonError
from ...session.training import Cancelled
from .stop_progress import StopProgress


def write_handout_to(parent: QtWidgets.QWidget, lesson: Lesson, folder: str | Path,
                     show_message: Callable[[str, int], None]) -> list[Path]:
    """The handout of `lesson` in `folder`; the files written, [] when it was cancelled or
    could not be written (show_message or a warning over `parent` says why)."""
    from ..export.handout import write_handout
    from ..export.writers import ExportError

    progress = StopProgress(parent, f"Writing the handout of {lesson.title}...", "Writing the handout")
    stops, pages = len(lesson.stops), [0]
    share = 100  # a stop's part of the bar, so that its own work moves it too

    def each_stop(done: int, total: int) -> None:  # a stop's page is written: the dialog's turn
        pages[0] = done
        if not progress(done * share, total * share):
            raise Cancelled

    def within_stop(done: int, total: int) -> bool:  # a stop's training and steps, or its demonstration
        return progress(pages[0] * share + min(share * done // max(total, 1), share - 1), stops * share)

    QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
    try:
        written = write_handout(lesson, folder, ("pdf", "png"), progress=each_stop, work=within_stop)
    except Cancelled:  # the PDF, written under a temporary name, is removed; finished PNGs stay whole
        show_message("Handout cancelled: the PDF was not written", 8000)
        return []
    except (ExportError, LessonError) as error:
        QtWidgets.QMessageBox.warning(parent, "Cannot write the handout", str(error))
        return []
    finally:
        QtWidgets.QApplication.restoreOverrideCursor()
        progress.close()
    show_message(f"Wrote {written[0]} and {len(written) - 1} PNGs", 10000)
    return written
