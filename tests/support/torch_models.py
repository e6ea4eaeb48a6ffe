"""A user's PyTorch models, as users write them, and torch's float64 autograd on them: the
reference the own-model tests compare the app with. Import only where torch is installed."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class UserModel(nn.Module):
    """[embedding] -> recurrent -> linear readout, under the module names a user gives them:
    names = (embedding, recurrent, readout), e.g. PyTorch's word-language-model example's
    ("encoder", "rnn", "decoder")."""

    def __init__(self, cell="lstm", F=3, D=4, C=2, layers=1, bidirectional=False, V=None,
                 names=("embedding", "rnn", "fc"), nonlinearity="tanh", many_to_one=False):
        super().__init__()
        self.names, self.many_to_one = names, many_to_one
        options = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        if V is not None:
            setattr(self, names[0], nn.Embedding(V, F))
        setattr(self, names[1], CELLS[cell](F, D, num_layers=layers, bidirectional=bidirectional,
                                            batch_first=True, **options))
        setattr(self, names[2], nn.Linear(D * (2 if bidirectional else 1), C))

    def forward(self, X):
        if hasattr(self, self.names[0]):
            X = getattr(self, self.names[0])(X)
        out, _ = getattr(self, self.names[1])(X)
        if self.many_to_one:
            out = out[:, -1]  # the top layer's output at t = T
        return getattr(self, self.names[2])(out)


def make_model(seed=0, **options) -> UserModel:
    torch.manual_seed(seed)
    model = UserModel(**options)
    with torch.no_grad():  # nonzero biases everywhere, so the split of torch's two biases shows
        for name, value in model.named_parameters():
            if "bias" in name:
                value.uniform_(-0.5, 0.5)
    return model


def reference(model: UserModel, X: np.ndarray, Y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """Torch's loss and every parameter's gradient in float64, the model's own copy untouched:
    cross-entropy for integer Y, MSE for floats (means, as the engine's)."""
    double = copy.deepcopy(model).double()
    inputs = torch.from_numpy(X) if X.dtype.kind == "i" else torch.from_numpy(X.astype(np.float64))
    y = double(inputs)
    if Y.dtype.kind == "i":
        loss = nn.functional.cross_entropy(y.reshape(-1, y.shape[-1]), torch.from_numpy(Y).reshape(-1))
    else:
        loss = nn.functional.mse_loss(y, torch.from_numpy(Y))
    loss.backward()
    grads = {name: value.grad.numpy().copy() for name, value in double.named_parameters()}
    return float(loss.detach()), grads


def save_state(model: UserModel, path) -> None:
    """The model's state dict (float32, as trained) in the format the suffix says."""
    state = model.state_dict()
    if path.suffix in (".pt", ".pth"):
        torch.save(state, path)
        return
    arrays = {name: value.detach().numpy().copy() for name, value in state.items()}
    if path.suffix == ".safetensors":
        from safetensors.numpy import save_file

        save_file(arrays, path)
    else:
        np.savez(path, **arrays)
