"""The data behind every figure, as tables (CSV) and the full trace (NPZ). No Qt.

Each table is a header and rows, one row per timestep (or per iteration for the loss and
the training figures), for sequence 1 of the batch, so a spreadsheet can redraw any figure.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..engine import cell_class
from ..engine.stack_traces import Key, StackBackwardTrace, StackForwardTrace, natural
from .itemized import itemized_table
from .predictions import predictions_table
from .step_order import DIRECTION_NAMES
from .stepper import Session
from .training import TrainingStep

# (header, rows): a figure's data as a spreadsheet reads it
Table = tuple[list[str], np.ndarray]
# tables that are not a figure's data, written beside them as <name>.csv: (header, text rows)
TEXT_TABLES = {"predictions": predictions_table}


def _table(columns: dict[str, Any]) -> Table:
    header = list(columns)
    rows = np.column_stack([np.asarray(v, dtype=float) for v in columns.values()]) if header else np.empty((0, 0))
    return header, rows


def _training_table(steps: Sequence[TrainingStep], columns: dict[str, list[float]]) -> Table:
    """One row per iteration of the run; an empty run has no rows."""
    header, rows = _table({"iteration": [s.iteration for s in steps], **columns})
    return header, rows.reshape(len(steps), len(header))


def training_loss_table(session: Session, steps: Sequence[TrainingStep]) -> Table:
    return _training_table(steps, {"loss": [s.loss for s in steps]})


def clip_norms_table(session: Session, steps: Sequence[TrainingStep]) -> Table:
    return _training_table(steps, {"norm_before_clipping": [s.norm_before for s in steps],
                                   "norm_after_clipping": [s.norm_after for s in steps]})


def accuracy_table(session: Session, steps: Sequence[TrainingStep]) -> Table:
    return _training_table(steps, {"accuracy": [np.nan if s.accuracy is None else s.accuracy for s in steps]})


def _extra_states(session: Session) -> tuple[str, ...]:
    """The cell's states beside h (the LSTM's c), each traced as fwd.<name>, bwd.d<name>."""
    return tuple(s for s in cell_class(session.config.cell).state_names if s != "h")


def _t_column(session: Session) -> np.ndarray:
    return np.arange(1, session.T + 1)


def _gradient_columns(session: Session) -> dict[str, np.ndarray]:
    bwd = session.bwd
    nan = np.full(session.T, np.nan)
    columns = {"dh_norm": bwd.dh_norm if bwd is not None else nan}
    for state in _extra_states(session):
        norm = getattr(bwd, f"d{state}_norm") if bwd is not None else None
        columns[f"d{state}_norm"] = norm if norm is not None else nan
    return columns


def grad_norms_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """t and ||dL/dh_t|| (and ||dL/dc_t|| for the LSTM); NaN before the backward pass."""
    return _table({"t": _t_column(session), **_gradient_columns(session)})


def hidden_states_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """t and every unit of h_t (and c_t), one column per unit."""
    columns: dict[str, Any] = {"t": _t_column(session)}
    for state in ("h", *_extra_states(session)):
        values = getattr(session.fwd, state)
        columns.update({f"{state}_{u + 1}": values[0, :, u] for u in range(values.shape[2])})
    return _table(columns)


def gates_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """t and every unit of every gate, one column per (gate, unit)."""
    columns: dict[str, Any] = {"t": _t_column(session)}
    for gate, values in session.fwd.gates.items():
        columns.update({f"{gate}_{u + 1}": values[0, :, u] for u in range(values.shape[2])})
    return _table(columns)


def loss_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """The loss of every iteration taken."""
    losses = np.asarray(session.loss_history, dtype=float)
    return _table({"iteration": np.arange(1, len(losses) + 1), "loss": losses})


def diagram_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """t, ||h_t|| and the gradient norms the diagram's cells are coloured by."""
    return _table(_diagram_columns(session))


def dashboard_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """The diagram's columns, the last step's loss alone (||dL_T/dh_t||) and each step's
    share of dL/dU."""
    columns = _diagram_columns(session)
    if session.bwd is not None:
        dh_last_norm = session.bwd.dh_last_norm
        if dh_last_norm is not None:
            columns["dh_last_step_norm"] = dh_last_norm
        columns["dU_contribution"] = session.net.recurrent_contributions(session.fwd, session.bwd)
    return _table(columns)


def _diagram_columns(session: Session) -> dict[str, Any]:
    h_norm = np.sqrt(np.sum(session.fwd.h[0] ** 2, axis=1))
    return {"t": _t_column(session), "h_norm": h_norm, **_gradient_columns(session)}


def itemized_gradients_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """k, t and ||dL_k/dh_t|| of sequence 1 (see `itemized`)."""
    return itemized_table(session)


def layer_label(key: Key, directions: int, both: bool = False) -> str:
    """"layer 2" of a one-directional stack, "layer 2 reverse" (and with `both`, "layer 2
    forward") of a bidirectional one: layer from 1, as the lecture counts."""
    name = f"layer {key[0] + 1}"
    if directions == 2 and (both or key[1] == 1):
        name += f" {DIRECTION_NAMES[key[1]]}"
    return name


def layer_forward_done(session: Session, key: Key) -> np.ndarray:
    """(T,) bool, natural time order: where the forward pass has computed h_t of `key`
    (a reverse direction fills from t = T down)."""
    fwd, T = session.fwd, session.T
    done = fwd.layers[key].steps_done if isinstance(fwd, StackForwardTrace) else fwd.steps_done
    in_own_order = np.arange(T) < done
    return in_own_order[::-1] if key[1] else in_own_order


def layer_gradient_done(session: Session) -> dict[Key, np.ndarray] | None:
    """(layer, direction) -> (T,) bool, natural time order: where the backward pass has
    computed dL/dh_t; None before the loss."""
    bwd = session.bwd
    if bwd is None:
        return None
    if not isinstance(bwd, StackBackwardTrace):
        return {(0, 0): bwd.done_mask}
    return {key: natural(b.done_mask[None], key[1])[0] for key, b in bwd.layers.items()}


def depth_time_gradients_table(session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """layer (from 1), direction (0 forward, 1 reverse: written as the word), t (from 1) and
    ||dL/dh_t^(l,d)||, one row per (layer, direction, t) in step order; NaN before the
    backward pass has computed it."""
    keys, T = session.layer_keys(), session.T
    norms = session.layer_gradient_norms()
    values = np.concatenate([norms[key] for key in keys]) if norms is not None else np.full(len(keys) * T, np.nan)
    return _table({"layer": np.repeat([key[0] + 1 for key in keys], T),
                   "direction": np.repeat([key[1] for key in keys], T),
                   "t": np.tile(_t_column(session), len(keys)), "norm": values})


def write_csv(path: str | Path, header: list[str], rows: np.ndarray) -> None:
    """Whole numbers stay whole (t, iteration); floats keep full precision (repr)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v, name) for v, name in zip(row, header)])


def write_text_csv(path: str | Path, header: list[str], rows: list[list[str]]) -> None:
    """A table whose cells are text already (predictions.csv)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _cell(value: float, column: str) -> str:
    if column in ("t", "iteration", "k", "layer", "position", "unit"):
        return str(int(value))
    if column == "char":  # a character's code point
        return chr(int(value))
    if column == "direction":
        return DIRECTION_NAMES[int(value)]
    return repr(float(value))


def trace_arrays(session: Session) -> dict[str, np.ndarray]:
    """Every array of the current iteration, the batch, the weights its pass used (from
    before its update, once that is taken), and once computed its `loss` and, for a cell
    torch has, `grad/<torch name>` (see `torch_files`), by name."""
    from .torch_files import pass_weights, torch_trace_arrays  # with the weights readers: not for the first window

    fwd, bwd = session.fwd, session.bwd
    arrays = {"X": session.X, "Y": np.asarray(session.Y), "h": fwd.h, "y": fwd.y}
    if session.initial_state is not None:  # a carried state (char-lm): torch's h_0 and c_0, (L, B, D)
        arrays.update({f"{name}0": np.stack([part[name] for part in session.initial_state])
                       for name in session.initial_state[0]})
    extra_states = _extra_states(session)
    arrays.update({state: getattr(fwd, state) for state in extra_states})
    arrays.update({f"gate_{k}": v for k, v in fwd.gates.items()})
    arrays.update({f"preact_{k}": v for k, v in fwd.pre.items()})
    if bwd is not None:
        arrays.update(dh=bwd.dh, dh_norm=bwd.dh_norm, dy=bwd.dy)
        for state in extra_states:
            arrays.update({f"d{state}": getattr(bwd, f"d{state}"), f"d{state}_norm": getattr(bwd, f"d{state}_norm")})
        if bwd.dh_last is not None:
            arrays["dh_last_step"] = bwd.dh_last
        arrays["dU_contribution"] = session.net.recurrent_contributions(fwd, bwd)
        arrays.update({f"grad_{k}": v for k, v in bwd.grads.items()})
    # the weights that computed the traces, the loss and the gradients, so that the file
    # recomputes them; after the update the session's own weights are the next iteration's
    weights = pass_weights(session)
    arrays.update({f"param_{k}": v for k, v in weights.items()})
    arrays.update(weights)  # and under their DESIGN.md names: W1, U1, b1, W_i, ..., W2, b2
    arrays.update(torch_trace_arrays(session))
    arrays["loss_history"] = np.asarray(session.loss_history, dtype=float)
    return arrays


def write_trace_npz(path: str | Path | BinaryIO, session: Session) -> None:
    """trace.npz at `path`, a file name or an open binary file (NumPy takes both)."""
    meta = {"config": session.config.to_dict(), "iteration": session.iteration,
            "position": session.position, "phase": session.phase.value}
    # typed Any: numpy's stubs take any **name as a possible allow_pickle=
    arrays: dict[str, Any] = {"meta": np.array(json.dumps(meta)), **trace_arrays(session)}
    np.savez_compressed(path, **arrays)
