"""Itemized gradients (RNNbow, Cashman et al. 2018): how far back each loss term reaches.

    norms[k - 1, t - 1] = ||dL_k/dh_t||   for one sequence, t <= k (NaN above the diagonal)

Row k is the engine's `Network.step_loss_gradient(fwd, Y, k)`; a many-to-one network has a
loss term at T only, so its other rows are NaN. Computed once per iteration's complete
backward pass (T backward sweeps, O(T^2) steps) and kept for the last trace asked. No Qt.
"""

from __future__ import annotations

import numpy as np

from .stepper import Session

_cache: dict = {}  # the last result: {"key": (fwd, Y, sequence), "norms": (T, T)}


def loss_steps(session: Session) -> list[int]:
    """The timesteps k (1-based) that carry a loss term."""
    return list(range(1, session.T + 1)) if session.config.mode == "many-to-many" else [session.T]


def itemized_gradients(session: Session, sequence: int = 0) -> np.ndarray | None:
    """(T, T) ||dL_k/dh_t|| of one sequence, rows k, columns t; None until the backward pass
    of this iteration is complete. Read-only; the same array until the trace changes."""
    bwd, fwd = session.bwd, session.fwd
    if bwd is None or not bwd.complete:
        return None
    key = (fwd, session.Y, sequence)
    cached = _cache.get("key")
    if cached is not None and all(a is b for a, b in zip(cached, key)):
        return _cache["norms"]
    T = session.T
    norms = np.full((T, T), np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in loss_steps(session):
            dh = session.net.step_loss_gradient(fwd, session.Y, k)[sequence]  # (T, D)
            norms[k - 1, :k] = np.sqrt(np.sum(dh[:k] * dh[:k], axis=1))
    norms.setflags(write=False)
    _cache.update(key=key, norms=norms)
    return norms


def itemized_table(session: Session, sequence: int = 0) -> tuple[list[str], np.ndarray]:
    """(header, rows) k, t, norm: one row per (loss term k, timestep t <= k)."""
    norms = itemized_gradients(session, sequence)
    rows: list[tuple[int, int, float]] = []
    if norms is not None:
        for k in loss_steps(session):
            rows.extend((k, t, norms[k - 1, t - 1]) for t in range(1, k + 1))
    return ["k", "t", "norm"], np.array(rows, dtype=np.float64).reshape(len(rows), 3)
