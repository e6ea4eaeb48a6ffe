"""The heatmaps of a stack: a choice of the layer and direction above the panels, the top
layer by default, kept while stepping; each panel shows that layer's values, a reverse
direction filling from t = T down; one layer in one direction offers no choice."""

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.export.figures import build_figure, laid_out
from unrolled.ui.plots.heatmaps import StateHeatmaps


def _stack(**depth) -> Session:
    return Session(Config(cell="lstm", timesteps=6, n_hidden=4, **({"layers": 2, "bidirectional": True} | depth)))


@pytest.fixture
def heatmaps(qtbot):
    view = StateHeatmaps()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return view


def _shown(view: StateHeatmaps, key: str) -> np.ndarray:
    return view.panels[key].image.image


def test_a_stack_offers_its_layers_and_shows_the_top_one_first(heatmaps):
    session = _stack()
    session.advance(session.steps_to("phase"))  # the whole forward pass
    heatmaps.refresh(session)
    choice = heatmaps.layer_choice
    assert choice.isVisible()
    assert [choice.itemText(i) for i in range(choice.count())] == [
        "layer 1 forward", "layer 1 reverse", "layer 2 forward", "layer 2 reverse"]
    assert choice.currentText() == "layer 2 forward" and choice.key == (1, 0)
    np.testing.assert_array_equal(_shown(heatmaps, "h"), session.layer_hidden_states()[(1, 0)][0].T)
    np.testing.assert_array_equal(_shown(heatmaps, "c"), session.layer_cell_states()[(1, 0)][0].T)
    np.testing.assert_array_equal(_shown(heatmaps, "f"), session.layer_gates()[(1, 0)]["f"][0].T)
    assert heatmaps.panels["h"].plot.titleLabel.text == "h_t  hidden state, layer 2 forward"


def test_choosing_a_layer_shows_it_and_the_choice_survives_stepping(heatmaps):
    session = _stack()
    heatmaps.refresh(session)
    heatmaps.layer_choice.choose((0, 1))  # as a pick in the list: the view redraws itself
    assert heatmaps.layer_choice.currentText() == "layer 1 reverse"
    session.advance(8)  # layer 1 forward (6 steps), then the reverse direction at t = 6 and 5
    heatmaps.refresh(session)
    assert heatmaps.layer_choice.key == (0, 1)
    np.testing.assert_array_equal(_shown(heatmaps, "h"), session.layer_hidden_states()[(0, 1)][0].T)
    alpha = heatmaps.panels["h"].image.rgba[..., 3]
    assert (alpha[:, 4:] == 255).all() and (alpha[:, :4] == 0).all()  # t = 5, 6 coloured; the rest empty
    assert heatmaps.panels["h"].cursor.isVisible() and heatmaps.panels["h"].cursor.value() == 5
    session.step_back()
    heatmaps.refresh(session)
    assert (heatmaps.panels["h"].image.rgba[:, 4, 3] == 0).all()  # t = 5 undone: empty again
    session.run_iteration()
    heatmaps.refresh(session)
    assert heatmaps.layer_choice.key == (0, 1)  # a new iteration: the same layer


def test_the_model_changing_the_stack_keeps_a_layer_that_is_still_there(heatmaps):
    session = _stack(layers=3)
    heatmaps.refresh(session)
    heatmaps.layer_choice.choose((2, 1))
    session.reconfigure(layers=2)
    heatmaps.refresh(session)
    assert heatmaps.layer_choice.key == (1, 0)  # layer 3 is gone: the new top layer
    assert heatmaps.layer_choice.count() == 4


def test_one_layer_offers_no_choice_and_draws_as_before(heatmaps):
    session = Session(Config(cell="gru", timesteps=5, n_hidden=3))
    session.advance(3)
    heatmaps.refresh(session)
    assert heatmaps.layer_choice.isHidden()
    np.testing.assert_array_equal(_shown(heatmaps, "h"), session.fwd.h[0].T)
    assert heatmaps.panels["h"].plot.titleLabel.text == "h_t  hidden state"
    alpha = heatmaps.panels["h"].image.rgba[..., 3]
    assert (alpha[:, :3] == 255).all() and (alpha[:, 3:] == 0).all()


def test_an_exported_heatmap_of_a_stack_has_no_widget_and_names_its_layer(qapp):
    session = _stack()
    session.advance(session.steps_to("phase"))
    figure = laid_out(build_figure("hidden_states"), 600, 450, session)
    try:
        assert figure.layer_choice.isHidden()
        assert "layer 2 forward" in figure.panels["h"].plot.titleLabel.text
    finally:
        figure.close()
        figure.deleteLater()


def test_a_narrow_panels_short_title_keeps_its_layer_and_direction(qtbot):
    """On screen a narrow panel's title shortens to its symbol: with a stack, the layer and
    direction stay in it ("h_t, layer 1 ←"), or nothing on screen says which layer is shown."""
    view = StateHeatmaps()
    qtbot.addWidget(view)
    view.shared_time_axis = True
    view.resize(360, 600)
    view.show()
    session = _stack()
    session.advance(session.steps_to("phase"))
    view.refresh(session)
    view.layer_choice.choose((0, 1))
    for panel in view.panels.values():
        title = panel.plot.titleLabel
        assert title.short is not None and "layer 1 ←" in title.short
        assert "layer 1" in title.text


@pytest.mark.slow
def test_f5_keeps_the_heatmaps_layer_and_direction(qtbot, make_window):
    """Presentation mode builds the views again: the layer and direction chosen stay."""
    window = make_window(Config(cell="gru", timesteps=6, n_hidden=4, layers=2, bidirectional=True))
    window.session.advance(window.session.steps_to("phase"))
    window.redraw()
    window.plots.bring_forward("heatmaps")
    window.plots.dashboard.heatmaps.layer_choice.choose((0, 1))
    window.act_presentation.trigger()
    qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    window.plots.bring_forward("heatmaps")
    window.redraw()
    choice = window.plots.dashboard.heatmaps.layer_choice
    assert choice.key == (0, 1) and choice.currentText() == "layer 1 reverse"
    window.act_presentation.trigger()
    qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    window.redraw()
    assert window.plots.dashboard.heatmaps.layer_choice.key == (0, 1)
