"""Which units light up: each hidden unit's activation over a stretch of a char-lm text, and
the units ranked by how closely they follow a simple property of the text (Karpathy,
Johnson and Fei-Fei 2015, "Visualizing and Understanding Recurrent Networks"). No Qt.

A stretch is longer than a window: the forward pass runs over consecutive windows of T
characters, each starting from the previous one's final state (a bidirectional network:
each from zeros, as it trains). Activations are h_t, or c_t for the LSTM, of every layer and
direction, one row per character. A property is one float per character (`text_property`);
a unit's score is the Pearson correlation r of its activation with the property over the
stretch, NaN where either is constant; units are ranked by |r|. `window_activations` gives
the same for the current window as far as the forward pass has got (stepping).

Figure and CSV `unit_activations` (`unit_activations_table`): one row per (character of the
stretch, unit), columns position (the character's offset in the text, from 0), char, layer
(from 1), direction, unit (from 1), activation and correlation (that unit's r with the
default property, `DEFAULT_PROPERTY`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.losses import one_hot
from ..engine.stack_traces import Key, StackForwardTrace
from ..engine.tasks.char_lm import CharLM
from .stepper import Session

STRETCH_CHARACTERS = 600  # characters in a stretch: several windows, a few lines of text
DEFAULT_PROPERTY = "in_brackets"  # the property a char-rnn unit follows first (r about 0.7 on its docstrings)
# property name -> its title; each a float per character, defined in `text_property`
PROPERTIES = {
    "line_position": "position in the line",
    "in_quotes": "inside quotes",
    "in_brackets": "depth in brackets",
    "after_space": "after a space",
    "character": "a chosen character",
}
OPENERS, CLOSERS = "([{", ")]}"


def text_property(text: str, name: str, character: str = " ") -> np.ndarray:
    """(N,) float64, property `name` (PROPERTIES) of each of the N characters of `text`:

    line_position  characters since the last newline before it: 0 for a line's first
                   character (and for a newline at the start of a line), 1 for the next, ...
    in_quotes      1 from an opening double quote to its closing one, both quotes included;
                   0 elsewhere (quotes pair in order; an unclosed one runs to the end)
    in_brackets    nesting depth: an opening bracket and what follows it up to and including
                   its closing bracket count one more; a closing bracket without an opening
                   one counts 0
    after_space    1 where the previous character is a space " " (the first character: 0)
    character      1 where the character is `character`
    """
    if name == "character" and len(character) != 1:
        raise ValueError(f"character: got {character!r}, expected one character")
    if name not in PROPERTIES:
        raise ValueError(f"property: got {name!r}, expected one of {', '.join(PROPERTIES)}")
    if name == "character":
        return np.array([float(ch == character) for ch in text])
    return np.array(_PROPERTY_STEPS[name](text), dtype=np.float64).reshape(len(text))


def _line_position(text: str) -> list[int]:
    out, column = [], 0
    for ch in text:
        out.append(column)
        column = 0 if ch == "\n" else column + 1
    return out


def _in_quotes(text: str) -> list[float]:
    out, inside = [], False
    for ch in text:
        if ch == '"':
            inside = not inside
            out.append(1.0)
        else:
            out.append(float(inside))
    return out


def _in_brackets(text: str) -> list[int]:
    out, depth = [], 0
    for ch in text:
        depth += ch in OPENERS
        out.append(depth)
        if ch in CLOSERS:
            depth = max(depth - 1, 0)
    return out


def _after_space(text: str) -> list[float]:
    return [0.0] + [float(ch == " ") for ch in text[:-1]] if text else []


_PROPERTY_STEPS = {"line_position": _line_position, "in_quotes": _in_quotes, "in_brackets": _in_brackets,
                   "after_space": _after_space}


@dataclass(frozen=True)
class Unit:
    """One hidden unit: layer and direction as the session's keys (from 0), unit from 0."""

    layer: int
    direction: int
    unit: int

    @property
    def label(self) -> str:
        """ "layer 1 unit 17" (from 1), "reverse" added for a reverse direction."""
        return f"layer {self.layer + 1}{' reverse' if self.direction else ''} unit {self.unit + 1}"


@dataclass(frozen=True)
class StretchActivations:
    """The activations over a stretch of the text: `text` (N characters) from offset
    `start`; `state` "h" or "c"; `values[(layer, direction)]` (N, D)."""

    text: str
    start: int
    state: str
    values: dict[Key, np.ndarray]

    @property
    def units(self) -> list[Unit]:
        """Every unit, layer by layer, direction by direction, in the columns' order of `matrix`."""
        return [Unit(layer, d, j) for (layer, d), v in self.values.items() for j in range(v.shape[1])]

    def matrix(self) -> np.ndarray:
        """(N, U) every unit's activation, columns in `units` order."""
        return np.concatenate(list(self.values.values()), axis=1)

    def of(self, unit: Unit) -> np.ndarray:
        """(N,) one unit's activation."""
        return self.values[(unit.layer, unit.direction)][:, unit.unit]


_cache: dict = {}  # the last stretch: {"key": (session, weights_version, start, length, state), "value": ...}


def stretch_activations(session: Session, start: int = 0, length: int = STRETCH_CHARACTERS,
                        state: str = "h") -> StretchActivations:
    """The activations of every unit over `length` characters of the session's text from
    offset `start` (clipped to the text), window by window of T with the state carried.
    state: "h", or "c" for an LSTM. ValueError (one line) for another task or state."""
    task = session.task
    if not isinstance(task, CharLM):
        raise ValueError(f"unit activations: the task {task.name} is not {CharLM.name}")
    if state not in session.net.cell.state_names:
        raise ValueError(f"state: got {state!r}, expected one of {', '.join(session.net.cell.state_names)}")
    key = (session, session.weights_version, start, length, state)
    cached = _cache.get("key")
    if cached is not None and cached[0] is session and cached[1:] == key[1:]:
        return _cache["value"]
    text, net, T = task.text(), session.net, session.T
    start = min(max(int(start), 0), len(text) - 1)
    ids = text.ids[start : start + max(int(length), 1)]
    parts: dict[Key, list[np.ndarray]] = {}
    carried = None
    for begin in range(0, len(ids), T):
        fwd = net.forward(one_hot(ids[None, begin : begin + T], len(text.chars)), carried)
        for layer_key, values in _layer_states(fwd, state).items():
            parts.setdefault(layer_key, []).append(values[0])
        carried = net.final_state(fwd) if net.directions == 1 else None
    result = StretchActivations(text.decode(ids), start, state,
                                {k: np.concatenate(v, axis=0) for k, v in parts.items()})
    _cache.update(key=key, value=result)
    return result


def window_activations(session: Session, sequence: int = 0, state: str = "h") -> StretchActivations:
    """The activations over the current window of the session's batch, sequence `sequence`,
    as far as the forward pass has got (NaN at the timesteps not computed yet): the text
    view of the window while stepping. `start` is -1: the window's place in the text is
    not recorded."""
    task = session.task
    if not isinstance(task, CharLM):
        raise ValueError(f"unit activations: the task {task.name} is not {CharLM.name}")
    if not 0 <= sequence < session.X.shape[0]:
        raise ValueError(f"sequence: got {sequence!r}, expected 0 to {session.X.shape[0] - 1}")
    layers = session.layer_hidden_states() if state == "h" else session.layer_cell_states()
    if not layers:
        raise ValueError(f"state: got {state!r}, expected one of {', '.join(session.net.cell.state_names)}")
    text = task.text().decode(np.argmax(session.X[sequence], axis=-1))
    return StretchActivations(text, -1, state, {key: values[sequence] for key, values in layers.items()})


def _layer_states(fwd, state: str) -> dict[Key, np.ndarray]:
    """(layer, direction) -> (B, T, D) h or c, natural time order."""
    if isinstance(fwd, StackForwardTrace):
        return fwd.layer_h if state == "h" else fwd.layer_c
    return {(0, 0): fwd.h if state == "h" else fwd.c}


def correlations(activations: np.ndarray, prop: np.ndarray) -> np.ndarray:
    """(U,) Pearson r of each column of activations (N, U) with prop (N,), over the rows
    where every activation is finite (a window stepped part way); NaN where a column or the
    property is constant there, or fewer than 2 rows are."""
    rows = np.isfinite(activations).all(axis=1)
    activations, prop = activations[rows], prop[rows]
    if len(prop) < 2:
        return np.full(activations.shape[1], np.nan)
    a = activations - activations.mean(axis=0)
    p = prop - prop.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.sqrt((a * a).sum(axis=0) * (p @ p))
        r = (p @ a) / spread
    r[~(spread > 1e-12 * max(len(prop), 1))] = np.nan
    return np.clip(r, -1.0, 1.0)


def rank_units(stretch: StretchActivations, prop: np.ndarray) -> list[tuple[Unit, float]]:
    """Every unit with its r, by |r| from the largest; units with NaN r last."""
    r = correlations(stretch.matrix(), np.asarray(prop, dtype=np.float64))
    order = np.argsort(np.where(np.isfinite(r), -np.abs(r), np.inf), kind="stable")
    units = stretch.units
    return [(units[i], float(r[i])) for i in order]


def default_ranking(session: Session) -> tuple[StretchActivations, list[tuple[Unit, float]]]:
    """The figure's stretch (from the text's start, h) and its units ranked for DEFAULT_PROPERTY."""
    stretch = stretch_activations(session)
    return stretch, rank_units(stretch, text_property(stretch.text, DEFAULT_PROPERTY))


def has_text(session: Session) -> bool:
    return isinstance(session.task, CharLM)


def unit_activations_table(session: Session, steps: Sequence = ()) -> tuple[list[str], np.ndarray]:
    """(header, rows): position, char (its code point; the CSV writes the character), layer,
    direction, unit, activation, correlation, one row per (character, unit), unit by unit in
    ranking order (`steps`, a training run, is not read); no rows for a task without a text."""
    header = ["position", "char", "layer", "direction", "unit", "activation", "correlation"]
    if not has_text(session):
        return header, np.zeros((0, len(header)))
    stretch, ranking = default_ranking(session)
    N = len(stretch.text)
    positions = np.arange(stretch.start, stretch.start + N, dtype=np.float64)
    codes = np.array([ord(c) for c in stretch.text], dtype=np.float64)
    blocks = [np.column_stack([positions, codes, np.full(N, u.layer + 1), np.full(N, u.direction),
                               np.full(N, u.unit + 1), stretch.of(u), np.full(N, r)]) for u, r in ranking]
    return header, np.concatenate(blocks, axis=0) if blocks else np.zeros((0, len(header)))
