"""Initialisation from an explicit np.random.Generator.

W: Glorot (Xavier) uniform. U, one of INITS:

- "spectral-radius": orthogonal (every singular value 1) when rho is None, else a Gaussian
  matrix scaled to an exact spectral radius rho: the knob that makes gradients vanish
  (rho < 1) or explode (rho > 1) in a linear RNN (Pascanu, Mikolov and Bengio 2013, 2.1).
- "scaled-orthogonal": rho times a random orthogonal matrix, so every singular value is rho
  and sigma_max(U) = rho(U) = rho: the textbook case, where the bound (gamma sigma_max)^(T-t)
  tracks the gradient.
- "identity": rho times the identity (Le, Jaitly and Hinton 2015, "IRNN"): with a ReLU, a
  hidden state that nothing else changes is copied unchanged from step to step.

For the last two, rho None means 1.
"""

from __future__ import annotations

import numpy as np


def glorot(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A Haar-random orthogonal (n, n) matrix (QR of a Gaussian, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def spectral_radius(U: np.ndarray) -> float:
    """max |eigenvalue| of U."""
    return float(np.max(np.abs(np.linalg.eigvals(U))))


def with_spectral_radius(U: np.ndarray, rho: float) -> np.ndarray:
    """U rescaled so that its spectral radius is exactly rho."""
    if rho < 0 or not np.isfinite(rho):
        raise ValueError(f"rho: got {rho!r}, expected a finite number >= 0")
    current = spectral_radius(U)
    if current == 0.0:
        raise ValueError("rho: U has spectral radius 0 and cannot be rescaled")
    return U * (rho / current)


INITS = ("spectral-radius", "scaled-orthogonal", "identity")


def recurrent_matrix(rng: np.random.Generator, n: int, rho: float | None, init: str = "spectral-radius") -> np.ndarray:
    """A recurrent U (n, n) as `init` says (see the module's docstring)."""
    if init == "spectral-radius":
        if rho is None:
            return orthogonal(rng, n)
        return with_spectral_radius(rng.standard_normal((n, n)) / np.sqrt(n), rho)
    scale = 1.0 if rho is None else rho
    if init == "scaled-orthogonal":
        return scale * orthogonal(rng, n)
    if init == "identity":
        return scale * np.eye(n)
    raise ValueError(f"init: got {init!r}, expected one of {', '.join(INITS)}")


def init_params(
    cell,
    n_features: int,
    n_hidden: int,
    n_classes: int,
    rng: np.random.Generator,
    rho: float | None = None,
    forget_bias: float = 1.0,
    init: str = "spectral-radius",
) -> dict[str, np.ndarray]:
    """Parameters for `cell` and the readout W2 (D, C), b2 (C,); biases zero except the
    LSTM's forget gate, which starts at `forget_bias` (Jozefowicz et al. 2015)."""
    params = cell_params(cell, n_features, n_hidden, rng, rho, forget_bias, init)
    params.update(readout_params(n_hidden, n_classes, rng))
    return params


def cell_params(cell, n_inputs: int, n_hidden: int, rng: np.random.Generator, rho: float | None = None,
                forget_bias: float = 1.0, init: str = "spectral-radius") -> dict[str, np.ndarray]:
    """One recurrent layer's parameters under the cell's names, for inputs of width n_inputs
    (W_*: (n_inputs, D)): U as `init` says, W Glorot, biases as `init_params` says."""
    params = {}
    recurrent = set(cell.recurrent_param_names())
    for name, shape in cell.param_shapes(n_inputs, n_hidden).items():
        if name in recurrent:
            params[name] = recurrent_matrix(rng, n_hidden, rho, init)
        elif len(shape) == 2:
            params[name] = glorot(rng, *shape)
        else:
            params[name] = np.zeros(shape)
    if cell.forget_bias_param is not None:
        params[cell.forget_bias_param][:] = forget_bias
    return params


def readout_params(n_inputs: int, n_classes: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The readout W2 (n_inputs, C), Glorot, and b2 (C,), zero."""
    return {"W2": glorot(rng, n_inputs, n_classes), "b2": np.zeros(n_classes)}
