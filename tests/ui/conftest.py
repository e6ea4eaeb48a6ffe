import pytest
from PySide6 import QtWidgets

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def _application(qapp):
    """Every test here is a Qt test: the QApplication exists (and tests/conftest.py's leak
    check runs), also for a test that asks for no Qt fixture itself."""


@pytest.fixture(autouse=True)
def _restore_theme():
    """Presentation mode and the dark theme are global (the theme, the palette and the
    application's font): every test starts from the default."""
    font = QtWidgets.QApplication.font()
    yield
    from unrolled.ui import theme

    theme.THEME.scale, theme.THEME.dark = 1.0, False
    QtWidgets.QApplication.setPalette(theme.THEME.palette())
    QtWidgets.QApplication.setFont(font)


@pytest.fixture
def make_window(qtbot):
    def make(config: Config | None = None, **changes) -> MainWindow:
        config = config or Config()
        if changes:
            config = config.replace(**changes)
            config = config.resolved() if "task" in changes else config
        window = MainWindow(Session(config))
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitActive(window):  # shortcuts go to the active window only
            window.activateWindow()
        window.diagram.setFocus()
        return window

    return make


@pytest.fixture
def window(make_window):
    return make_window()



def show_compare_window(qtbot, config: Config, changes: dict | None = None):
    """A compare window shown and active (shortcuts go to the active window only)."""
    from unrolled.ui.windows.compare_window import CompareWindow

    window = CompareWindow(config, changes)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    return window
