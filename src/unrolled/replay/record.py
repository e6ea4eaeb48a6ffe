"""What the replay shows at every step of one iteration, read from a session. No Qt.

The session's current iteration is replayed from its start (`Session.replay_iteration`, a
copy: the session itself is untouched) and read at every position 0 .. 2T + 2. A column of
a forward trace never changes once its step is taken, and dL/dh_t is complete once the
backward pass has processed t, so every array is kept once, as the engine left it at the
end of the backward pass, with per position how many timesteps of it are drawn:

    forward_done[p]   steps of the forward pass taken (one layer: h_1 .. h_k are computed)
    backward_done[p]  dL/dh_t of the top layer's output (trace.npz's dh_norm) is complete
                      for the last k timesteps t = T - k + 1 .. T

A stack (layers, directions) is recorded per (layer, direction), its `keys` in the engine's
step order (`Session.layer_keys`): `layer_done[p][k]` is [forward, backward] steps that key
has taken in its own order (a forward direction visits t = 1..T going forward and T..1
going back; a reverse direction the opposite), and the heatmaps, the per-layer gradient
norms and the inspector's rows are lists indexed like `keys`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.stack_traces import StackBackwardTrace, StackForwardTrace
from ..session.figure_data import layer_label
from ..session.predictions import predictions
from ..session.stepper import Session
from .inspector import inspector_rows


def _number(v: float) -> float | str:
    """A float64 as a JSON number (repr: read back bit for bit); JSON has no inf or nan:
    "inf", "-inf" and "nan" stand for them."""
    v = float(v)
    return v if np.isfinite(v) else "nan" if np.isnan(v) else "inf" if v > 0 else "-inf"


def _numbers(a: np.ndarray | None) -> list[float | str] | None:
    """Every value as `_number` writes it."""
    return None if a is None else [_number(v) for v in np.asarray(a, dtype=np.float64).ravel()]


Progress = Callable[[int, int], object]  # (done, total): told as the recording goes


def _walk(session: Session, progress: Progress | None = None) -> tuple[dict[str, list], dict[str, Any]]:
    """(phase, t, forward_done, backward_done per position; what is drawn from the arrays,
    read at the end of the backward pass, before the update, as trace.npz is)."""
    positions: dict[str, list] = {"phase": [], "t": [], "layer": [], "direction": [], "forward_done": [],
                                  "backward_done": [], "layer_done": []}
    end = session.steps_per_iteration - 1
    arrays: dict[str, Any] = {}
    for replay in session.replay_iteration():
        bwd = replay.bwd
        done = 0 if bwd is None else int(np.count_nonzero(bwd.done_mask))
        if bwd is not None and not bwd.done_mask[replay.T - done:].all():
            raise AssertionError("the backward pass is expected to complete dL/dh_t from t = T down")
        place = replay.place
        positions["phase"].append(replay.phase.value)
        positions["t"].append(place.t)
        positions["layer"].append(place.layer)
        positions["direction"].append(place.direction)
        positions["forward_done"].append(replay.fwd.steps_done)
        positions["backward_done"].append(done)
        positions["layer_done"].append(_layer_done(replay))
        if progress is not None:
            progress(replay.position + 1, end + 2)
        if replay.position == end:  # the gradient norms first read here: from the whole arrays
            arrays = {"gradients": _gradients(replay), "heatmaps": _heatmaps(replay),
                      "layer_h_norm": [_numbers(_h_norm_of(replay.layer_hidden_states()[key]))
                                           for key in replay.layer_keys()],
                      "predictions": _predictions(replay)}
    return positions, arrays


def _layer_done(session: Session) -> list[list[int]]:
    """Per key: [forward, backward] steps its own traces have taken."""
    fwd, bwd = session.fwd, session.bwd
    if not isinstance(fwd, StackForwardTrace):
        return [[fwd.steps_done, 0 if bwd is None else bwd.steps_done]]
    back: dict = bwd.layers if isinstance(bwd, StackBackwardTrace) else {}
    return [[fwd.layers[key].steps_done, back[key].steps_done if key in back else 0] for key in session.layer_keys()]


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


def _h_norm_of(h: np.ndarray) -> np.ndarray:
    """(T,) ||h_t|| of sequence 1 of h (B, T, D), as the diagram's table; inf where it overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sqrt(np.sum(h[0] ** 2, axis=1))


def _heatmaps(end: Session) -> list[dict[str, dict[str, Any]]]:
    """Per key: h, c (LSTM) and every gate of sequence 1, (T, D) each, in the cell's order;
    beyond MAX_HEATMAP_VALUES in all, the first units of each only (the page says how many of D)."""
    hidden, cells, gates = end.layer_hidden_states(), end.layer_cell_states(), end.layer_gates()
    per_key = [{"h": hidden[key][0], **({"c": cells[key][0]} if key in cells else {}),
                **{gate: values[0] for gate, values in gates[key].items()}} for key in end.layer_keys()]
    T, D = end.T, end.config.n_hidden
    units = min(D, max(1, MAX_HEATMAP_VALUES // (sum(len(maps) for maps in per_key) * T)))
    return [{name: {**_heatmap(values[:, :units]), "units_of": D} for name, values in maps.items()}
            for maps in per_key]


def _gradients(end: Session) -> dict[str, Any]:
    bwd = end.bwd
    assert bwd is not None
    theory = end.theory_curve()
    return {
        "dh_norm": _numbers(bwd.dh_norm),  # trace.npz's dh_norm: ||dL/dh_t|| over batch and units
        "dh_last_norm": _numbers(bwd.dh_last_norm),  # ||dL_T/dh_t||, many-to-many only
        "dc_norm": _numbers(bwd.dc_norm),
        # a stack: ||dL/dh_t|| per key, natural time order, the curves the gradient plot draws
        "layer_dh_norm": _layer_dh_norm(end),
        "theory": None if theory is None else {"values": _numbers(theory[0]), "label": theory[1]},
        "truncation": end.truncation_window(),
        "loss": _number(bwd.loss),
    }


def _layer_dh_norm(end: Session) -> list[list[float | str] | None] | None:
    """A stack's ||dL/dh_t|| per key (the gradient plot's curves); None for one layer."""
    norms, keys = end.layer_gradient_norms(), end.layer_keys()
    if norms is None or len(keys) == 1:
        return None
    return [_numbers(norms[key]) for key in keys]


def _predictions(end: Session) -> list[list[Any]]:
    """[t, input, target, predicted, p_predicted] of sequence 1, shown once y_t is computed
    (p_predicted "nan" where there is none: a regression, or y_t overflowed)."""
    return [[p.t, p.input, p.target, p.predicted, _number(p.p_predicted)]
            for p in predictions(end)]


def record(session: Session, title: str = "", description: str = "", at: int | None = None,
           progress: Progress | None = None, accuracy: list[float | None] | None = None) -> dict[str, Any]:
    """Everything the page draws for the session's current iteration, JSON-ready: any
    network the session builds, of any depth and direction. at: the position the page opens
    at (default: the start); progress(done, total) after each position of the iteration;
    accuracy: the training run's accuracy per earlier iteration, where the caller trained
    (the session keeps loss and gradient norms, not accuracy)."""
    if at is not None and not 0 <= at <= session.steps_per_iteration:
        raise ValueError(f"at: got {at}, expected a position from 0 to {session.steps_per_iteration}")
    c = session.config
    n = session.steps_per_iteration + 1  # positions, walked twice: the arrays, then the inspector's lines
    positions, arrays = _walk(session, None if progress is None else lambda done, _: progress(done, 2 * n))
    arrays["inspector"] = inspector_rows(session,
                                         None if progress is None else lambda done, _: progress(n + done, 2 * n))
    keys = session.layer_keys()
    directions = 2 if c.bidirectional else 1
    return {
        "format": "unrolled-replay-1",
        "title": title,
        "description": _described(session, description),
        "config": {"cell": c.cell, "activation": c.activation, "T": c.timesteps, "F": c.n_features,
                   "D": c.n_hidden, "C": c.n_classes, "B": c.batch_size, "mode": c.mode, "loss": c.loss,
                   "rho": c.rho, "task": _task(session), "layers": c.layers, "directions": directions},
        "keys": [list(key) for key in keys],
        "key_labels": [layer_label(key, directions, both=True) if len(keys) > 1 else "" for key in keys],
        "iteration": session.iteration_start().iteration + 1,
        "start": at or 0,
        "positions": positions,
        "loss_history": _numbers(_earlier_losses(session)),
        "training": _training(session, accuracy),
        **arrays,
    }


def _earlier_losses(session: Session) -> np.ndarray:
    """The losses of the iterations before this one (the training run's curve)."""
    start = session.iteration_start()
    return np.asarray(session.loss_history[:start.history_length], dtype=float)


def _task(session: Session) -> str:
    """The task's name, or for an own model "your model: m.pt" (its weights replace a task)."""
    own = session.own_model
    return f"your model: {Path(own.title).name}" if own is not None else session.config.task


def default_title(session: Session) -> str:
    """A replay's title when none is given: "unrolled", or "unrolled: m.pt" for an own model."""
    own = session.own_model
    return f"unrolled: {Path(own.title).name}" if own is not None else "unrolled"


def _described(session: Session, description: str) -> str:
    """The description, and for an own model where its input and targets come from (a random
    input, the model's own predictions as targets), as the window's title says."""
    notes = session.own_model.notes if session.own_model is not None else ""
    return f"{description} {notes}".strip() if notes and notes not in description else description


def _training(session: Session, accuracy: list[float | None] | None) -> dict[str, Any]:
    """The earlier iterations' global gradient norm before and after clipping, and their
    accuracy when given (None for a regression, or when no training run told it)."""
    history = session.history[:session.iteration_start().history_length]
    shown = accuracy is not None and len(accuracy) == len(history) and all(a is not None for a in accuracy)
    return {"norm_before": _numbers(np.array([r.norm_before for r in history], dtype=float)),
            "norm_after": _numbers(np.array([r.norm_after for r in history], dtype=float)),
            "accuracy": _numbers(np.array(accuracy, dtype=float)) if shown else None}
