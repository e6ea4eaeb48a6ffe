"""The Theory panel's rho slider and box: the slider's scale, fine where vanishing turns
into exploding, and the two widgets."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

# The rho slider's scale: (first position, rho there, rho per position) of each stretch.
# Most of its travel is 0.5 .. 1.5 in steps of 0.01, where vanishing turns into exploding;
# below and above it moves faster. Its ticks, every 10 positions, fall on 0.5, 0.6, ..., 1.5
# and 2.5.
RHO_SCALE = ((0, 0.0, 0.05), (10, 0.5, 0.01), (110, 1.5, 0.1))
RHO_LAST = 125  # rho 3.0
RHO_MIN = 0.01
RHO_TICKS = 10


def rho_at(position: int) -> float:
    """The rho of a slider position, rounded to the box's two decimals."""
    first, rho, step = next(part for part in reversed(RHO_SCALE) if position >= part[0])
    return max(RHO_MIN, round(rho + (position - first) * step, 2))


def position_of(rho: float) -> int:
    """The slider position nearest to `rho`, within the slider's range."""
    if not math.isfinite(rho):
        return RHO_LAST if rho > 0 else 0
    first, start, step = next((part for part in reversed(RHO_SCALE) if rho >= part[1]), RHO_SCALE[0])
    return min(max(round(first + (rho - start) / step), 0), RHO_LAST)


def rho_slider() -> QtWidgets.QSlider:
    slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
    slider.setRange(0, RHO_LAST)
    slider.setSingleStep(1)  # Up / Down: 0.01 between 0.5 and 1.5 (Left / Right step the model)
    slider.setPageStep(RHO_TICKS)
    slider.setTickPosition(QtWidgets.QSlider.TickPosition.TicksBelow)
    slider.setTickInterval(RHO_TICKS)
    slider.setToolTip("Rescale every recurrent U to this spectral radius, now. Ticks at "
                      "0.5, 0.6, ..., 1.5 (0.01 a step between them), then 2.5; "
                      "Up and Down move it by one step")
    return slider


def rho_box() -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox()
    box.setRange(RHO_MIN, 3.0)
    box.setDecimals(2)
    box.setSingleStep(0.01)
    box.setKeyboardTracking(False)
    box.setToolTip("Rescale every recurrent U to this spectral radius, now (as the slider under it)")
    return box
