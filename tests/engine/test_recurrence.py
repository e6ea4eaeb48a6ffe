"""Truncated BPTT: each loss term's gradient flows back at most k timesteps, and the
parameter gradients are the exact derivative of the truncated objective."""

import numpy as np
import pytest

from unrolled.engine import CELLS, MODES, Network
from unrolled.engine.gradcheck import numerical_gradient, relative_error, truncated_loss

from .helpers import make_batch


def net_and_batch(cell, mode, truncation, T=6, loss="cross-entropy", target="indices"):
    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, mode=mode, loss=loss, seed=2, rho=0.9,
                  truncation=truncation)
    for name in net.params:
        if name.startswith(("b", "c_n")):
            net.params[name] += np.random.default_rng(7).normal(0, 0.3, net.params[name].shape)
    return net, *make_batch(net, T=T, target=target)


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("k", [1, 2, 4])
def test_parameter_gradients_are_the_derivative_of_the_truncated_objective(cell, mode, k):
    net, X, Y = net_and_batch(cell, mode, k, loss="mse" if k == 2 else "cross-entropy",
                              target="real" if k == 2 else "indices")
    anchor = net.forward(X)
    bwd = net.backward(anchor, Y)
    assert truncated_loss(net, X, Y, anchor) == pytest.approx(bwd.loss, rel=1e-12)
    for name, value in net.params.items():
        numeric = numerical_gradient(lambda: truncated_loss(net, X, Y, anchor), value)
        assert relative_error(bwd.grads[name], numeric) < 1e-6, name
    full = Network(cell, n_features=3, n_hidden=4, n_classes=3, mode=mode, loss=net.loss_name, seed=2, rho=0.9)
    full.params = {n: v.copy() for n, v in net.params.items()}
    full_grads = full.backward(full.forward(X), Y).grads
    assert not np.allclose(full_grads[net.recurrent_param_names()[0]], bwd.grads[net.recurrent_param_names()[0]])


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("mode", MODES)
def test_k_at_least_T_is_full_bptt(cell, mode):
    full, X, Y = net_and_batch(cell, mode, 0)
    for k in (6, 7, 100):
        net, _, _ = net_and_batch(cell, mode, k)
        grads = net.backward(net.forward(X), Y).grads
        expected = full.backward(full.forward(X), Y).grads
        for name in expected:
            np.testing.assert_allclose(grads[name], expected[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cell", list(CELLS))
def test_many_to_one_gradient_is_exactly_zero_k_steps_before_the_loss(cell):
    net, X, Y = net_and_batch(cell, "many-to-one", 3, T=8)
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y)
    for _ in range(8):
        net.backward_step(bwd, fwd)
        done = bwd.done_mask
        assert np.all(bwd.dh_norm[done][-3:] > 0)
    assert np.all(bwd.dh_norm[:5] == 0.0) and np.all(bwd.dh_norm[5:] > 0)
    if bwd.dc is not None:
        assert np.all(bwd.dc_norm[:5] == 0.0)
    assert np.all(net.step_loss_gradient(fwd, Y)[:, :5] == 0.0)


@pytest.mark.parametrize("cell", list(CELLS))
def test_many_to_many_total_is_the_sum_of_each_truncated_term(cell):
    net, X, Y = net_and_batch(cell, "many-to-many", 2, T=6)
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y, track_last_step=True)
    for _ in range(6):
        net.backward_step(bwd, fwd)
    terms = [net.step_loss_gradient(fwd, Y, s) for s in range(1, 7)]
    np.testing.assert_allclose(sum(np.nan_to_num(g) for g in terms), bwd.dh, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(bwd.dh_last, terms[-1])
    assert np.all(bwd.dh_last_norm[:4] == 0.0) and np.all(bwd.dh_last_norm[4:] > 0)


def test_a_truncated_backward_step_undone_and_redone_is_bit_identical():
    net, X, Y = net_and_batch("lstm", "many-to-many", 3, T=7)
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y, track_last_step=True)
    for _ in range(4):
        net.backward_step(bwd, fwd)
    before = bwd.dh.copy(), bwd.dc.copy()
    net.backward_unstep(bwd)
    net.backward_unstep(bwd)
    net.backward_step(bwd, fwd)
    net.backward_step(bwd, fwd)
    np.testing.assert_array_equal(bwd.dh, before[0])
    np.testing.assert_array_equal(bwd.dc, before[1])


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_bad_truncation_is_refused(bad):
    with pytest.raises(ValueError, match="truncation: got"):
        Network(truncation=bad)
