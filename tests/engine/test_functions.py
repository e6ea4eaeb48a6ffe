"""Nonlinearities stable at the extremes, and the one overflow policy (functions.py)."""

import warnings

import numpy as np
import pytest

from unrolled.engine import Network
from unrolled.engine.functions import sigmoid, softmax


def test_stable_sigmoid_and_softmax_at_extremes():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        np.testing.assert_array_equal(sigmoid(np.array([-1e4, 0.0, 1e4])), [0.0, 0.5, 1.0])
        p = softmax(np.array([[1e4, 0.0, -1e4]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])


def test_overflow_becomes_inf_and_is_reported_not_raised():
    net = Network("rnn", n_features=1, n_hidden=4, n_classes=2, mode="many-to-one",
                  activation="linear", rho=3.0, seed=0)
    X = np.ones((1, 1000, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fwd = net.forward(X)
        bwd = net.backward(fwd, np.array([1]))
    assert fwd.nonfinite_from is not None and 600 < fwd.nonfinite_from < 700  # 3^646 ~ 1e308
    assert np.all(np.isfinite(fwd.h[:, : fwd.nonfinite_from - 1]))
    assert bwd.nonfinite_from == 1000  # the loss itself is already nan


@pytest.mark.parametrize(
    "x, T",
    [(1e160, 400), (1e155, 10)],  # h overflows at t = 312; h stays finite but h^T h overflows
)
def test_one_overflow_policy_for_every_step_and_pass(x, T):
    """Stepping an overflowing network one timestep at a time, and asking for its
    contributions and Jacobian norms, neither raises nor warns, even where NumPy is told to
    raise; and the policy does not leak into the caller's error state."""
    net = Network("rnn", n_features=1, n_hidden=4, n_classes=2, mode="many-to-one",
                  activation="linear", rho=3.0, seed=0)
    X, Y = np.full((1, T, 1), x), np.array([1])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        fwd = net.begin_forward(X)
        for _ in range(T):
            net.forward_step(fwd)
        bwd = net.begin_backward(fwd, Y)
        for _ in range(T):
            net.backward_step(bwd, fwd)
        contributions = net.recurrent_contributions(fwd, bwd)
        norms = net.jacobian_norms(fwd)
        assert np.geterr()["over"] == "raise"
    assert not np.all(np.isfinite(contributions))
    assert norms.step.shape == (T,)


def test_exploding_gradient_without_forward_overflow_is_located():
    net = Network("rnn", n_features=1, n_hidden=4, n_classes=2, mode="many-to-one",
                  activation="linear", rho=3.0, seed=0)
    X = np.zeros((1, 700, 1))  # h stays 0: the forward pass is finite
    fwd = net.forward(X)
    assert fwd.nonfinite_from is None
    bwd = net.backward(fwd, np.array([1]))
    assert bwd.nonfinite_from is not None and bwd.nonfinite_from < 100
