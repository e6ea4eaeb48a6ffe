"""The step inspector's data: the equations of the session's cell at one (layer, direction,
timestep t), in the seed's notation, with the values the traces hold. Nothing here
recomputes the forward pass: every value is read from the traces of that layer and
direction (`inspector_layer.layer_view`), and the one Jacobian shown is the engine's own
vector-Jacobian product (`Cell.state_vjp`) applied to the unit rows. No Qt.

    inspection = inspect_step(session, t=2, layer=1, direction=0)   # None: the step just taken
    for line in inspection.forward: line.title, line.formula, line.quantities
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.functions import activation_slope, softmax
from .formulas import READOUT, SHAPES, SOFTMAX, STATE_UPDATES, gate_formula, gate_name, pre_activation_formula
from .inspector_layer import LayerView, current_place, layer_view
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
    layer: int = 0  # from 0
    direction: int = 0  # 0 forward, 1 reverse
    cell_name: str = ""  # "layer 2 reverse"; "" for one layer in one direction


def current_timestep(session: Session) -> int:
    """The timestep the last step computed; T after the loss and the update; 1 before anything."""
    return current_place(session)[2]


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


def inspect_step(session: Session, t: int | None = None, sequence: int = 0, layer: int | None = None,
                 direction: int | None = None) -> Inspection:
    """The equations at (layer, direction, timestep t) for one sequence: t 1-based, layer
    from 0, direction 0 (forward) or 1 (reverse); each None: where the last step was."""
    T = session.T
    here = current_place(session)
    layer = here[0] if layer is None else layer
    direction = here[1] if direction is None else direction
    t = here[2] if t is None else t
    if not (isinstance(t, int) and 1 <= t <= T):
        raise ValueError(f"t: got {t!r}, expected a timestep from 1 to {T}")
    if not 0 <= sequence < session.X.shape[0]:
        raise ValueError(f"sequence: got {sequence!r}, expected 0 to {session.X.shape[0] - 1}")
    view = layer_view(session, layer, direction)
    i = view.index(t)
    forward = _forward_lines(session, view, t, sequence) if view.trace.steps_done > i else ()
    back = view.back
    backward = _backward_lines(session, view, t, sequence) if back is not None and back.done_mask[i] else ()
    return Inspection(t, T, session.config.cell, sequence, session.config.n_hidden, forward, backward,
                      _where(session, view), layer, direction, view.name)


def _where(session: Session, view: LayerView) -> str:
    """ "backward, layer 2 reverse, t = 3 of T = 4": what the session is doing."""
    place = session.place
    text = session.phase.value
    if view.deep and place.layer is not None and place.direction is not None:
        now = layer_view(session, place.layer, place.direction)
        text += f", {now.name}"
    return text + (f", t = {place.t}" if place.t is not None else "") + f" of T = {session.T}"


# -- forward ----------------------------------------------------------------------------
def _forward_lines(session: Session, v: LayerView, t: int, s: int) -> tuple[Line, ...]:
    trace, cell, i = v.trace, session.config.cell, v.index(t)
    shapes = v.shapes(SHAPES)
    lines = [_input_line(session, v, t, s),
             Line(v.written("state carried from t - 1"), v.written("h_{t-1}" + (", c_{t-1}" if trace.c is not None
                                                                               else "")),
                  _previous_state(v, i, s))]
    if cell == "rnn":
        lines.append(Line("pre-activation", v.written(pre_activation_formula(cell)),
                          (Quantity("a_t", trace.pre["pre"][s, i], "[1, D]"),), shapes))
    else:
        for gate, values in trace.gates.items():
            lines.append(Line(gate_name(cell, gate), v.written(gate_formula(cell, gate)),
                              (Quantity(f"pre_{gate}", trace.pre[f"pre_{gate}"][s, i], "[1, D]"),
                               Quantity(gate, values[s, i], "[1, D]")), shapes))
    states = [Quantity("h_t", trace.h[s, i], "[1, D]")]
    if trace.c is not None:
        states.insert(0, Quantity("c_t", trace.c[s, i], "[1, D]"))
    updates = STATE_UPDATES.get(cell, ("h_t = cell(x_t, h_{t-1})",))
    formula = "; ".join(updates).replace("act(", f"{session.config.activation}(")
    lines.append(Line("new state", v.written(formula), tuple(states)))
    if v.top:
        lines.extend(_readout_lines(session, v, t - 1, s))
    else:
        lines.append(Line(f"on to layer {v.layer + 2}", f"layer {v.layer + 2} reads h_t as its input at t"))
    return tuple(lines)


def _input_line(session: Session, v: LayerView, t: int, s: int) -> Line:
    """x_t for layer 1; for a layer l > 1, h_t of layer l - 1 (both its directions)."""
    x = v.trace.X[s, v.index(t)]
    if v.layer == 0:
        words = input_words(session, s)
        return Line("input", "x_t", (_input_quantity(x, words[t - 1] if words else ""),))
    below = f"layer {v.layer}'s output at t" + (": its forward h_t beside its reverse h_t" if v.directions > 1 else "")
    return Line(f"input: {below}", v.input_symbol, (Quantity(v.input_symbol, x, f"[1, {v.input_width}]"),))


def _previous_state(v: LayerView, i: int, s: int) -> tuple[Quantity, ...]:
    trace = v.trace
    out = [Quantity(v.written("h_{t-1}"), trace.h_prev[s, i], "[1, D]")]
    if trace.c is not None:
        c_prev = trace.c[s, i - 1] if i > 0 else np.zeros_like(trace.c[s, 0])
        out.append(Quantity(v.written("c_{t-1}"), c_prev, "[1, D]"))
    return tuple(out)


def _output_at(session: Session, n: int, s: int) -> np.ndarray | None:
    """y_t (C,) at 0-based timestep n, or None where the network has no output at t
    (many-to-one before T)."""
    fwd = session.fwd
    if session.config.mode == "many-to-many":
        return fwd.y[s, n]
    return fwd.y[s] if n == session.T - 1 else None


def _target_at(session: Session, n: int, s: int):
    Y = np.asarray(session.Y)
    return Y[s, n] if session.config.mode == "many-to-many" else Y[s]


def _readout_lines(session: Session, v: LayerView, n: int, s: int) -> list[Line]:
    """y_t and what it predicts, at 0-based timestep n; the readout reads the top layer,
    both directions side by side when bidirectional."""
    both = v.directions > 1
    formula = "y_t = [h_t forward, h_t reverse] W2 + b2" if both else READOUT
    y = _output_at(session, n, s)
    if y is None:
        return [Line("readout", formula, note="many-to-one: the readout is taken at t = T only")]
    if np.all(np.isnan(y)):  # bidirectional: y_t waits for the reverse direction to reach t
        return [Line("readout", formula, note="y_t is computed when the reverse direction reaches t")]
    shapes = "[1, 2D] [2D, C] + [1, C]" if both else "[1, D] [D, C] + [1, C]"
    lines = [Line("readout", formula, (Quantity("y_t", y, "[1, C]"),), shapes)]
    target = _target_at(session, n, s)
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
def _output_gradient_line(session: Session, n: int, s: int) -> Line:
    """dL/dy_t at 0-based timestep n: what the loss sends into the readout."""
    bwd = session.bwd
    assert bwd is not None
    _, terms = terms_in_the_mean(session)
    at = "t" if session.config.mode == "many-to-many" else "T"
    if session.config.loss == "cross-entropy":
        output_formula = f"dL/dy_{at} = (p_{at} - one-hot(target)) / N"
    else:
        output_formula = f"dL/dy_{at} = 2 (y_{at} - target) / N"
    if session.config.mode == "many-to-many":
        return Line("gradient at the output", output_formula, (Quantity("dL/dy_t", bwd.dy[s, n], "[1, C]"),),
                    note=terms)
    if n == session.T - 1:
        return Line("gradient at the output", output_formula, (Quantity("dL/dy_T", bwd.dy[s], "[1, C]"),),
                    note=terms)
    return Line("gradient at the output", "dL/dy_t = 0", note="many-to-one: no loss term at t < T")


def _backward_lines(session: Session, v: LayerView, t: int, s: int) -> tuple[Line, ...]:
    back, i = v.back, v.index(t)
    assert back is not None
    lines: list[Line] = []
    if v.top:
        lines.append(_output_gradient_line(session, t - 1, s))
        entering, path = "dL/dy_t W2^T", "through the readout"
        if v.directions > 1:
            entering += f" (W2's {'first' if v.direction == 0 else 'last'} D rows)"
        shapes = "[1, C] [C, D] + [1, D] [D, D]"
    else:
        above = f"layer {v.layer + 2}"
        entering, path = f"dL/dh_t from {above}", f"from {above}"
        lines.append(Line(f"gradient from {above}", f"dL/dh_t from {above} = sum over its directions of "
                          "dL/da_t W^T (the rows that read this h_t)",
                          (Quantity(path, back.dh_readout[s, i], "[1, D]"),)))
        shapes = "[1, D] + [1, D] [D, D]"
    total = back.dh[s, i]
    readout = back.dh_readout[s, i]
    # under truncated BPTT the recurrent path is carried per loss term; its sum is the rest
    recurrent = back.carry_h[s, i] if back.carry_terms is None else total - readout
    lines.append(Line("two paths into h_t", v.written(f"dL/dh_t = {entering} + dL/dh_{{t+1}} dh_{{t+1}}/dh_t"),
                      (Quantity(path, readout, "[1, D]"),
                       Quantity(v.written("through h_{t+1}"), recurrent, "[1, D]"),
                       Quantity("dL/dh_t", total, "[1, D]")), shapes))
    if back.dc is not None:
        lines.append(Line("cell state", v.written("dL/dc_t = dL/dc_{t+1} ⊙ f_{t+1} + dL/dh_t ⊙ o ⊙ (1 - tanh²(c_t))"),
                          (Quantity("dL/dc_t", back.dc[s, i], "[1, D]"),)))
    lines.extend(_step_factor_lines(session, v, i, s))
    return tuple(lines)


def _step_factor_lines(session: Session, v: LayerView, i: int, s: int) -> list[Line]:
    """What carries the gradient to t - 1 (t + 1 in the reverse direction): for the RNN
    diag(act'(a_t)) U1^T, for a gated cell the step Jacobian dh_t/dh_{t-1} (and the LSTM's
    cell path through f_t)."""
    trace, back = v.trace, v.back
    assert back is not None
    lines: list[Line] = []
    jacobian = step_jacobian(session, i, s, v.layer, v.direction)
    norm = float(np.linalg.norm(jacobian, 2)) if jacobian is not None and np.all(np.isfinite(jacobian)) else np.nan
    norm_note = f"||J_t||_2 = {norm:.4g}" if jacobian is not None else ""
    carried = []
    if i > 0 and back.carry_terms is None:
        carried.append(Quantity(v.written("dL/dh_{t-1} through this step"), back.carry_h[s, i - 1], "[1, D]"))
    if session.config.cell == "rnn":
        cache = trace.caches[i]
        slope = activation_slope(session.config.activation, cache["pre"][s], cache["h"][s])
        formula = "dL/dh_{t-1} = dL/dh_t diag(act'(a_t)) U1^T,  J_t = diag(act'(a_t)) U1^T"
        lines.append(Line("back one step", v.written(formula),
                          (Quantity("act'(a_t)", slope, "[1, D]"), *carried), "[1, D] [D, D] [D, D]", norm_note))
    else:
        lines.append(Line("back one step", v.written("dL/dh_{t-1} = dL/dh_t J_t,  J_t = dh_t/dh_{t-1}"),
                          tuple(carried), "[1, D] [D, D]", norm_note))
    if back.dc is not None and "f" in trace.gates:
        carried_c: tuple[Quantity, ...] = ()
        if i > 0 and back.carry_c is not None and back.carry_terms is None:
            carried_c = (Quantity(v.written("dL/dc_{t-1} through the cell"), back.carry_c[s, i - 1], "[1, D]"),)
        f = trace.gates["f"][s, i]
        formula = "dL/dc_{t-1} = dL/dc_t ⊙ f_t  (no matrix: the gradient is only scaled)"
        lines.append(Line("the cell path", v.written(formula), (Quantity("f_t", f, "[1, D]"), *carried_c),
                          note=f"mean f_t = {np.mean(f):.3f}"))
    return lines


def step_jacobian(session: Session, i: int, s: int, layer: int = 0, direction: int = 0) -> np.ndarray | None:
    """(D, D) J_t = dh_t/dh_{t-1} (dh_t/dh_{t+1} in the reverse direction) in the row
    convention (dL/dh_{t-1} = dL/dh_t J_t) of (layer, direction) at its 0-based step i, in
    its own order, of sequence s: the engine's state_vjp applied to the unit rows. None
    beyond MAX_JACOBIAN_UNITS."""
    D = session.config.n_hidden
    if D > MAX_JACOBIAN_UNITS:
        return None
    trace, cell = layer_view(session, layer, direction).trace, session.net.cell
    cache = {k: v[s : s + 1] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == trace.X.shape[0]
             else v for k, v in trace.caches[i].items()}
    d_state = {name: np.zeros((D, D)) for name in cell.state_names}
    d_state["h"] = np.eye(D)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(cell.state_vjp(trace.packed, d_state, cache)["h"])
