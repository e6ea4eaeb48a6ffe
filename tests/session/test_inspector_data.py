"""The step inspector's data at every (layer, direction, t) of a stacked, bidirectional
network: every number is the engine's, read from a full forward and backward pass of the
same weights, and the step Jacobian agrees with central differences of the cell's step."""

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.inspector_data import inspect_step, step_jacobian
from unrolled.session.inspector_layer import current_place
from unrolled.session.stepper import Session

DEEP = Config(task="pos-tagging", timesteps=4, n_hidden=3, layers=2, bidirectional=True, batch_size=2, rho=1.2)


def quantities(lines):
    return {q.symbol: q for line in lines for q in line.quantities}


def full_passes(session):
    """An independent full forward and backward pass of the session's weights and batch."""
    fwd = session.net.forward(session.X)
    return fwd, session.net.backward(fwd, session.Y)


def cells(session):
    for layer in range(session.config.layers):
        for direction in range(2 if session.config.bidirectional else 1):
            for t in range(1, session.T + 1):
                yield layer, direction, t


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_cell_of_a_deep_bidirectional_network_reads_the_engines_numbers(cell):
    session = Session(DEEP.replace(cell=cell))
    session.advance(session.steps_per_iteration - 1)  # the whole backward pass
    fwd, bwd = full_passes(session)
    s = 1  # the second sequence of the batch
    for layer, direction, t in cells(session):
        ins = inspect_step(session, t, s, layer, direction)
        key, n = (layer, direction), t - 1
        f, b = quantities(ins.forward), quantities(ins.backward)
        np.testing.assert_array_equal(f["h_t"].values, fwd.layer_h[key][s, n])
        if layer == 0:
            np.testing.assert_array_equal(f["x_t"].values, session.X[s, n])
        else:  # the layer below's output at t: its forward h_t beside its reverse h_t
            below = np.concatenate([fwd.layer_h[(layer - 1, 0)][s, n], fwd.layer_h[(layer - 1, 1)][s, n]])
            np.testing.assert_array_equal(f[f"h_t^({layer})"].values, below)
            assert f[f"h_t^({layer})"].shape == "[1, 2D]"
        carried_from = "h_{t+1}" if direction else "h_{t-1}"
        previous = n + 1 if direction else n - 1
        expected = fwd.layer_h[key][s, previous] if 0 <= previous < session.T else np.zeros(3)
        np.testing.assert_array_equal(f[carried_from].values, expected)
        np.testing.assert_allclose(b["dL/dh_t"].values, bwd.layer_dh[key][s, n], rtol=1e-13, atol=1e-16)
        path = "through the readout" if layer == 1 else "from layer 2"
        later = "through h_{t-1}" if direction else "through h_{t+1}"
        np.testing.assert_allclose(b[path].values + b[later].values, b["dL/dh_t"].values, rtol=1e-13, atol=1e-16)
        if cell == "lstm":
            np.testing.assert_allclose(b["dL/dc_t"].values, bwd.layer_dc[key][s, n], rtol=1e-13, atol=1e-16)


def test_the_equations_are_written_for_the_layer_and_its_direction():
    session = Session(DEEP)
    session.advance(session.steps_per_iteration - 1)
    formulas = {(layer, d): [line.formula for line in inspect_step(session, 2, 0, layer, d).forward]
                for layer in range(2) for d in range(2)}
    assert "a_t = x_t W1 + h_{t-1} U1 + b1" in formulas[(0, 0)]
    assert "a_t = x_t W1_l0_reverse + h_{t+1} U1_l0_reverse + b1_l0_reverse" in formulas[(0, 1)]
    assert "a_t = h_t^(1) W1_l1 + h_{t-1} U1_l1 + b1_l1" in formulas[(1, 0)]
    assert "a_t = h_t^(1) W1_l1_reverse + h_{t+1} U1_l1_reverse + b1_l1_reverse" in formulas[(1, 1)]
    assert "y_t = [h_t forward, h_t reverse] W2 + b2" in formulas[(1, 1)]
    assert "layer 2 reads h_t as its input at t" in formulas[(0, 0)]
    shapes = [line.shapes for line in inspect_step(session, 2, 0, 1, 0).forward]
    assert "[1, 2D] [2D, D] + [1, D] [D, D] + [1, D]" in shapes
    back = [line.formula for line in inspect_step(session, 2, 0, 1, 1).backward]
    assert "dL/dh_{t+1} = dL/dh_t diag(act'(a_t)) U1_l1_reverse^T,  J_t = diag(act'(a_t)) U1_l1_reverse^T" in back
    ins = inspect_step(session, 2, 0, 0, 1)
    assert ins.cell_name == "layer 1 reverse" and ins.where == "backward, layer 1 forward, t = 1 of T = 4"


def test_the_step_jacobian_of_a_reverse_direction_matches_central_differences():
    session = Session(DEEP.replace(cell="gru"))
    session.advance(session.order.steps_per_pass)
    layer, direction, i, s = 1, 1, 2, 0  # the reverse direction's third step: t = 2
    trace = session.fwd.layers[(layer, direction)]
    cell, packed = session.net.cell, trace.packed
    x, h_prev = trace.X[s : s + 1, i], trace.h[s : s + 1, i - 1]
    expected = np.zeros((3, 3))
    eps = 1e-6
    for unit in range(3):
        bump = np.zeros((1, 3))
        bump[0, unit] = eps
        up = cell.step_forward(packed, x, {"h": h_prev + bump})[0]["h"]
        down = cell.step_forward(packed, x, {"h": h_prev - bump})[0]["h"]
        expected[:, unit] = ((up - down) / (2 * eps))[0]  # J[a, b] = d h_t[a] / d h_{t+1}[b]
    np.testing.assert_allclose(step_jacobian(session, i, s, layer, direction), expected, atol=1e-9)


def test_by_default_the_place_of_the_last_step():
    session = Session(DEEP)
    assert current_place(session) == (0, 0, 1)
    session.advance(4 + 2)  # layer 1 forward to t = 4, then its reverse: t = 4, 3
    ins = inspect_step(session)
    assert (ins.layer, ins.direction, ins.t) == (0, 1, 3) and ins.forward
    assert ins.where == "forward, layer 1 reverse, t = 3 of T = 4"
    assert inspect_step(session, 2, 0, 0, 1).forward == ()  # the reverse direction has not reached t = 2
    assert inspect_step(session, 1, 0, 1, 0).forward == ()  # nor has layer 2
    session.advance(session.order.steps_per_pass - 6 + 1)
    ins = inspect_step(session)
    assert session.phase.value == "loss" and (ins.layer, ins.direction, ins.t) == (1, 0, 4)
    session.advance(1)
    ins = inspect_step(session)  # the top layer's reverse direction, from t = 1 up
    assert (ins.layer, ins.direction, ins.t) == (1, 1, 1) and ins.backward
    assert inspect_step(session, 1, 0, 1, 0).backward == ()


@pytest.mark.parametrize("layer, direction, words", [
    (2, 0, "layer: got 2, expected 1 to 2"),
    (-1, 0, "layer: got -1, expected 1 to 2"),
    (0, 2, "direction: got 2, expected forward or reverse"),
])
def test_a_place_the_network_does_not_have_is_refused(layer, direction, words):
    with pytest.raises(ValueError, match=words):
        inspect_step(Session(DEEP), 1, 0, layer, direction)
    with pytest.raises(ValueError, match="direction: got 1, expected forward"):
        inspect_step(Session(Config()), 1, 0, 0, 1)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("mode, truncation", [("many-to-many", 0), ("many-to-one", 0), ("many-to-many", 2)])
def test_every_place_of_every_step_can_be_inspected_and_its_paths_add_up(cell, mode, truncation):
    config = Config(task="toxic-word" if mode == "many-to-one" else "pos-tagging", cell=cell, timesteps=3,
                    n_hidden=2, layers=2, bidirectional=True, truncation=truncation).resolved()
    session = Session(config)
    for _ in range(session.steps_per_iteration):
        session.step()
        ins = inspect_step(session)  # the place just computed has its lines
        if session.phase.value == "forward":
            assert ins.forward and not ins.backward
        elif session.phase.value == "backward":
            assert ins.backward
        for layer, direction, t in cells(session):
            for line in inspect_step(session, t, 0, layer, direction).backward:
                if line.title == "two paths into h_t":
                    path, later, total = (quantity.values for quantity in line.quantities)
                    np.testing.assert_allclose(path + later, total, rtol=1e-12, atol=1e-15)
                assert all(np.all(np.isfinite(quantity.values)) for quantity in line.quantities)
