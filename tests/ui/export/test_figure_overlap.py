"""Every exported figure is slide-ready: no text on other text, none cut by the figure's
edge, no tick label left out, no legend or title on the data, at each
figure's own size and at the sizes a lecturer chooses (16:9, 4:3, a paper column).

Each figure of each preset is laid out exactly as `write_figure` lays it out, after the
forward pass and after the backward pass of an iteration (with the preset's training run
for the training figures, as `unrolled export` does), at screen resolution (SVG and PDF)
and at the PNG's 300 dpi; and T = 1 and T = 1000."""

from __future__ import annotations

import contextlib
import itertools
from functools import cache

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtWidgets

from unrolled.session.config import Config
from unrolled.session.figure_registry import FIGURES, exported_figures
from unrolled.session.figure_size import font_scale, parse_size
from unrolled.session.presets import get_preset, list_presets
from unrolled.session.stepper import Session
from unrolled.session.training import Diverged, Trainer
from unrolled.ui import theme
from unrolled.ui.export.figures import FigureDoesNotFit, build_figure, fitted, laid_out
from unrolled.ui.export.writers import figure_inches
from unrolled.ui.plots.legend import place_legend_above_data

from support.figure_boxes import figure_boxes, figure_problems, problems_of

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


def problems(session: Session, figure: str, dpi: int, steps=(), inches=None, dark: bool = False) -> list[str]:
    width, height = inches or FIGURES[figure].inches
    drawn_with = theme.Theme(scale=dpi / SCREEN_DPI, dark=dark)
    widget = laid_out(build_figure(figure, steps, drawn_with), round(width * dpi), round(height * dpi), session)
    try:
        return figure_problems(widget)
    finally:
        widget.close()
        widget.deleteLater()


# each preset trained in the test, not while the tests are collected: a run that leaves
# these out (`-m "not slow"`, every xdist worker's collection) trains none of them
@pytest.mark.slow
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("preset", [preset.name for preset in list_presets()])
def test_every_figure_of_every_preset_keeps_its_text_apart(qapp, preset, state):
    session, steps = preset_run(preset, state)
    found = []
    for figure in exported_figures(session, steps):
        found += [f"{figure}: {p}" for p in problems(session, figure, SCREEN_DPI, steps)]
        if state == "backward":  # the state `unrolled export` writes, also as a 300 dpi PNG
            found += [f"{figure} at {PNG_DPI} dpi: {p}" for p in problems(session, figure, PNG_DPI, steps)]
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


# -- at the sizes a lecturer chooses: slides and a paper column -------------------------
SIZES = ("16:9", "4:3", "column")
# one or two presets per kind of cell and figure: a short RNN drawn cell by cell with both
# gradient curves, an LSTM and a GRU (their gates and cell state), and a long linear RNN
# with its training run (the training figures), and two stacks (the depth-time figure: four
# layers, and one layer in two directions)
SIZE_PRESETS = ("seed-pos-tagging", "lstm-long-memory", "sentence-classification", "clipping", "deep-vanishing",
                "bidirectional-tagging")
# the only figures a size may leave out (with the export's message), and why
LEFT_OUT = {("column", "dashboard"): "the diagram and four plots do not fit 3.5 x 2.1 in, even at 5 pt"}


def sized_problems(session: Session, figure: str, size: str, dpi: int, steps=()) -> list[str] | None:
    """The rules' findings for `figure` laid out as `write_figure` lays it out at `size`
    (the text made smaller while the plots do not fit); None when the size cannot hold it."""
    inches = figure_inches(figure, parse_size(size))
    pixels = QtCore.QSize(round(inches[0] * dpi), round(inches[1] * dpi))
    try:
        with fitted(figure, session, pixels, dpi / SCREEN_DPI, font_scale(inches, FIGURES[figure].inches),
                    steps) as widget:
            return figure_problems(widget)
    except FigureDoesNotFit:
        return None


@pytest.mark.slow
@pytest.mark.parametrize("preset", SIZE_PRESETS)
@pytest.mark.parametrize("size", SIZES)
def test_every_figure_keeps_its_text_apart_at_slide_and_column_sizes(qapp, size, preset):
    session, steps = preset_run(preset, "backward")
    found, left_out = [], []
    for figure in exported_figures(session, steps):
        problems_ = sized_problems(session, figure, size, SCREEN_DPI, steps)  # as SVG and PDF lay it out
        if problems_ is None:
            left_out.append(figure)
            continue
        if size == "column":  # the tightest: also as the PNG export's 300 dpi lays it out
            at_png = sized_problems(session, figure, size, PNG_DPI, steps) or []
            problems_ += [f"at {PNG_DPI} dpi: {p}" for p in at_png]
        found += [f"{figure}: {p}" for p in problems_]
    assert not found, "\n".join(found)
    unexpected = [figure for figure in left_out if (size, figure) not in LEFT_OUT]
    assert not unexpected, f"left out at {size}: {unexpected}"


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


def test_tick_labels_that_run_together_are_caught(qtbot):
    widget = _plot(qtbot, legend_at=(0, 0))
    axis = widget.getPlotItem().getAxis("bottom")
    axis.setTicks([[(t, f"{t * 1000}") for t in (1, 2, 3, 4, 5)], []])  # "10002000..." on one axis
    widget.resize(150, 300)
    QtWidgets.QApplication.processEvents()
    found = figure_problems(widget)
    assert any("bottom tick '3000'" in p and "overlaps bottom tick '4000'" in p for p in found)


@pytest.mark.parametrize("height, top, labelled", [
    (130, 2.9, ["1", "10", "100"]),
    (900, 2.9, ["1", "2", "5", "10", "20", "50", "100", "200", "500"]),
    (110, 1.9, ["1", "10"]),  # two decades in 60 px: no room between 1 and 2
])
def test_a_log_axis_labels_as_many_values_as_its_length_holds(qtbot, height, top, labelled):
    """1-2-5 over three decades when there is room; a short plot keeps the powers of ten
    (its "1000 / 500 / 200" ran together), and the rules check what it draws."""
    from unrolled.ui.plots.axes import LogAxis

    widget = pg.PlotWidget(axisItems={"left": LogAxis("left")})
    qtbot.addWidget(widget)
    widget.resize(300, height)
    plot = widget.getPlotItem()
    plot.setLogMode(y=True)
    plot.plot([1, 2, 3], [1.0, 30.0, 1000.0])
    plot.setYRange(-0.05, top, padding=0)  # from 0.9, under three decades
    widget.show()
    qtbot.waitExposed(widget)
    QtWidgets.QApplication.processEvents()
    boxes, _ = figure_boxes(widget)
    ticks = sorted((b.name.split("'")[1] for b in boxes if b.name.startswith("left tick")), key=float)
    assert ticks == labelled
    assert figure_problems(widget) == []


def test_a_short_log_axis_over_many_decades_labels_every_few_decades(qtbot):
    """Ten decades in about 60 px (a comparison's gradient plot on a 1280 x 720 projector):
    one label a decade ran together, so every 2nd or 5th decade is labelled."""
    from unrolled.ui.plots.axes import LogAxis

    widget = pg.PlotWidget(axisItems={"left": LogAxis("left")})
    qtbot.addWidget(widget)
    widget.resize(300, 90)
    plot = widget.getPlotItem()
    plot.setLogMode(y=True)
    plot.setTitle("||dL/dh_t||")  # a title above, as every plot has: the top label within the figure
    plot.plot([1, 2, 3], [1e-9, 1e-4, 1.0])
    plot.setYRange(-9, 0, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    QtWidgets.QApplication.processEvents()
    assert plot.vb.height() < 60
    boxes, _ = figure_boxes(widget)
    assert 2 <= len([b for b in boxes if b.name.startswith("left tick")]) < 10
    assert figure_problems(widget) == []


def test_a_short_log_axis_keeps_the_decades_at_its_ends(qtbot):
    """10 .. 1000 in 87 px: pyqtgraph kept only its minor level, which leaves out the range's
    ends, so the axis read "100" alone."""
    from unrolled.ui.plots.axes import LogAxis

    axis = LogAxis("left")
    axis.setLogMode(False, True)
    levels = axis.tickValues(1.0, 3.0, 87.0)
    assert levels[0] == (1.0, [1.0, 2.0, 3.0])
    drawn = [v for _, values in levels for v in values]
    assert len(drawn) == len(set(drawn))  # each value once


def test_a_narrow_heatmap_gets_few_ticks_that_stay_apart(qapp):
    session = Session(Config(cell="lstm", timesteps=50, n_hidden=32))
    session.advance(session.steps_to("iteration") - 1)
    widget = laid_out(build_figure("gates", theme=theme.Theme(scale=0.8)), 336, 294, session)  # 8 pt, a paper column
    try:
        found = figure_problems(widget)
        ticks = [b.name for b in figure_boxes(widget)[0] if b.kind == "tick" and b.name.startswith("bottom")]
    finally:
        widget.close()
        widget.deleteLater()
    assert not found, "\n".join(found)
    assert "bottom tick '1'" in ticks and "bottom tick '50'" in ticks


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
    from unrolled.session.lessons import build_comparison, build_stop, demonstrates_training, get_lesson
    from unrolled.ui.export.handout import stop_figures

    lesson_ = get_lesson(lesson)
    stop = lesson_.stops[number - 1]
    session = build_stop(stop, end=True, lesson=lesson)
    comparison, _ = build_comparison(stop, end=True) if stop.compare else (None, "")
    figures, _ = stop_figures(stop, session, comparison, demonstrates_training(stop))
    try:
        found = [f"{figure.caption}: {p}" for figure in figures for p in figure_problems(figure.widget)]
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
        panel.recompute()  # what a window's throttle asks of a panel it sees
    found = figure_problems(panel.graphics)
    panel.wait_for_workers()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("T", [1, 4, 12])
def test_the_diagrams_cells_lie_in_a_row_of_equal_columns_without_touching(qapp, T):
    """A cell's box: centred in its column of T across the width less the edges, clear of
    its neighbours and of the x and y label rows, all inside the height above the caption."""
    from unrolled.ui.plots.diagram.geometry import EDGE_PX, cell_row

    for drawn_with in (theme.Theme(), theme.Theme(scale=3.125)):
        width, above = 900 * drawn_with.scale, 160 * drawn_with.scale
        row = cell_row(width, above, T, drawn_with)
        boxes = [row.cell_box(k) for k in range(T)]
        edge = drawn_with.px(EDGE_PX)
        for k, box in enumerate(boxes):
            assert box.center().x() == pytest.approx(edge + (width - 2 * edge) * (k + 0.5) / T)
            assert box.width() == box.height() == row.box
            assert box.top() - 0.45 * row.box - row.label >= 0 and box.bottom() + 0.55 * row.box + row.label <= above
        assert all(a.right() < b.left() for a, b in itertools.pairwise(boxes))
