"""What the Jacobian plot of the Theory panel shows: the decades of its curves, and its
legend as a line of text above the plot. The bound (gamma sigma_max)^(T-t) grows without
limit for sigma_max > 1 (10^10 over 30 steps is common) while the norms stay near or below
1: a view that held the whole bound would squash the norms into a few pixels, so the view
holds the norms' decades and the bound only as far as BOUND_BEYOND_DECADES past them, and
the legend says when the bound leaves the view."""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np
from PySide6 import QtCore

MARGIN_DECADES = 0.3  # air above and below the data
LEAST_DECADES = 2.0  # a flat curve still has two decades of axis to be read against
BOUND_BEYOND_DECADES = 1.0

# a legend's sample of a line, by its pen's style
SAMPLES = {QtCore.Qt.PenStyle.SolidLine: "━━", QtCore.Qt.PenStyle.DashLine: "╍╍",
           QtCore.Qt.PenStyle.DotLine: "┉┉"}


def _finite(values) -> np.ndarray:
    if values is None:
        return np.empty(0)
    values = np.asarray(values, float)
    return values[np.isfinite(values)]


def readable_range(log10_norms: Iterable, log10_bound=None) -> tuple[float, float, bool]:
    """(bottom, top) of the view in log10, and whether the bound goes beyond its top:
    `log10_norms` the curves that must be read (the product, the forget gates' product)."""
    data = np.concatenate([_finite(v) for v in log10_norms] or [np.empty(0)])
    if data.size == 0:
        data = np.zeros(1)
    bottom, top = data.min() - MARGIN_DECADES, data.max() + MARGIN_DECADES
    if top - bottom < LEAST_DECADES:
        middle = (top + bottom) / 2
        bottom, top = middle - LEAST_DECADES / 2, middle + LEAST_DECADES / 2
    bound = _finite(log10_bound)
    beyond = False
    if bound.size:
        limit = top + BOUND_BEYOND_DECADES
        beyond = bool(bound.max() > limit)
        top = max(top, min(bound.max() + MARGIN_DECADES, limit))
    return float(bottom), float(top), beyond


def view_of(result) -> tuple[float, float, bool]:
    """`readable_range` of a TheoryResult: its product and forget gates' product read."""
    norms = [result.log10_product]
    if result.forget_product is not None:
        with np.errstate(divide="ignore"):
            norms.append(np.log10(result.forget_product))
    return readable_range(norms, result.log10_bound)


def number(value: float) -> str:
    """Three decimals, or three significant digits once a U has blown up."""
    return f"{value:.3f}" if abs(value) < 1e3 else f"{value:.3g}"


def legend_html(entries: Iterable[tuple[str, QtCore.Qt.PenStyle, str]]) -> str:
    """Entries (colour, pen style, name) side by side, wrapped between them (as many to a
    line as the panel's width holds), a sample never parted from its name's first word; a
    name wider than the panel wraps within itself."""
    spans = []
    for colour, style, name in entries:
        first, _, rest = html.escape(name).partition(" ")
        spans.append(f'<span style="white-space:nowrap"><span style="color:{colour}">{SAMPLES.get(style, "━━")}'
                     f"</span>&nbsp;{first}</span>" + (f" {rest}" if rest else ""))
    return "&nbsp;&nbsp;&nbsp; ".join(spans)
