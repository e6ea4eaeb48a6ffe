"""A stop's stage in the window: the side panels it opens, the plot it frames, the plots
reaching up to the lesson pane, and the room the lesson text may take above them."""

from __future__ import annotations

from PySide6 import QtWidgets

from ...session.lessons import Lesson
from .host import LessonHost

TITLE_BAR_PX = 30  # a window manager's title bar above the window: the screen's height is the window's and this
# the lesson text leaves a framed gradient plot's data this share of the screen's height,
# and a few pixels more (a row of the layout rounded the other way)
TEXT_LEAVES_SHARE = 0.35
TEXT_ROOM_MARGIN = 4


def show_panels(host: LessonHost, panels: tuple[str, ...]) -> None:
    """The side panels a stop names open, the others close (the Model panel stays hidden
    in presentation mode). The closing ones go first: a panel opened while another is
    still open beside it would stand above it until the column is tabbed, and the window
    would grow to hold both (beyond a 720-line projector)."""
    docks = host.docks
    presenting = host.act_presentation.isChecked()
    right = {"training": docks.training, "theory": docks.theory, "text": docks.text}
    for name, dock in right.items():
        if name not in panels:
            dock.hide()
    docks.model.setVisible("model" in panels and not presenting)
    if "training" in panels:
        docks.show_training()
    if "theory" in panels:
        docks.theory.show()
    if "text" in panels:
        docks.show_text()


def frame_plot(host: LessonHost, name: str) -> QtWidgets.QWidget:
    """The plot `name` shown and taking the plot area, the others giving way; its slot,
    for the highlight frame. A side panel's name ("theory", "text"): that panel (the stop
    opened it), and the plot area shows all its views."""
    panels = {"theory": host.docks.theory, "text": host.docks.text}
    if name in panels:
        host.plots.frame(None)
        panel = panels[name].widget()
        assert panel is not None
        return panel
    host.panel_actions[name].setChecked(True)
    host.plots.frame(name)
    return host.plots.slots[name]


def plots_reach_edges(host: LessonHost, lesson: bool) -> None:
    """In a lesson the plots reach up to the lesson pane and down to the status bar (the
    highlight frame is their border): the 4 px above and below go to the lesson text."""
    layout = host.centralWidget().layout()
    assert layout is not None
    margins = layout.contentsMargins()
    layout.setContentsMargins(margins.left(), 0 if lesson else margins.left(), margins.right(),
                              0 if lesson else margins.right())


def text_room(host: LessonHost, lesson: Lesson | None, text_height: int) -> int:
    """The most height the lesson text (now `text_height` px tall) may take: every pixel a
    framed gradient plot (the tallest of the views a stop frames: a title, a legend above
    the data, the t axis below) does not need to keep TEXT_LEAVES_SHARE of the screen's
    height (the window's and a title bar's) for its data, with its real chrome measured
    (the diagram's strip, "Show:" when a stop of the lesson frames a many-to-many model's
    gradients, title, legend, axis): the same for every stop of the lesson, so the plots
    never jump."""
    central = host.centralWidget()
    layout = central.layout()
    assert layout is not None
    margins = layout.contentsMargins()
    banner = host.status.banner
    banner_height = banner.height() if banner.isVisible() else 0
    show_row = lesson is not None and any(
        stop.highlight == "gradients" and stop.config.mode == "many-to-many" for stop in lesson.stops)
    plots = central.height() - margins.top() - margins.bottom() - banner_height
    keep = TEXT_LEAVES_SHARE * (host.height() + TITLE_BAR_PX) + TEXT_ROOM_MARGIN
    return int(text_height - 2 + plots - host.plots.framed_gradient_chrome(show_row) - keep)
