"""Stepping one timestep at a time equals the full pass, and undo is exact."""

import numpy as np
import pytest

from unrolled.engine import Network

from .helpers import make_batch

CELLS = ["rnn", "lstm", "gru"]


def arrays_of(fwd, bwd=None):
    out = {"h": fwd.h, "y": fwd.y, **fwd.gates, **fwd.pre}
    if fwd.c is not None:
        out["c"] = fwd.c
    if bwd is not None:
        out.update(dh=bwd.dh, d_ax=bwd.d_ax, d_ah=bwd.d_ah)
        if bwd.dc is not None:
            out["dc"] = bwd.dc
        out.update({"grad_" + k: v for k, v in bwd.grads.items()})
    return {k: v.copy() for k, v in out.items()}


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one"])
def test_stepwise_equals_full_pass(cell, mode):
    net = Network(cell, n_features=3, n_hidden=5, n_classes=4, mode=mode, seed=0)
    X, Y = make_batch(net, B=3, T=6)
    full_f = net.forward(X)
    full_b = net.backward(full_f, Y)

    fwd = net.begin_forward(X)
    for t in range(6):
        assert np.all(np.isnan(fwd.h[:, t:]))
        net.forward_step(fwd)
        assert fwd.steps_done == t + 1
    bwd = net.begin_backward(fwd, Y)
    for t in range(5, -1, -1):
        assert bwd.next_t == t
        net.backward_step(bwd, fwd)
        assert np.all(np.isnan(bwd.dh[:, :t]))
    for name, value in arrays_of(full_f, full_b).items():
        np.testing.assert_array_equal(arrays_of(fwd, bwd)[name], value, err_msg=name)
    assert bwd.loss == full_b.loss == net.loss(full_f, Y)


@pytest.mark.parametrize("cell", CELLS)
def test_undo_and_redo_are_bit_exact(cell):
    net = Network(cell, n_features=3, n_hidden=5, n_classes=4, seed=1)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    reference = arrays_of(fwd, bwd)

    for _ in range(3):
        net.backward_unstep(bwd)
    assert bwd.grads == {} and bwd.steps_done == 2
    assert np.all(np.isnan(bwd.dh[:, :3])) and np.all(np.isfinite(bwd.dh[:, 3:]))
    for _ in range(3):
        net.backward_step(bwd, fwd)
    for name, value in reference.items():
        np.testing.assert_array_equal(arrays_of(fwd, bwd)[name], value, err_msg=name)

    fwd2 = net.forward(X)
    for _ in range(4):
        net.forward_unstep(fwd2)
    assert fwd2.steps_done == 1 and len(fwd2.caches) == 1
    assert np.all(np.isnan(fwd2.h[:, 1:]))
    for _ in range(4):
        net.forward_step(fwd2)
    np.testing.assert_array_equal(fwd2.h, fwd.h)
    np.testing.assert_array_equal(fwd2.y, fwd.y)


def test_stepping_past_the_ends_is_refused():
    net = Network("rnn", n_features=2, n_hidden=3, n_classes=2, seed=0)
    X, Y = make_batch(net, T=2)
    fwd = net.begin_forward(X)
    with pytest.raises(ValueError, match="no forward step"):
        net.forward_unstep(fwd)
    with pytest.raises(ValueError, match="forward pass has done 0 of 2"):
        net.begin_backward(fwd, Y)
    net.forward_step(fwd)
    net.forward_step(fwd)
    with pytest.raises(ValueError, match="all 2 timesteps"):
        net.forward_step(fwd)
    bwd = net.begin_backward(fwd, Y)
    with pytest.raises(ValueError, match="no backward step"):
        net.backward_unstep(bwd)
    net.backward_step(bwd, fwd)
    net.backward_step(bwd, fwd)
    with pytest.raises(ValueError, match="all 2 timesteps"):
        net.backward_step(bwd, fwd)


def test_params_are_live_and_shapes_checked():
    net = Network("rnn", n_features=2, n_hidden=3, n_classes=2, seed=0)
    X, _ = make_batch(net, T=3)
    before = net.forward(X).h.copy()
    net.params["U1"] = net.params["U1"] * 0.5
    assert not np.array_equal(net.forward(X).h, before)
    net.params["U1"] = np.zeros((4, 4))
    with pytest.raises(ValueError, match=r"params\['U1'\]: got shape \(4, 4\), expected \(3, 3\)"):
        net.forward(X)


def test_temporal_contributions():
    """Pascanu et al. 2013 eq. 4: dL/dU is the sum of every step's contribution; each is
    ||h_{t-1}^T d_ah_t||_F, the triangle inequality bounds ||dL/dU||, and T = 1 is exact."""
    net = Network("rnn", n_features=2, n_hidden=3, n_classes=2, seed=0)
    X, Y = make_batch(net, B=3, T=6)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    contrib = net.recurrent_contributions(fwd, bwd)
    assert np.linalg.norm(bwd.grads["U1"]) <= contrib.sum() + 1e-12
    for t in range(6):
        explicit = np.linalg.norm(fwd.h_prev[:, t].T @ bwd.d_ah[:, t])
        assert contrib[t] == pytest.approx(explicit, rel=1e-10, abs=1e-300)
    for _ in range(4):
        net.backward_unstep(bwd)
    partial = net.recurrent_contributions(fwd, bwd)
    assert np.all(np.isnan(partial[:4]))
    np.testing.assert_array_equal(partial[4:], contrib[4:])
    X1, Y1 = make_batch(net, T=1)
    fwd1 = net.forward(X1)
    bwd1 = net.backward(fwd1, Y1)
    assert net.recurrent_contributions(fwd1, bwd1)[0] == pytest.approx(np.linalg.norm(bwd1.grads["U1"]), rel=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_tracked_last_step_gradient_equals_the_direct_computation(cell):
    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, seed=6)
    X, Y = make_batch(net, T=6)
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y, track_last_step=True)
    for _ in range(4):
        net.backward_step(bwd, fwd)
    net.backward_unstep(bwd)
    assert np.all(np.isnan(bwd.dh_last[:, :3]))
    for _ in range(3):
        net.backward_step(bwd, fwd)
    np.testing.assert_allclose(bwd.dh_last, net.step_loss_gradient(fwd, Y), rtol=1e-13)
    assert bwd.dh_last_norm[-1] < bwd.dh_norm[-1] * (1 + 1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_done_mask_follows_the_backward_steps_and_their_undo(cell):
    net = Network(cell, n_features=2, n_hidden=3, n_classes=2, seed=2)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y)
    np.testing.assert_array_equal(bwd.done_mask, np.zeros(5, dtype=bool))
    for done in range(1, 6):
        net.backward_step(bwd, fwd)
        np.testing.assert_array_equal(bwd.done_mask, np.arange(5) >= 5 - done)
        np.testing.assert_array_equal(bwd.done_mask, ~np.isnan(bwd.dh).any(axis=(0, 2)))
        np.testing.assert_array_equal(bwd.done_mask, ~np.isnan(net.recurrent_contributions(fwd, bwd)))
    net.backward_unstep(bwd)
    net.backward_unstep(bwd)
    np.testing.assert_array_equal(bwd.done_mask, [False, False, True, True, True])


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_per_step_norms_follow_every_step_and_undo_exactly(cell):
    """The norms are updated a column at a time; they must equal a full computation (to
    rounding: the sums run in another order) after every step forward and back."""
    net = Network(cell, n_features=3, n_hidden=5, n_classes=2, mode="many-to-many", seed=2)
    X = np.random.default_rng(0).standard_normal((2, 7, 3))
    Y = np.random.default_rng(1).integers(0, 2, (2, 7))
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y, track_last_step=True)

    def check():
        for name, array in (("dh", bwd.dh), ("dc", bwd.dc), ("dh_last", bwd.dh_last)):
            if array is not None:
                expected = np.sqrt(np.sum(array * array, axis=(0, 2)))
                got = getattr(bwd, f"{name}_norm")
                np.testing.assert_allclose(got, expected, rtol=1e-13)
                np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))

    check()
    for move in "ffbffffbbfffff":  # forward steps and undos, interleaved
        if move == "f" and bwd.steps_done < bwd.T:
            net.backward_step(bwd, fwd)
        elif move == "b" and bwd.steps_done > 0:
            net.backward_unstep(bwd)
        check()


def test_contributions_of_some_timesteps_are_those_of_the_whole_pass():
    """A plot asks only for the timesteps a step added: the same numbers, bit for bit."""
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=0)
    X, Y = make_batch(net, B=2, T=5)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    whole = net.recurrent_contributions(fwd, bwd)
    runs = [np.arange(5) < 2, (np.arange(5) >= 1) & (np.arange(5) < 4), np.arange(5) >= 3]  # slices, from t = 1 too
    for wanted in [np.array([True, False, False, True, False]), np.ones(5, dtype=bool), np.zeros(5, dtype=bool), *runs]:
        some = net.recurrent_contributions(fwd, bwd, wanted)
        np.testing.assert_array_equal(some[wanted], whole[wanted])
        assert np.all(np.isnan(some[~wanted]))


def test_the_first_nonfinite_step_in_either_direction_and_any_stride():
    """The overflow watch's question: the first timestep, in the order the pass visits them,
    where any array holds inf or nan (a forward pass from t = 1, a backward one from T)."""
    from unrolled.engine.traces import first_nonfinite_step

    h = np.zeros((2, 8, 3))
    h[1, 2, 0] = np.inf  # t = 3, in the second sequence
    c = np.zeros((2, 8, 3))
    c[0, 5, 2] = np.nan  # t = 6
    assert first_nonfinite_step((h, c), range(0, 8)) == 3
    assert first_nonfinite_step((h, c), range(7, -1, -1)) == 6
    assert first_nonfinite_step((h, None), range(7, -1, -1)) == 3
    assert first_nonfinite_step((h, c), range(3, 5)) is None
    assert first_nonfinite_step((h, c), range(0, 8, 2)) == 3  # indices 0, 2, ...: index 2 is t = 3
    assert first_nonfinite_step((h, c), range(1, 8, 2)) == 6  # indices 1, 3, 5: index 5 is t = 6
    assert first_nonfinite_step((h, c), range(7, 0, -2)) == 6  # 7, 5, ...
    assert first_nonfinite_step((h, c), range(0, 0)) is None
