"""Central finite differences in float64, to check every analytic gradient."""

from __future__ import annotations

import numpy as np


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """d f / d x by central differences; f() reads x, which is perturbed in place."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


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
