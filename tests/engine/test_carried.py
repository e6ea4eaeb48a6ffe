"""A carried initial state (engine/carried.py): the loss with a given h_0 (and c_0), its
gradient against central differences in float64, for every cell, depth and mode; stepping
and undoing stay exact; the final state is h_T (c_T) of every layer."""

import numpy as np
import pytest

from unrolled.engine import CELLS, MODES, Network
from unrolled.engine.gradcheck import numerical_gradient, relative_error

from .helpers import make_batch


def carried_net(cell, layers, mode="many-to-many", bidirectional=False):
    net = Network(cell, n_features=2, n_hidden=3, n_classes=3, mode=mode, seed=2, rho=0.9, layers=layers,
                  bidirectional=bidirectional)
    rng = np.random.default_rng(5)
    for name in net.params:
        if name.startswith(("b", "c_n")):
            net.params[name] += rng.normal(0, 0.3, net.params[name].shape)
    return net


def random_state(net, B, seed=11):
    rng = np.random.default_rng(seed)
    return [{name: rng.normal(0, 0.7, (B, net.n_hidden)) for name in net.cell.state_names}
            for _ in range(net.layers)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", CELLS)
def test_gradient_with_an_initial_state_equals_central_differences(cell, layers, mode):
    net = carried_net(cell, layers, mode)
    X, Y = make_batch(net, B=2, T=4)
    h0 = random_state(net, 2)
    bwd = net.backward(net.forward(X, h0), Y)
    for name, value in net.params.items():
        numeric = numerical_gradient(lambda: net.loss(net.forward(X, h0), Y), value)
        assert relative_error(bwd.grads[name], numeric) < 1e-6, name


@pytest.mark.parametrize("cell", CELLS)
def test_the_initial_state_changes_the_loss_as_the_first_step_reads_it(cell):
    net = carried_net(cell, 1)
    X, Y = make_batch(net, B=2, T=3)
    h0 = random_state(net, 2)
    zero = [{name: np.zeros_like(v) for name, v in part.items()} for part in h0]
    assert net.loss(net.forward(X, zero), Y) == net.loss(net.forward(X), Y)
    assert net.loss(net.forward(X, h0), Y) != net.loss(net.forward(X), Y)
    # the first step is the cell's own step from h0: the state before t = 1 is h0
    fwd = net.forward(X, h0)
    state, _ = net.cell.step_forward(fwd.packed, fwd.X[:, 0], h0[0], fwd.a_x[:, 0])
    np.testing.assert_array_equal(fwd.h[:, 0], state["h"])
    np.testing.assert_array_equal(fwd.h_prev[:, 0], h0[0]["h"])


@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("cell", CELLS)
def test_stepping_and_undoing_with_an_initial_state_are_exact(cell, layers):
    net = carried_net(cell, layers)
    X, Y = make_batch(net, B=2, T=5)
    h0 = random_state(net, 2)
    whole = net.forward(X, h0)
    stepped = net.begin_forward(X, h0)
    n = stepped.n_steps if layers > 1 else stepped.T
    for _ in range(n):
        net.forward_step(stepped)
    np.testing.assert_array_equal(stepped.h, whole.h)
    for _ in range(n):
        net.forward_unstep(stepped)
    assert np.isnan(stepped.h).all()
    for _ in range(n):
        net.forward_step(stepped)
    np.testing.assert_array_equal(stepped.h, whole.h)
    full = net.backward(whole, Y)
    bwd = net.begin_backward(stepped, Y)
    for _ in range(n):
        net.backward_step(bwd, stepped)
    for name in full.grads:
        np.testing.assert_array_equal(bwd.grads[name], full.grads[name])


@pytest.mark.parametrize("cell", CELLS)
def test_the_final_state_is_every_layers_last_state(cell):
    net = carried_net(cell, 2)
    X, _ = make_batch(net, B=2, T=4)
    fwd = net.forward(X, random_state(net, 2))
    final = net.final_state(fwd)
    for layer in range(2):
        np.testing.assert_array_equal(final[layer]["h"], fwd.layers[(layer, 0)].h[:, -1])
        if "c" in net.cell.state_names:
            np.testing.assert_array_equal(final[layer]["c"], fwd.layers[(layer, 0)].c[:, -1])
    # two windows with the state carried are the one long sequence, exactly
    long = net.forward(np.concatenate([X, X[:, ::-1]], axis=1))
    second = net.forward(X[:, ::-1], net.final_state(net.forward(X)))
    np.testing.assert_allclose(second.h, long.h[:, 4:], rtol=0, atol=1e-13)


def test_recurrent_contributions_read_the_initial_state():
    net = carried_net("rnn", 1)
    X, Y = make_batch(net, B=2, T=3)
    h0 = random_state(net, 2)
    fwd = net.forward(X, h0)
    bwd = net.backward(fwd, Y)
    first = np.linalg.norm(h0[0]["h"].T @ bwd.d_ah[:, 0])
    assert net.recurrent_contributions(fwd, bwd)[0] == pytest.approx(first, rel=1e-12)


def test_bidirectional_and_wrong_shapes_are_refused_in_one_line():
    bi = carried_net("gru", 1, bidirectional=True)
    X, _ = make_batch(bi, B=2, T=3)
    with pytest.raises(ValueError, match="bidirectional network cannot carry") as error:
        bi.forward(X, random_state(bi, 2))
    assert "\n" not in str(error.value)
    net = carried_net("lstm", 2)
    with pytest.raises(ValueError, match=r"initial_state\[0\]\['h'\]: got shape \(3, 3\)"):
        net.forward(X, random_state(net, 3))
    with pytest.raises(ValueError, match="a list of 2 dicts"):
        net.forward(X, random_state(net, 2)[:1])
