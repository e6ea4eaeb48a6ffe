"""A stack steps one cell at one (layer, direction, t) in torch's order; stepping equals the
full pass bit for bit, and every step undone leaves what was there before it, NaN included."""

import numpy as np
import pytest

from unrolled.engine import Network
from unrolled.engine.stack import suffix

from .helpers import make_batch

T = 4


def stack_arrays(fwd, bwd=None) -> dict[str, np.ndarray]:
    """Copies of everything a pass records, per layer and direction."""
    out = {"y": fwd.y}
    for (layer, d), trace in fwd.layers.items():
        key = f"{layer}{d}"
        out.update({f"h{key}": trace.h, f"pre{key}": trace.pre_block})
        if trace.a_x is not None:  # computed at the layer's first step, dropped when it is undone
            out[f"a_x{key}"] = trace.a_x
        if trace.c is not None:
            out[f"c{key}"] = trace.c
        if trace.gate_block is not None:
            out[f"gates{key}"] = trace.gate_block
    if bwd is not None:
        out.update({f"entry{layer}": e for layer, e in enumerate(bwd.dh_entries)})
        for (layer, d), part in bwd.layers.items():
            out[f"dh{layer}{d}"] = part.dh
            if part.dc is not None:
                out[f"dc{layer}{d}"] = part.dc
        out.update({"grad_" + k: v for k, v in bwd.grads.items()})
    return {k: np.array(v, copy=True) for k, v in out.items()}


def assert_same(got, expected):
    assert set(got) == set(expected)
    for name, value in expected.items():
        np.testing.assert_array_equal(got[name], value, err_msg=name)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one"])
@pytest.mark.parametrize("truncation", [0, 2])
def test_steps_equal_the_full_pass_and_undo_to_nan(cell, mode, truncation):
    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, mode=mode, seed=1, layers=2, bidirectional=True,
                  truncation=truncation)
    X, Y = make_batch(net, B=3, T=T)
    full_f = net.forward(X)
    full_b = net.backward(full_f, Y)

    fwd = net.begin_forward(X)
    empty = stack_arrays(fwd)
    N = fwd.n_steps
    assert N == 2 * 2 * T
    snapshots = [empty]
    for _ in range(N):
        net.forward_step(fwd)
        snapshots.append(stack_arrays(fwd))
    with pytest.raises(ValueError, match=f"all {N} steps are done"):
        net.forward_step(fwd)
    bwd = net.begin_backward(fwd, Y)
    back_snapshots = [stack_arrays(fwd, bwd)]
    for _ in range(N):
        net.backward_step(bwd, fwd)
        back_snapshots.append(stack_arrays(fwd, bwd))
    with pytest.raises(ValueError, match=f"all {N} steps are done"):
        net.backward_step(bwd, fwd)
    assert_same(back_snapshots[-1], stack_arrays(full_f, full_b))
    assert bwd.loss == full_b.loss

    for n in range(N - 1, -1, -1):  # back all the way, each undo restoring the state before that step
        net.backward_unstep(bwd)
        assert_same(stack_arrays(fwd, bwd), back_snapshots[n])
    assert bwd.grads == {}
    assert all(np.all(np.isnan(a)) for a in (*bwd.dh_outputs, *bwd.dh_entries[:-1]))
    for n in range(N - 1, -1, -1):
        net.forward_unstep(fwd)
        assert_same(stack_arrays(fwd), snapshots[n])
    assert all(np.all(np.isnan(a)) for a in empty.values())
    with pytest.raises(ValueError, match="no forward step"):
        net.forward_unstep(fwd)

    for _ in range(N):  # and forward again: bit for bit the same
        net.forward_step(fwd)
    bwd = net.begin_backward(fwd, Y)
    for _ in range(N):
        net.backward_step(bwd, fwd)
    assert_same(stack_arrays(fwd, bwd), stack_arrays(full_f, full_b))


def test_step_order_is_torchs_and_backward_its_exact_reverse():
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=0, layers=2, bidirectional=True)
    X, Y = make_batch(net, T=3)
    fwd = net.begin_forward(X)
    order = []
    for n in range(fwd.n_steps):
        layer, direction, t = fwd.position(n)
        net.forward_step(fwd)
        h = fwd.layer_h[(layer, direction)]
        assert np.all(np.isfinite(h[:, t])) and np.isnan(h).sum() == h[:, 0].size * (
            (3 - t - 1) if direction == 0 else t)  # the steps of that direction not done yet
        order.append((layer, direction, t + 1))
    assert order == [(0, 0, 1), (0, 0, 2), (0, 0, 3), (0, 1, 3), (0, 1, 2), (0, 1, 1),
                     (1, 0, 1), (1, 0, 2), (1, 0, 3), (1, 1, 3), (1, 1, 2), (1, 1, 1)]
    bwd = net.begin_backward(fwd, Y)
    backward = []
    for n in range(bwd.n_steps):
        layer, direction, t = bwd.position(n)
        net.backward_step(bwd, fwd)
        assert np.all(np.isfinite(bwd.layer_dh[(layer, direction)][:, t]))
        backward.append((layer, direction, t + 1))
    assert backward == order[::-1]


@pytest.mark.parametrize("mode", ["many-to-many", "many-to-one"])
def test_the_readout_reads_the_top_layer_as_torchs_output(mode):
    """The top output is forward h_t beside reverse h_t; many-to-one reads t = T, where the
    reverse direction has taken only its first step. y appears when its inputs are there."""
    net = Network("gru", n_features=2, n_hidden=3, n_classes=2, mode=mode, seed=4, layers=2, bidirectional=True)
    X, _ = make_batch(net, T=T)
    fwd = net.begin_forward(X)
    for _ in range(3 * T):  # through the top layer's forward direction
        net.forward_step(fwd)
    assert np.all(np.isnan(fwd.y))
    net.forward_step(fwd)  # the reverse direction's first step: t = T
    if mode == "many-to-one":
        np.testing.assert_allclose(fwd.y, fwd.h[:, -1] @ net.params["W2"] + net.params["b2"], rtol=1e-15)
    else:
        assert np.all(np.isfinite(fwd.y[:, -1])) and np.all(np.isnan(fwd.y[:, :-1]))
    for _ in range(T - 1):
        net.forward_step(fwd)
    D = 3
    np.testing.assert_array_equal(fwd.h[..., :D], fwd.layer_h[(1, 0)])
    np.testing.assert_array_equal(fwd.h[..., D:], fwd.layer_h[(1, 1)])
    np.testing.assert_array_equal(fwd.layers[(1, 1)].h, fwd.layer_h[(1, 1)][:, ::-1])  # its own order


def test_parameter_names_and_shapes_extend_the_seeds():
    net = Network("gru", n_features=5, n_hidden=3, n_classes=4, layers=3, bidirectional=True)
    shapes = net.param_shapes()
    assert [n for n in shapes if n.startswith("U_r")] == [
        "U_r", "U_r_l0_reverse", "U_r_l1", "U_r_l1_reverse", "U_r_l2", "U_r_l2_reverse"]
    assert shapes["W_z"] == (5, 3) and shapes["W_z_l0_reverse"] == (5, 3) and shapes["W_z_l1"] == (6, 3)
    assert shapes["c_n_l2_reverse"] == (3,) and shapes["W2"] == (6, 4) and shapes["b2"] == (4,)
    assert {n: v.shape for n, v in net.params.items()} == shapes
    assert net.recurrent_param_names()[:4] == ("U_r", "U_z", "U_n", "U_r_l0_reverse")
    assert [suffix(layer, d) for layer in range(2) for d in range(2)] == ["", "_l0_reverse", "_l1", "_l1_reverse"]
    one = Network("rnn", n_features=2, n_hidden=3, n_classes=2, layers=2)
    assert list(one.params) == ["W1", "U1", "b1", "W1_l1", "U1_l1", "b1_l1", "W2", "b2"]


def test_the_default_is_the_one_layer_network():
    """layers=1 and one direction: the seed's names, draws and traces (bit for bit, as the
    other engine tests pin), not a stack."""
    default = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=5)
    explicit = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=5, layers=1, bidirectional=False)
    assert default.stack is None and explicit.stack is None
    assert list(default.params) == list(explicit.params)
    for name, value in default.params.items():
        np.testing.assert_array_equal(explicit.params[name], value)
    X, _ = make_batch(default, T=3)
    assert type(default.forward(X)).__name__ == "ForwardTrace"


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"layers": 0}, "layers: got 0, expected a whole number from 1 to 8"),
        ({"layers": 9}, "layers: got 9, expected a whole number from 1 to 8"),
        ({"layers": 2.5}, "layers: got 2.5, expected a whole number from 1 to 8"),
        ({"layers": "two"}, "layers: got 'two', expected a whole number from 1 to 8"),
        ({"layers": True}, "layers: got True, expected a whole number from 1 to 8"),
        ({"bidirectional": "yes"}, "bidirectional: got 'yes', expected True or False"),
        ({"bidirectional": 1}, "bidirectional: got 1, expected True or False"),
    ],
)
def test_bad_depth_and_direction_get_one_line(kwargs, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        Network("rnn", n_features=2, n_hidden=3, n_classes=2, **kwargs)


def test_what_a_stack_does_not_offer_is_refused_in_one_line():
    net = Network("rnn", n_features=2, n_hidden=3, n_classes=2, layers=2, bidirectional=True)
    X, Y = make_batch(net, T=3)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    with pytest.raises(ValueError, match=r"recurrent_contributions: .* fwd.layers\[\(l, d\)\]"):
        net.recurrent_contributions(fwd, bwd.layers[(1, 0)])
    with pytest.raises(ValueError, match=r"layer: got \(2, 0\)"):
        net.jacobian_norms(fwd, layer=(2, 0))


def test_per_layer_quantities_read_one_layer_and_direction():
    """The Jacobian norms and the temporal contributions of one (layer, direction), in its
    own order, are the one-layer functions applied to that layer's traces."""
    net = Network("rnn", n_features=2, n_hidden=3, n_classes=2, seed=2, layers=2, bidirectional=True)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    norms = net.jacobian_norms(fwd, layer=(1, 1))
    U = net.params["U1_l1_reverse"]
    h = fwd.layers[(1, 1)].h[0]  # (T, D), the reverse direction's own order
    for i in range(1, 5):  # dh_i/dh_{i-1} = diag(1 - h_i^2) U^T in the row convention
        expected = np.linalg.norm((U * (1 - h[i] ** 2)), 2)
        assert norms.step[i] == pytest.approx(expected, rel=1e-10)
    contributions = net.recurrent_contributions(fwd.layers[(0, 1)], bwd.layers[(0, 1)])
    assert np.linalg.norm(bwd.grads["U1_l0_reverse"]) <= contributions.sum() + 1e-12
    norms_per_layer = bwd.dh_norm_per_layer
    for key, dh in bwd.layer_dh.items():
        np.testing.assert_allclose(norms_per_layer[key], np.sqrt(np.sum(dh * dh, axis=(0, 2))), rtol=1e-13)


def test_the_first_nonfinite_step_is_counted_in_step_order():
    """An exploding linear stack: the overflow watch names the step, across layers."""
    net = Network("rnn", n_features=1, n_hidden=2, n_classes=2, activation="linear", init="identity", rho=1e200,
                  layers=2, bidirectional=True)
    X = np.ones((1, 3, 1))
    fwd = net.forward(X)
    assert fwd.nonfinite_from is not None and 1 <= fwd.nonfinite_from <= fwd.n_steps
    layer, direction, t = fwd.position(fwd.nonfinite_from - 1)
    assert not np.all(np.isfinite(fwd.layer_h[(layer, direction)][:, t]))
    for n in range(fwd.nonfinite_from - 1):
        layer, direction, t = fwd.position(n)
        assert np.all(np.isfinite(fwd.layer_h[(layer, direction)][:, t]))
    bwd = net.backward(fwd, np.zeros((1, 3), dtype=int))
    assert bwd.nonfinite_from == 1  # the readout's gradient reads the overflowed top layer


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("truncation", [0, 2])
def test_the_last_steps_gradient_through_a_stack_of_one_layer_is_the_networks_own(cell, truncation):
    """dL_T/dh_t, tracked through a stack as a second pass over dL/dy zeroed but at t = T,
    is for one layer in one direction what the one-layer network carries step by step (its
    own, independent recurrence), to rounding."""
    from unrolled.engine.losses import loss_and_grad
    from unrolled.engine.stack import Stack

    net = Network(cell, n_features=3, n_hidden=4, n_classes=3, seed=5, truncation=truncation)
    X, Y = make_batch(net, T=6, B=2)
    fwd = net.forward(X)
    own = net.begin_backward(fwd, Y, track_last_step=True)
    for _ in range(6):
        net.backward_step(own, fwd)
    stack = Stack(net.cell, 3, 4, 3, "many-to-many", 1, 1)
    stack_fwd = stack.begin_forward(X, stack.pack(net.params))
    for _ in range(6):
        stack.forward_step(stack_fwd)
    loss, dy = loss_and_grad("cross-entropy", stack_fwd.y, Y)
    stack_bwd = stack.begin_backward(stack_fwd, loss, dy, net.truncation_for(6), track_last_step=True)
    for _ in range(6):
        stack.backward_step(stack_bwd, stack_fwd, net.truncation_for(6))
    np.testing.assert_allclose(stack_bwd.dh_last, own.dh_last, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(stack_bwd.dh_last_norm, own.dh_last_norm, rtol=1e-12)
    np.testing.assert_allclose(stack_bwd.dh, own.dh, rtol=1e-12, atol=1e-15)


def test_the_last_steps_gradient_through_a_deep_stack_steps_and_undoes_exactly():
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=3, layers=2, bidirectional=True)
    X, Y = make_batch(net, T=T, B=2)
    fwd = net.forward(X)
    whole = net.backward(fwd, Y)
    bwd = net.begin_backward(fwd, Y, track_last_step=True)
    seen = []
    for _ in range(bwd.n_steps):
        seen.append((np.array(bwd.dh_last, copy=True), bwd.steps_done))
        net.backward_step(bwd, fwd)
    for name, grad in whole.grads.items():  # tracking changes nothing of the pass itself
        np.testing.assert_array_equal(bwd.grads[name], grad, err_msg=name)
    assert np.all(np.isfinite(bwd.dh_last)) and set(bwd.layer_dh_last) == set(fwd.layers)
    # by linearity in dL/dy, the last term's share is at most the whole at t = T, and the
    # top layer's dL_T/dh_T is dy_T's own share through the readout
    top_T = bwd.dh_last[:, -1]
    np.testing.assert_allclose(top_T[:, :3], bwd.dh[:, -1, :3], rtol=1e-12)
    for before, done in reversed(seen):
        net.backward_unstep(bwd)
        assert bwd.steps_done == done
        np.testing.assert_array_equal(bwd.dh_last, before)


def test_a_stacks_recurrent_contributions_are_the_top_layers_directions_together():
    """Given a stack's whole traces: per t, the norm of the top layer's two directions'
    contributions at t taken together, in natural time order; a mask picks timesteps."""
    net = Network("gru", n_features=2, n_hidden=3, n_classes=2, seed=2, layers=2, bidirectional=True)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    forward = net.recurrent_contributions(fwd.layers[(1, 0)], bwd.layers[(1, 0)])
    reverse = net.recurrent_contributions(fwd.layers[(1, 1)], bwd.layers[(1, 1)])[::-1]
    whole = net.recurrent_contributions(fwd, bwd)
    np.testing.assert_allclose(whole, np.sqrt(forward**2 + reverse**2), rtol=1e-14)
    mask = np.array([True, False, False, True, False])
    picked = net.recurrent_contributions(fwd, bwd, mask)
    np.testing.assert_allclose(picked[mask], whole[mask], rtol=1e-14)
    assert np.all(np.isnan(picked[~mask]))


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("truncation", [0, 2])
def test_a_stacks_loss_terms_sum_to_the_whole_gradient(bidirectional, truncation):
    """dL_k/dh_t of the top layer's output, one term k at a time, sums over k to dL/dh_t;
    the last term's is what the tracked pass carries, and in one direction t > k is NaN."""
    net = Network("lstm", n_features=2, n_hidden=3, n_classes=2, seed=6, layers=2,
                  bidirectional=bidirectional, truncation=truncation)
    X, Y = make_batch(net, T=5)
    fwd = net.forward(X)
    bwd = net.begin_backward(fwd, Y, track_last_step=True)
    for _ in range(bwd.n_steps):
        net.backward_step(bwd, fwd)
    terms = [net.step_loss_gradient(fwd, Y, k) for k in range(1, 6)]
    np.testing.assert_allclose(sum(np.nan_to_num(term) for term in terms), bwd.dh, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.nan_to_num(terms[-1]), bwd.dh_last, rtol=1e-12, atol=1e-15)
    assert np.all(np.isnan(terms[1][:, 2:])) != bidirectional
    with pytest.raises(ValueError, match="k: got 6"):
        net.step_loss_gradient(fwd, Y, 6)
