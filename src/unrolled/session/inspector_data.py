"""The step inspector's data: the equations of the session's cell at one timestep t, in the
seed's notation, with the values the traces hold. Nothing here recomputes the forward
pass: every value is read from `session.fwd` / `session.bwd`, and the one Jacobian shown is
the engine's own vector-Jacobian product (`Cell.state_vjp`) applied to the unit rows. No Qt.

    inspection = inspect_step(session, t=2)       # t 1-based; None: the step just taken
    for line in inspection.forward: line.title, line.formula, line.quantities
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.functions import activation_slope, softmax
from .formulas import READOUT, SHAPES, SOFTMAX, STATE_UPDATES, gate_formula, gate_name, pre_activation_formula
from .iteration import Phase
from .stepper import Session

MAX_JACOBIAN_UNITS = 512  # beyond this D the step Jacobian's norm is left out (an SVD of D x D)


@dataclass(frozen=True)
class Quantity:
    """One row vector of an equation, for one sequence of the batch."""

    symbol: str  # "h_t", "dL/dh_t through the readout"
    values: np.ndarray  # (n,) float64
    shape: str = ""  # "[1, D]"
    words: str = ""  # the value in words: "dog", "NOUN", "p = 0.91"
    one_hot_of: str = ""  # the word the row is the one-hot vector of: x_t = one-hot('big')

    @property
    def norm(self) -> float:
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.sqrt(np.sum(self.values * self.values)))

    @property
    def low(self) -> float:
        return float(np.min(self.values)) if self.values.size else np.nan

    @property
    def high(self) -> float:
        return float(np.max(self.values)) if self.values.size else np.nan


@dataclass(frozen=True)
class Line:
    """One equation and the quantities in it; `note` is a number or remark beside it."""

    title: str
    formula: str
    quantities: tuple[Quantity, ...] = ()
    shapes: str = ""
    note: str = ""


@dataclass(frozen=True)
class Inspection:
    t: int  # 1-based
    T: int
    cell: str
    sequence: int
    D: int
    forward: tuple[Line, ...]  # empty while step t has not been computed
    backward: tuple[Line, ...]  # empty while the backward pass has not reached t
    where: str  # "forward, t = 2 of 4", what the session is doing


def current_timestep(session: Session) -> int:
    """The timestep the last step computed; T after the loss and the update; 1 before anything."""
    if session.t is not None:
        return session.t
    return session.T if session.phase in (Phase.LOSS, Phase.UPDATE) else 1


def class_label(session: Session, index: int) -> str:
    """A class's name in words where the task has them (a POS tag, a word), else its number."""
    labels = session.task.target_labels(np.array([index]))
    return labels[0] if labels else str(index)


def input_words(session: Session, sequence: int) -> list[str] | None:
    return session.task.input_labels(session.X[sequence])


def _input_quantity(x: np.ndarray, word: str) -> Quantity:
    """x_t (F,): for a word task one-hot('big'), the word it encodes; else its values."""
    hot = np.flatnonzero(x)
    if word and hot.size == 1 and x[hot[0]] == 1.0:
        return Quantity("x_t", x, "[1, F]", f"entry {hot[0] + 1} of F = {x.size}", one_hot_of=word)
    return Quantity("x_t", x, "[1, F]", word)


def terms_in_the_mean(session: Session) -> tuple[int, str]:
    """N, the number of terms the loss is the mean of (losses.py), and what they are: for
    cross-entropy the (sequence, timestep) pairs that carry a target, for MSE every element
    of y. dL/dy carries the 1 / N of that mean."""
    B, T, C = session.X.shape[0], session.T, session.config.n_classes
    many = session.config.mode == "many-to-many"
    if session.config.loss != "cross-entropy":
        n = B * T * C if many else B * C
        return n, f"N = {'B·T·C' if many else 'B·C'} = {n}, the elements of y in the mean"
    Y = np.asarray(session.Y)
    carries = Y != -1 if np.issubdtype(Y.dtype, np.integer) else np.sum(Y, axis=-1) > 0
    n = max(int(np.count_nonzero(carries)), 1)
    if not many:
        return n, f"N = B = {n}, the sequences in the mean"
    if n == B * T:
        return n, f"N = B·T = {n}, the (sequence, timestep) terms in the mean"
    return n, f"N = {n}, the (sequence, timestep) terms with a target among B·T = {B * T}"


def inspect_step(session: Session, t: int | None = None, sequence: int = 0) -> Inspection:
    """The equations at timestep t (1-based; default the current one) for one sequence."""
    T = session.T
    t = current_timestep(session) if t is None else t
    if not 1 <= t <= T:
        raise ValueError(f"t: got {t!r}, expected a timestep from 1 to {T}")
    if not 0 <= sequence < session.X.shape[0]:
        raise ValueError(f"sequence: got {sequence!r}, expected 0 to {session.X.shape[0] - 1}")
    fwd, bwd = session.fwd, session.bwd
    i = t - 1
    forward = _forward_lines(session, i, sequence) if fwd.steps_done > i else ()
    backward = _backward_lines(session, i, sequence) if bwd is not None and bwd.done_mask[i] else ()
    where = session.phase.value + (f", t = {session.t}" if session.t is not None else "") + f" of T = {T}"
    return Inspection(t, T, session.config.cell, sequence, session.config.n_hidden, forward, backward, where)


# -- forward ----------------------------------------------------------------------------
def _forward_lines(session: Session, i: int, s: int) -> tuple[Line, ...]:
    fwd, cell = session.fwd, session.config.cell
    words = input_words(session, s)
    lines = [Line("input", "x_t", (_input_quantity(fwd.X[s, i], words[i] if words else ""),)),
             Line("state carried from t - 1", "h_{t-1}" + (", c_{t-1}" if fwd.c is not None else ""),
                  _previous_state(session, i, s))]
    if cell == "rnn":
        lines.append(Line("pre-activation", pre_activation_formula(cell),
                          (Quantity("a_t", fwd.pre["pre"][s, i], "[1, D]"),), SHAPES))
    else:
        for gate, values in fwd.gates.items():
            lines.append(Line(gate_name(cell, gate), gate_formula(cell, gate),
                              (Quantity(f"pre_{gate}", fwd.pre[f"pre_{gate}"][s, i], "[1, D]"),
                               Quantity(gate, values[s, i], "[1, D]")), SHAPES))
    states = [Quantity("h_t", fwd.h[s, i], "[1, D]")]
    if fwd.c is not None:
        states.insert(0, Quantity("c_t", fwd.c[s, i], "[1, D]"))
    updates = STATE_UPDATES.get(cell, ("h_t = cell(x_t, h_{t-1})",))
    formula = "; ".join(updates).replace("act(", f"{session.config.activation}(")
    lines.append(Line("new state", formula, tuple(states)))
    lines.extend(_readout_lines(session, i, s))
    return tuple(lines)


def _previous_state(session: Session, i: int, s: int) -> tuple[Quantity, ...]:
    fwd = session.fwd
    out = [Quantity("h_{t-1}", fwd.h_prev[s, i], "[1, D]")]
    if fwd.c is not None:
        c_prev = fwd.c[s, i - 1] if i > 0 else np.zeros_like(fwd.c[s, 0])
        out.append(Quantity("c_{t-1}", c_prev, "[1, D]"))
    return tuple(out)


def _output_at(session: Session, i: int, s: int) -> np.ndarray | None:
    """y_t (C,), or None where the network has no output at t (many-to-one before T)."""
    fwd = session.fwd
    if session.config.mode == "many-to-many":
        return fwd.y[s, i]
    return fwd.y[s] if i == session.T - 1 else None


def _target_at(session: Session, i: int, s: int):
    Y = np.asarray(session.Y)
    return Y[s, i] if session.config.mode == "many-to-many" else Y[s]


def _readout_lines(session: Session, i: int, s: int) -> list[Line]:
    y = _output_at(session, i, s)
    if y is None:
        return [Line("readout", READOUT, note="many-to-one: the readout is taken at t = T only")]
    lines = [Line("readout", READOUT, (Quantity("y_t", y, "[1, C]"),), "[1, D] [D, C] + [1, C]")]
    target = _target_at(session, i, s)
    if session.config.loss == "cross-entropy":
        p = softmax(y)
        predicted = int(np.argmax(p))
        wanted = target_class(target)
        words = f"predicted {class_label(session, predicted)} (p = {p[predicted]:.3f})"
        if wanted is None:
            words += "; no target at t"
        else:
            right = "right" if wanted == predicted else "wrong"
            words += f"; target {class_label(session, wanted)} (p = {p[wanted]:.3f}): {right}"
        lines.append(Line("probabilities", SOFTMAX, (Quantity("p_t", p, "[1, C]", words),)))
    else:
        lines.append(Line("target", "L = mean (y_t - target)^2",
                          (Quantity("target", np.atleast_1d(np.asarray(target, dtype=float)), "[1, C]"),)))
    return lines


def target_class(target) -> int | None:
    """A class index from an index or a one-hot row; None for no target (-1 or a zero row)."""
    target = np.asarray(target)
    if target.ndim == 0:
        return int(target) if int(target) >= 0 else None
    return int(np.argmax(target)) if target.sum() > 0 else None


# -- backward ---------------------------------------------------------------------------
def _backward_lines(session: Session, i: int, s: int) -> tuple[Line, ...]:
    bwd = session.bwd
    assert bwd is not None
    lines: list[Line] = []
    _, terms = terms_in_the_mean(session)
    at = "t" if session.config.mode == "many-to-many" else "T"
    if session.config.loss == "cross-entropy":
        output_formula = f"dL/dy_{at} = (p_{at} - one-hot(target)) / N"
    else:
        output_formula = f"dL/dy_{at} = 2 (y_{at} - target) / N"
    if session.config.mode == "many-to-many":
        lines.append(Line("gradient at the output", output_formula,
                          (Quantity("dL/dy_t", bwd.dy[s, i], "[1, C]"),), note=terms))
    elif i == session.T - 1:
        lines.append(Line("gradient at the output", output_formula,
                          (Quantity("dL/dy_T", bwd.dy[s], "[1, C]"),), note=terms))
    else:
        lines.append(Line("gradient at the output", "dL/dy_t = 0", note="many-to-one: no loss term at t < T"))
    readout = bwd.dh_readout[s, i]
    total = bwd.dh[s, i]
    # under truncated BPTT the recurrent path is carried per loss term; its sum is the rest
    recurrent = bwd.carry_h[s, i] if bwd.carry_terms is None else total - readout
    lines.append(Line("two paths into h_t", "dL/dh_t = dL/dy_t W2^T + dL/dh_{t+1} dh_{t+1}/dh_t",
                      (Quantity("through the readout", readout, "[1, D]"),
                       Quantity("through h_{t+1}", recurrent, "[1, D]"),
                       Quantity("dL/dh_t", total, "[1, D]")), "[1, C] [C, D] + [1, D] [D, D]"))
    if bwd.dc is not None:
        lines.append(Line("cell state", "dL/dc_t = dL/dc_{t+1} ⊙ f_{t+1} + dL/dh_t ⊙ o ⊙ (1 - tanh²(c_t))",
                          (Quantity("dL/dc_t", bwd.dc[s, i], "[1, D]"),)))
    lines.extend(_step_factor_lines(session, i, s))
    return tuple(lines)


def _step_factor_lines(session: Session, i: int, s: int) -> list[Line]:
    """What carries the gradient to t - 1: for the RNN diag(act'(a_t)) U1^T, for a gated
    cell the step Jacobian dh_t/dh_{t-1} (and the LSTM's cell path through f_t)."""
    fwd, bwd = session.fwd, session.bwd
    assert bwd is not None
    lines: list[Line] = []
    jacobian = step_jacobian(session, i, s)
    norm = float(np.linalg.norm(jacobian, 2)) if jacobian is not None and np.all(np.isfinite(jacobian)) else np.nan
    norm_note = f"||J_t||_2 = {norm:.4g}" if jacobian is not None else ""
    carried = []
    if i > 0:
        prev = bwd.carry_h[s, i - 1] if bwd.carry_terms is None else None
        if prev is not None:
            carried.append(Quantity("dL/dh_{t-1} through this step", prev, "[1, D]"))
    if session.config.cell == "rnn":
        cache = fwd.caches[i]
        slope = activation_slope(session.config.activation, cache["pre"][s], cache["h"][s])
        lines.append(Line("back one step", "dL/dh_{t-1} = dL/dh_t diag(act'(a_t)) U1^T,  J_t = diag(act'(a_t)) U1^T",
                          (Quantity("act'(a_t)", slope, "[1, D]"), *carried), "[1, D] [D, D] [D, D]", norm_note))
    else:
        lines.append(Line("back one step", "dL/dh_{t-1} = dL/dh_t J_t,  J_t = dh_t/dh_{t-1}",
                          tuple(carried), "[1, D] [D, D]", norm_note))
    if bwd.dc is not None and "f" in fwd.gates:
        carried_c: tuple[Quantity, ...] = ()
        if i > 0 and bwd.carry_c is not None and bwd.carry_terms is None:
            carried_c = (Quantity("dL/dc_{t-1} through the cell", bwd.carry_c[s, i - 1], "[1, D]"),)
        f = fwd.gates["f"][s, i]
        lines.append(Line("the cell path", "dL/dc_{t-1} = dL/dc_t ⊙ f_t  (no matrix: the gradient is only scaled)",
                          (Quantity("f_t", f, "[1, D]"), *carried_c), note=f"mean f_t = {np.mean(f):.3f}"))
    return lines


def step_jacobian(session: Session, i: int, s: int) -> np.ndarray | None:
    """(D, D) J_t = dh_t/dh_{t-1} in the row convention (dL/dh_{t-1} = dL/dh_t J_t) at
    0-based step i of sequence s: the engine's state_vjp applied to the unit rows. None
    beyond MAX_JACOBIAN_UNITS."""
    D = session.config.n_hidden
    if D > MAX_JACOBIAN_UNITS:
        return None
    fwd, cell = session.fwd, session.net.cell
    cache = {k: v[s : s + 1] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == fwd.X.shape[0]
             else v for k, v in fwd.caches[i].items()}
    d_state = {name: np.zeros((D, D)) for name in cell.state_names}
    d_state["h"] = np.eye(D)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(cell.state_vjp(fwd.packed, d_state, cache)["h"])
