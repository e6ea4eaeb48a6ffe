"""What the replay shows at every step of one iteration, read from a session. No Qt.

The session's current iteration is replayed from its start (`Session.replay_iteration`, a
copy: the session itself is untouched) and read at every position 0 .. 2T + 2. A column of
a forward trace never changes once its step is taken, and dL/dh_t is complete once the
backward pass has processed t, so every array is kept once, as the engine left it at the
end of the backward pass, with per position how many timesteps of it are drawn:

    forward_done[p]   h_1 .. h_k (and the gates, the outputs) are computed, k = forward_done[p]
    backward_done[p]  dL/dh_t is computed for the last k timesteps t = T - k + 1 .. T

One layer in one direction: a stack's step order visits (layer, direction, t) and its
heatmaps are per layer, which this replay does not draw; `replay_refusal` says so.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from ..session.config import Config
from ..session.predictions import predictions
from ..session.stepper import Session
from .inspector import inspector_rows


def replay_refusal(config: Config) -> str | None:
    """Why a session of this config cannot be replayed, in one line, or None."""
    c = config
    parts = ([f"has {c.layers} layers"] if c.layers != 1 else []) + (["is bidirectional"] if c.bidirectional else [])
    if parts:
        return f"a replay draws one layer in one direction; this network {' and '.join(parts)}"
    return None


def _number(v: float) -> float | str:
    """A float64 as a JSON number (repr: read back bit for bit); JSON has no inf or nan:
    "inf", "-inf" and "nan" stand for them."""
    v = float(v)
    return v if np.isfinite(v) else "nan" if np.isnan(v) else "inf" if v > 0 else "-inf"


def _numbers(a: np.ndarray | None) -> list[float | str] | None:
    """Every value as `_number` writes it."""
    return None if a is None else [_number(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def _walk(session: Session) -> tuple[dict[str, list], dict[str, Any]]:
    """(phase, t, forward_done, backward_done per position; what is drawn from the arrays,
    read at the end of the backward pass, before the update, as trace.npz is)."""
    positions: dict[str, list] = {"phase": [], "t": [], "forward_done": [], "backward_done": []}
    end = session.steps_per_iteration - 1
    arrays: dict[str, Any] = {}
    for replay in session.replay_iteration():
        bwd = replay.bwd
        done = 0 if bwd is None else int(np.count_nonzero(bwd.done_mask))
        if bwd is not None and not bwd.done_mask[replay.T - done:].all():
            raise AssertionError("the backward pass is expected to complete dL/dh_t from t = T down")
        positions["phase"].append(replay.phase.value)
        positions["t"].append(replay.t)
        positions["forward_done"].append(replay.fwd.steps_done)
        positions["backward_done"].append(done)
        if replay.position == end:  # the gradient norms first read here: from the whole arrays
            arrays = {"gradients": _gradients(replay), "heatmaps": _heatmaps(replay),
                      "h_norm": _numbers(_h_norm(replay)),
                      "predictions": _predictions(replay), "inspector": inspector_rows(replay)}
    return positions, arrays


FLOAT32_MAX = float(np.finfo(np.float32).max)
# values in all heatmaps together: about 21 MB as base64 float32, so the largest network the
# app builds (T = 5000, D = 1024, an LSTM's six maps) stays a file a browser opens
MAX_HEATMAP_VALUES = 4_000_000


def _heatmap(a: np.ndarray) -> dict[str, Any]:
    """A (T, D) heatmap as little-endian float32 bytes in base64, a quarter of the text of
    JSON numbers and only drawn (7 significant digits in the tooltip); float64 when a finite
    value lies beyond float32's range, which would turn it into inf."""
    with np.errstate(invalid="ignore"):
        wide = bool(np.any(np.abs(a[np.isfinite(a)]) > FLOAT32_MAX))
    dtype = "<f8" if wide else "<f4"
    values = np.ascontiguousarray(a, dtype=dtype)
    return {"shape": list(values.shape), "dtype": dtype[1:], "data": base64.b64encode(values.tobytes()).decode("ascii")}


def _h_norm(session: Session) -> np.ndarray:
    """(T,) ||h_t|| of sequence 1, as the diagram's table; inf where it overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sqrt(np.sum(session.fwd.h[0] ** 2, axis=1))


def _heatmaps(end: Session) -> dict[str, dict[str, Any]]:
    """h, c (LSTM) and every gate of sequence 1, (T, D) each, in the cell's order; beyond
    MAX_HEATMAP_VALUES in all, the first units of each only (the page says how many of D)."""
    fwd = end.fwd
    maps = {"h": fwd.h[0], **({"c": fwd.c[0]} if fwd.c is not None else {}),
            **{gate: values[0] for gate, values in fwd.gates.items()}}
    T, D = fwd.h.shape[1], fwd.h.shape[2]
    units = min(D, max(1, MAX_HEATMAP_VALUES // (len(maps) * T)))
    return {name: {**_heatmap(values[:, :units]), "units_of": D} for name, values in maps.items()}


def _gradients(end: Session) -> dict[str, Any]:
    bwd = end.bwd
    assert bwd is not None
    theory = end.theory_curve()
    return {
        "dh_norm": _numbers(bwd.dh_norm),  # trace.npz's dh_norm: ||dL/dh_t|| over batch and units
        "dh_last_norm": _numbers(bwd.dh_last_norm),  # ||dL_T/dh_t||, many-to-many only
        "dc_norm": _numbers(bwd.dc_norm),
        "theory": None if theory is None else {"values": _numbers(theory[0]), "label": theory[1]},
        "truncation": end.truncation_window(),
        "loss": _number(bwd.loss),
    }


def _predictions(end: Session) -> list[list[Any]]:
    """[t, input, target, predicted, p_predicted] of sequence 1, shown once y_t is computed
    (p_predicted "nan" where there is none: a regression, or y_t overflowed)."""
    return [[p.t, p.input, p.target, p.predicted, _number(p.p_predicted)]
            for p in predictions(end)]


def record(session: Session, title: str = "", description: str = "") -> dict[str, Any]:
    """Everything the page draws for the session's current iteration, JSON-ready.
    ValueError (one line) for a session the replay cannot draw."""
    refusal = replay_refusal(session.config)
    if refusal is not None:
        raise ValueError(refusal)
    c = session.config
    positions, arrays = _walk(session)
    return {
        "format": "unrolled-replay-1",
        "title": title,
        "description": description,
        "config": {"cell": c.cell, "activation": c.activation, "T": c.timesteps, "F": c.n_features,
                   "D": c.n_hidden, "C": c.n_classes, "B": c.batch_size, "mode": c.mode, "loss": c.loss,
                   "rho": c.rho, "task": c.task},
        "iteration": session.iteration_start().iteration + 1,
        "positions": positions,
        "loss_history": _numbers(_earlier_losses(session)),
        **arrays,
    }


def _earlier_losses(session: Session) -> np.ndarray:
    """The losses of the iterations before this one (the training run's curve)."""
    start = session.iteration_start()
    return np.asarray(session.loss_history[:start.history_length], dtype=float)
