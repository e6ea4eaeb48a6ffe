"""The training figures: loss, accuracy and the gradient norm before and after clipping,
per iteration. The same curves are drawn by the Training panel and, as standalone figures,
by the export command (`unrolled export --iterations N`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from ...session.figure_registry import FIGURES
from ...session.stepper import Session
from ...session.training import TrainingStep
from ..theme import BLUE, GREEN, THEME, VERMILION, Theme
from .axes import POWER_TICK, LogAxis
from .fit import legend_above
from .legend import scaled_sample
from .style import set_integer_ticks, style_plot


def positive_or_nan(values) -> np.ndarray:
    """Positive finite values kept, the rest NaN: a log axis leaves a gap, never a dot at a
    made-up value."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def add_legend(plot: pg.PlotItem, theme: Theme) -> pg.LegendItem:
    """A legend, placed off the data once the curves are drawn: by `place_legend_above_data`
    (the Training panel) or above the plot by `fit.legend_above` (the figure)."""
    legend = plot.addLegend(offset=(-10, 10), labelTextSize=f"{theme.points():.1f}pt",
                            labelTextColor=theme.foreground, sampleType=scaled_sample(theme))
    legend.setBrush(pg.mkBrush(theme.background + "d2"))
    return legend


def clip_norm_curves(plot: pg.PlotItem, theme: Theme) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
    """Both curves, each listed in the legend: before clipping (solid) and after (dashed)."""
    add_legend(plot, theme)
    before = plot.plot([], [], pen=theme.pen(VERMILION), name="before clipping", connect="finite")
    after = plot.plot([], [], pen=theme.pen(BLUE, style=QtCore.Qt.PenStyle.DashLine),
                      name="after clipping", connect="finite")
    return before, after


MARKERS_UP_TO = 100  # iterations drawn with a marker each: a lone finite norm between gaps shows


def set_clip_norms(before: pg.PlotDataItem, after: pg.PlotDataItem, steps: Sequence[TrainingStep],
                   theme: Theme) -> None:
    """The norms before and after clipping, zeros as gaps. With few iterations each has a
    marker (a single finite norm between zeros, drawn as a line alone, is invisible), and a
    log axis spanning less than a decade is widened to one, so that it has numbers."""
    iterations = np.array([s.iteration for s in steps], dtype=float)
    markers = len(steps) <= MARKERS_UP_TO
    shown = []
    for curve, values in ((before, [s.norm_before for s in steps]), (after, [s.norm_after for s in steps])):
        norms = positive_or_nan(values)
        colour = pg.mkPen(curve.opts["pen"]).color()
        curve.setData(iterations, norms, symbol="o" if markers else None, symbolSize=theme.px(6),
                      symbolPen=None, symbolBrush=colour)
        shown.append(norms[np.isfinite(norms)])
    box = before.getViewBox()
    logs = np.log10(np.concatenate(shown)) if shown else np.empty(0)
    if box is not None and logs.size and logs.max() - logs.min() < 1.0:
        low = np.floor(logs.min())
        box.setYRange(low, max(np.ceil(logs.max()), low + 1.0), padding=0.05)
    elif box is not None:
        box.enableAutoRange(axis=pg.ViewBox.YAxis)


def accuracy_values(steps: Sequence[TrainingStep]) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, accuracy) of the iterations that have one."""
    iterations = np.array([s.iteration for s in steps], dtype=float)
    accuracy = np.array([np.nan if s.accuracy is None else s.accuracy for s in steps], dtype=float)
    finite = np.isfinite(accuracy)
    return iterations[finite], accuracy[finite]


class TrainingFigure(pg.PlotWidget):
    """One training figure ("training_loss", "clip_norms" or "accuracy") of a run's steps."""

    def __init__(self, name: str, steps: Sequence[TrainingStep], parent=None, theme: Theme | None = None):
        theme = THEME if theme is None else theme  # the live window's, unless given one
        log = name != "accuracy"
        axes = {"left": LogAxis("left")} if log else None
        super().__init__(parent, background=theme.background, axisItems=axes, enableMenu=False)
        self.name, self.steps, self.theme = name, list(steps), theme
        plot = self.getPlotItem()
        left = {"training_loss": "loss", "clip_norms": "||g||", "accuracy": "accuracy"}[name]
        style_plot(plot, theme, FIGURES[name].title, {"bottom": "iteration", "left": left},
                         widest_tick=POWER_TICK if log else "-0.000")
        if log:
            plot.setLogMode(y=True)
        self.curves: tuple[pg.PlotDataItem, ...]
        if name == "clip_norms":
            self.curves = clip_norm_curves(plot, theme)
            legend_above(plot)  # outside the curves, which fill the plot
        else:
            colour = BLUE if name == "training_loss" else GREEN
            self.curves = (plot.plot([], [], pen=theme.pen(colour), connect="finite"),)
        if name == "accuracy":
            plot.setYRange(0, 1.02, padding=0)

    def refresh(self, session: Session) -> None:
        """The run's steps (given at construction) drawn; `session` only for a common API."""
        steps = self.steps
        if self.name == "clip_norms":
            before, after = self.curves
            set_clip_norms(before, after, steps, self.theme)
        elif self.name == "accuracy":
            self.curves[0].setData(*accuracy_values(steps))
        else:
            self.curves[0].setData(np.array([s.iteration for s in steps], dtype=float),
                                   positive_or_nan([s.loss for s in steps]))
        n = max(len(steps), 2)
        set_integer_ticks(self.getAxis("bottom"), n, target=6)
        self.setXRange(0.5, n + 0.5, padding=0)
