"""What a lesson needs of the window it runs in (the main window is one): a narrow
Protocol, so the lesson mode imports no module of `ui/window/` or `ui/windows/`.

The window's Qt side (its parent role for the lesson's actions, dialogs and dock, its
height and frame) and the parts a stop sets up: the session it adopts, the transport it
steps, the plots it frames, the docks it opens, the status line it talks on, and the
comparison window it opens over the plots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore, QtGui, QtWidgets

if TYPE_CHECKING:
    from ...session.compare import Comparison
    from ...session.stepper import Session
    from ...session.training import TrainingStep
    from ..control.transport import Transport


class StatusLine(Protocol):
    """The window's status bar: a message for a few seconds, and the banner above the plots."""

    @property
    def banner(self) -> QtWidgets.QWidget: ...

    def showMessage(self, text: str, timeout_ms: int = ..., /) -> None: ...


class LessonPlots(Protocol):
    """The plot area: a stop frames one of its views, and the keyboard goes back to it."""

    @property
    def slots(self) -> dict[str, QtWidgets.QWidget]: ...

    def frame(self, name: str | None, /) -> None: ...

    def framed_gradient_chrome(self, show_row: bool, /) -> float: ...

    def focus_home(self) -> None: ...

    def mapToGlobal(self, point: QtCore.QPoint, /) -> QtCore.QPoint: ...


class TrainingCurves(Protocol):
    def show_steps(self, steps: list[TrainingStep], /) -> None: ...


class LessonDocks(Protocol):
    """The side panels a stop opens and closes."""

    @property
    def model(self) -> QtWidgets.QDockWidget: ...

    @property
    def training(self) -> QtWidgets.QDockWidget: ...

    @property
    def theory(self) -> QtWidgets.QDockWidget: ...

    @property
    def text(self) -> QtWidgets.QDockWidget: ...

    @property
    def training_panel(self) -> TrainingCurves: ...

    def show_training(self) -> None: ...

    def show_text(self) -> None: ...


class StopComparison(Protocol):
    """A comparison window, as a stop that opens one drives it."""

    @property
    def comparison(self) -> Comparison: ...

    @property
    def status(self) -> QtWidgets.QStatusBar: ...

    @property
    def transport(self) -> Transport: ...

    def train(self) -> None: ...

    def addActions(self, actions: list[QtGui.QAction], /) -> None: ...

    def isVisible(self) -> bool: ...

    def raise_(self) -> None: ...

    def activateWindow(self) -> None: ...

    def close(self) -> bool: ...


class LessonHost(Protocol):
    """Everything the lesson mode reads or calls of its window."""

    compare_changes: dict | None  # the comparison a stop suggests, for Compare (Ctrl+K)

    @property
    def session(self) -> Session: ...  # a stop's session is adopted into it

    @property
    def transport(self) -> Transport: ...

    @property
    def status(self) -> StatusLine: ...

    @property
    def plots(self) -> LessonPlots: ...

    @property
    def docks(self) -> LessonDocks: ...

    @property
    def panel_actions(self) -> dict[str, QtGui.QAction]: ...  # View menu: each plot shown or hidden

    @property
    def act_presentation(self) -> QtGui.QAction: ...

    @property
    def act_full_screen(self) -> QtGui.QAction: ...

    @property
    def compare_window(self) -> StopComparison | None: ...

    def open_compare(self, over: QtCore.QRect | None = None) -> None: ...

    # the window as a Qt window: the parent of the lesson's actions, menu, dialogs and dock
    def window(self) -> QtWidgets.QWidget: ...

    def centralWidget(self) -> QtWidgets.QWidget: ...

    def addDockWidget(self, area: QtCore.Qt.DockWidgetArea, dock: QtWidgets.QDockWidget, /) -> None: ...

    def height(self) -> int: ...

    def frameGeometry(self) -> QtCore.QRect: ...

    def activateWindow(self) -> None: ...
