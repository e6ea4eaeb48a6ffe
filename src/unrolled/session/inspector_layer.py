"""Which cell the step inspector shows: one (layer, direction, t) of the session's network,
the traces that hold it, and the seed's one-layer equations written for that layer. No Qt.

A layer l > 1 reads h_t of layer l - 1 (both directions side by side when bidirectional)
where layer 1 reads x_t, and has its own weights under torch's suffixes (U1_l1,
W_f_l2_reverse); a reverse direction carries its state from t + 1, not t - 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.stack import suffix
from ..engine.stack_traces import StackBackwardTrace, StackForwardTrace
from ..engine.traces import LayerBackward, LayerTrace
from .iteration import Phase
from .step_order import DIRECTION_NAMES
from .stepper import Session


@dataclass(frozen=True)
class LayerView:
    """One (layer, direction) of a session's iteration: its traces in the direction's own
    time order (index i is the direction's (i + 1)-th step)."""

    layer: int  # from 0
    direction: int  # 0 forward, 1 reverse
    layers: int
    directions: int
    T: int
    trace: LayerTrace
    back: LayerBackward | None  # None before the loss
    param_names: tuple[str, ...]  # the cell's own names: W1, U1, b1 / W_f ...

    @property
    def top(self) -> bool:
        return self.layer == self.layers - 1

    @property
    def deep(self) -> bool:
        """More than one cell per timestep: the inspector then names the layer."""
        return self.layers > 1 or self.directions > 1

    def index(self, t: int) -> int:
        """The index of timestep t (1-based) in the direction's own order."""
        return self.T - t if self.direction else t - 1

    @property
    def name(self) -> str:
        """ "layer 2 reverse", "layer 1"; "" for one layer in one direction."""
        if not self.deep:
            return ""
        return f"layer {self.layer + 1}" + (f" {DIRECTION_NAMES[self.direction]}" if self.directions > 1 else "")

    @property
    def input_symbol(self) -> str:
        """x_t for layer 1; h_t^(l-1) for a layer l > 1, which reads the layer below."""
        return "x_t" if self.layer == 0 else f"h_t^({self.layer})"

    @property
    def input_width(self) -> str:
        return "F" if self.layer == 0 else ("2D" if self.directions > 1 else "D")

    @property
    def previous(self) -> str:
        """The timestep the state is carried from: t-1 forward, t+1 in the reverse direction."""
        return "t+1" if self.direction else "t-1"

    @property
    def next(self) -> str:
        """The timestep the gradient comes back from along time."""
        return "t-1" if self.direction else "t+1"

    def written(self, formula: str) -> str:
        """The seed's one-layer formula for this layer and direction: the input, the
        weights' names and the direction of time."""
        if not self.deep:
            return formula
        if self.direction:  # the reverse direction runs t = T..1: swap t-1 and t+1
            formula = re.sub(r"t([+-])1", lambda m: "t" + ("-" if m.group(1) == "+" else "+") + "1", formula)
            formula = formula.replace("t - 1", "t + 1")
        if self.layer:
            formula = re.sub(r"\bx_t\b", self.input_symbol, formula)
        end = suffix(self.layer, self.direction)
        if end:
            names = "|".join(re.escape(name) for name in sorted(self.param_names, key=len, reverse=True))
            formula = re.sub(rf"\b({names})\b", lambda m: m.group(1) + end, formula)
        return formula

    def shapes(self, text: str) -> str:
        """The shapes line with this layer's input width: [1, 2D] [2D, D] for a layer
        above a bidirectional one."""
        width = self.input_width
        return text if width == "F" else text.replace("[1, F] [F, D]", f"[1, {width}] [{width}, D]")


def layer_view(session: Session, layer: int, direction: int) -> LayerView:
    """The traces of (layer, direction); ValueError naming the allowed values."""
    L, dirs = session.net.layers, session.net.directions
    if not (isinstance(layer, int) and 0 <= layer < L):
        raise ValueError(f"layer: got {layer!r}, expected 1 to {L}" if L > 1 else f"layer: got {layer!r}, expected 1")
    if not (isinstance(direction, int) and 0 <= direction < dirs):
        expected = "forward or reverse" if dirs > 1 else "forward (the network has one direction)"
        raise ValueError(f"direction: got {direction!r}, expected {expected}")
    fwd, bwd = session.fwd, session.bwd
    names = tuple(session.net.cell.param_shapes(1, 1))
    if isinstance(fwd, StackForwardTrace):
        back = bwd.layers[(layer, direction)] if isinstance(bwd, StackBackwardTrace) else None
        return LayerView(layer, direction, L, dirs, session.T, fwd.layers[(layer, direction)], back, names)
    return LayerView(0, 0, 1, 1, session.T, fwd, bwd, names)


def current_place(session: Session) -> tuple[int, int, int]:
    """(layer, direction, t) of the cell the last step computed; after the loss and the
    update the top layer's forward direction at t = T, where the readout reads; (0, 0, 1)
    before anything."""
    place = session.place
    if place.t is not None and place.layer is not None and place.direction is not None:
        return place.layer, place.direction, place.t
    if session.phase in (Phase.LOSS, Phase.UPDATE):
        return session.net.layers - 1, 0, session.T
    return 0, 0, 1


def layer_choices(layers: int, directions: int) -> list[tuple[str, tuple[int, int]]]:
    """("layer 2 reverse", (1, 1)) for every (layer, direction), in step order: what a
    chooser of a layer offers."""
    return [(f"layer {layer + 1}" + (f" {DIRECTION_NAMES[d]}" if directions > 1 else ""), (layer, d))
            for layer in range(layers) for d in range(directions)]
