"""File > Export's data items: the weights in torch's layout, offered for a cell torch has."""

import pytest
from PySide6 import QtWidgets

from unrolled.engine.torch_layout import torch_shapes
from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.dialogs.export_dialog import WEIGHTS, ExportDialog

safetensors_numpy = pytest.importorskip("safetensors.numpy")


@pytest.fixture
def dialog_for(qtbot):
    def make(**config) -> ExportDialog:
        window = QtWidgets.QWidget()
        qtbot.addWidget(window)
        dialog = ExportDialog(Session(Config(timesteps=3, **config)), window)
        qtbot.addWidget(dialog)
        return dialog

    return make


def test_the_weights_export_as_safetensors_in_torchs_layout(dialog_for, tmp_path):
    dialog = dialog_for(cell="gru")
    dialog.figure.setCurrentIndex(dialog.figure.findData(WEIGHTS))
    assert dialog.suggested_name() == "weights.safetensors"
    assert not dialog.copy_button.isEnabled() and not dialog.format.isEnabled()
    assert dialog.pixels.text() == "data, not a picture"
    path = dialog.export_to(tmp_path / "w.safetensors")
    loaded = safetensors_numpy.load_file(str(path))
    assert {name: value.shape for name, value in loaded.items()} == torch_shapes(dialog.session.net)


def test_a_network_torch_lacks_is_not_offered_in_its_layout(dialog_for):
    assert dialog_for(cell="rnn", activation="sigmoid").figure.findData(WEIGHTS) == -1
