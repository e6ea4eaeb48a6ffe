"""The step inspector's equations and their values at every cell (layer, direction, t), as
the replay shows them: read by `session.inspector_data.inspect_step` when the cell's step is
taken, forward and backward. No Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..session.inspector_data import Line, Quantity, inspect_step
from ..session.stepper import Session

# T·D² above which the inspector is left out: every timestep's step Jacobian is a D x D
# matrix and its 2-norm an SVD (T = 50, D = 32 takes 0.1 s; T = 1000, D = 256 would take minutes)
MAX_WORK = 4_000_000
SHOWN_VALUES = 8  # a row of at most this many entries is written whole (y_t, dL/dy_t); longer ones summarised


def _finite(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _quantity(q: Quantity) -> dict[str, Any]:
    """symbol, shape, ||.||, its range, words, and the values when the row is short; None
    where a value is inf or nan."""
    with np.errstate(invalid="ignore"):
        out: dict[str, Any] = {"symbol": q.symbol, "shape": q.shape, "norm": _finite(q.norm),
                               "low": _finite(q.low), "high": _finite(q.high)}
    if q.words or q.one_hot_of:
        out["words"] = f"one-hot({q.one_hot_of}), {q.words}" if q.one_hot_of else q.words
    if q.values.size <= SHOWN_VALUES:
        out["values"] = [_finite(v) for v in q.values]
    return out


def _line(line: Line) -> dict[str, Any]:
    return {"title": line.title, "formula": line.formula, "shapes": line.shapes, "note": line.note,
            "quantities": [_quantity(q) for q in line.quantities]}


def inspector_rows(session: Session, progress: Callable[[int, int], object] | None = None
                   ) -> list[list[dict[str, list]]] | None:
    """Per (layer, direction) of `session.layer_keys()`, per timestep t (index t - 1): the
    forward and backward lines for sequence 1 that the inspector shows when that cell's step
    is taken, read from a replay of the session's iteration (the session is untouched); None
    beyond MAX_WORK. progress(done, total) after each position. Read at each step, not at
    the end: a bidirectional top layer's readout line waits for the other direction, and
    says so, as the app does."""
    keys = session.layer_keys()
    if len(keys) * session.T * session.config.n_hidden**2 > MAX_WORK:
        return None
    rows: list[list[dict[str, list]]] = [[{"forward": [], "backward": []} for _ in range(session.T)] for _ in keys]
    for stepped in session.replay_iteration():
        if progress is not None:
            progress(stepped.position + 1, stepped.steps_per_iteration + 1)
        place = stepped.place
        if place.t is None or place.layer is None or place.direction is None:
            continue
        side = "forward" if stepped.phase.value == "forward" else "backward"
        inspection = inspect_step(stepped, place.t, layer=place.layer, direction=place.direction)
        rows[keys.index((place.layer, place.direction))][place.t - 1][side] = \
            [_line(line) for line in getattr(inspection, side)]
    return rows
