"""The step inspector: the equations of the current cell at one timestep, in the seed's
notation, with the values of this iteration (session.inspector_data computes; this only formats).
It follows the step being taken, or stays on a timestep chosen with `show_timestep(t)` (a
click on the diagram or a heatmap column) or its spin box. The window's redraw throttle
refreshes it: hidden, it computes nothing and catches up when shown."""

from __future__ import annotations

import html

import numpy as np
from PySide6 import QtWidgets

from ...session.inspector_data import Inspection, Line, Quantity, current_timestep, inspect_step
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
    head = (f"<h3 style='margin:2px 0'>t = {ins.t} of T = {ins.T} &nbsp;<span style='color:gray'>({about})</span></h3>"
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
        self.pinned: int | None = None  # a timestep chosen by the lecturer; None follows the step
        self.timestep = QtWidgets.QSpinBox()
        self.timestep.setPrefix("t = ")
        self.timestep.setToolTip("The timestep shown; Follow the step to go with the transport")
        self.follow = QtWidgets.QCheckBox("Follow the step")
        self.follow.setChecked(True)
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenLinks(False)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.timestep)
        row.addWidget(self.follow)
        row.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        self.setMinimumWidth(300)  # beside the Model panel and the plots in F5 on a 1280 px projector
        self.timestep.valueChanged.connect(self._on_timestep_chosen)
        self.follow.toggled.connect(self._on_follow_toggled)

    # -- view -> model (the panel's own state: which t) ----------------------------------
    def show_timestep(self, t: int) -> None:
        """Show timestep t (1-based) and stay there: a click on the diagram or a heatmap."""
        self.pinned = min(max(int(t), 1), self.session.T)
        self.follow.blockSignals(True)
        self.follow.setChecked(False)
        self.follow.blockSignals(False)
        self.refresh()

    def _on_timestep_chosen(self, t: int) -> None:
        self.show_timestep(t)

    def _on_follow_toggled(self, on: bool) -> None:
        self.pinned = None if on else current_timestep(self.session)
        self.refresh()

    # -- model -> view --------------------------------------------------------------------
    @property
    def t(self) -> int:
        T = self.session.T
        return min(self.pinned, T) if self.pinned is not None else current_timestep(self.session)

    def refresh(self) -> None:
        session = self.session
        self.sequence = min(self.sequence, session.X.shape[0] - 1)
        t = self.t
        self.timestep.blockSignals(True)
        self.timestep.setRange(1, session.T)
        self.timestep.setValue(t)
        self.timestep.blockSignals(False)
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(format_inspection(inspect_step(session, t, self.sequence)))
        if self.pinned is None and session.phase is Phase.BACKWARD:
            self.browser.scrollToAnchor("backward")  # following the backward pass: its equations in view
        else:
            self.browser.verticalScrollBar().setValue(scroll)
