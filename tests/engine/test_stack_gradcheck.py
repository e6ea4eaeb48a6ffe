"""Stacked and bidirectional networks: every parameter's gradient against central
differences in float64, for every cell x layers x direction x mode x truncation; under
truncation the derivative checked is that of the truncated objective
(`gradcheck.stack_truncated_loss`), which the gradient must equal exactly."""

from functools import partial

import numpy as np
import pytest

from unrolled.engine import ACTIVATIONS, CELLS, MODES, Network
from unrolled.engine.gradcheck import central_difference, relative_error, sampled_gradient_check, truncated_loss

from .helpers import make_batch

T = 4


def deep_net(cell, layers, bidirectional, mode, truncation, activation="tanh", loss="cross-entropy"):
    net = Network(cell, n_features=2, n_hidden=3, n_classes=3, mode=mode, activation=activation, loss=loss,
                  seed=3, rho=0.9, layers=layers, bidirectional=bidirectional, truncation=truncation)
    rng = np.random.default_rng(7)
    for name in net.params:  # nonzero biases, so every term of every equation is exercised
        if name.startswith(("b", "c_n")):
            net.params[name] += rng.normal(0, 0.3, net.params[name].shape)
    return net


def loss_along(net, X, Y, anchor, name, base, V, step) -> float:
    """The (truncated) loss with parameter `name` at base + step[0] * V."""
    net.params[name][...] = base + step[0] * V
    return truncated_loss(net, X, Y, anchor)


def directional_errors(net, X, Y, eps=1e-5):
    """Each parameter array's gradient along a random direction V (unit norm, every entry
    at once), against the central difference of the loss along V: the objective's
    truncated form when truncation cuts. name -> relative error."""
    anchor = net.forward(X)
    grads = net.backward(anchor, Y).grads
    rng = np.random.default_rng(11)
    errors = {}
    for name, value in net.params.items():
        V = rng.standard_normal(value.shape)
        V /= np.linalg.norm(V)
        base, step = value.copy(), np.zeros(1)  # step: the scalar moved along V
        numeric = central_difference(partial(loss_along, net, X, Y, anchor, name, base, V, step), step, 0, eps)
        value[...] = base
        errors[name] = relative_error(np.array([np.sum(grads[name] * V)]), np.array([numeric]))
    return errors


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("truncation", [0, 2])
def test_gradients_match_finite_differences(cell, layers, bidirectional, mode, truncation):
    loss, target = ("mse", "real") if layers == 2 else ("cross-entropy", "indices")
    net = deep_net(cell, layers, bidirectional, mode, truncation, loss=loss)
    X, Y = make_batch(net, T=T, target=target)
    errors = directional_errors(net, X, Y)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("truncation", [0, 2])
def test_the_sampled_check_of_the_gradcheck_command_takes_a_stack(truncation):
    net = deep_net("lstm", 2, True, "many-to-one", truncation)
    X, Y = make_batch(net, T=T)
    errors = sampled_gradient_check(net, X, Y, entries=2)
    assert set(errors) == set(net.params)
    assert max(error for error, _, _ in errors.values()) < 1e-6, errors


@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if a != "tanh"])
def test_every_rnn_activation_in_a_bidirectional_stack(activation):
    net = deep_net("rnn", 2, True, "many-to-many", 2, activation=activation)
    X, Y = make_batch(net, T=T)
    errors = directional_errors(net, X, Y)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cell", list(CELLS))
def test_truncation_changes_the_gradient_and_k_at_least_T_is_full_bptt(cell):
    full = deep_net(cell, 2, True, "many-to-many", 0)
    X, Y = make_batch(full, T=T)
    expected = full.backward(full.forward(X), Y).grads
    cut = deep_net(cell, 2, True, "many-to-many", 1)
    anchor = cut.forward(X)
    truncated = cut.backward(anchor, Y)
    assert truncated_loss(cut, X, Y, anchor) == pytest.approx(truncated.loss, rel=1e-13)
    for name in cut.recurrent_param_names():  # U1, U1_l0_reverse, ..., U_o_l1_reverse
        assert not np.allclose(truncated.grads[name], expected[name]), name
    for k in (T, T + 3):
        grads = deep_net(cell, 2, True, "many-to-many", k).backward(full.forward(X), Y).grads
        for name in expected:
            np.testing.assert_array_equal(grads[name], expected[name])


def test_truncated_gradient_stops_k_steps_from_where_it_enters_each_layer():
    """Many-to-one, k = 2, T = 6: the top layer's forward direction is reached at t = 5, 6
    only, and its reverse direction only at t = 6 (its first step); the layer below is
    re-entered wherever the top was reached, and reaches one step further back from there."""
    net = deep_net("rnn", 2, True, "many-to-one", 2)
    X, Y = make_batch(net, T=6)
    bwd = net.backward(net.forward(X), Y)
    reached = {key: np.flatnonzero(np.any(dh != 0, axis=(0, 2))) + 1 for key, dh in bwd.layer_dh.items()}
    np.testing.assert_array_equal(reached[(1, 0)], [5, 6])
    np.testing.assert_array_equal(reached[(1, 1)], [6])
    np.testing.assert_array_equal(reached[(0, 0)], [4, 5, 6])  # entered at 5 and 6, one step further
    np.testing.assert_array_equal(reached[(0, 1)], [5, 6])  # entered at 5 and 6, reverse: reaches 6
