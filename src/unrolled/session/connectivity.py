"""Connectivity of the session's network on its current sample: how strongly each input
x_t drives each prediction y_k, ||d y_k / d x_t||_F (see `engine.connectivity`). No Qt.

It depends on the weights and the sample alone, not on how far the passes have got, so it
is computed once per (weights version, sample, sequence) and kept for the last one asked:
the whole table (the figure), or row by row (the Text panel shows one prediction k, and a
row costs one backward sweep where the table costs T).
"""

from __future__ import annotations

import numpy as np

from ..engine.connectivity import ConnectivityRows, connectivity
from .formulas import CONNECTIVITY
from .stepper import Session

__all__ = ["CONNECTIVITY", "connectivity_figure_table", "connectivity_table", "prediction_steps",
           "session_connectivity", "session_connectivity_row"]

_cache: dict = {}  # the last result: {"key": (session, weights_version, X, sequence), "norms": (T, T)}
_row_cache: dict = {}  # {"key": as above, "rows": ConnectivityRows, "computed": {k: (T,)}}


def prediction_steps(session: Session) -> list[int]:
    """The timesteps k (1-based) that have a prediction y_k."""
    return list(range(1, session.T + 1)) if session.config.mode == "many-to-many" else [session.T]


def reads_ahead(session: Session) -> bool:
    """Whether y_k may depend on x_t for t > k (a bidirectional network)."""
    return bool(session.config.bidirectional)


def _key(session: Session, sequence: int) -> tuple:
    return session, session.weights_version, session.X, sequence, session.initial_state


def _same(cached: tuple | None, key: tuple) -> bool:
    return cached is not None and all(a is b if isinstance(a, np.ndarray | Session | list) else a == b
                                      for a, b in zip(cached, key))


def session_connectivity_row(session: Session, k: int, sequence: int = 0) -> np.ndarray:
    """(T,) row k (1-based) of `session_connectivity`: ||d y_k / d x_t||_F for every t (all
    NaN for a k without a prediction). Read-only; the whole table's row when it is at hand,
    else one backward sweep (the forward pass shared by the rows of one weights version)."""
    key = _key(session, sequence)
    if _same(_cache.get("key"), key):
        return _cache["norms"][k - 1]
    if not _same(_row_cache.get("key"), key):
        _row_cache.update(key=key, rows=ConnectivityRows(session.net, session.X, sequence, session.initial_state),
                          computed={})
    computed = _row_cache["computed"]
    if k not in computed:
        computed[k] = _row_cache["rows"].row(k)
        computed[k].setflags(write=False)
    return computed[k]


def session_connectivity(session: Session, sequence: int = 0) -> np.ndarray:
    """(T, T) ||d y_k / d x_t||_F of one sequence of the current sample, rows k, columns t
    (NaN in rows without a prediction). Read-only; the same array until the weights or the
    sample change."""
    key = _key(session, sequence)
    if _same(_cache.get("key"), key):
        return _cache["norms"]
    norms = connectivity(session.net, session.X, sequence, session.initial_state)
    norms.setflags(write=False)
    _cache.update(key=key, norms=norms)
    return norms


def connectivity_figure_table(session: Session, steps: object = ()) -> tuple[list[str], np.ndarray]:
    """The figure's data: sequence 1's table (`steps`, a training run, is not read)."""
    return connectivity_table(session)


def connectivity_table(session: Session, sequence: int = 0) -> tuple[list[str], np.ndarray]:
    """(header, rows) k, t, norm, k and t from 1: one row per prediction k and input t it
    can depend on (t <= k in one direction; every t when the network reads ahead)."""
    norms = session_connectivity(session, sequence)
    T = session.T
    rows = [(k, t, norms[k - 1, t - 1]) for k in prediction_steps(session)
            for t in range(1, (T if reads_ahead(session) else k) + 1)]
    return ["k", "t", "norm"], np.array(rows, dtype=np.float64).reshape(len(rows), 3)
