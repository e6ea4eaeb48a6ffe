"""The diagram's words: the weights' names and shapes in the seed's letters, the caption
of the phase, and the small typography (subscripts, powers of ten, wrapping)."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui

from ....session.stepper import Phase, Session
from .colours import PassState

LONGEST_CAPTION = "Loss computed: press Right to start the backward pass at t = T"

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sub(n: int | None) -> str:
    """n in subscript digits: "x" + sub(12) is x₁₂."""
    return "" if n is None else str(n).translate(_SUBSCRIPTS)


def _family(names: list[str]) -> str:
    """One name, or the family's name with a star: W_i, W_f, ... -> W_*."""
    if len(names) == 1:
        return names[0]
    return names[0].split("_")[0] + "_*"


def weight_labels(session: Session) -> tuple[str, str, str]:
    """(input, recurrent, readout) weight names as the engine names its parameters: W1, U1,
    W2 for the vanilla RNN; W_*, U_* for the gated cells."""
    shapes = session.net.param_shapes()
    recurrent = list(session.net.recurrent_param_names())
    inputs = [n for n, shape in shapes.items() if n.startswith("W") and n != "W2" and len(shape) == 2]
    return _family(inputs), _family(recurrent), "W2"


def shape_labels(session: Session) -> dict[str, str]:
    """The arrays with their shapes in the seed's letters and in numbers, for the labels of
    the full diagram: "W1 [F, D] = [14, 8]", "X [B, T, F] = [1, 4, 14]", ... keyed by
    "in", "across", "out", "X" and "Y"."""
    w, u, out = weight_labels(session)
    c = session.config
    B, T, F, D, C = session.X.shape[0], session.T, c.n_features, c.n_hidden, c.n_classes
    targets = f"Y [B, T, C] = [{B}, {T}, {C}]" if c.mode == "many-to-many" else f"Y [B, C] = [{B}, {C}]"
    return {"in": f"{w} [F, D] = [{F}, {D}]", "across": f"{u} [D, D] = [{D}, {D}]",
            "out": f"{out} [{_readout_rows(session)}, C] = [{D * session.net.directions}, {C}]",
            "X": f"X [B, T, F] = [{B}, {T}, {F}]", "Y": targets}


def weights_key(session: Session) -> str:
    """The line that names the weights and their shapes, in the seed's letters."""
    w, u, out = weight_labels(session)
    return f"{w} [F, D] in, {u} [D, D] across, {out} [{_readout_rows(session)}, C] out: the same weights at every t"


def _readout_rows(session: Session) -> str:
    """The readout's rows: D, or 2D when it reads both directions' h_t side by side."""
    return "2D" if session.net.directions == 2 else "D"


def fitting_names(session: Session, metrics: QtGui.QFontMetricsF, rooms: dict[str, float]) -> dict[str, str]:
    """For each key of `rooms` ("in", "across", "out"), the longest name of that weight no
    wider than its room: "W1 [F, D] = [14, 8]", "W1 [14, 8]", or "W1"."""
    shapes = shape_labels(session)
    names_only = dict(zip(("in", "across", "out"), weight_labels(session), strict=True))
    fitting = {}
    for key, room in rooms.items():
        short = names_only[key] + " " + shapes[key].split(" = ")[1]
        fitting[key] = next((text for text in (shapes[key], short) if metrics.horizontalAdvance(text) <= room),
                            names_only[key])
    return fitting


_KEYLESS = {"Ready": "Ready: the forward pass starts at t = 1",
            "Loss computed": "Loss computed: the backward pass starts at t = T"}


def _layer(s: Session) -> str:
    """The layer (and direction) of a stack's step, "layer 2 ←, "; nothing for one layer."""
    place = s.place
    if s.net.stack is None or place.layer is None:
        return ""
    arrow = (" →", " ←")[place.direction or 0] if s.net.directions == 2 else ""
    return f"layer {place.layer + 1}{arrow}, "


def caption(s: Session, state: PassState, on_paper: bool) -> str:
    """Where the pass stands and what to press; on paper (a figure has no keys) without
    what to press. Then what dark grey and magenta mean, when they are drawn."""
    text = {
        Phase.READY: "Ready: press Right to start the forward pass",
        Phase.FORWARD: f"Forward pass: {_layer(s)}h{sub(s.t)} computed",
        Phase.LOSS: LONGEST_CAPTION,
        Phase.BACKWARD: f"Backward pass: {_layer(s)}dL/dh{sub(s.t)} computed",
        Phase.UPDATE: "Weights updated: press Right for the next iteration",
    }[s.phase]
    if s.phase is Phase.UPDATE and s.history and not s.history[-1].applied:
        text = "Update skipped (not finite), the weights kept: press Right for the next iteration"
    if on_paper:
        text = text.split(": press Right")[0]
        text = _KEYLESS.get(text, text)
    done = state.norms[state.done_back]
    if (done == 0).any():
        text += "; dark grey: dL/dh_t = 0 exactly"
    if (~np.isfinite(done)).any() or state.bad_from is not None:
        text += "; magenta: inf or nan"
    return text


def power_text(log10_value: float) -> str:
    """10 ** log10_value in one significant figure, as a slide writes it: "2·10⁻⁷", "10³",
    "0.3", "5"."""
    value = 10.0**log10_value
    if 0.01 <= value < 100:
        return f"{value:.1g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPTS)
    return power if mantissa == "1" else f"{mantissa}·{power}"


def wrap_words(text: str, metrics: QtGui.QFontMetricsF, width: float) -> list[str]:
    """`text` in lines no wider than `width`, broken at spaces (a word wider than the
    width keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and metrics.horizontalAdvance(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
