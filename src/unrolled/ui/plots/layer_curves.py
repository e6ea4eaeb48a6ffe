"""One curve of ||dL/dh_t|| per layer and direction of a stack, on the gradient plot's log
axis: a hue per layer, the reverse direction darker and dashed. Named "layer 1", "layer 2 reverse" in the legend."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...engine.stack_traces import Key
from ...session.figure_data import layer_label
from ..theme import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILION, YELLOW, Theme

# a hue per layer, from 1 (Okabe and Ito's colour-blind-safe palette, which the app's other
# curves use): shades of one blue ran together on a projector where curves cross. Vermilion
# (the current timestep's line) and yellow (faint on white) come last.
LAYER_HUES = (BLUE, ORANGE, GREEN, PURPLE, SKY, GREY, VERMILION, YELLOW)
# the reverse direction: its layer's hue, this much darker (HSL lightness), and dashed
REVERSE_DARKER = 0.6


def layer_colour(layer: int, direction: int = 0) -> str:
    """The colour of layer `layer` (from 0) in `direction` (1: reverse)."""
    colour = QtGui.QColor(LAYER_HUES[layer % len(LAYER_HUES)])
    if direction:
        hue, saturation, lightness = colour.hslHueF(), colour.hslSaturationF(), colour.lightnessF()
        colour = QtGui.QColor.fromHslF(hue, saturation, lightness * REVERSE_DARKER)
    return colour.name()


# (plot, theme, colour, name, style, symbol) -> a curve on the plot (log_curves.log_curve)
CurveMaker = Callable[..., pg.PlotDataItem]


class LayerCurves:
    """The curves of a stack's layers on `plot`, made again when the stack changes."""

    def __init__(self, plot: pg.PlotItem, theme: Theme, make_curve: CurveMaker):
        self.plot, self.theme, self.make_curve = plot, theme, make_curve
        self.items: dict[Key, pg.PlotDataItem] = {}
        self._for: tuple = ()

    def sync(self, keys: list[Key], layers: int, directions: int, markers: bool) -> bool:
        """Curves for `keys` (none for one layer in one direction); True when made anew."""
        wanted = (tuple(keys), layers, directions, markers) if len(keys) > 1 else ()
        if wanted == self._for:
            return False
        for item in self.items.values():
            self.plot.removeItem(item)
        self.items = {}
        if wanted:
            dashed = QtCore.Qt.PenStyle.DashLine
            for key in keys:
                self.items[key] = self.make_curve(
                    self.plot, self.theme, layer_colour(*key), layer_label(key, directions),
                    style=dashed if key[1] else None, symbol=("o" if key[1] == 0 else "s") if markers else None)
        self._for = wanted
        return True


def worst_per_t(norms: dict[Key, np.ndarray], done: dict[Key, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(T,) values and (T,) done for the overflow marks of many curves: inf at a timestep
    where any computed curve is inf or nan, else the largest computed finite value (NaN
    where none is computed), and whether any curve is computed there."""
    values = np.array(list(norms.values()))
    computed = np.array([done[key] for key in norms])
    with np.errstate(invalid="ignore"):
        bad = (computed & ~np.isfinite(values)).any(axis=0)
        finite = np.where(computed & np.isfinite(values), values, -np.inf).max(axis=0)
    worst = np.where(bad, np.inf, np.where(np.isfinite(finite), finite, np.nan))
    return worst, np.asarray(computed.any(axis=0))
