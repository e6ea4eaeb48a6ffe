"""The diagram of a stacked or bidirectional network: a row per (layer, direction), the top
layer highest and forward over reverse; cells for short T, a strip per row for long T,
readable at T = 50, L = 4 on a 1366 x 768 window; the current (layer, direction, t)
framed in red at every step; one colour scale over every row; one layer drawn as before."""

import itertools

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from unrolled.session.config import Config
from unrolled.session.stepper import Phase, Session
from unrolled.ui.plots.diagram import UnrolledDiagram, gradient_scale
from unrolled.ui.plots.diagram.cells import paint_cells
from unrolled.ui.plots.diagram.geometry import cell_row
from unrolled.ui.plots.diagram.grid import display_keys, grid_state
from unrolled.ui.theme import VERMILION

from support.figure_boxes import painted_boxes, problems_of


def rendered(widget: UnrolledDiagram) -> np.ndarray:
    image = QtGui.QImage(widget.width(), widget.height(), QtGui.QImage.Format.Format_RGB32)
    painter = QtGui.QPainter(image)
    widget.paint_on(painter)
    painter.end()
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3).copy()


def diagram_of(qtbot, session: Session, width: int, height: int) -> UnrolledDiagram:
    diagram = UnrolledDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(width, height)
    diagram.refresh(session)
    return diagram


def assert_rows_apart_and_inside(diagram: UnrolledDiagram, rows: int) -> None:
    layout = diagram.grid_layout()
    assert len(layout.keys) == len(layout.tops) == rows
    assert layout.tops == sorted(layout.tops)
    for top, below in zip(layout.tops, layout.tops[1:]):
        assert top + layout.height < below  # no two rows touch
    assert layout.top > 0 and layout.bottom < diagram.height()
    assert 0 < layout.left < layout.right < diagram.width()


def test_rows_run_from_the_top_layer_down_forward_over_reverse():
    assert display_keys(3, 2) == [(2, 0), (2, 1), (1, 0), (1, 1), (0, 0), (0, 1)]
    assert display_keys(2, 1) == [(1, 0), (0, 0)]


def test_t_50_four_bidirectional_layers_are_readable_in_a_1366_x_768_window(qtbot, make_window):
    window = make_window(Config(layers=4, bidirectional=True, timesteps=50))
    window.resize(1366, 768)
    # the diagram has half the area's height (tabs at this size): what its rows ask, at most;
    # or its least height, where that leaves the depth-time picture room under the curves
    kept = window.diagram.least_height()
    qtbot.waitUntil(lambda: window.plots.tabbed
                    and window.diagram.height() >= min(window.plots.height() // 2 - 20, kept - 1))
    s = window.session
    s.advance(s.order.steps_per_pass + 1 + 130)  # the backward pass, in layer 3's reverse direction
    window.redraw()
    diagram = window.diagram
    assert diagram.is_grid()
    layout = diagram.grid_layout()
    assert not layout.cells  # T = 50 is too many cells: a strip per row
    assert layout.keys == display_keys(4, 2)
    assert_rows_apart_and_inside(diagram, 8)
    small = QtGui.QFontMetricsF(diagram.theme.qfont(0.85)).height()
    assert layout.height >= 0.9 * small  # each row as tall as the name beside it
    boxes = painted_boxes(diagram)
    assert problems_of(boxes, QtCore.QRectF(diagram.rect())) == []
    names = [b.name for b in boxes if b.kind != "data"]
    assert names.count("text 'layer 4'") == 1 and names.count("text 'layer 1'") == 1  # a layer named once


def test_a_short_sequence_has_a_cell_per_layer_direction_and_t(qtbot):
    s = Session(Config(cell="gru", layers=3, bidirectional=True, timesteps=6))
    diagram = diagram_of(qtbot, s, 1000, 340)
    layout = diagram.grid_layout()
    assert layout.cells
    assert_rows_apart_and_inside(diagram, 6)
    assert layout.pitch > layout.height  # the cells of a row do not touch
    assert problems_of(painted_boxes(diagram), QtCore.QRectF(diagram.rect())) == []


def test_the_red_frame_follows_the_step_order(qtbot):
    s = Session(Config(cell="lstm", layers=2, bidirectional=True, timesteps=4))
    diagram = diagram_of(qtbot, s, 900, 300)
    red = np.array(QtGui.QColor(VERMILION).getRgb()[:3])
    seen = []
    for _ in range(s.steps_per_iteration):
        s.step()
        diagram.refresh(s)
        current = grid_state(s, diagram.theme).current
        place = s.place
        if place.phase not in (Phase.FORWARD, Phase.BACKWARD):
            assert current is None
            continue
        assert current == (place.layer, place.direction, place.t)
        seen.append(current)
        layout = diagram.grid_layout()
        pixels = rendered(diagram)
        top = layout.tops[layout.row_of(current[:2])]
        for key, row_top in zip(layout.keys, layout.tops):  # the left edge of each cell at t: red at the current one
            x = round(layout.centre_x(current[2] - 1) - layout.height / 2)
            edge = pixels[round(row_top + layout.height / 2), x - 1: x + 2]
            is_red = (np.abs(edge.astype(int) - red).sum(axis=1) < 60).any()
            assert is_red == (row_top == top), (current, key)
    forward = [(0, 0, t) for t in range(1, 5)] + [(0, 1, t) for t in range(4, 0, -1)]
    forward += [(1, 0, t) for t in range(1, 5)] + [(1, 1, t) for t in range(4, 0, -1)]
    assert seen == forward + forward[::-1]


def test_a_reverse_row_fills_from_the_right_and_every_row_shares_one_colour_scale(qtbot):
    s = Session(Config(layers=2, bidirectional=True, timesteps=5))
    s.advance(5 + 2)  # layer 1 forward, then its reverse direction at t = 5 and 4
    state = grid_state(s, UnrolledDiagram().theme)
    rows = {row.key: row for row in state.rows}
    np.testing.assert_array_equal(rows[(0, 0)].computed, [True] * 5)
    np.testing.assert_array_equal(rows[(0, 1)].computed, [False, False, False, True, True])
    assert not rows[(1, 0)].computed.any()
    s.advance(20 + 1 + 12)  # into the backward pass of layer 1 (from the top)
    state = grid_state(s, UnrolledDiagram().theme)
    norms = s.layer_gradient_norms()
    done = np.concatenate([norms[row.key][~np.isnan(norms[row.key])] for row in state.rows])
    assert state.scale == gradient_scale(done)
    for row in state.rows:
        np.testing.assert_array_equal(row.norms, norms[row.key])
        np.testing.assert_array_equal(row.done_back, ~np.isnan(norms[row.key]))


@pytest.mark.parametrize("steps", [0, 3, 6, 9])
def test_one_layer_is_drawn_as_a_row_of_cells_as_before(qtbot, steps):
    s = Session(Config(timesteps=4))
    s.advance(steps)
    diagram = diagram_of(qtbot, s, 900, 190)
    assert not diagram.is_grid() and diagram.sizeHint().height() == 190
    # the one-layer painting alone, as the widget drew it before there were grids
    expected = QtGui.QImage(900, 190, QtGui.QImage.Format.Format_RGB32)
    painter = QtGui.QPainter(expected)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.fillRect(expected.rect(), QtGui.QColor(diagram.theme.background))
    painter.setFont(diagram.theme.qfont())
    above = 190 - diagram._caption_height(painter, s)
    paint_cells(painter, diagram.theme, s, cell_row(900, above, 4, diagram.theme), diagram._state(s),
                diagram.theme.qfont(), True)
    diagram._paint_caption(painter, s)
    painter.end()
    got = QtGui.QImage(900, 190, QtGui.QImage.Format.Format_RGB32)
    painter = QtGui.QPainter(got)
    diagram.paint_on(painter)
    painter.end()
    assert got == expected


def folded_texts(diagram: UnrolledDiagram):
    from support.figure_boxes import RecordingPainter

    image = QtGui.QImage(diagram.width(), diagram.height(), QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    recorder = RecordingPainter(painter)
    diagram.paint_on(recorder)
    painter.end()
    return {text: box for box, text, _ in recorder.texts}, recorder.shapes


def test_a_folded_stack_names_the_row_its_strip_shows_and_its_ends_as_timesteps(qtbot):
    """Folded above a framed plot, a stack's diagram is one strip: it says which layer it
    is, and that its ends are timesteps ("t = 1" ... "30"), so it never reads as a colour
    scale from 1 to 30; in the backward pass it names its ||dL/dh_t|| range, as the
    handout's figure does; nothing overlaps, and the strip keeps its place."""
    session = Session(Config(timesteps=30, n_hidden=4, layers=4))
    diagram = diagram_of(qtbot, session, 1200, 40)
    diagram.set_folded(True)
    diagram.resize(1200, diagram.folded_height())
    texts, shapes = folded_texts(diagram)
    assert "layer 4 (top)" in texts and "1" not in texts and "30" in texts
    name, first = texts["layer 4 (top)"], texts["t = 1"]
    assert name.right() < first.left() and name.left() >= 0
    assert all(first.right() < shape.left() for shape in shapes)
    span = diagram._strip_span(session)
    session.advance(session.steps_per_iteration - 3)  # the backward pass, its top layer done
    diagram.refresh(session)
    texts, shapes = folded_texts(diagram)
    named = [text for text in texts if text.startswith("layer 4 (top), ||dL/dh_t|| ")]
    assert len(named) == 1 and " … " in named[0]
    assert texts[named[0]].right() < texts["t = 1"].left()
    assert diagram._strip_span(session) == span
    assert problems_of(painted_boxes(diagram), QtCore.QRectF(diagram.rect())) == []


@pytest.mark.parametrize("width", [600, 1200])
def test_the_grid_keeps_its_rows_where_they_are_through_every_phase(qtbot, width):
    """Bidirectional tagging: the Update phase's caption (with its note on exact zeros) is
    longer than the others; on screen it is elided, never a third line that squeezes the
    grid into strips for one step."""
    from unrolled.session.presets import get_preset

    s = Session(get_preset("bidirectional-tagging").config)
    diagram = diagram_of(qtbot, s, width, 300)
    first = diagram.grid_layout()
    seen = set()
    for _ in range(s.steps_per_iteration):
        s.step()
        diagram.refresh(s)
        layout = diagram.grid_layout()
        seen.add(s.place.phase)
        assert (layout.tops, layout.height, layout.cells) == (first.tops, first.height, first.cells), s.place
    assert Phase.UPDATE in seen


def test_row_names_are_never_cut_by_thin_rows(qtbot):
    """Rows thinner than a line of text (1280x720 in F5): each row's name has a whole
    line's height (it read "laver 4", cut), and no two names overlap."""
    from support.figure_boxes import RecordingPainter

    class Rects(RecordingPainter):
        def drawText(self, rect, flags, text):
            self.rects.append((QtCore.QRectF(rect), text, QtGui.QFontMetricsF(self._painter.font()).height()))
            super().drawText(rect, flags, text)

    session = Session(Config(timesteps=30, n_hidden=4, layers=4))
    diagram = diagram_of(qtbot, session, 900, 120)
    layout = diagram.grid_layout()
    assert layout.height < QtGui.QFontMetricsF(diagram.theme.qfont(0.85)).height()  # thin rows
    image = QtGui.QImage(900, 120, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    recorder = Rects(painter)
    recorder.rects = []
    diagram.paint_on(recorder)
    painter.end()
    names = [(rect, line) for rect, text, line in recorder.rects if text.startswith("layer")]
    assert len(names) == 4
    for rect, line in names:
        assert rect.height() >= line - 0.01
    for (upper, _), (lower, _) in itertools.pairwise(names):
        assert upper.bottom() <= lower.top() + 0.01


def row_name_heights(diagram: UnrolledDiagram) -> dict[str, float]:
    """Each name drawn left of the grid: the height of its font's line."""
    from support.figure_boxes import RecordingPainter

    class Lines(RecordingPainter):
        def drawText(self, rect, flags, text):
            self.lines[text] = QtGui.QFontMetricsF(self._painter.font()).height()
            super().drawText(rect, flags, text)

    image = QtGui.QImage(diagram.width(), diagram.height(), QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    recorder = Lines(painter)
    recorder.lines = {}
    diagram.paint_on(recorder)
    painter.end()
    return {text: line for text, line in recorder.lines.items() if text.startswith("layer")}


def test_in_f5_at_1280_x_720_the_caption_is_under_the_grid_and_the_names_grow(qtbot, make_window):
    """Four bidirectional LSTM layers on a 1280 x 720 projector: in F5 the grid's strips,
    their ticks and the cursor's "t = ..." lie above the caption's two lines, nothing on
    anything; each layer's name is as large as presentation mode's text, larger than in
    normal mode (the rows thinner than a line, a name stands beside its layer's two rows)."""
    window = make_window(Config(cell="lstm", layers=4, bidirectional=True))
    window.resize(1280, 720)
    s = window.session
    s.advance(s.order.steps_per_pass + 1 + 15)  # the backward pass, in layer 3
    window.redraw()
    diagram = window.diagram
    normal = row_name_heights(diagram)
    window.act_presentation.trigger()
    qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    window.resize(1280, 720)
    diagram = window.diagram  # presentation mode builds the views anew
    qtbot.waitUntil(lambda: diagram.theme.scale > 1 and diagram.width() > 1000, timeout=3000)
    layout = diagram.grid_layout()
    assert not layout.cells
    boxes = painted_boxes(diagram)
    assert problems_of(boxes, QtCore.QRectF(diagram.rect())) == []
    caption_top = diagram.height() - diagram._caption_height(None, s)
    grid = [b for b in boxes if b.kind != "title"]  # the caption is the largest text
    assert {"text '1'", "text '4'"} <= {b.name for b in grid}
    assert any(b.name.startswith("text 't = ") for b in grid)  # the cursor's
    assert all(b.rect.bottom() <= caption_top + 1 for b in grid), caption_top
    presenting = row_name_heights(diagram)
    assert set(presenting) == {f"layer {n}" for n in range(1, 5)}
    for name, line in presenting.items():
        assert line >= normal[name] and line >= 0.99 * QtGui.QFontMetricsF(diagram.theme.qfont(0.85)).height()


@pytest.mark.parametrize(("layers", "bidirectional", "size"), [(4, False, (962, 172)), (4, True, (1268, 253)),
                                                               (4, True, (1600, 200)), (8, True, (1200, 400))])
def test_a_grids_strips_take_the_height_their_labels_leave(qtbot, layers, bidirectional, size):
    """Strips thinner than MAX_BAND_PX fill the height above the caption: over the top
    one only the cursor's "t = ..." and under the bottom one only the ticks (no empty
    band kept around thin rows), and never under the caption."""
    from unrolled.ui.plots.diagram.grid import MAX_BAND_PX, strip_margins

    session = Session(Config(timesteps=30, n_hidden=4, layers=layers, bidirectional=bidirectional))
    diagram = diagram_of(qtbot, session, *size)
    layout = diagram.grid_layout()
    assert not layout.cells and layout.height < diagram.theme.px(MAX_BAND_PX)
    above = diagram.height() - diagram._caption_height(None, session)
    over, under = strip_margins(diagram._line(), diagram.theme)
    assert layout.top == pytest.approx(over, abs=0.5)
    assert above - (layout.bottom + under) == pytest.approx(0, abs=0.5)
    assert_rows_apart_and_inside(diagram, layers * (1 + bidirectional))
