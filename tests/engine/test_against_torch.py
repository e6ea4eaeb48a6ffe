"""A second opinion from PyTorch, when it is installed (it is not a dependency): the LSTM and
GRU equal torch.nn.LSTM / torch.nn.GRU in float64, forward and gradients, weights mapped
across (torch stacks i, f, g, o and r, z, n row-wise and applies x W^T)."""

import numpy as np
import pytest

from unrolled.engine import Network

torch = pytest.importorskip("torch")


def run_torch(module, net, X, Y, names, hidden_bias_of):
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.from_numpy(np.concatenate([net.params[f"W_{g}"].T for g in names])))
        module.weight_hh_l0.copy_(torch.from_numpy(np.concatenate([net.params[f"U_{g}"].T for g in names])))
        module.bias_ih_l0.copy_(torch.from_numpy(np.concatenate([net.params[f"b_{g}"] for g in names])))
        module.bias_hh_l0.copy_(torch.from_numpy(np.concatenate([hidden_bias_of(g) for g in names])))
    readout = torch.nn.Linear(net.n_hidden, net.n_classes).double()
    with torch.no_grad():
        readout.weight.copy_(torch.from_numpy(net.params["W2"].T))
        readout.bias.copy_(torch.from_numpy(net.params["b2"]))
    x = torch.from_numpy(X)
    h, _ = module(x)
    y = readout(h)
    loss = torch.nn.functional.cross_entropy(y.reshape(-1, net.n_classes), torch.from_numpy(Y).reshape(-1))
    loss.backward()
    return h.detach().numpy(), float(loss.detach()), module


def test_lstm_equals_torch():
    net = Network("lstm", n_features=3, n_hidden=5, n_classes=4, seed=1, forget_bias=0.5)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 6, 3)), rng.integers(0, 4, (2, 6))
    module = torch.nn.LSTM(3, 5, batch_first=True).double()
    h, loss, module = run_torch(module, net, X, Y, "ifgo", lambda g: np.zeros(5))
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    np.testing.assert_allclose(fwd.h, h, rtol=1e-12, atol=1e-14)
    assert bwd.loss == pytest.approx(loss, rel=1e-12)
    grad_U = np.split(module.weight_hh_l0.grad.numpy(), 4)
    for g, part in zip("ifgo", grad_U):
        np.testing.assert_allclose(bwd.grads[f"U_{g}"], part.T, rtol=1e-10, atol=1e-14)


def test_gru_equals_torch():
    net = Network("gru", n_features=3, n_hidden=5, n_classes=4, seed=2)
    net.params["c_n"][:] = np.random.default_rng(3).normal(0, 0.3, 5)
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((2, 6, 3)), rng.integers(0, 4, (2, 6))
    module = torch.nn.GRU(3, 5, batch_first=True).double()
    h, loss, module = run_torch(module, net, X, Y, "rzn",
                                lambda g: net.params["c_n"] if g == "n" else np.zeros(5))
    fwd = net.forward(X)
    bwd = net.backward(fwd, Y)
    np.testing.assert_allclose(fwd.h, h, rtol=1e-12, atol=1e-14)
    assert bwd.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(bwd.grads["c_n"], np.split(module.bias_hh_l0.grad.numpy(), 3)[2], rtol=1e-10)
    for g, part in zip("rzn", np.split(module.weight_ih_l0.grad.numpy(), 3)):
        np.testing.assert_allclose(bwd.grads[f"W_{g}"], part.T, rtol=1e-10, atol=1e-14)
