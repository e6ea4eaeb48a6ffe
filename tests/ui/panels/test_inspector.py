"""The step inspector, the itemized gradients dock, predictions beside the sample, Check
gradients, and the export of predictions.csv, itemized_gradients and trace.npz."""

import csv
import json

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from unrolled import cli
from unrolled.engine import Network
from unrolled.session.config import Config
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session
from unrolled.ui import theme
from unrolled.ui.dialogs.gradcheck_dialog import GradcheckDialog
from unrolled.ui.plots.diagram import EDGE_PX


def test_the_inspector_computes_nothing_hidden_and_catches_up_when_shown(window, qtbot):
    panel = window.docks.inspector_panel
    assert not window.docks.inspector.isVisible()
    window.session.advance(2)
    assert window.redraws.is_stale(panel) and panel.browser.toPlainText() == ""
    window.docks.inspector.show()
    qtbot.waitUntil(lambda: "Forward at t" in panel.browser.toPlainText())
    text = panel.browser.toPlainText()
    assert "t = 2 of T = 4" in text and "x_t W1 + h_{t-1} U1 + b1" in text and "[1, F] [F, D]" in text
    word = window.session.task.input_labels(window.session.X[0])[1]
    assert f"x_t [1, F] = one-hot('{word}')" in text  # the word, not a norm and a range
    window.session.advance(1)  # follows the step, at the throttle's next redraw
    qtbot.waitUntil(lambda: "t = 3 of T = 4" in panel.browser.toPlainText())


def test_show_timestep_pins_t_and_the_backward_paths_show(window, qtbot):
    panel = window.docks.inspector_panel
    window.docks.inspector.show()
    window.session.advance(2 * window.session.T + 1)  # the whole backward pass
    panel.show_timestep(2)
    assert not panel.follow.isChecked() and panel.timestep.value() == 2
    text = panel.browser.toPlainText()
    assert "t = 2 of T = 4" in text and "through the readout" in text and "through h_{t+1}" in text
    assert "diag(act'(a_t)) U1^T" in text and "||J_t||_2" in text
    assert "dL/dy_t = (p_t - one-hot(target)) / N" in text
    assert f"N = B·T = {window.session.T}, the (sequence, timestep) terms in the mean" in text
    panel.follow.setChecked(True)
    assert panel.timestep.value() == window.session.t


def test_view_menu_toggles_the_new_docks(window):
    texts = [a.text() for a in window.docks.toggles]
    assert "Step inspector" in texts and "Itemized gradients" in texts


def test_itemized_dock_draws_after_the_backward_pass_and_a_click_picks_k(window, qtbot):
    window.docks.itemized.show()
    plot = window.docks.itemized_panel.plot
    assert plot.norms is None
    window.session.advance(2 * window.session.T + 1)
    qtbot.waitUntil(lambda: plot.norms is not None)
    assert plot.norms.shape == (4, 4) and np.isnan(plot.norms[0, 1])
    with qtbot.waitSignal(plot.row_chosen) as blocker:
        plot.choose_row(3)
        plot.row_chosen.emit(3)
    assert blocker.args == [3] and plot.row.isVisible()
    assert window.docks.inspector_panel.timestep.value() == 3


def test_predictions_beside_the_sample(window):
    view = window.model_panel.sample_view
    assert "after the forward pass" in view.predicted.text()
    window.session.advance(window.session.T)
    window.redraws.run()
    text = view.predicted.text()
    assert "right)" in text and ("✓" in text or "✗" in text)


def test_check_gradients_dialog(window, qtbot):
    assert window.act_gradcheck in window.menus[1].actions()
    dialog = GradcheckDialog(window.session, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_check, timeout=20000):
        pass
    assert dialog.checks is not None and all(c.passed for c in dialog.checks)
    assert dialog.table.rowCount() == len(window.session.net.params)
    assert "Passed" in dialog.verdict.text()
    dialog.close()


@pytest.mark.slow
def test_export_writes_predictions_itemized_and_a_trace_that_recomputes_them(tmp_path):
    out = tmp_path / "out"
    assert cli.main(["export", "--preset", "seed-pos-tagging", "--out", str(out), "--format", "png,csv,npz"]) == 0
    for name in ("predictions.csv", "itemized_gradients.png", "itemized_gradients.csv", "trace.npz"):
        assert (out / name).stat().st_size > 0
    with open(out / "predictions.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["t", "input", "target", "predicted", "p_predicted", "p_target"]
    assert [r["t"] for r in rows] == ["1", "2", "3", "4"] and rows[0]["target"] == "DET"
    trace = np.load(out / "trace.npz")
    meta = json.loads(str(trace["meta"]))
    config = Config.from_dict(meta["config"])
    net = Network(config.cell, n_features=config.n_features, n_hidden=config.n_hidden, n_classes=config.n_classes,
                  mode=config.mode, activation=config.activation, loss=config.loss)
    for name in net.params:
        net.params[name] = trace[name]  # every parameter under its DESIGN.md name
    fwd = net.forward(trace["X"])
    np.testing.assert_allclose(fwd.h, trace["h"])
    with open(out / "itemized_gradients.csv") as handle:
        itemized = list(csv.DictReader(handle))
    assert len(itemized) == 10  # t <= k for k = 1..4
    for row in itemized:
        k, t = int(row["k"]), int(row["t"])
        dh = net.step_loss_gradient(fwd, trace["Y"], k)[0, t - 1]
        assert float(row["norm"]) == pytest.approx(np.linalg.norm(dh), rel=1e-12)


def test_a_click_on_a_heatmap_column_opens_the_inspector_at_that_timestep(qtbot, make_window):
    window = make_window()
    window.resize(1920, 1080)
    window.session.advance(4)
    window.redraws.run()
    QtWidgets.QApplication.processEvents()
    heatmaps = window.heatmaps
    box = heatmaps.panels["h"].plot.vb
    scene_point = box.mapViewToScene(QtCore.QPointF(3, 1))
    assert heatmaps.timestep_at(scene_point) == 3
    with qtbot.waitSignal(heatmaps.timestep_chosen) as chosen:
        qtbot.mouseClick(heatmaps.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=heatmaps.mapFromScene(scene_point))
    assert chosen.args == [3, 0, 0]
    assert window.docks.inspector.isVisible() and window.docks.inspector_panel.place == (0, 0, 3)


def test_plot_titles_carry_their_formulas(make_window):
    window = make_window(Config(cell="lstm"))
    window.redraws.run()
    assert "dL/dh_t" in window.gradients.norms.titleLabel.toolTip()
    assert "cross-entropy" in window.loss_plot.getPlotItem().titleLabel.toolTip()
    forget = window.heatmaps.panels["f"].plot.titleLabel.toolTip()
    assert "the lecture's 'reset'" in forget and "U_f" in forget


def test_the_hover_readout_names_the_cell_and_its_value(make_window):
    window = make_window()
    window.resize(1920, 1080)
    window.session.advance(3)
    window.redraws.run()
    QtWidgets.QApplication.processEvents()
    heatmaps = window.heatmaps
    box = heatmaps.panels["h"].plot.vb
    value = window.session.fwd.h[0, 1, 1]  # t = 2, unit 2
    assert heatmaps.readout(box.mapViewToScene(QtCore.QPointF(2, 2))) == f"h_t  unit 2, t = 2: {value:.4g}"
    assert heatmaps.readout(box.mapViewToScene(QtCore.QPointF(4, 2))).endswith("not computed yet")
    assert heatmaps.readout(QtCore.QPointF(-50, -50)) is None


@pytest.mark.parametrize("T", [12, 400], ids=["cells", "strip"])
def test_a_click_on_a_timestep_of_the_diagram_opens_the_inspector_there(qtbot, make_window, T):
    window = make_window(timesteps=T)
    window.resize(1920, 1080)
    window.session.advance(4)
    window.redraws.run()
    QtWidgets.QApplication.processEvents()
    diagram = window.diagram
    for t in (1, 3, T):
        pitch = (diagram.width() - 2 * theme.THEME.px(EDGE_PX)) / T
        x = theme.THEME.px(EDGE_PX) + pitch * (t - 0.5)
        assert diagram.timestep_at(x) == t
        with qtbot.waitSignal(diagram.timestep_chosen) as chosen:
            point = QtCore.QPoint(round(x), diagram.height() // 3)
            qtbot.mouseClick(diagram, QtCore.Qt.MouseButton.LeftButton, pos=point)
        assert chosen.args == [t, 0, 0]
        assert window.docks.inspector.isVisible() and window.docks.inspector_panel.place == (0, 0, t)
    assert diagram.timestep_at(1) is None  # beside the cells


def _stacked_window(make_window):
    """A 2-layer bidirectional LSTM after its forward pass, large enough for the split layout."""
    window = make_window(Config(cell="lstm", layers=2, bidirectional=True, timesteps=6, n_hidden=4))
    window.resize(1920, 1080)
    window.session.advance(window.session.order.steps_per_pass)
    window.redraw()
    QtWidgets.QApplication.processEvents()
    return window


def _shows_place(window, layer: int, direction: int, t: int) -> None:
    """The inspector is at (layer, direction, t) and shows that cell's equations and values."""
    panel = window.docks.inspector_panel
    assert window.docks.inspector.isVisible() and panel.place == (layer, direction, t)
    assert panel.layer.currentData() == (layer, direction)
    text = panel.browser.toPlainText()
    name = f"layer {layer + 1} {('forward', 'reverse')[direction]}"
    assert f"{name}, t = {t} of T = 6" in text
    weights = {(0, 0): "U_i", (0, 1): "U_i_l0_reverse", (1, 0): "U_i_l1", (1, 1): "U_i_l1_reverse"}
    assert f" {weights[(layer, direction)]} " in text and ("h_{t+1} U_i" if direction else "h_{t-1} U_i") in text
    assert ("layer 1's output at t" in text) == (layer == 1)  # a layer above reads the one below
    h = window.session.layer_hidden_states()[(layer, direction)][0, t - 1]
    assert "h_t [1, D] = [" + ", ".join(f"{v:.3g}" for v in h) + "]" in text


@pytest.mark.parametrize("key", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_a_click_on_a_row_of_the_grid_opens_the_inspector_at_that_layer_and_direction(qtbot, make_window, key):
    window = _stacked_window(make_window)
    diagram = window.diagram
    layout = diagram.grid_layout()
    assert layout.cells and layout.keys == [(1, 0), (1, 1), (0, 0), (0, 1)]
    y = layout.tops[layout.row_of(key)] + layout.height / 2
    point = QtCore.QPoint(round(layout.centre_x(4 - 1)), round(y))
    with qtbot.waitSignal(diagram.timestep_chosen) as chosen:
        qtbot.mouseClick(diagram, QtCore.Qt.MouseButton.LeftButton, pos=point)
    assert chosen.args == [4, *key]
    _shows_place(window, *key, 4)
    # between two rows, the nearer one: just under the top row's box is still layer 2 forward
    below_top = layout.tops[0] + layout.height + 1
    assert diagram.place_at(layout.centre_x(0), below_top) == (1, 1, 0)


@pytest.mark.parametrize("key", [(0, 1), (1, 0)])
def test_a_click_on_a_layers_heatmap_opens_the_inspector_at_that_layer(qtbot, make_window, key):
    window = _stacked_window(make_window)
    heatmaps = window.heatmaps
    heatmaps.layer_choice.choose(key)
    QtWidgets.QApplication.processEvents()
    scene_point = heatmaps.panels["f"].plot.vb.mapViewToScene(QtCore.QPointF(2, 1))
    with qtbot.waitSignal(heatmaps.timestep_chosen) as chosen:
        qtbot.mouseClick(heatmaps.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         pos=heatmaps.mapFromScene(scene_point))
    assert chosen.args == [2, *key]
    _shows_place(window, *key, 2)
    window.docks.itemized_panel.plot.row_chosen.emit(3)  # a loss term k reads the top layer
    _shows_place(window, 1, 0, 3)


def test_the_itemized_colour_bar_reads_as_log10_values(qapp):
    """Over a narrow range of log10 norms, pyqtgraph's SI prefix wrote "-650" and
    "(x0.001)" on the bar; it reads -0.65."""
    from unrolled.ui.export.figures import build_figure, laid_out

    from support.figure_boxes import figure_boxes

    session = Session(Config(cell="lstm", timesteps=6, rho=0.5).resolved())
    session.advance(session.steps_per_iteration - 1)
    widget = laid_out(build_figure("itemized_gradients"), 500, 400, session)
    try:
        widget.colorbar.setLevels((-0.75, -0.6))  # as a short LSTM's norms span
        QtWidgets.QApplication.processEvents()
        boxes, _ = figure_boxes(widget)
        names = [b.name for b in boxes if b.name.startswith("right")]
    finally:
        widget.close()
    low, high = widget.colorbar.levels()
    assert names and not any("x0" in name or "x1" in name for name in names)
    ticks = [float(name.split("'")[1]) for name in names if "tick" in name]
    assert ticks and all(low - 0.5 <= t <= high + 0.5 for t in ticks)


def test_a_diagram_too_short_for_its_cells_draws_the_strip(qapp):
    """In F5 beside every panel the cells shrank to dots under their "h_t" labels."""
    from PySide6 import QtGui

    from unrolled.ui import theme
    from unrolled.ui.plots.diagram import UnrolledDiagram

    session = Session(Config(timesteps=4))
    for scale, size, full in ((1.0, (900, 220), True), (1.6, (480, 224), False)):
        diagram = UnrolledDiagram(theme=theme.Theme(scale=scale))  # F5's fonts: the caption wraps onto three lines
        diagram.refresh(session)
        diagram.resize(*size)
        image = QtGui.QImage(diagram.size(), QtGui.QImage.Format.Format_ARGB32)
        painter = QtGui.QPainter(image)
        try:
            assert diagram._cells_fit(painter, session) is full
        finally:
            painter.end()
            diagram.close()


def test_the_itemized_figure_of_many_to_one_draws_only_its_one_row(qapp):
    """Many-to-one has one loss term, at k = T: drawn among T - 1 empty rows the figure was
    98% blank; now the image is that row alone, over the whole plot, and says so."""
    from unrolled.ui.export.figures import build_figure, laid_out
    from unrolled.ui.plots.itemized import ONE_ROW_LABEL, ROWS_LABEL

    from support.figure_boxes import figure_boxes

    session = Session(get_preset("sentence-classification").config)
    T = session.T
    session.advance(session.steps_per_iteration - 1)
    widget = laid_out(build_figure("itemized_gradients"), 500, 400, session)
    try:
        assert widget.image.image.shape == (1, T)
        assert widget.plot.vb.viewRange()[1] == [T - 0.5, T + 0.5]
        assert widget.plot.getAxis("left").labelText == ONE_ROW_LABEL
        view = widget.plot.vb.sceneBoundingRect()
        image = widget.image.sceneBoundingRect()
        assert image.height() >= 0.95 * view.height()  # the data fills the plot
        boxes, _ = figure_boxes(widget)
        assert [b.name for b in boxes if b.name.startswith("left tick")] == [f"left tick '{T}'"]
        many = Session(Config(timesteps=5))
        many.advance(many.steps_per_iteration - 1)
        widget.refresh(many)
        assert widget.image.image.shape == (5, 5) and widget.plot.getAxis("left").labelText == ROWS_LABEL
    finally:
        widget.close()


def test_the_loss_plot_names_a_lone_loss_and_starts_its_axis_at_0(qapp):
    """Before any update there is one loss: a dot on an axis pyqtgraph spans around it. It
    is written beside the dot, on an axis from 0; from the second loss on, the curve says it."""
    from unrolled.ui.export.figures import build_figure, laid_out

    session = Session(Config(timesteps=4))
    session.advance(session.steps_per_iteration - 1)  # the loss computed, not yet updated
    widget = laid_out(build_figure("loss"), 640, 360, session)
    try:
        loss = session.loss
        assert widget.single.toPlainText() == f"{loss:.3g}, the first loss"
        low, high = widget.getPlotItem().vb.viewRange()[1]
        assert low == 0 and high == pytest.approx(1.6 * loss)
        session.step()  # the update: one loss in the history
        session.advance(session.steps_per_iteration - 1)  # and a second one pending
        widget.refresh(session)
        assert widget.single.toPlainText() == ""
    finally:
        widget.close()


def test_the_inspector_of_a_deep_bidirectional_network_follows_the_place_and_chooses_a_layer(qtbot):
    from unrolled.ui.panels.inspector import InspectorPanel

    session = Session(Config(timesteps=4, n_hidden=3, layers=2, bidirectional=True))
    panel = InspectorPanel(session)  # on its own: the window's refresh is the redraw throttle's, tested above
    qtbot.addWidget(panel)
    panel.show()
    session.advance(4 + 4 + 2)  # layer 1 both ways, then layer 2 forward to t = 2
    panel.refresh()
    assert "layer 2 forward, t = 2 of T = 4" in panel.browser.toPlainText()
    assert panel.layer.isVisible() and panel.layer.currentText() == "layer 2 forward"
    assert [panel.layer.itemText(i) for i in range(panel.layer.count())] == [
        "layer 1 forward", "layer 1 reverse", "layer 2 forward", "layer 2 reverse"]
    text = panel.browser.toPlainText()
    assert "input: layer 1's output at t: its forward h_t beside its reverse h_t" in text
    assert "h_t^(1) W1_l1 + h_{t-1} U1_l1 + b1_l1" in text and "[1, 2D] [2D, D]" in text
    panel.layer.setCurrentIndex(1)  # the chooser pins layer 1 reverse at the t shown
    assert not panel.follow.isChecked() and panel.place == (0, 1, 2)
    text = panel.browser.toPlainText()
    assert "layer 1 reverse, t = 2 of T = 4" in text and "x_t W1_l0_reverse + h_{t+1} U1_l0_reverse" in text
    h = session.fwd.layer_h[(0, 1)][0, 1]
    assert "[" + ", ".join(f"{v:.3g}" for v in h) + "]" in text  # h_t of that layer, as the engine has it
    panel.show_timestep(4, layer=1, direction=1)  # the reverse direction of layer 2 has not reached t = 4
    assert panel.layer.currentText() == "layer 2 reverse" and "not computed yet" in panel.browser.toPlainText()
    panel.follow.setChecked(True)
    assert panel.place == (1, 0, 2)


def test_the_layer_chooser_is_hidden_for_one_layer(window):
    panel = window.docks.inspector_panel
    window.docks.inspector.show()
    panel.refresh()
    assert not panel.layer.isVisible() and panel.layer.count() == 1
