"""A cell registered only in the engine shows up everywhere: the config's choices and
checks, the model panel (its cell list and shapes), the heatmaps and the tables. This is
the promise of DESIGN.md: a new cell is a change to engine/cells/ only."""

import numpy as np
import pytest
from PySide6 import QtCore

from unrolled.engine import CELLS, Network, register_cell, unregister_cell
from unrolled.engine.cells import GatedCell
from unrolled.engine.cells.base import blocks
from unrolled.engine.functions import sigmoid
from unrolled.engine.gradcheck import check_network_gradients
from unrolled.session.config import FIELDS, Config
from unrolled.session.figure_registry import figure_table, figures_for
from unrolled.session.stepper import Session
from unrolled.ui.panels.model_panel import shapes_text


class BlendCell(GatedCell):
    """A toy gated cell, defined here only:

    a = sigmoid(x W_a + h U_a + b_a)      blend gate
    n = tanh(x W_n + h U_n + b_n)         candidate
    h_t = (1 - a) * h_{t-1} + a * n
    """

    name = "blend"
    title = "blend cell"
    blocks = 2
    gate_names = ("a", "n")
    gate_descriptions = {"a": "blend gate", "n": "candidate"}
    gate_ranges = {"a": (0.0, 1.0), "n": (-1.0, 1.0)}

    def _combine(self, packed, a_x, a_h, state):
        pre = a_x + a_h  # (B, 2D): a n
        gates = sigmoid(pre)
        D = pre.shape[1] // 2
        gates[:, D:] = np.tanh(pre[:, D:])
        a, n = blocks(gates, 2)
        h = (1.0 - a) * state["h"] + a * n
        return {"h": h}, {"pre": pre, "gates": gates}

    def _combine_backward(self, d_state, cache):
        a, n = blocks(cache["gates"], 2)
        dh = d_state["h"]
        da = np.concatenate([dh * (n - cache["h_prev"]) * a * (1.0 - a), dh * a * (1.0 - n * n)], axis=-1)
        return da, da, {"h": dh * (1.0 - a)}, {"h": dh}


@pytest.fixture
def blend_cell():
    register_cell(BlendCell)
    yield "blend"
    unregister_cell("blend")


def test_the_toy_cell_is_a_real_cell(blend_cell):
    """Its gradients match finite differences, so what the views show below is honest."""
    net = Network("blend", n_features=3, n_hidden=4, n_classes=3, seed=2, rho=0.9)
    X = np.random.default_rng(0).standard_normal((2, 5, 3))
    errors = check_network_gradients(net, X, np.random.default_rng(1).integers(0, 3, size=(2, 5)))
    assert set(errors) == {"W_a", "U_a", "b_a", "W_n", "U_n", "b_n", "W2", "b2"}
    assert max(errors.values()) < 1e-6, errors


def test_the_config_offers_and_checks_it(blend_cell):
    assert "blend" in FIELDS["cell"].choices
    config = Config(cell="blend")
    assert config.problems() == {}
    locked = config.locked_fields()
    assert "activation" in locked and "forget_bias" in locked
    assert config.estimated_trace_bytes() == 8 * 1 * 4 * 8 * (6 * 2 + 12)
    assert "expected one of rnn, lstm, gru, blend" in Config(cell="nothing").problems()["cell"]


def test_the_model_panel_lists_it_and_shows_its_shapes(blend_cell, make_window):
    window = make_window()
    combo = window.model_panel.editors["cell"]
    index = combo.findData("blend")
    assert index >= 0
    assert combo.itemData(index, QtCore.Qt.ItemDataRole.ToolTipRole) == "blend cell"
    combo.setCurrentIndex(index)  # view -> model
    window.redraws.run()  # model -> view, as the event loop would next
    assert window.session.config.cell == "blend"
    text = window.model_panel.shapes.text()
    assert text == shapes_text(window.session.config)
    assert "W_a [14, 8]   U_a [8, 8]   b_a [8]<br>W_n [14, 8]   U_n [8, 8]   b_n [8]<br>W2 [D, C]" in text
    assert not window.model_panel.editors["activation"].isEnabled()
    assert not window.model_panel.editors["forget_bias"].isEnabled()


def test_the_heatmaps_show_its_state_then_its_gates(blend_cell, make_window):
    window = make_window(Config(cell="blend", timesteps=5))
    session = window.session
    for _ in range(3):
        session.step()
    window.redraw()
    panels = window.heatmaps.panels
    assert tuple(panels) == ("h", "a", "n")
    assert [p.title for p in panels.values()] == ["h_t  hidden state", "a_t  blend gate", "n_t  candidate"]
    assert [p.kind for p in panels.values()] == ["diverging", "unit", "diverging"]
    np.testing.assert_array_equal(panels["h"].image.image, session.fwd.h[0].T)
    for gate in ("a", "n"):
        np.testing.assert_array_equal(panels[gate].image.image, session.fwd.gates[gate][0].T)
        assert np.isfinite(panels[gate].image.image[:, :3]).all() and np.isnan(panels[gate].image.image[:, 3:]).all()


def test_the_tables_have_its_gates_and_states(blend_cell):
    session = Session(Config(cell="blend", timesteps=3, n_hidden=2))
    session.advance(3 + 1 + 3)  # forward, loss, backward
    assert figures_for(session) == ("dashboard", "diagram", "hidden_states", "gates", "grad_norms", "connectivity",
                                    "loss", "itemized_gradients")
    header, rows = figure_table("gates", session)
    assert header == ["t", "a_1", "a_2", "n_1", "n_2"]
    np.testing.assert_array_equal(rows[:, 1:3], session.fwd.gates["a"][0])
    assert figure_table("hidden_states", session)[0] == ["t", "h_1", "h_2"]
    header, rows = figure_table("grad_norms", session)
    assert header == ["t", "dh_norm"] and np.isfinite(rows).all()


def test_the_registry_is_back_to_the_three_cells_afterwards():
    assert tuple(CELLS) == ("rnn", "lstm", "gru")
