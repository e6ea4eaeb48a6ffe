"""The Text panel: the current sample's sequence shown as text (a char-lm window's characters,
a sentence's words), each token coloured by one of two things:

- Connectivity: which inputs the prediction at k used, ||d y_k / d x_t||_F for every t <= k
  (Distill's "Visualizing memorization in RNNs"). The pointer over a token previews its k; a
  click, or the k box, chooses it.
- A unit: h_t[unit] (or the LSTM's c_t[unit]) of a chosen layer, as the forward pass has
  computed it so far (the units that track quotes or line length, Karpathy 2015). For a
  text, the units ranked by how closely they follow a property of it (`UnitRanking`); a
  click on one colours by it.

The window's redraw throttle calls `refresh` while the panel is seen; a control changed
here recolours from what the session holds (the connectivity row of a k is computed once
per weights version and sample)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6 import QtWidgets

from ...engine import cell_class
from ...session.connectivity import prediction_steps, reads_ahead, session_connectivity_row
from ...session.events import Change
from ...session.stepper import Session
from ...session.unit_activations import Unit, has_text
from .. import theme
from ..plots.coloured_text import ColourBar, ColouredText
from ..plots.layer_choice import LayerChoice
from ..plots.text_colours import (
    connectivity_scale,
    connectivity_table,
    connectivity_values,
    decade_ticks,
    sequence_tokens,
    token_colours,
    unit_scale,
    unit_table,
    unit_values,
    why_no_text,
)
from .unit_ranking import UnitRanking

CONNECTIVITY, UNIT = "connectivity", "unit"
STATE_NAMES = {"h": "h_t", "c": "c_t"}


class TextPanel(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None, busy: Callable[[], bool] = lambda: False):
        """busy(): a training run is going. The row of connectivity shown costs a forward and
        a backward pass of C copies of the sequence (tens of ms for a char-rnn), so while
        the weights change at every iteration the panel keeps the row it has for the same
        sample and k, and computes it again once the run ends."""
        super().__init__(parent)
        self.session = session
        self._busy = busy
        self._norms: np.ndarray | None = None  # the connectivity row shown (T,)
        self._norms_of: tuple | None = None  # its (weights version, sample, sequence, k)
        self.theme = theme.THEME
        self.hovered_k = 0  # the prediction under the pointer (1-based), 0 for none
        self.colouring = QtWidgets.QComboBox()
        self.colouring.addItem("Connectivity", CONNECTIVITY)
        self.colouring.addItem("A unit's activation", UNIT)
        self.colouring.setToolTip("Colour each character by the connectivity ||dy_k/dx_t|| of the prediction at k, "
                                  "or by one unit's activation h_t[unit] (or c_t[unit]) at each t")
        self.sequence = _spin(1, 1, "Which sequence of the batch is shown")
        self.k = _spin(1, 1, "The prediction k whose inputs are coloured: every t <= k by ||dy_k/dx_t||. "
                             "The pointer over a character previews its k; a click chooses it")
        self.layer = LayerChoice()
        self.layer.setToolTip("The layer and direction whose unit colours the text")
        self.state = QtWidgets.QComboBox()
        self.state.setToolTip("The state the unit's value is read from: h_t, or the LSTM's cell state c_t")
        self.unit = _spin(1, 1, "The unit (1 to D) whose activation colours each character")
        self.ranking = UnitRanking(session)
        self.bar = ColourBar(self.theme)
        self.readout = QtWidgets.QLabel(" ")
        self.readout.setWordWrap(True)
        self.readout.setToolTip("The value under the pointer")
        self.text = ColouredText(self.theme)
        self.text.setToolTip("The current sample's characters (↵ a newline, · a space). "
                             "Hover or click one to see the inputs its prediction used")
        self.caption = QtWidgets.QLabel()
        self.caption.setWordWrap(True)
        self._build_layout()
        self._k_chosen = False  # until k is chosen, it is the last prediction: the whole window coloured
        self.k.valueChanged.connect(self._on_k_chosen)  # before the recolouring, which syncs k
        self.colouring.currentIndexChanged.connect(self._on_control_changed)
        for box in (self.sequence, self.k, self.unit):
            box.valueChanged.connect(self._on_control_changed)
        self.state.currentIndexChanged.connect(self._on_control_changed)
        self.layer.chosen.connect(self._on_control_changed)
        self.text.hovered.connect(self._on_hovered)
        self.text.clicked.connect(lambda index: self.k.setValue(index + 1))
        self.ranking.unit_chosen.connect(self._on_ranked_unit_chosen)

        self.refresh()

    def _build_layout(self) -> None:
        # short rows: the dock shares a 1366 px projector with the plots, in F5's large font too
        # each control's label takes it to the keyboard with Alt and its underlined letter
        self.k_row = _row(_label("Prediction &k", self.k), self.k)
        self.unit_row = _row(self.layer, self.state, _label("&Unit", self.unit), self.unit)
        self.sequence_label = _label("S&equence", self.sequence)
        top = _row(_label("&Colour by", self.colouring), self.colouring, self.sequence_label, self.sequence)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.body = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in (top, self.k_row, self.unit_row, self.ranking):
            layout.addWidget(part)
        layout.addWidget(self.bar)
        layout.addWidget(self.caption)
        layout.addWidget(self.readout)
        layout.addWidget(scroll, 1)  # the text right below what its colours mean
        self.no_text = QtWidgets.QLabel()  # in the body's place for a task whose inputs are not text
        self.no_text.setWordWrap(True)
        outer = QtWidgets.QVBoxLayout(self)
        outer.addWidget(self.no_text)
        outer.addWidget(self.body, 1)

    def take_choices(self, other: TextPanel) -> None:
        """What was chosen in `other` (the panel this one replaces under a new style)."""
        self._k_chosen = other._k_chosen
        for box, value in ((self.colouring, other.colouring.currentIndex()), (self.state, other.state.currentIndex())):
            box.setCurrentIndex(value)
        for spin, number in ((self.sequence, other.sequence.value()), (self.k, other.k.value()),
                             (self.unit, other.unit.value())):
            spin.setValue(number)
        if other.layer.needed:
            self.layer.choose(other.layer.key)
        self.ranking.property_box.setCurrentIndex(other.ranking.property_box.currentIndex())
        self.ranking.character.setText(other.ranking.character.text())
        self.refresh()

    @property
    def mode(self) -> str:
        return self.colouring.currentData()

    # -- model -> view ------------------------------------------------------------------------
    def refresh(self, change: Change = Change.ALL) -> None:
        """Bring the controls in line with the session's model (T, D, layers) and recolour."""
        reason = why_no_text(self.session)
        self.no_text.setText(reason or "")
        self.no_text.setVisible(reason is not None)
        self.body.setVisible(reason is None)
        if reason is not None:
            return
        self._sync_controls()
        if self.hovered_k not in prediction_steps(self.session):  # another model: a shorter T
            self.hovered_k = 0
        tokens, spaced = sequence_tokens(self.session, self.sequence.value() - 1)
        self.text.set_tokens(tokens, spaced)
        self._recolour()

    def _sync_controls(self) -> None:
        session = self.session
        blocked = [box.blockSignals(True) for box in (self.sequence, self.k, self.unit, self.state)]
        self.sequence.setMaximum(session.X.shape[0])
        for widget in (self.sequence, self.sequence_label):
            widget.setVisible(session.X.shape[0] > 1)
        steps = prediction_steps(session)
        self.k.setRange(steps[0], steps[-1])
        if not self._k_chosen:
            self.k.setValue(steps[-1])
        states = [s for s in cell_class(session.config.cell).state_names if s in STATE_NAMES]
        if [self.state.itemData(i) for i in range(self.state.count())] != states:
            self.state.clear()
            for name in states:
                self.state.addItem(STATE_NAMES[name], name)
        self.state.setVisible(len(states) > 1)
        self.unit.setMaximum(session.config.n_hidden)
        keys = list(session.layer_hidden_states())
        self.layer.sync(keys, 2 if session.config.bidirectional else 1)
        self.layer.setVisible(self.layer.needed)
        for box, was in zip((self.sequence, self.k, self.unit, self.state), blocked):
            box.blockSignals(was)
        self.k_row.setVisible(self.mode == CONNECTIVITY)
        self.unit_row.setVisible(self.mode == UNIT)
        self.ranking.setVisible(self.mode == UNIT and has_text(session))

    def _recolour(self) -> None:
        if self.mode == CONNECTIVITY:
            self._colour_by_connectivity()
        else:
            self._colour_by_unit()

    def _connectivity(self, sequence: int, k: int) -> tuple[np.ndarray, bool]:
        """(row k of the connectivity to show (T,), whether it is of the current weights and
        sample): one backward sweep per weights version, sample and k."""
        key = (self.session.weights_version, self.session.X, sequence, k)
        shown = self._norms_of
        current = shown is not None and shown[0] == key[0] and shown[1] is key[1] and shown[2:] == key[2:]
        same_row = shown is not None and shown[1] is key[1] and shown[2:] == key[2:]
        if self._norms is not None and not current and same_row and self._busy():  # only the weights moved on
            return self._norms, False
        if not current:
            self._norms, self._norms_of = session_connectivity_row(self.session, k, sequence), key
        assert self._norms is not None
        return self._norms, True

    def _colour_by_connectivity(self) -> None:
        sequence = self.sequence.value() - 1
        k = self.hovered_k or self.k.value()
        norms, current = self._connectivity(sequence, k)
        self.caption.setText(f"The prediction at k = {k} (framed) is y_{k}, the logits of the character after it. "
                             "Each character t it can depend on is coloured by ||dy_k/dx_t||: how strongly x_t "
                             "drives that prediction. Point at a character to see its prediction's inputs."
                             + ("" if current else " Training: these are the weights before the run; they are "
                                "coloured again when it stops."))
        self.values = connectivity_values(norms, k, reads_ahead(self.session))
        scale = connectivity_scale(self.values)
        table = connectivity_table()
        self.text.set_colours(token_colours(self.values, scale, table, log10=True), marked=k - 1)
        self.bar.show_scale(table, scale, decade_ticks(scale), f"||dy_{k}/dx_t||")

    def _colour_by_unit(self) -> None:
        state = self.state.currentData() or "h"
        if self.ranking.isVisibleTo(self):  # seen: ranked again when the weights changed
            self.ranking.refresh(state)
        unit = self.unit.value()
        self.values = unit_values(self.session, state, self.layer.key, unit - 1, self.sequence.value() - 1)
        scale = unit_scale(self.session, state, self.values)
        self.caption.setText(f"Each character t is coloured by {state}_t[{unit}], the unit's value after reading it "
                             "(blue below 0, red above); a character the forward pass has not reached yet is not "
                             "coloured." + ("" if np.isfinite(self.values).any() else
                                            " The forward pass has not started: step (Right) to colour the text."))
        table = unit_table()
        self.text.set_colours(token_colours(self.values, scale, table))
        self.bar.show_scale(table, scale, scale.ticks(), f"{state}_t[{unit}]")

    # -- view -> view --------------------------------------------------------------------------
    def _on_control_changed(self, *_) -> None:
        self._sync_controls()
        self.refresh() if self.sender() is self.sequence else self._recolour()

    def _on_ranked_unit_chosen(self, unit: Unit) -> None:
        """Colour by the ranked unit clicked: its layer and direction, and its number."""
        blocked = [widget.blockSignals(True) for widget in (self.layer, self.unit)]
        if self.layer.needed:
            self.layer.choose((unit.layer, unit.direction))
        self.unit.setValue(unit.unit + 1)
        for widget, was in zip((self.layer, self.unit), blocked):
            widget.blockSignals(was)
        self._recolour()  # once, for the layer and the unit together

    def _on_k_chosen(self) -> None:
        self._k_chosen = True

    def _on_hovered(self, index: int) -> None:
        """Preview the prediction under the pointer (connectivity), and say its value."""
        if index < 0:
            self.readout.setText(" ")
        else:
            value = self.values[index] if index < len(self.values) else np.nan
            what = (f"||dy_{self.hovered_k or self.k.value()}/dx_{index + 1}||" if self.mode == CONNECTIVITY
                    else f"{self.state.currentData() or 'h'}_{index + 1}[{self.unit.value()}]")
            shown = "not computed" if np.isnan(value) else f"{value:.3g}"
            self.readout.setText(f"t = {index + 1}: {what} = {shown}")
        if self.mode != CONNECTIVITY:
            return
        k = index + 1 if index >= 0 and index + 1 in prediction_steps(self.session) else 0
        if k != self.hovered_k:
            self.hovered_k = k
            self._recolour()
            if index >= 0:
                self._on_hovered(index)  # the readout of the newly coloured row


def _spin(low: int, high: int, tip: str) -> QtWidgets.QSpinBox:
    box = QtWidgets.QSpinBox()
    box.setRange(low, high)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # typing "12" does not colour by 1 first
    return box


def _label(text: str, buddy: QtWidgets.QWidget) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setBuddy(buddy)
    return label


def _row(*widgets: QtWidgets.QWidget) -> QtWidgets.QWidget:
    row = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return row
