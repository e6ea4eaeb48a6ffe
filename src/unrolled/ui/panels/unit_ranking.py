"""The units that follow a property of the text: a property picker (`PROPERTIES`, with the
character for "a chosen character"), and the top units ranked by |r|, the correlation of
their activation with the property over a stretch of the text (`session.unit_activations`).
A click on a unit emits it (the Text panel then colours the text by it).

The ranking is the session's (no equation here); it costs one forward pass over the stretch
(tens of ms for a char-rnn), so it is computed by `refresh`, which the Text panel calls on
the window's redraw throttle while the ranking is seen, and only when the weights, the
property or the state changed."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...session.stepper import Session
from ...session.unit_activations import (
    DEFAULT_PROPERTY,
    PROPERTIES,
    STRETCH_CHARACTERS,
    Unit,
    rank_units,
    stretch_activations,
    text_property,
)

SHOWN_UNITS = 8  # the top of the ranking: enough to find a unit, few enough for a dock's height
DEFAULT_CHARACTER = " "


class UnitRanking(QtWidgets.QWidget):
    """`unit_chosen(Unit)` when a ranked unit is clicked."""

    unit_chosen = QtCore.Signal(object)

    def __init__(self, session: Session, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.ranking: list[tuple[Unit, float]] = []  # the top units shown, with their r
        self._ranked_of: tuple | None = None  # (session, weights version, property, character, state)
        self._state = "h"
        self.property_box = QtWidgets.QComboBox()
        for name, title in PROPERTIES.items():
            self.property_box.addItem(title, name)
        self.property_box.setCurrentIndex(self.property_box.findData(DEFAULT_PROPERTY))
        self.property_box.setToolTip(f"Rank the units by how closely their activation follows this property of the "
                                 f"text: |r|, the correlation over the first {STRETCH_CHARACTERS} characters")
        self.character = QtWidgets.QLineEdit(DEFAULT_CHARACTER)
        self.character.setFixedWidth(self.character.fontMetrics().horizontalAdvance("MM") + 12)
        self.character.setToolTip("The character whose places the units are ranked against (type one)")
        self.list = QtWidgets.QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Layer", "Direction", "Unit", "r"])
        self.list.setToolTip("The units whose activation follows the property most closely (largest |r|). "
                             "Click one to colour the text by it")
        self.list.setMaximumHeight(self.list.fontMetrics().height() * (SHOWN_UNITS + 3))
        label = QtWidgets.QLabel("&Rank units by")
        label.setBuddy(self.property_box)
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for widget in (label, self.property_box, self.character):
            top.addWidget(widget)
        top.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self.property_box.currentIndexChanged.connect(self._on_property_changed)
        self.character.textEdited.connect(self._on_property_changed)
        self.list.itemClicked.connect(self._on_item_clicked)
        self._sync_character()

    @property
    def chosen_property(self) -> str:
        return self.property_box.currentData()

    def refresh(self, state: str) -> None:
        """Rank again if the weights, the property or the state ("h" or "c") changed."""
        self._state = state
        character = self.character.text() or DEFAULT_CHARACTER
        key = (self.session, self.session.weights_version, self.chosen_property, character, state)
        if self._ranked_of is not None and self._ranked_of[0] is key[0] and self._ranked_of[1:] == key[1:]:
            return
        stretch = stretch_activations(self.session, state=state)
        prop = text_property(stretch.text, self.chosen_property, character)
        self.ranking = rank_units(stretch, prop)[:SHOWN_UNITS]
        self._ranked_of = key
        self._fill()

    def _fill(self) -> None:
        directions = 2 if self.session.config.bidirectional else 1
        self.list.clear()
        for unit, r in self.ranking:
            direction = ("forward", "reverse")[unit.direction] if directions > 1 else "forward"
            item = QtWidgets.QTreeWidgetItem([str(unit.layer + 1), direction, str(unit.unit + 1),
                                              "—" if r != r else f"{r:+.2f}"])
            item.setData(0, QtCore.Qt.ItemDataRole.UserRole, unit)
            self.list.addTopLevelItem(item)

    def _sync_character(self) -> None:
        self.character.setVisible(self.chosen_property == "character")

    # -- view -> view --------------------------------------------------------------------------
    def _on_property_changed(self, *_) -> None:
        if len(self.character.text()) > 1:  # one character: the one typed last replaces it
            self.character.setText(self.character.text()[-1])
        self._sync_character()
        self.refresh(self._state)  # a choice here: ranked at once

    def _on_item_clicked(self, item: QtWidgets.QTreeWidgetItem) -> None:
        self.unit_chosen.emit(item.data(0, QtCore.Qt.ItemDataRole.UserRole))
