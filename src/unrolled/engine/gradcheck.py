"""Central finite differences in float64, to check every analytic gradient."""

from __future__ import annotations

import numpy as np

from .embedding import EMBEDDING
from .losses import check_targets, loss_and_grad


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """d f / d x by central differences; f() reads x, which is perturbed in place."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        grad[it.multi_index] = central_difference(f, x, it.multi_index, eps)
    return grad


def central_difference(f, x: np.ndarray, index, eps: float = 1e-5) -> float:
    """(f(x + eps e_i) - f(x - eps e_i)) / 2 eps, perturbing x[index] in place and restoring it."""
    old = x[index]
    x[index] = old + eps
    plus = f()
    x[index] = old - eps
    minus = f()
    x[index] = old
    return (plus - minus) / (2 * eps)


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-4) -> float:
    """max |a - b| / max(|a| + |b|), taken over the whole array so a single tiny entry
    cannot dominate (cs231n's measure). The denominator is at least `floor`: central
    differences of a loss near 1 carry an absolute rounding error near 1e-10, which would
    otherwise read as a large relative error on a gradient that is itself nearly zero."""
    denom = max(float(np.max(np.abs(a) + np.abs(b))), floor)
    return float(np.max(np.abs(a - b)) / denom)


def check_network_gradients(net, X, Y, eps: float = 1e-5) -> dict[str, float]:
    """Relative error of every parameter's analytic gradient against finite differences."""
    bwd = net.backward(net.forward(X), Y)
    errors = {}
    for name, value in net.params.items():
        numeric = numerical_gradient(lambda: net.loss(net.forward(X), Y), value, eps)
        errors[name] = relative_error(bwd.grads[name], numeric)
    return errors


def truncated_loss(net, X, Y, anchor) -> float:
    """The truncated objective sum_s L_s whose derivative truncated BPTT computes: loss term
    s is computed from the states at s - k of `anchor` (a ForwardTrace at the weights of the
    check, held constant) through steps s-k+1..s at the network's current weights. At the
    anchor's weights it equals the ordinary loss; its gradient there is the truncated one.
    Both losses are sums over timesteps, so the terms are the columns of one output array."""
    if getattr(net, "stack", None) is not None:
        return stack_truncated_loss(net, X, Y, anchor)
    T, k = X.shape[1], net.truncation_for(X.shape[1])
    packed = net._packed_params()
    cell = net.cell
    many = net.mode == "many-to-many"
    y = net.forward(X).y.copy()  # (B, T, C), or (B, C) for the one term at T
    x = net.features(X)  # an embedding's rows at the weights of the moment
    for s in range(T) if many else [T - 1]:
        start = 0 if k == 0 else max(s - k + 1, 0)
        if start == 0:
            state = cell.initial_state(X.shape[0], net.n_hidden)
        else:
            state = {"h": anchor.h[:, start - 1]}
            if anchor.c is not None:
                state["c"] = anchor.c[:, start - 1]
        for t in range(start, s + 1):
            state, _ = cell.step_forward(packed, x[:, t], state)
        if many:
            y[:, s] = net.readout(packed, state["h"])
        else:
            y[:] = net.readout(packed, state["h"])
    return loss_and_grad(net.loss_name, y, check_targets(Y, y.shape))[0]


def stack_truncated_loss(net, X, Y, anchor) -> float:
    """The truncated objective of a stack (see `stack`'s docstring): layer by layer, each
    direction's output at every t is recomputed from that direction's state k steps earlier
    in `anchor` (a StackForwardTrace at the weights of the check, held constant) through its
    last k steps, from the layer below's outputs recomputed in the same way; the readout
    reads the top layer's. k = 0 (or k >= T): the ordinary loss."""
    T, k = X.shape[1], net.truncation_for(X.shape[1])
    packed = net._packed_params()
    cell, stack = net.cell, net.stack
    B, D = X.shape[0], net.n_hidden
    inputs = net.features(X)  # an embedding's rows at the weights of the moment
    for layer in range(stack.n_layers):
        outputs = np.empty((B, T, stack.directions * D))
        for d in range(stack.directions):
            order = slice(None, None, -1 if d else 1)  # the direction's own time order
            sequence, out = inputs[:, order], outputs[:, order, d * D : (d + 1) * D]
            states = anchor.layers[(layer, d)]
            state = cell.initial_state(B, D)
            for s in range(T):
                start = max(s - k + 1, 0) if k else s  # k = 0: carry on from step s - 1
                if k and start > 0:
                    state = {"h": states.h[:, start - 1]}
                    if states.c is not None:
                        state["c"] = states.c[:, start - 1]
                elif k:
                    state = cell.initial_state(B, D)
                for t in range(start, s + 1):
                    state, _ = cell.step_forward(packed[(layer, d)], sequence[:, t], state)
                out[:, s] = state["h"]
        inputs = outputs
    y = inputs @ packed["W2"] + packed["b2"]
    if net.mode == "many-to-one":
        y = y[:, -1]
    return loss_and_grad(net.loss_name, y, check_targets(Y, y.shape))[0]


def sampled_gradient_check(net, X, Y, entries: int = 24, seed: int = 0,
                           eps: float = 1e-5) -> dict[str, tuple[float, int, int]]:
    """Each parameter's analytic gradient (the backward pass) against central differences
    at `entries` of its entries drawn at random (all of them when it has no more):
    name -> (relative error over those entries, entries checked, entries in all).

    Under truncated BPTT the derivative checked is that of the truncated objective
    (`truncated_loss`), which is what truncated BPTT computes exactly."""
    X = net.check_input(X)
    fwd = net.forward(X)
    grads = net.backward(fwd, Y).grads
    if net.truncation_for(X.shape[1]):
        def loss() -> float:
            return truncated_loss(net, X, Y, fwd)
    else:
        def loss() -> float:
            return net.loss(net.forward(X), Y)
    rng = np.random.default_rng(seed)
    result = {}
    twins = {EMBEDDING: "W2", "W2": EMBEDDING} if net.tied else {}  # one parameter: perturbed together
    for name, value in net.params.items():
        flat = value.reshape(-1)  # a view: perturbing it perturbs the parameter
        chosen = np.arange(flat.size) if flat.size <= entries else rng.choice(flat.size, entries, replace=False)
        numeric = np.empty(len(chosen))
        twin = twins.get(name)

        def twinned(name: str = name, twin: str | None = twin) -> float:
            if twin is not None:
                net.params[twin][...] = net.params[name].T
            return loss()

        for n, index in enumerate(chosen):
            numeric[n] = central_difference(twinned, flat, index, eps)
        if name in twins:  # the twin back to the restored value
            net.params[twins[name]][...] = value.T
        analytic = grads[name].reshape(-1)[chosen]
        result[name] = (relative_error(analytic, numeric), len(chosen), flat.size)
    return result
