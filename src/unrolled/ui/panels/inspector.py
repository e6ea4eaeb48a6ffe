"""The step inspector: the equations of one cell at one (layer, direction, timestep), in the
seed's notation, with the values of this iteration (session.inspector_data computes; this
only formats). It follows the step being taken, or stays on a place chosen with
`show_timestep(t, layer, direction)` (a click on the diagram or a heatmap column), its spin
box or, for a stacked or bidirectional network, its layer chooser. The window's redraw
throttle refreshes it: hidden, it computes nothing and catches up when shown."""

from __future__ import annotations

import html

import numpy as np
from PySide6 import QtWidgets

from ...session.inspector_data import Inspection, Line, Quantity, inspect_step
from ...session.inspector_layer import current_place, layer_choices
from ...session.stepper import Phase, Session

SMALL = 8  # vectors of at most this many entries are written out; longer ones as norm and range


def _number(v: float) -> str:
    return f"{v:.3g}" if np.isfinite(v) else str(v)


def format_quantity(q: Quantity) -> str:
    name = f"<b>{html.escape(q.symbol)}</b>"
    shape = f" <span style='color:gray'>{q.shape}</span>" if q.shape else ""
    if q.one_hot_of:
        body = f"one-hot('{html.escape(q.one_hot_of)}')"
    elif q.values.size <= SMALL:
        body = "[" + ", ".join(_number(v) for v in q.values) + "]"
    else:
        body = f"||·|| = {_number(q.norm)}, range [{_number(q.low)}, {_number(q.high)}]"
    written_out = 1 < q.values.size <= SMALL and not q.one_hot_of
    norm = f" &nbsp;<span style='color:gray'>||·|| = {_number(q.norm)}</span>" if written_out else ""
    words = f" &nbsp;<i>{html.escape(q.words)}</i>" if q.words else ""
    return f"{name}{shape} = <code>{body}</code>{norm}{words}"


def format_line(line: Line) -> str:
    parts = [f"<p style='margin:4px 0'><b>{html.escape(line.title)}</b>: "
             f"<code>{html.escape(line.formula)}</code>"]
    if line.shapes:
        parts.append(f"<br>&nbsp;&nbsp;<span style='color:gray'>shapes {html.escape(line.shapes)}</span>")
    if line.note:
        parts.append(f"<br>&nbsp;&nbsp;{html.escape(line.note)}")
    parts.extend(f"<br>&nbsp;&nbsp;{format_quantity(q)}" for q in line.quantities)
    return "".join(parts) + "</p>"


def format_inspection(ins: Inspection) -> str:
    about = f"{html.escape(ins.cell)}, D = {ins.D}, sequence {ins.sequence + 1}; now: {html.escape(ins.where)}"
    layer = f"{html.escape(ins.cell_name)}, " if ins.cell_name else ""
    head = (f"<h3 style='margin:2px 0'>{layer}t = {ins.t} of T = {ins.T} "
            f"&nbsp;<span style='color:gray'>({about})</span></h3>"
            "<p style='margin:2px 0;color:gray'>The same weights W, U, W2 at every t.</p>")
    forward = "".join(format_line(line) for line in ins.forward) or "<p><i>not computed yet: step forward to t</i></p>"
    backward = ("".join(format_line(line) for line in ins.backward)
                or "<p><i>the backward pass has not reached t yet</i></p>")
    heading = "<h4 style='margin:6px 0 2px 0'>{}</h4>"
    return (f"{head}{heading.format('Forward at t')}{forward}"
            f"<a name='backward'></a>{heading.format('Backward at t')}{backward}")


class InspectorPanel(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.sequence = 0
        # a (layer, direction, t) chosen by the lecturer; None follows the step
        self.pinned: tuple[int, int, int] | None = None
        self.layer = QtWidgets.QComboBox()
        self.layer.setToolTip("The layer and direction shown: layer 1 reads x_t, a layer above reads the "
                              "layer below's h_t")
        self.timestep = QtWidgets.QSpinBox()
        self.timestep.setPrefix("t = ")
        self.timestep.setToolTip("The timestep shown; Follow the step to go with the transport")
        self.follow = QtWidgets.QCheckBox("Follow the step")
        self.follow.setChecked(True)
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenLinks(False)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.layer)
        row.addWidget(self.timestep)
        row.addWidget(self.follow)
        row.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        self.setMinimumWidth(300)  # beside the Model panel and the plots in F5 on a 1280 px projector
        self.timestep.valueChanged.connect(self._on_timestep_chosen)
        self.layer.currentIndexChanged.connect(self._on_layer_chosen)
        self.follow.toggled.connect(self._on_follow_toggled)

    # -- view -> model (the panel's own state: which place) --------------------------------
    def show_timestep(self, t: int, layer: int | None = None, direction: int | None = None) -> None:
        """Show timestep t (1-based) of (layer, direction) and stay there: a click on the
        diagram or a heatmap. layer and direction None: the ones shown."""
        shown = self.place
        net = self.session.net
        layer = shown[0] if layer is None else min(max(int(layer), 0), net.layers - 1)
        direction = shown[1] if direction is None else min(max(int(direction), 0), net.directions - 1)
        self.pinned = (layer, direction, min(max(int(t), 1), self.session.T))
        self.follow.blockSignals(True)
        self.follow.setChecked(False)
        self.follow.blockSignals(False)
        self.refresh()

    def _on_timestep_chosen(self, t: int) -> None:
        self.show_timestep(t)

    def _on_layer_chosen(self, index: int) -> None:
        layer, direction = self.layer.itemData(index)
        self.show_timestep(self.place[2], layer, direction)

    def _on_follow_toggled(self, on: bool) -> None:
        self.pinned = None if on else current_place(self.session)
        self.refresh()

    # -- model -> view --------------------------------------------------------------------
    @property
    def place(self) -> tuple[int, int, int]:
        """(layer, direction, t) shown: the pinned one, within this network, or the step's."""
        if self.pinned is None:
            return current_place(self.session)
        layer, direction, t = self.pinned
        net = self.session.net
        return min(layer, net.layers - 1), min(direction, net.directions - 1), min(t, self.session.T)

    @property
    def t(self) -> int:
        return self.place[2]

    def _sync_layer_choice(self, layer: int, direction: int) -> None:
        net = self.session.net
        names = layer_choices(net.layers, net.directions)
        self.layer.blockSignals(True)
        if self.layer.count() != len(names) or self.layer.itemText(self.layer.count() - 1) != names[-1][0]:
            self.layer.clear()
            for name, key in names:
                self.layer.addItem(name, key)
        self.layer.setCurrentIndex(layer * net.directions + direction)
        self.layer.blockSignals(False)
        self.layer.setVisible(len(names) > 1)  # one layer in one direction: nothing to choose

    def refresh(self) -> None:
        session = self.session
        self.sequence = min(self.sequence, session.X.shape[0] - 1)
        layer, direction, t = self.place
        self._sync_layer_choice(layer, direction)
        self.timestep.blockSignals(True)
        self.timestep.setRange(1, session.T)
        self.timestep.setValue(t)
        self.timestep.blockSignals(False)
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(format_inspection(inspect_step(session, t, self.sequence, layer, direction)))
        if self.pinned is None and session.phase is Phase.BACKWARD:
            self.browser.scrollToAnchor("backward")  # following the backward pass: its equations in view
        else:
            self.browser.verticalScrollBar().setValue(scroll)
