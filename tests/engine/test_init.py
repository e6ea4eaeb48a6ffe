"""Initial weights: the spectral radius asked for, orthogonal matrices, the forget bias, a seed."""

import numpy as np

from unrolled.engine import Network
from unrolled.engine.init import orthogonal, spectral_radius, with_spectral_radius


def test_spectral_radius_is_exact():
    U = with_spectral_radius(np.random.default_rng(0).standard_normal((9, 9)), 1.25)
    assert abs(spectral_radius(U) - 1.25) < 1e-12
    Q = orthogonal(np.random.default_rng(1), 6)
    np.testing.assert_allclose(Q @ Q.T, np.eye(6), atol=1e-12)
    net = Network("lstm", n_features=2, n_hidden=5, n_classes=2, rho=0.7, forget_bias=2.0)
    for g in "ifgo":
        assert abs(spectral_radius(net.params[f"U_{g}"]) - 0.7) < 1e-12
    np.testing.assert_array_equal(net.params["b_f"], 2.0)
    assert np.all(net.params["b_i"] == 0)


def test_seed_makes_the_network_deterministic():
    a = Network("gru", n_features=3, n_hidden=4, n_classes=2, seed=11).params
    b = Network("gru", n_features=3, n_hidden=4, n_classes=2, seed=11).params
    c = Network("gru", n_features=3, n_hidden=4, n_classes=2, seed=12).params
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W_r"], c["W_r"])
