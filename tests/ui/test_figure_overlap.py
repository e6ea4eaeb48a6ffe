"""Every exported figure is slide-ready: no text on other text, none cut by the figure's
edge, no tick label left out, no legend or title on the data (issue 11, point 2).

Each figure of each preset is laid out exactly as `write_figure` lays it out, after the
forward pass and after the backward pass of an iteration (with the preset's training run
for the training figures, as `unrolled export` does), at screen resolution (SVG and PDF)
and at the PNG's 300 dpi; and T = 1 and T = 1000."""

from __future__ import annotations

import contextlib
from functools import cache

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtWidgets

from unrolled.session.config import Config
from unrolled.session.presets import get_preset, list_presets
from unrolled.session.stepper import Session
from unrolled.session.tables import exported_figures
from unrolled.session.training import Diverged, Trainer
from unrolled.ui import theme
from unrolled.ui.figure_boxes import figure_boxes, figure_problems, problems_of
from unrolled.ui.figures import FIGURE_INCHES, build_figure, laid_out
from unrolled.ui.plots.legend import place_legend_above_data

SCREEN_DPI, PNG_DPI = 96, 300
STATES = ("forward", "backward")  # the forward pass done; the backward pass done (what export writes)


@cache
def preset_run(name: str, state: str) -> tuple[Session, tuple]:
    """The preset's session as `unrolled export` builds it: its training run first, then
    one more iteration's forward pass ("forward") or forward and backward ("backward")."""
    preset = get_preset(name)
    session = Session(preset.config)
    trainer = Trainer(session)
    with contextlib.suppress(Diverged):
        trainer.train(preset.export_iterations)
    target = "phase" if state == "forward" else "iteration"
    session.advance(session.steps_to(target) - (0 if state == "forward" else 1))
    return session, tuple(trainer.steps)


def _cases() -> list:
    cases = []
    for preset in list_presets():
        for state in STATES:
            session, steps = preset_run(preset.name, state)
            cases += [pytest.param(preset.name, state, figure, id=f"{preset.name}-{state}-{figure}")
                      for figure in exported_figures(session, steps)]
    return cases


def problems(session: Session, figure: str, dpi: int, steps=(), inches=None, dark: bool = False) -> list[str]:
    width, height = inches or FIGURE_INCHES[figure]
    with theme.styled(scale=dpi / SCREEN_DPI, dark=dark):
        widget = laid_out(build_figure(figure, steps), round(width * dpi), round(height * dpi), session)
        try:
            return figure_problems(widget)
        finally:
            widget.close()
            widget.deleteLater()


@pytest.mark.slow
@pytest.mark.parametrize(("preset", "state", "figure"), _cases())
def test_every_figure_of_every_preset_keeps_its_text_apart(qapp, preset, state, figure):
    session, steps = preset_run(preset, state)
    found = problems(session, figure, SCREEN_DPI, steps)
    if state == "backward":  # the state `unrolled export` writes, also as a 300 dpi PNG
        found += [f"at {PNG_DPI} dpi: {p}" for p in problems(session, figure, PNG_DPI, steps)]
    assert not found, "\n".join(found)


@pytest.mark.slow
@pytest.mark.parametrize("T", [1, 1000])
@pytest.mark.parametrize("figure", ["dashboard", "diagram", "hidden_states", "grad_norms", "itemized_gradients"])
def test_figures_at_T_1_and_1000_keep_their_text_apart(qapp, T, figure):
    session = Session(Config(timesteps=T))
    session.advance(session.steps_to("iteration") - 1)
    assert not problems(session, figure, SCREEN_DPI)


@pytest.mark.slow
def test_the_dark_theme_lays_out_as_the_light_one(qapp):
    session, _ = preset_run("seed-pos-tagging", "backward")
    assert not problems(session, "dashboard", SCREEN_DPI, dark=True)


# -- the rules themselves, on figures made to break them -------------------------------
def _plot(qtbot, legend_at=None) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    plot = widget.getPlotItem()
    plot.setTitle("A title")
    legend = plot.addLegend()
    x = np.arange(1, 21, dtype=float)
    plot.plot(x, x, pen="b", symbol="o", name="a curve")
    plot.setXRange(0.5, 20.5, padding=0)
    plot.setYRange(0, 21, padding=0)
    if legend_at is not None:
        legend.anchor(itemPos=legend_at, parentPos=legend_at, offset=(0, 0))
    widget.show()
    qtbot.waitExposed(widget)
    QtWidgets.QApplication.processEvents()  # laid out, as figures.laid_out does
    return widget


def test_a_legend_on_the_data_is_caught(qtbot):
    on_data = _plot(qtbot, legend_at=(1, 0))  # top right: where the rising curve ends
    assert any("legend [a curve]" in p and "lies on the data" in p for p in figure_problems(on_data))
    clear = _plot(qtbot, legend_at=(0, 0))  # top left: empty above a rising curve
    assert figure_problems(clear) == []


def test_overlapping_text_and_text_cut_by_the_edge_are_caught(qtbot):
    widget = _plot(qtbot, legend_at=(0, 0))
    plot = widget.getPlotItem()
    for text, x, y in (("first note", 3.0, 15.0), ("second note", 3.5, 15.0), ("far right", 20.4, 5.0)):
        item = pg.TextItem(text, anchor=(0, 0.5))
        plot.addItem(item)
        item.setPos(x, y)
    found = figure_problems(widget)
    assert any("'first note'" in p and "'second note'" in p and "overlaps" in p for p in found)
    assert any("'far right'" in p and "cut by the figure's edge" in p for p in found)


def test_a_tick_label_left_out_is_caught(qtbot):
    widget = _plot(qtbot, legend_at=(0, 0))
    axis = widget.getPlotItem().getAxis("bottom")
    axis.setTicks([[(1, "1"), (20, "twenty thousand")], []])  # too wide to stay within the axis
    found = figure_problems(widget)
    assert any("bottom tick 'twenty thousand' left out" in p for p in found)


def test_boxes_are_in_the_figure_widgets_coordinates(qtbot):
    widget = _plot(qtbot, legend_at=(0, 0))
    boxes, _ = figure_boxes(widget)
    title = next(b for b in boxes if b.kind == "title")
    assert QtCore.QRectF(widget.rect()).contains(title.rect)
    assert title.rect.top() < min(b.rect.top() for b in boxes if b.kind == "data")
    touching = [b for b in boxes if b.kind == "tick"][:2]
    assert problems_of(touching, QtCore.QRectF(widget.rect())) == []


def test_a_legend_over_curves_that_fill_the_plot_gets_room_above_them(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    plot = widget.getPlotItem()
    legend = plot.addLegend()
    x = np.arange(1, 31, dtype=float)
    plot.plot(x, np.where(x % 2 == 0, 10.0, 0.0), pen="b", name="zig-zag")  # every corner crossed
    widget.show()
    qtbot.waitExposed(widget)
    place_legend_above_data(plot, legend)
    assert [p for p in figure_problems(widget) if "lies on the data" in p] == []
    place_legend_above_data(plot, legend)  # again: the range does not grow
    top = plot.vb.viewRange()[1][1]
    place_legend_above_data(plot, legend)
    assert plot.vb.viewRange()[1][1] == pytest.approx(top)


# -- the figures of a lesson's handout and of the panels -------------------------------
def _lesson_cases() -> list:
    from unrolled.session.lessons import get_lesson, lesson_names

    return [pytest.param(name, stop.number, id=f"{name}-stop{stop.number}")
            for name in lesson_names() for stop in get_lesson(name).stops]


@pytest.mark.slow
@pytest.mark.parametrize(("lesson", "number"), _lesson_cases())
def test_every_figure_of_a_handout_keeps_its_text_apart(qapp, lesson, number):
    from unrolled.session.compare import describe_changes
    from unrolled.session.lessons import build_comparison, build_stop, get_lesson
    from unrolled.ui.handout import stop_figures

    lesson_ = get_lesson(lesson)
    stop = lesson_.stops[number - 1]
    session = build_stop(stop, end=True, lesson=lesson)
    comparison, _ = build_comparison(stop, end=True) if stop.compare else (None, "")
    figures = stop_figures(stop, session, comparison.b if comparison else None, describe_changes(stop.compare or {}))
    try:
        found = [f"{figure.title}: {p}" for figure in figures for p in figure_problems(figure.widget)]
    finally:
        for figure in figures:
            figure.widget.close()
            figure.widget.deleteLater()
    assert not found, "\n".join(found)


def _panel_problems(qtbot, panel, graphics: pg.GraphicsLayoutWidget, size=(900, 420)) -> list[str]:
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    QtWidgets.QApplication.processEvents()
    return figure_problems(graphics)


@pytest.mark.slow
def test_the_training_panels_legend_stays_off_its_curves(qtbot):
    from unrolled.ui.panels.training_panel import TrainingPanel

    preset = get_preset("clipping")
    session = Session(preset.config)
    trainer = Trainer(session)
    trainer.train(preset.export_iterations)
    panel = TrainingPanel(session, trainer=trainer)
    panel.refresh()
    found = _panel_problems(qtbot, panel, panel.graphics, size=(1200, 420))
    panel.refresh()  # after the layout: the legend placed in the plot's final size
    found = figure_problems(panel.graphics)
    assert not found, "\n".join(found)


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["vanishing-rnn", "exploding-rnn", "lstm-long-memory"])
def test_the_theory_panels_legend_stays_off_its_curves(qtbot, preset):
    from unrolled.ui.panels.theory_panel import TheoryPanel

    session = Session(get_preset(preset).config)
    panel = TheoryPanel(session)
    with qtbot.waitSignal(panel.result_ready, timeout=20000):
        _panel_problems(qtbot, panel, panel.graphics, size=(420, 700))
    found = figure_problems(panel.graphics)
    panel.wait_for_workers()
    assert not found, "\n".join(found)
