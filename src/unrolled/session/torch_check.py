"""A session on a user's own model checked against PyTorch: the same weights loaded strictly
into torch.nn.Embedding / RNN / LSTM / GRU / Linear in float64, the same batch, torch's
autograd; the largest relative difference of the loss and of every parameter's gradient,
under the file's own keys. Torch is imported here only, when a check is asked for. No Qt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stepper import Session
from .torch_files import file_grads
from .weights import file_state_dict

PASSES = 1e-8  # the largest relative difference that passes


class NotComparable(ValueError):
    """Why the session cannot be checked against torch, in one line."""


@dataclass(frozen=True)
class TorchCheck:
    loss: float  # the app's
    torch_loss: float
    differences: dict[str, float]  # the file's key -> max |app - torch| / max |torch| (0 when both are 0)
    not_finite: tuple[str, ...] = ()  # what holds nan or inf (weights, loss, gradients): nothing to compare


    @property
    def largest(self) -> float:
        return max([relative(self.loss, self.torch_loss), *self.differences.values()])

    @property
    def passed(self) -> bool:  # nan against nan is no agreement
        return not self.not_finite and self.largest < PASSES


def relative(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return float(np.max(np.abs(a - b))) / scale if scale > 0 else 0.0


def check_against_torch(session: Session) -> TorchCheck:
    """The session's loss and gradients, at its weights now on its batch, against torch's."""
    own = session.own_model
    if own is None:
        raise NotComparable("only a model opened from PyTorch weights (--weights) is checked against torch")
    if session.net.truncation_for(session.T):
        raise NotComparable("truncated BPTT has no torch counterpart: set truncation to 0")
    try:
        import torch
    except ImportError as error:
        raise NotComparable("torch is not installed: pip install torch (CPU is enough)") from error
    net, X, Y = session.net, session.X, np.asarray(session.Y)
    bwd = net.backward(net.forward(X), Y)
    ours = file_grads(own.weights, net, bwd.grads)
    modules, prefixes = _torch_modules(torch, session)
    state = file_state_dict(own.weights, net.params)
    for module, prefix in zip(modules, prefixes, strict=True):
        if module is not None:
            mine = {key[len(prefix):]: torch.from_numpy(np.array(state[key], dtype=np.float64))
                    for key in own.weights.layout.keys if key.startswith(prefix) and "." not in key[len(prefix):]}
            module.load_state_dict(mine, strict=True)
    embedding, rnn, readout = modules
    if own.weights.layout.tied:  # word-language-model's --tied: one Parameter, its grad the sum of both uses
        readout.weight = embedding.weight
    inputs = torch.from_numpy(X[..., 0] if embedding is not None else X)  # ids: (B, T, 1) in a session
    out, _ = rnn(embedding(inputs) if embedding is not None else inputs)
    y = readout(out[:, -1] if session.config.mode == "many-to-one" else out)
    if session.config.loss == "cross-entropy":
        targets = torch.from_numpy(Y.astype(np.int64)).reshape(-1)
        loss = torch.nn.functional.cross_entropy(y.reshape(-1, y.shape[-1]), targets)
    else:
        loss = torch.nn.functional.mse_loss(y, torch.from_numpy(Y.astype(np.float64)))
    loss.backward()
    theirs = {prefix + name: p.grad.numpy() for module, prefix in zip(modules, prefixes, strict=True)
              if module is not None for name, p in module.named_parameters()}
    torch_loss = float(loss.detach())
    not_finite = [f"the weights' {key}" for key in own.weights.layout.keys if not np.all(np.isfinite(state[key]))]
    not_finite += [f"the {who} loss" for who, value in (("app's", bwd.loss), ("torch", torch_loss))
                   if not np.isfinite(value)]
    not_finite += [f"the gradient of {key}" for key in ours
                   if not (np.all(np.isfinite(ours[key])) and np.all(np.isfinite(theirs[key])))]
    return TorchCheck(bwd.loss, torch_loss, {key: relative(ours[key], theirs[key]) for key in ours},
                      tuple(not_finite))


def _torch_modules(torch, session: Session):
    """([embedding or None, recurrent, readout] in float64, their key prefixes with the dot)."""
    layout = session.own_model.weights.layout
    nn = torch.nn
    cell = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[layout.cell]
    options = {"nonlinearity": session.config.activation} if layout.cell == "rnn" else {}
    dirs = 2 if layout.bidirectional else 1
    rnn = cell(layout.n_features, layout.n_hidden, num_layers=layout.layers, bidirectional=layout.bidirectional,
               batch_first=True, bias=layout.bias, dtype=torch.float64, **options)
    readout = nn.Linear(dirs * layout.n_hidden, layout.n_classes, bias=layout.readout_bias, dtype=torch.float64)
    embedding = None
    if layout.embedding is not None:
        embedding = nn.Embedding(*layout.embedding, dtype=torch.float64)
    prefixes = [f"{p}." if p else "" for p in (layout.embedding_prefix, layout.rnn_prefix, layout.readout_prefix)]
    return [embedding, rnn, readout], prefixes


def report(check: TorchCheck) -> str:
    """One line per parameter, then the verdict; one line when the values are not finite."""
    if check.not_finite:
        listed = ", ".join(check.not_finite[:3]) + (f" and {len(check.not_finite) - 3} more"
                                                     if len(check.not_finite) > 3 else "")
        return f"nothing to compare: the values are not finite (nan or inf in {listed}); the check does not pass"
    width = max(len(key) for key in check.differences)
    lines = [f"{'loss':<{width}}  {relative(check.loss, check.torch_loss):.2e}   "
             f"(app {check.loss:.17g}, torch {check.torch_loss:.17g})"]
    lines += [f"{key:<{width}}  {value:.2e}" for key, value in check.differences.items()]
    verdict = "equals" if check.passed else "DIFFERS FROM"
    lines.append(f"largest relative difference {check.largest:.2e}: the app {verdict} torch's autograd "
                 f"(passes under {PASSES:g})")
    return "\n".join(lines)
