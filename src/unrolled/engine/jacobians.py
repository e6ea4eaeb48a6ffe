"""Spectral norms of the step Jacobians dh_t/dh_{t-1} and of their products dh_T/dh_t.

dL/dh_t = dL/dh_T * dh_T/dh_t and dh_T/dh_t = prod_{s=t+1..T} dh_s/dh_{s-1}; when the
norms of these products shrink or grow geometrically, gradients vanish or explode (Pascanu,
Mikolov and Bengio 2013, eq. 5-7). For the LSTM the Jacobian is the h-block of the
(h, c) state Jacobian, c held fixed, and the product runs through both paths.

Exact (small D): each Jacobian is formed from D vector-Jacobian products and its norm is the
largest singular value. Estimated (large D): a few power iterations, with Jacobian-vector
products taken by central differences of the one forward step (there is one implementation
of each equation), so a call costs O(T D^2) times a small constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import ACTIVATION_SLOPE_BOUND, tolerate_overflow

EXACT_MAX_HIDDEN = 64
POWER_ITERATIONS = 6
PROBES = 8


def rnn_step_bound(U: np.ndarray, activation: str) -> float:
    """gamma * sigma_max(U): for the vanilla RNN, ||dh_t/dh_{t-1}|| <= this at every step, so
    ||dh_T/dh_t|| <= (gamma sigma_max)^(T-t), gamma the largest slope of the activation
    (Pascanu, Mikolov and Bengio 2013, eq. 7)."""
    return ACTIVATION_SLOPE_BOUND[activation] * float(np.linalg.norm(U, 2))


@dataclass
class JacobianNorms:
    step: np.ndarray  # (T,) ||dh_t/dh_{t-1}||_2 for t = 1..T
    log10_product: np.ndarray  # (T,) log10 ||dh_T/dh_t||_2 for t = 1..T (0 at t = T)
    forget_product: np.ndarray | None  # (T,) LSTM: max over units of prod_{s=t+1..T} f_s
    exact: bool  # False: power-iteration estimates (the product is then a lower bound)

    @property
    def product(self) -> np.ndarray:
        """(T,) ||dh_T/dh_t||_2; may overflow to inf where log10_product does not."""
        with np.errstate(over="ignore"):
            return 10.0**self.log10_product


def _one_sequence(cache: dict, b: int) -> dict:
    return {k: v[b : b + 1] for k, v in cache.items()}


def _stacked_sequence(caches: list, b: int) -> dict:
    """The caches of sequence b at every timestep, stacked as rows (T, ...)."""
    return {k: np.stack([c[k][b] for c in caches]) for k in caches[0]}


def _zero_like_state(cell, h: np.ndarray) -> dict:
    return {name: np.zeros_like(h) for name in cell.state_names}


def _spectral_norm(m: np.ndarray) -> float:
    if not np.all(np.isfinite(m)):
        return np.nan
    return float(np.linalg.norm(m, 2))


def _state_jvp(cell, packed, x, prev: dict, tangent: dict) -> dict:
    """d state_t / d state_{t-1} applied to `tangent`, by central differences, row-wise.

    Each row's tangent is rescaled to a step of 1e-6 relative to the state it perturbs, so
    the truncation error (step^2) and the rounding error (eps/step) both stay near 1e-10.
    """
    scale = np.sqrt(sum(np.sum(v * v, axis=1, keepdims=True) for v in tangent.values()))
    size = np.sqrt(sum(np.sum(v * v, axis=1, keepdims=True) for v in prev.values()))
    step = 1e-6 * np.maximum(size, 1.0)
    ratio = np.divide(step, scale, out=np.zeros_like(scale), where=scale > 0)
    plus = {k: prev[k] + ratio * tangent[k] for k in prev}
    minus = {k: prev[k] - ratio * tangent[k] for k in prev}
    s_plus = cell.step_forward(packed, x, plus)[0]
    s_minus = cell.step_forward(packed, x, minus)[0]
    factor = np.divide(1.0, 2.0 * ratio, out=np.zeros_like(ratio), where=ratio > 0)
    return {k: (s_plus[k] - s_minus[k]) * factor for k in prev}


@tolerate_overflow
def jacobian_norms(cell, fwd, sequence: int = 0, exact: bool | None = None) -> JacobianNorms:
    """Norms along sequence `sequence` of a complete ForwardTrace `fwd`."""
    if not fwd.complete:
        raise ValueError(f"jacobian_norms: the forward pass has done {fwd.steps_done} of {fwd.T} steps")
    B, _, D = fwd.h.shape
    if not 0 <= sequence < B:
        raise ValueError(f"sequence: got {sequence!r}, expected 0..{B - 1}")
    if exact is None:
        exact = D <= EXACT_MAX_HIDDEN
    if exact:
        step = _exact_step_norms(cell, fwd, sequence)
        probes = np.eye(D)
    else:
        step = _estimated_step_norms(cell, fwd, sequence)
        probes = _product_probes(cell, fwd, sequence)
    log10_product = _log10_product_norms(cell, fwd, sequence, probes)
    forget = None
    if "f" in fwd.gates:
        f = fwd.gates["f"][sequence]  # (T, D)
        # prod_{s=t+1..T} f_s: reverse cumulative product, shifted by one step
        suffix = np.cumprod(f[::-1], axis=0)[::-1]
        forget = np.max(np.concatenate([suffix[1:], np.ones((1, D))]), axis=1)
    return JacobianNorms(step=step, log10_product=log10_product, forget_product=forget, exact=exact)


def _exact_step_norms(cell, fwd, b) -> np.ndarray:
    D = fwd.h.shape[2]
    out = np.empty(fwd.T)
    for t, cache in enumerate(fwd.caches):
        d = _zero_like_state(cell, np.eye(D))
        d["h"] = np.eye(D)
        jac = cell.state_vjp(fwd.packed, d, _one_sequence(cache, b))["h"]
        out[t] = _spectral_norm(jac)
    return out


def _estimated_step_norms(cell, fwd, b) -> np.ndarray:
    """Block power iteration on J_t^T J_t for every t at once, with PROBES vectors per t
    (Rayleigh-Ritz: the estimate is the top singular value of J_t restricted to the block,
    a lower bound that converges quickly)."""
    rows = _stacked_sequence(fwd.caches, b)
    T, D = rows["h_prev"].shape
    k = min(PROBES, D)
    # every timestep's cache repeated k times: row t*k + j carries probe j of timestep t
    rows = {name: np.repeat(v, k, axis=0) for name, v in rows.items()}
    prev = cell.previous_state(rows)
    block, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((T, D, k)))

    def jvp(block):
        tangent = _zero_like_state(cell, prev["h"])
        tangent["h"] = block.transpose(0, 2, 1).reshape(T * k, D)
        return _state_jvp(cell, fwd.packed, rows["x"], prev, tangent)["h"]

    for _ in range(POWER_ITERATIONS):
        w = _zero_like_state(cell, prev["h"])
        w["h"] = jvp(block)
        u = cell.state_vjp(fwd.packed, w, rows)["h"].reshape(T, k, D).transpose(0, 2, 1)
        if not np.all(np.isfinite(u)):
            break
        block, _ = np.linalg.qr(u)
    images = jvp(block).reshape(T, k, D)
    with np.errstate(invalid="ignore"):
        finite = np.all(np.isfinite(images), axis=(1, 2))
        out = np.full(T, np.nan)
        if np.any(finite):
            out[finite] = np.linalg.svd(images[finite], compute_uv=False)[:, 0]
    return out


def _product_probes(cell, fwd, b) -> np.ndarray:
    """PROBES orthonormal rows (k, D): the leading left singular vector of dh_T/dh_1 (by
    power iteration through the whole chain) and random directions."""
    T, D = fwd.T, fwd.h.shape[2]
    rng = np.random.default_rng(0)
    u = rng.standard_normal((1, D))
    caches = [_one_sequence(c, b) for c in fwd.caches]
    for _ in range(POWER_ITERATIONS // 2):
        d = _zero_like_state(cell, u)
        d["h"] = u / np.linalg.norm(u)
        for t in range(T - 1, 0, -1):  # u^T dh_T/dh_1, normalised as it goes
            d = cell.state_vjp(fwd.packed, d, caches[t])
            d = _normalised(d)
        v = _zero_like_state(cell, u)
        v["h"] = d["h"]
        for t in range(1, T):  # dh_T/dh_1 v, c_1 held fixed
            v = _normalised(
                _state_jvp(cell, fwd.packed, caches[t]["x"], cell.previous_state(caches[t]), v)
            )
        if not np.all(np.isfinite(v["h"])) or not np.any(v["h"]):
            break
        u = v["h"]
    block = np.vstack([u, rng.standard_normal((min(PROBES, D) - 1, D))])
    q, _ = np.linalg.qr(block.T)
    return q.T


def _normalised(state: dict) -> dict:
    scale = np.sqrt(sum(float(np.sum(v * v)) for v in state.values()))
    if not np.isfinite(scale) or scale == 0.0:
        return state
    return {k: v / scale for k, v in state.items()}


def _log10_product_norms(cell, fwd, b, probes: np.ndarray) -> np.ndarray:
    """log10 ||probes @ dh_T/dh_t||_2 for every t: one backward sweep from T, rescaled at
    each step so that neither a vanishing nor an exploding product leaves float64."""
    T = fwd.T
    out = np.empty(T)
    d = _zero_like_state(cell, probes)
    d["h"] = probes
    log_scale = 0.0
    for t in range(T - 1, -1, -1):
        norm = _spectral_norm(d["h"])
        out[t] = np.log10(norm) + log_scale if norm > 0 else -np.inf
        if not np.isfinite(out[t]):
            out[: t + 1] = out[t]
            break
        if t == 0:
            break
        d = cell.state_vjp(fwd.packed, d, _one_sequence(fwd.caches[t], b))
        biggest = max(float(np.max(np.abs(v))) for v in d.values())
        if biggest > 0 and np.isfinite(biggest):
            d = {k: v / biggest for k, v in d.items()}
            log_scale += np.log10(biggest)
    return out
