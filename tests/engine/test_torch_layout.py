"""Torch's state-dict layout, both ways, without torch; and, where torch is installed (it is
not a dependency), a stack loaded strictly into nn.RNN/LSTM/GRU + nn.Linear computes the
same loss and the same gradients in float64 autograd, to 1e-10."""

import itertools

import numpy as np
import pytest

from unrolled.engine import Network
from unrolled.engine.torch_layout import from_torch, grads_to_torch, has_torch_layout, to_torch, torch_shapes

from .helpers import make_batch

F, D, C = 3, 4, 2


def net_with_biases(cell, activation="tanh", layers=2, bidirectional=True, mode="many-to-many",
                    loss="cross-entropy"):
    net = Network(cell, n_features=F, n_hidden=D, n_classes=C, activation=activation, mode=mode, loss=loss,
                  seed=6, layers=layers, bidirectional=bidirectional)
    rng = np.random.default_rng(2)
    for name in net.params:  # nonzero biases and c_n, so the split of the biases is tested
        if name.startswith(("b", "c_n")):
            net.params[name] = rng.normal(0, 0.4, net.params[name].shape)
    return net


def test_names_and_shapes_are_torchs():
    net = net_with_biases("lstm", layers=2, bidirectional=True)
    assert torch_shapes(net) == {
        "rnn.weight_ih_l0": (16, 3), "rnn.weight_hh_l0": (16, 4), "rnn.bias_ih_l0": (16,), "rnn.bias_hh_l0": (16,),
        "rnn.weight_ih_l0_reverse": (16, 3), "rnn.weight_hh_l0_reverse": (16, 4),
        "rnn.bias_ih_l0_reverse": (16,), "rnn.bias_hh_l0_reverse": (16,),
        "rnn.weight_ih_l1": (16, 8), "rnn.weight_hh_l1": (16, 4), "rnn.bias_ih_l1": (16,), "rnn.bias_hh_l1": (16,),
        "rnn.weight_ih_l1_reverse": (16, 8), "rnn.weight_hh_l1_reverse": (16, 4),
        "rnn.bias_ih_l1_reverse": (16,), "rnn.bias_hh_l1_reverse": (16,),
        "fc.weight": (2, 8), "fc.bias": (2,),
    }
    assert set(torch_shapes(Network("gru", n_features=F, n_hidden=D, n_classes=C))) == {
        "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "fc.weight", "fc.bias"}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_gates_stack_in_torchs_order_and_the_biases_split_exactly(cell):
    net = net_with_biases(cell, layers=1, bidirectional=False)
    state = to_torch(net)
    gates = net.cell.gate_names or ("",)
    K = len(gates)
    for k, g in enumerate(gates):
        W, U, b = ("W1", "U1", "b1") if cell == "rnn" else (f"W_{g}", f"U_{g}", f"b_{g}")
        rows = slice(k * D, (k + 1) * D)
        np.testing.assert_array_equal(state["rnn.weight_ih_l0"][rows], net.params[W].T)
        np.testing.assert_array_equal(state["rnn.weight_hh_l0"][rows], net.params[U].T)
        np.testing.assert_array_equal(state["rnn.bias_ih_l0"][rows], net.params[b])
    hidden = state["rnn.bias_hh_l0"]
    if cell == "gru":  # the n gate's hidden bias is c_n, inside the reset
        np.testing.assert_array_equal(hidden[2 * D :], net.params["c_n"])
        hidden = hidden[: 2 * D]
    assert hidden.shape[0] in (D * K, 2 * D) and not np.any(hidden)
    np.testing.assert_array_equal(state["fc.weight"], net.params["W2"].T)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_torch_layout_and_back_is_the_identity(cell):
    net = net_with_biases(cell, layers=3, bidirectional=True)
    back = from_torch(net, to_torch(net))
    assert list(back) == list(net.params)
    for name, value in net.params.items():
        np.testing.assert_array_equal(back[name], value)


def test_two_biases_from_torch_are_summed_and_the_grus_c_n_kept():
    net = net_with_biases("gru", layers=1, bidirectional=False)
    state = to_torch(net)
    shift = np.arange(3 * D, dtype=float)
    state["rnn.bias_ih_l0"] = state["rnn.bias_ih_l0"] - shift
    state["rnn.bias_hh_l0"] = state["rnn.bias_hh_l0"] + shift
    back = from_torch(net, state)
    np.testing.assert_allclose(back["b_r"], net.params["b_r"], rtol=1e-15, atol=1e-14)
    np.testing.assert_allclose(back["b_z"], net.params["b_z"], rtol=1e-15, atol=1e-14)
    np.testing.assert_array_equal(back["b_n"], net.params["b_n"] - shift[2 * D :])
    np.testing.assert_array_equal(back["c_n"], net.params["c_n"] + shift[2 * D :])


def test_a_state_dict_that_does_not_fit_is_refused_in_one_line():
    net = net_with_biases("lstm", layers=2, bidirectional=False)
    state = to_torch(net)
    with pytest.raises(ValueError, match=r"^torch state dict: missing rnn\.bias_hh_l1; unexpected nothing$"):
        from_torch(net, {k: v for k, v in state.items() if k != "rnn.bias_hh_l1"})
    with pytest.raises(ValueError, match=r"^torch state dict: missing nothing; unexpected extra$"):
        from_torch(net, {**state, "extra": np.zeros(1)})
    with pytest.raises(ValueError, match=r"^torch state dict: fc\.weight has shape \(4, 2\), expected \(2, 4\)$"):
        from_torch(net, {**state, "fc.weight": np.zeros((4, 2))})
    sigmoid = Network("rnn", activation="sigmoid")
    assert not has_torch_layout(sigmoid) and has_torch_layout(Network("rnn", activation="relu"))
    refusal = r"^torch layout: torch\.nn\.RNN has no sigmoid nonlinearity; torch has lstm, gru and rnn with " \
              r"tanh or relu$"
    with pytest.raises(ValueError, match=refusal):
        to_torch(sigmoid)


def test_gradients_in_torchs_layout():
    """dL/dbias_ih = dL/dbias_hh = dL/db, but the GRU's n gate: dL/dbias_hh_n = dL/dc_n."""
    net = net_with_biases("gru", layers=1, bidirectional=True)
    X, Y = make_batch(net, T=3)
    grads = net.backward(net.forward(X), Y).grads
    torch_grads = grads_to_torch(net, grads)
    assert set(torch_grads) == set(torch_shapes(net))
    for suffix, engine in (("_l0", ""), ("_l0_reverse", "_l0_reverse")):
        ih, hh = torch_grads[f"rnn.bias_ih{suffix}"], torch_grads[f"rnn.bias_hh{suffix}"]
        np.testing.assert_array_equal(ih, np.concatenate([grads[f"b_{g}{engine}"] for g in "rzn"]))
        np.testing.assert_array_equal(hh[: 2 * D], ih[: 2 * D])
        np.testing.assert_array_equal(hh[2 * D :], grads[f"c_n{engine}"])
        np.testing.assert_array_equal(torch_grads[f"rnn.weight_hh{suffix}"][D : 2 * D], grads[f"U_z{engine}"].T)


# every cell x layers x direction; each cell meets both modes and both losses among them
CASES = [
    (cell, act, layers, bi, "many-to-one" if (layers + bi) % 2 else "many-to-many", "mse" if bi else "cross-entropy")
    for (cell, act), layers, bi in itertools.product(
        [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")], [1, 2, 3], [False, True])
]


@pytest.mark.parametrize("cell,activation,layers,bidirectional,mode,loss", CASES)
def test_loss_and_every_gradient_equal_torchs(cell, activation, layers, bidirectional, mode, loss):
    torch = pytest.importorskip("torch")
    net = net_with_biases(cell, activation, layers, bidirectional, mode, loss)
    X, Y = make_batch(net, B=2, T=5, target="indices" if loss == "cross-entropy" else "real")
    bwd = net.backward(net.forward(X), Y)

    options = {"num_layers": layers, "bidirectional": bidirectional, "batch_first": True}
    model = torch.nn.Module()
    if cell == "rnn":
        model.rnn = torch.nn.RNN(F, D, nonlinearity=activation, **options)
    else:
        model.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](F, D, **options)
    model.fc = torch.nn.Linear(D * (2 if bidirectional else 1), C)
    model = model.double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(net).items()}, strict=True)
    output, _ = model.rnn(torch.from_numpy(X))
    y = model.fc(output if mode == "many-to-many" else output[:, -1])
    if loss == "cross-entropy":
        torch_loss = torch.nn.functional.cross_entropy(y.reshape(-1, C), torch.from_numpy(Y).reshape(-1))
    else:
        torch_loss = torch.nn.functional.mse_loss(y, torch.from_numpy(Y))
    torch_loss.backward()

    assert bwd.loss == pytest.approx(torch_loss.item(), rel=1e-12)
    ours = grads_to_torch(net, bwd.grads)
    theirs = {name: p.grad.numpy() for name, p in model.named_parameters()}
    assert set(ours) == set(theirs)
    for name, grad in theirs.items():
        np.testing.assert_allclose(ours[name], grad, rtol=1e-10, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(net.forward(X).h, output.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_weights_written_with_safetensors_load_strictly_into_torch(tmp_path):
    """The file `export --format safetensors` is to write: to_torch's arrays under torch's
    names, read by torch (strict) to the same loss, and back into the engine unchanged."""
    numpy_files = pytest.importorskip("safetensors.numpy")
    net = net_with_biases("lstm", layers=2, bidirectional=True)
    path = tmp_path / "weights.safetensors"
    numpy_files.save_file(to_torch(net), str(path))
    back = from_torch(net, numpy_files.load_file(str(path)))
    for name, value in net.params.items():
        np.testing.assert_array_equal(back[name], value)
    torch = pytest.importorskip("torch")
    torch_files = pytest.importorskip("safetensors.torch")
    model = torch.nn.Module()
    model.rnn = torch.nn.LSTM(F, D, num_layers=2, bidirectional=True, batch_first=True)
    model.fc = torch.nn.Linear(2 * D, C)
    model = model.double()
    model.load_state_dict(torch_files.load_file(str(path)), strict=True)
    X, Y = make_batch(net, T=4)
    output, _ = model.rnn(torch.from_numpy(X))
    loss = torch.nn.functional.cross_entropy(model.fc(output).reshape(-1, C), torch.from_numpy(Y).reshape(-1))
    assert net.loss(net.forward(X), Y) == pytest.approx(loss.item(), rel=1e-13)
