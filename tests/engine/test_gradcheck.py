"""Every analytic gradient against central finite differences in float64."""

import itertools

import numpy as np
import pytest

from unrolled.engine import ACTIVATIONS, CELLS, LOSSES, MODES, Network, cell_class
from unrolled.engine.gradcheck import (
    check_network_gradients,
    numerical_gradient,
    relative_error,
)

from .helpers import make_batch

LOSS_TARGETS = (("cross-entropy", "indices"), ("cross-entropy", "one-hot"), ("mse", "real"), ("mse", "indices"))


def cases() -> list[tuple[str, str]]:
    """Every registered cell, with every activation it takes."""
    return [(cell, act) for cell in CELLS for act in (ACTIVATIONS if cell_class(cell).takes_activation else ("tanh",))]


CASES = cases()


@pytest.mark.parametrize("cell,activation", CASES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("loss,target", LOSS_TARGETS)
def test_parameter_gradients_match_finite_differences(cell, activation, mode, loss, target):
    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, mode=mode, activation=activation,
                  loss=loss, seed=2, rho=0.9)
    for name in net.params:  # nonzero biases, so every term of every equation is exercised
        if name.startswith(("b", "c_n")):
            net.params[name] += np.random.default_rng(7).normal(0, 0.3, net.params[name].shape)
    X, Y = make_batch(net, target=target)
    errors = check_network_gradients(net, X, Y)
    assert set(errors) == set(net.params)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cell", list(CELLS))
def test_total_dh_is_the_sum_of_each_steps_loss_gradient(cell):
    """Linearity of backprop: dL/dh_t = sum over k >= t of dL_k/dh_t."""
    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, seed=0)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    total = np.zeros_like(bwd.dh)
    for k in range(1, 6):
        total += np.nan_to_num(net.step_loss_gradient(fwd, Y, k), nan=0.0)
    np.testing.assert_allclose(total, bwd.dh, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cell", list(CELLS))
def test_dh_matches_finite_differences_through_the_input(cell):
    """dL/dx_t = dL/da_x,t @ W^T: the per-step affine gradients the backward steps record
    (from which dL/dh_{t-1} also follows) against finite differences in the inputs."""
    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, seed=3)
    X, Y = make_batch(net, T=4)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    analytic = bwd.d_ax @ fwd.packed["W"].T  # (B, T, F)
    numeric = numerical_gradient(lambda: net.loss(net.forward(X), Y), X)
    assert relative_error(analytic, numeric) < 1e-6


def test_lstm_dc_matches_finite_differences_of_the_cell_path():
    """The recorded dL/dc_t is the total: dL/db_f = sum_t dL/dc_t * c_{t-1} * f (1 - f)."""
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, mode="many-to-one", seed=4)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    f, c_prev = fwd.gates["f"], np.concatenate([np.zeros_like(fwd.c[:, :1]), fwd.c[:, :-1]], axis=1)
    db_f = np.sum(bwd.dc * c_prev * f * (1 - f), axis=(0, 1))
    np.testing.assert_allclose(db_f, bwd.grads["b_f"], rtol=1e-12)


def test_every_combination_is_covered():
    """The cases above were read from the engine when the tests were collected: every cell
    registered now, each activation it takes, every mode and every loss must be among them
    (a loss without a target form here, or a cell registered later, fails)."""
    tested = set(itertools.product(CASES, MODES, [loss for loss, _ in LOSS_TARGETS]))
    wanted = set(itertools.product(cases(), MODES, LOSSES))
    assert wanted <= tested, sorted(wanted - tested)
    assert {cell for cell, _ in CASES} == set(CELLS) and len(CELLS) >= 3
    assert {target for _, target in LOSS_TARGETS} == {"indices", "one-hot", "real"}
