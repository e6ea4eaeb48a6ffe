"""The step inspector's equations and their values at every timestep, as the replay shows
them: read by `session.inspector_data.inspect_step` at the end of the backward pass, where
each timestep's forward and backward lines are what they were when its step was taken (a
column is final once computed). No Qt."""

from __future__ import annotations

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


def inspector_rows(end: Session) -> list[dict[str, list]] | None:
    """Per timestep t (index t - 1): its forward and backward lines for sequence 1, read
    from `end`, a session at the end of its backward pass; None beyond MAX_WORK."""
    if end.T * end.config.n_hidden**2 > MAX_WORK:
        return None
    rows = []
    for t in range(1, end.T + 1):
        inspection = inspect_step(end, t)
        rows.append({"forward": [_line(line) for line in inspection.forward],
                     "backward": [_line(line) for line in inspection.backward]})
    return rows
