"""Hypothesis: properties over random small shapes."""

import numpy as np
from hypothesis import given, settings, strategies as st

from unrolled.engine import Network
from unrolled.engine.gradcheck import check_network_gradients

shapes = st.tuples(
    st.sampled_from(["rnn", "lstm", "gru"]),
    st.sampled_from(["many-to-many", "many-to-one"]),
    st.integers(1, 3),  # B
    st.integers(1, 5),  # T
    st.integers(1, 4),  # F
    st.integers(1, 4),  # D
    st.integers(1, 4),  # C
    st.integers(0, 2**31 - 1),
)


def build(cell, mode, B, T, F, D, C, seed):
    net = Network(cell, n_features=F, n_hidden=D, n_classes=C, mode=mode, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, T, F))
    Y = rng.integers(0, C, size=(B, T) if mode == "many-to-many" else (B,))
    return net, X, Y


@settings(max_examples=40, deadline=None)
@given(shapes)
def test_shapes_and_finiteness(case):
    net, X, Y = build(*case)
    cell, mode, B, T, F, D, C, _ = case
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    assert fwd.h.shape == (B, T, D)
    assert fwd.y.shape == ((B, T, C) if mode == "many-to-many" else (B, C))
    assert bwd.dh.shape == (B, T, D) and bwd.dh_norm.shape == (T,)
    assert set(bwd.grads) == set(net.params)
    for name, g in bwd.grads.items():
        assert g.shape == net.params[name].shape and np.all(np.isfinite(g))
    assert np.all(np.abs(fwd.h) <= 1.0)  # tanh / o*tanh(c) / convex mix of tanh


@settings(max_examples=15, deadline=None)
@given(shapes)
def test_gradients_on_random_shapes(case):
    net, X, Y = build(*case)
    assert max(check_network_gradients(net, X, Y).values()) < 1e-6
