"""The registry of cells and the structure each cell declares."""

import numpy as np
import pytest

from unrolled.engine import CELLS, Network, cell_class, register_cell, unregister_cell
from unrolled.engine.cells import GatedCell, LSTMCell, make_cell

from .helpers import make_batch


def test_the_registry_holds_the_three_cells_in_the_order_the_app_lists_them():
    assert tuple(CELLS) == ("rnn", "lstm", "gru") and len(CELLS) == 3 and CELLS[1] == "lstm"
    assert "gru" in CELLS and "transformer" not in CELLS
    assert repr(CELLS) == "('rnn', 'lstm', 'gru')"
    assert isinstance(make_cell("rnn", "relu"), cell_class("rnn")) and make_cell("rnn", "relu").activation == "relu"
    assert isinstance(make_cell("lstm", "relu"), LSTMCell)  # no choice of activation: ignored


def test_an_unknown_cell_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="cell: got 'transformer', expected one of rnn, lstm, gru"):
        cell_class("transformer")
    with pytest.raises(ValueError, match="expected one of rnn, lstm, gru"):
        Network("transformer")


@pytest.mark.parametrize("cell", list(CELLS))
def test_the_declared_structure_matches_what_the_network_computes(cell):
    structure = cell_class(cell)
    net = Network(cell, n_features=3, n_hidden=4, n_classes=2, seed=0)
    fwd = net.forward(make_batch(net)[0])
    assert tuple(fwd.gates) == structure.gate_names
    assert set(net.params) == set(structure.param_shapes(3, 4)) | {"W2", "b2"}
    assert net.param_shapes() == {**structure.param_shapes(3, 4), "W2": (4, 2), "b2": (2,)}
    assert sorted(n for group in structure.param_groups() for n in group) == sorted(structure.param_shapes(3, 4))
    for name, letters in structure.param_letters().items():
        assert tuple({"F": 3, "D": 4}[letter] for letter in letters) == structure.param_shapes(3, 4)[name]
    for state in structure.state_names:
        assert getattr(fwd, state).shape == (2, 4, 4)
    for gate, (low, high) in structure.gate_ranges.items():
        assert np.all((fwd.gates[gate] >= low) & (fwd.gates[gate] <= high))


def test_the_lstm_alone_has_a_forget_gate_and_the_rnn_alone_an_activation_choice():
    assert [c for c in CELLS if cell_class(c).forget_bias_param] == ["lstm"]
    assert [c for c in CELLS if cell_class(c).takes_activation] == ["rnn"]
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, forget_bias=2.5)
    np.testing.assert_array_equal(net.params[LSTMCell.forget_bias_param], 2.5)


@pytest.mark.parametrize("cell", list(CELLS))
def test_a_trace_keeps_the_weights_it_was_computed_with(cell):
    """An update changes net.params in place (optim.py: params[name] -= ...); the trace's
    packed copy must not move with it. GRUCell.pack once shared c_n."""
    net = Network(cell, n_features=3, n_hidden=4, n_classes=2, seed=1)
    fwd = net.forward(make_batch(net)[0])
    before = {name: value.copy() for name, value in fwd.packed.items()}
    for value in net.params.values():
        value += 1.0
    for name, value in fwd.packed.items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


class _Incomplete(GatedCell):
    name = "incomplete"
    blocks = 2
    gate_names = ("a", "n")
    gate_descriptions = {"a": "blend gate"}  # "n" is missing
    gate_ranges = {"a": (0.0, 1.0), "n": (-1.0, 1.0)}


def test_registering_checks_the_declared_structure():
    with pytest.raises(ValueError, match="gate_descriptions must cover exactly a, n"):
        register_cell(_Incomplete)
    with pytest.raises(ValueError, match="'lstm' is already registered"):
        register_cell(LSTMCell)
    assert "incomplete" not in CELLS


def test_unregistering_an_unknown_cell_is_refused():
    with pytest.raises(ValueError, match="cell: got 'nothing'"):
        unregister_cell("nothing")
