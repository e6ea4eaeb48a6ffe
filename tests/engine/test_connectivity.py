"""Connectivity ||d y_k / d x_t||_F against central differences in float64."""

import numpy as np
import pytest

from unrolled.engine import CELLS, MODES, Network
from unrolled.engine.connectivity import connectivity, connectivity_row

T, F, D, C = 4, 3, 4, 3


def finite_difference_connectivity(net: Network, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """(T, T) ||d y_k / d x_t||_F by central differences of the full forward pass of x (T, F)."""
    jac = np.zeros((T, T, C, F))  # [k, t, c, f]
    for t in range(T):
        for f in range(F):
            plus, minus = x.copy(), x.copy()
            plus[t, f] += eps
            minus[t, f] -= eps
            dy = (net.forward(plus[None]).y[0] - net.forward(minus[None]).y[0]) / (2 * eps)
            if net.mode == "many-to-many":
                jac[:, t, :, f] = dy
            else:
                jac[T - 1, t, :, f] = dy
    norms = np.sqrt(np.sum(jac**2, axis=(2, 3)))
    if net.mode == "many-to-one":
        norms[: T - 1] = np.nan
    return norms


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_connectivity_equals_central_differences(cell, layers, bidirectional, mode):
    net = Network(cell=cell, n_features=F, n_hidden=D, n_classes=C, mode=mode, seed=3,
                  layers=layers, bidirectional=bidirectional, rho=1.5)
    X = np.random.default_rng(5).standard_normal((2, T, F))
    exact = connectivity(net, X, sequence=1)
    numeric = finite_difference_connectivity(net, X[1])
    assert exact.shape == (T, T)
    np.testing.assert_array_equal(np.isnan(exact), np.isnan(numeric))
    np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-9, equal_nan=True)
    if mode == "many-to-one":
        assert np.all(exact[T - 1] > 0)
    elif bidirectional:
        assert np.all(exact > 0)  # the reverse direction reads ahead
    else:
        np.testing.assert_array_equal(np.triu(exact, 1), 0.0)  # y_k cannot see x_t for t > k
        assert np.all(exact[np.tril_indices(T)] > 0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_a_row_is_the_tables_row_and_central_differences(cell, layers, bidirectional, mode):
    net = Network(cell=cell, n_features=F, n_hidden=D, n_classes=C, mode=mode, seed=4,
                  layers=layers, bidirectional=bidirectional, rho=1.5)
    X = np.random.default_rng(6).standard_normal((2, T, F))
    table = connectivity(net, X, sequence=1)
    numeric = finite_difference_connectivity(net, X[1])
    for k in range(1, T + 1):
        row = connectivity_row(net, X, k, sequence=1)
        assert row.shape == (T,)
        np.testing.assert_array_equal(row, table[k - 1])  # the same sweep, bit for bit
        np.testing.assert_allclose(row, numeric[k - 1], rtol=1e-6, atol=1e-9, equal_nan=True)
    assert np.all(connectivity_row(net, X, T, sequence=1) > 0)


def test_a_row_names_a_k_out_of_range():
    net = Network(n_features=F, n_hidden=D, n_classes=C)
    with pytest.raises(ValueError, match="k: got 0, expected 1 to 4"):
        connectivity_row(net, np.zeros((1, T, F)), 0)


def test_connectivity_is_the_derivative_whatever_the_truncation():
    kwargs = {"cell": "lstm", "n_features": F, "n_hidden": D, "n_classes": C, "seed": 2}
    X = np.random.default_rng(0).standard_normal((1, T, F))
    truncated = connectivity(Network(truncation=1, **kwargs), X)
    np.testing.assert_array_equal(truncated, connectivity(Network(**kwargs), X))
    assert truncated[T - 1, 0] > 0  # reaches past the truncation window


def test_connectivity_names_a_sequence_out_of_range():
    net = Network(n_features=F, n_hidden=D, n_classes=C)
    with pytest.raises(ValueError, match="sequence: got 2, expected 0 to 1"):
        connectivity(net, np.zeros((2, T, F)), sequence=2)
