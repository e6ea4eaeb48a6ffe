"""Which layer and direction of a stack a view shows: a combo box ("layer 1 forward",
"layer 1 reverse", ...), the top layer by default, hidden for one layer in one direction.
The choice is kept while the layers stay (stepping, a new iteration, a new sample)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...engine.stack_traces import Key
from ...session.figure_data import layer_label


def top_layer(keys: list[Key]) -> Key:
    """The top layer's forward direction: the one the readout reads (first)."""
    return max(keys, key=lambda key: (key[0], -key[1]))


class LayerChoice(QtWidgets.QComboBox):
    """`chosen` is emitted when the lecturer picks another layer (not when the list is
    filled or the model picks one)."""

    chosen = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setToolTip("The layer and direction whose hidden states, cell states and gates are shown")
        self.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._keys: list[Key] = []
        self._key: Key | None = None  # None until the first stack is offered
        self.activated.connect(self._on_activated)

    @property
    def key(self) -> Key:
        """(layer, direction) shown, layer from 0; (0, 0) for one layer."""
        return (0, 0) if self._key is None else self._key

    @property
    def needed(self) -> bool:
        """Whether there is a choice: more than one layer or direction."""
        return len(self._keys) > 1

    def sync(self, keys: list[Key], directions: int) -> None:
        """Offer `keys`, keeping the one chosen while it is still there (else the top layer)."""
        if keys == self._keys:
            return
        self._keys = list(keys)
        if self._key is None or self._key not in keys:
            self._key = top_layer(keys)
        blocked = self.blockSignals(True)
        self.clear()
        for key in keys:
            self.addItem(layer_label(key, directions, both=True), key)
        self.setCurrentIndex(keys.index(self.key))
        self.blockSignals(blocked)
        self.adjustSize()

    def prefer(self, key: Key) -> None:
        """Show `key` once the list is offered, if it is there (views built again)."""
        self._key = tuple(key)  # type: ignore[assignment]  # (layer, direction)

    def choose(self, key: Key) -> None:
        """Show `key`, as a pick in the list would."""
        self.setCurrentIndex(self._keys.index(key))
        self._on_activated(self.currentIndex())

    def _on_activated(self, index: int) -> None:
        key = self.itemData(index)
        if key is not None and tuple(key) != self._key:
            self._key = tuple(key)
            self.chosen.emit()
