"""What the Text panel colours a sequence's tokens by, read from the session (it computes
no equation of its own):

- connectivity: for the prediction at k, ||d y_k / d x_t||_F at every t it can depend on
  (t <= k; every t for a network that reads ahead), from `session.connectivity`'s row k
  (one backward sweep, where the T x T table takes T), on a log10 colour scale fixed by
  that row: the bar's decades say how two k compare;
- a unit: h_t[unit] (or the LSTM's c_t[unit]) of one layer, from the session's forward
  trace, on the heatmaps' scale for that state (tanh's h: -1..1, diverging), NaN where the
  forward pass has not computed it yet."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from ...engine.stack_traces import Key
from ...engine.tasks.char_lm import CharLM
from ...engine.tasks.words import NextWord, PosTagging, ToxicWord
from ...session.stepper import Session
from ..theme import DIVERGING_MAP, OVERFLOW
from .colour_scale import ColourScale, colour_columns, colour_table, fixed_scale
from .heatmap_panel import panel_bounds, panel_values

CONNECTIVITY_MAP = "viridis"  # as the connectivity figure's colour bar
# the tasks whose inputs read as text: a char-lm's characters, a word task's words
TEXT_TASKS = (CharLM.name, PosTagging.name, ToxicWord.name, NextWord.name)


def why_no_text(session: Session) -> str | None:
    """None when the session's inputs read as text; else the one line that says why not."""
    name = session.task.name
    if name in TEXT_TASKS and session.own_model is None:
        return None
    return (f"The task {name} has no text to show: the Text panel reads a char-lm's characters or the words "
            f"of {', '.join(TEXT_TASKS[1:])}.")


def sequence_tokens(session: Session, sequence: int) -> tuple[list[str], bool]:
    """(the tokens of x_1..x_T, whether they are words that need a space between): a text's
    own characters; a word task's words; else "t1", "t2", ..."""
    X = session.X[sequence]
    task = session.task
    if isinstance(task, CharLM):
        chars = task.text().chars
        return [chars[i] for i in np.argmax(X, axis=-1)], False
    labels = task.input_labels(X)
    return (list(labels) if labels is not None else [f"t{t}" for t in range(1, len(X) + 1)]), True


def connectivity_values(row: np.ndarray, k: int, reads_ahead: bool) -> np.ndarray:
    """(T,) ||d y_k / d x_t||_F for the prediction at k (1-based) from row k (T,) of
    `session.connectivity`, NaN at every t the prediction cannot depend on (t > k in one
    direction) and for a k without a prediction."""
    values = np.array(row, dtype=np.float64)
    if not reads_ahead:
        values[k:] = np.nan
    return values


def connectivity_scale(norms: np.ndarray) -> ColourScale:
    """A linear scale over log10 ||d y_k / d x_t||, from the smallest positive to the largest
    of `norms` (a row, or a table), rounded out to whole decades."""
    positive = norms[np.isfinite(norms) & (norms > 0)]
    if positive.size == 0:
        return ColourScale(-1.0, 0.0)
    low, high = math.floor(np.log10(positive.min())), math.ceil(np.log10(positive.max()))
    return ColourScale(float(low), float(max(high, low + 1)))


def decade_ticks(scale: ColourScale) -> list[tuple[float, str]]:
    """A few whole decades of a log10 scale, labelled 10^k."""
    decades = int(scale.high - scale.low)
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if decades / s <= 4)
    return [(float(k), f"1e{k}") for k in range(int(scale.low), int(scale.high) + 1, step)]


def unit_values(session: Session, state: str, layer: Key, unit: int, sequence: int) -> np.ndarray:
    """(T,) state_t[unit] of `layer` (0-based unit), NaN where not computed yet."""
    return np.array(panel_values(session, state, sequence, layer)[unit], dtype=np.float64)


def unit_scale(session: Session, state: str, values: np.ndarray) -> ColourScale:
    """The heatmaps' scale of `state`: the engine's range when bounded, else a symmetric
    log scale reaching the largest value."""
    finite = np.abs(values[np.isfinite(values)])
    return fixed_scale(panel_bounds(session, state), float(finite.max()) if finite.size else 0.0)


def connectivity_table() -> np.ndarray:
    return colour_table(pg.colormap.get(CONNECTIVITY_MAP))


def unit_table() -> np.ndarray:
    return colour_table(pg.colormap.get(DIVERGING_MAP))


def token_colours(values: np.ndarray, scale: ColourScale, table: np.ndarray,
                  log10: bool = False) -> list[QtGui.QColor | None]:
    """The colour of each value on `scale` (log10: of its log10, a zero norm at the scale's
    low end); None where the value is NaN (not computed, or not coloured); the OVERFLOW
    colour where it is inf."""
    with np.errstate(divide="ignore"):
        shown = np.where(values == 0, scale.low, np.log10(np.abs(values))) if log10 else values
    overflow = np.array(QtGui.QColor(OVERFLOW).getRgb(), dtype=np.uint8)
    rgba = colour_columns(shown[None], scale, table, overflow)[0]  # (T, 4)
    return [None if np.isnan(value) else QtGui.QColor(*(int(c) for c in colour))
            for value, colour in zip(values, rgba)]
