import gc
import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# one BLAS thread, as the app sets in its main (unrolled/process.py): BLAS threads fight on
# small matrices (DESIGN.md); set before any test module imports NumPy
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
# QSettings (recent files, export folder) go to a throwaway place, never the user's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="unrolled-tests-config-")


@pytest.fixture(autouse=True)
def _catch_qt_leaks(request):
    """Every Qt test (one that uses qapp, also through qtbot or a window fixture) fails if it
    leaves a top-level widget open, after qtbot has closed its own. For the other tests it
    imports no Qt."""
    if "qapp" not in request.fixturenames:
        yield
        return
    from PySide6 import QtCore, QtWidgets

    from unrolled.ui.app import make_application

    request.getfixturevalue("qapp")
    make_application()  # pyqtgraph options
    before = set(QtWidgets.QApplication.topLevelWidgets())
    # No garbage collection while the test and pytest-qt's event processing after it run: a
    # window a test made and no longer holds (`make_window()` not kept in a variable) lives on
    # in reference cycles, still shown and painting; a collection triggered by an allocation
    # inside its paint would delete it under the painter (a segfault in the next QPainter call).
    # Its garbage is collected below, once pytest-qt has closed and deleted the test's widgets:
    # the youngest generation only, where everything made while gc was off still is (a full
    # collection over every earlier test's survivors cost 0.05-0.6 s a test).
    gc.disable()
    try:
        yield
        QtWidgets.QApplication.processEvents()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        leaked = [w for w in QtWidgets.QApplication.topLevelWidgets() if w not in before and w.isVisible()]
        for w in leaked:
            w.close()
            w.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        assert not leaked, f"top-level widgets left open: {leaked}"
    finally:
        gc.enable()
        gc.collect(0)


def pytest_sessionfinish(session, exitstatus):
    session.config._unrolled_exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Once everything is reported, a run that made Qt widgets ends without the interpreter's
    teardown: the widgets its tests left (figures built for a test, pyqtgraph's parentless
    menus) would be destroyed there in no set order, a view box's menu before its plot, and
    that segfaults after the summary line, turning a green run red."""
    import sys

    if "PySide6.QtWidgets" in sys.modules and hasattr(config, "_unrolled_exit_status"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config._unrolled_exit_status)
