"""Jacobian norms against the cases where theory is exact."""

import numpy as np
import pytest

from unrolled.engine import Network
from unrolled.engine.init import orthogonal

from .helpers import make_batch


def linear_rnn(rho, D=6, T=8, mode="many-to-one", seed=0):
    net = Network("rnn", n_features=2, n_hidden=D, n_classes=2, mode=mode, activation="linear", seed=seed)
    net.params["U1"] = rho * orthogonal(np.random.default_rng(seed), D)
    X, Y = make_batch(net, B=1, T=T)
    return net, X, Y


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.7])
@pytest.mark.parametrize("exact", [True, False])
def test_linear_rnn_with_scaled_orthogonal_U(rho, exact):
    """h_t = x W + h U with U = rho Q: every step Jacobian has norm rho, products rho^(T-t)."""
    net, X, Y = linear_rnn(rho, D=6, T=8)
    norms = net.jacobian_norms(net.forward(X), exact=exact)
    assert norms.exact is exact
    np.testing.assert_allclose(norms.step, rho, rtol=1e-7)
    expected = (8 - np.arange(1, 9)) * np.log10(rho)
    np.testing.assert_allclose(norms.log10_product, expected, atol=1e-7)


@pytest.mark.parametrize("rho", [0.5, 1.5])
def test_gradient_norm_decays_exactly_as_rho_power(rho):
    """Linear RNN, U = rho * orthogonal, many-to-one: ||dL/dh_t|| = rho^(T-t) ||dL/dh_T||."""
    T = 12
    net, X, Y = linear_rnn(rho, D=5, T=T)
    bwd = net.backward(net.forward(X), Y)
    expected = bwd.dh_norm[-1] * rho ** (T - np.arange(1, T + 1))
    np.testing.assert_allclose(bwd.dh_norm, expected, rtol=1e-10)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_estimate_agrees_with_exact(cell):
    net = Network(cell, n_features=3, n_hidden=24, n_classes=2, seed=5, rho=1.1)
    X, _ = make_batch(net, B=2, T=15)
    fwd = net.forward(X)
    exact = net.jacobian_norms(fwd, sequence=1, exact=True)
    estimate = net.jacobian_norms(fwd, sequence=1, exact=False)
    np.testing.assert_allclose(estimate.step, exact.step, rtol=1e-3)
    # the product estimate is a lower bound, tight at the far end where the top singular
    # direction has been found by power iteration, and never far off elsewhere
    assert np.all(estimate.log10_product <= exact.log10_product + 1e-6)
    assert abs(estimate.log10_product[0] - exact.log10_product[0]) < 0.01
    assert np.max(exact.log10_product - estimate.log10_product) < 0.5


def test_tanh_step_norm_is_bounded_by_sigma_max():
    """||diag(tanh') U^T|| <= gamma * sigma_max(U) with gamma = 1 (Pascanu et al. 2013, eq. 7)."""
    net = Network("rnn", n_features=3, n_hidden=8, n_classes=2, seed=2, rho=1.3)
    X, _ = make_batch(net, B=1, T=10)
    norms = net.jacobian_norms(net.forward(X))
    sigma_max = np.linalg.norm(net.params["U1"], 2)
    assert np.all(norms.step <= sigma_max + 1e-12)
    assert np.all(norms.log10_product <= (10 - np.arange(1, 11)) * np.log10(sigma_max) + 1e-9)


def test_lstm_forget_gate_product():
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=0)
    X, _ = make_batch(net, B=1, T=4)
    fwd = net.forward(X)
    f = fwd.gates["f"][0]
    norms = net.jacobian_norms(fwd)
    expected = [np.max(np.prod(f[t + 1 :], axis=0)) for t in range(4)]
    np.testing.assert_allclose(norms.forget_product, expected, rtol=1e-12)
    assert norms.forget_product[-1] == 1.0


def test_exploding_products_stay_finite_in_log10():
    net, X, Y = linear_rnn(3.0, D=4, T=800)
    fwd = net.forward(X)
    norms = net.jacobian_norms(fwd)
    assert np.isfinite(norms.log10_product[0])
    assert norms.log10_product[0] == pytest.approx(799 * np.log10(3.0), rel=1e-9)
    assert np.isinf(norms.product[0])
