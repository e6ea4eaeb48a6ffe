"""unrolled: backpropagation through time, one timestep at a time.

Importing any part of it changes nothing in the host process: a notebook that imports the
engine keeps its BLAS threads and its allocator. The app sets those in its `main`
(`unrolled.process.set_up_process`). `unrolled.Session` and `unrolled.view` import what
they need when first used: `import unrolled` loads neither NumPy nor Qt."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session.stepper import Session

from .session.display import register_html
from .version import __version__

__all__ = ["Session", "__version__", "view"]


def __getattr__(name: str) -> Any:
    if name == "Session":  # unrolled.Session.from_torch(model, X, Y)
        from .session.stepper import Session

        return Session
    raise AttributeError(f"module 'unrolled' has no attribute {name!r}")


def _replay_html(session: Session) -> str:
    """A session in Jupyter: the HTML replay's player (unrolled.replay.notebook), loaded when
    a notebook first shows a session."""
    from .replay.notebook import Replay

    return Replay(session)._repr_html_()


register_html(_replay_html)  # here, outside the layers: the session may not import the replay


def view(model, X=None, Y=None, **options):
    """Open the window on a trained PyTorch model and return it, as napari's `view_image`.

    model: an nn.Module (read through its state_dict(); none of its code runs), a state dict,
    or a weights file's path; X, Y: arrays or tensors (Y optional: without it the targets are
    the model's own predictions), or X a data file's path; options: `Session.from_torch`'s
    (rnn, readout, embedding, activation, sample, batch, vocab, and settings such as
    learning_rate). Runs Qt's event loop until the window closes, unless one runs already
    (IPython's `%gui qt`, or an application's own), when it returns at once."""
    from .session.stepper import Session
    from .ui.app import make_application, quiet_qt_noise
    from .ui.window.main_window import MainWindow

    session = Session.from_torch(model, X, Y, **options)
    quiet_qt_noise()
    app = make_application()
    window = MainWindow(session)  # its title names the model's files
    window.show_on_screen()
    if not _event_loop_runs():
        app.exec()
    return window


def _event_loop_runs() -> bool:
    """Whether a Qt event loop already serves this thread: IPython's `%gui qt` input hook,
    or a QEventLoop being executed."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and str(getattr(shell, "active_eventloop", "") or "").startswith("qt"):
        return True
    from PySide6 import QtCore

    thread = QtCore.QThread.currentThread()
    return thread is not None and thread.loopLevel() > 0
