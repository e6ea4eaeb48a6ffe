"""File > Open weights: a trained PyTorch model and its data open in the window, every view
drawing them; a bad file is one line in a warning and the open session stays; and
`unrolled.view(model, X, Y)` opens the window from Python, `import unrolled` loading no Qt."""

import subprocess
import sys

import numpy as np
import pytest
from PySide6 import QtWidgets

import unrolled

torch = pytest.importorskip("torch")
from support.torch_models import make_model, save_state  # noqa: E402


@pytest.fixture
def language_model(tmp_path):
    # one layer: a stack's overflow watch in the window is fixed on the branch depthgrid (78b9132)
    model = make_model(seed=3, cell="lstm", F=6, D=5, C=11, layers=1, V=11, names=("encoder", "rnn", "decoder"))
    save_state(model, tmp_path / "lm.pt")
    X = np.random.default_rng(0).integers(0, 11, (4, 7))
    np.savez(tmp_path / "lm.npz", X=X, Y=np.roll(X, -1, axis=1))
    return model, tmp_path / "lm.pt", tmp_path / "lm.npz"


def test_open_weights_steps_the_models_bptt_in_every_view(make_window, language_model, tmp_path):
    model, weights, data = language_model
    window = make_window()
    assert window.files.act_open_weights in window.menus[0].actions()
    assert window.files.open_weights(str(weights), str(data))
    session = window.session
    assert session.own_model is not None and session.config.n_classes == 11
    session.advance(session.steps_to("iteration") - 1)  # forward, loss and backward: every plot has data
    window.redraw()
    image = window.grab().toImage()
    assert image.width() > 0 and window.windowTitle() == "unrolled: lm.pt on lm.npz"
    assert window.status.notice.text() == "Opened lm.pt on lm.npz"
    np.testing.assert_array_equal(session.net.params["E"], model.encoder.weight.detach().numpy())
    assert np.all(np.isfinite(session.bwd.grads["E"]))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("transformer.safetensors", None, "holds no nn.RNN, nn.LSTM or nn.GRU"),
    ("broken.pt", b"not a pickle", "broken.pt is not a PyTorch file: torch.save writes"),
])
def test_a_bad_file_is_one_line_and_the_open_session_stays(make_window, tmp_path, monkeypatch, name, content,
                                                          message):
    from safetensors.numpy import save_file

    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    path = tmp_path / name
    if content is None:
        save_file({"encoder.layers.0.attn.weight": np.zeros((2, 2))}, path)
    else:
        path.write_bytes(content)
    window = make_window()
    window.session.advance(3)
    before = window.session.config
    assert not window.files.open_weights(str(path))
    first, _, rest = warnings[0].partition("\n\n")
    assert message in first and "\n" not in first and rest == "The open session is unchanged."
    assert window.session.config == before and window.session.position == 3


def test_view_opens_the_window_on_a_module_and_returns_it(qtbot, monkeypatch, language_model):
    model, _, _ = language_model
    monkeypatch.setattr(unrolled, "_event_loop_runs", lambda: True)  # as under IPython's %gui qt
    X = np.random.default_rng(1).integers(0, 11, (3, 5))
    window = unrolled.view(model, X, batch=2)
    qtbot.addWidget(window)
    assert window.isVisible() and window.session.X.shape == (2, 5, 1)
    assert "no Y: the targets are the model's own predictions" in window.windowTitle()
    assert window.windowTitle().startswith("unrolled: the model (UserModel) (")


def test_import_unrolled_loads_neither_qt_nor_numpy():
    code = "import sys, unrolled; print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'numpy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_run_check_against_pytorch_reports_every_parameter_under_1e_8(make_window, language_model, monkeypatch):
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", lambda box: shown.append(box.detailedText()))
    monkeypatch.setattr(QtWidgets.QMessageBox, "information", lambda *a: shown.append(a[2]))
    _, weights, data = language_model
    window = make_window()
    assert window.files.act_torch_check in window.menus[1].actions()
    window.files.act_torch_check.trigger()
    assert shown == ["only a model opened from PyTorch weights (--weights) is checked against torch"]
    assert window.files.open_weights(str(weights), str(data), batch=3)
    window.files.act_torch_check.trigger()
    rows = {line.split()[0]: float(line.split()[1]) for line in shown[-1].splitlines()[:-1]}
    assert {"loss", "encoder.weight", "rnn.weight_hh_l0", "decoder.weight"} <= set(rows)
    assert max(rows.values()) < 1e-8


def test_compare_on_opened_weights_after_a_preset_rescales_their_u_instead_of_the_presets_cell(make_window, tmp_path,
                                                                                              monkeypatch):
    from support.state_dicts import save_model_and_data

    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    window = make_window()
    assert window.presets.open_preset("adding-problem")  # suggests B = a tanh RNN
    assert window.files.open_weights(*map(str, save_model_and_data(tmp_path, "real")))
    window.open_compare()
    comparison = window.compare_window.comparison
    assert not warnings and comparison.changes == {"rho": 1.0} and comparison.a.own_model is not None


def test_a_window_made_on_an_opened_model_names_its_files_in_the_title_as_open_weights_does(qtbot, language_model):
    # `unrolled --weights lm.pt --data lm.npz` makes its window this way: MainWindow(session)
    from unrolled.session.stepper import Session
    from unrolled.ui.window.main_window import MainWindow

    _, weights, data = language_model
    window = MainWindow(Session.from_torch(weights, data))
    qtbot.addWidget(window)
    assert window.windowTitle() == "unrolled: lm.pt on lm.npz"
    random = MainWindow(Session.from_torch(weights))
    qtbot.addWidget(random)
    assert random.windowTitle().startswith("unrolled: lm.pt (No data given: a random input")
    assert "No data given" in random.status.notice.text()


def test_the_banner_for_weights_nan_in_the_file_says_so_instead_of_advising_a_lower_rho(qtbot, tmp_path):
    from unrolled.session.stepper import Session
    from unrolled.ui.window.main_window import MainWindow

    state = make_model(cell="gru", F=2, D=3, C=2).state_dict()
    state["rnn.weight_hh_l0"][0, 0] = float("nan")
    torch.save(state, tmp_path / "nan.pt")
    window = MainWindow(Session.from_torch(tmp_path / "nan.pt"))
    qtbot.addWidget(window)
    window.show()
    window.session.advance(3)
    window.redraws.run()
    text = window.status.banner.text()
    assert "were nan or inf in nan.pt itself (rnn.weight_hh_l0)" in text and "Lower rho" not in text


def test_open_weights_looks_in_the_current_folder_then_in_the_open_models(make_window, language_model, tmp_path,
                                                                           monkeypatch):
    _, weights, data = language_model
    folders = []

    def chosen(parent, title, folder, filters):
        folders.append(folder)
        return "", ""

    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", chosen)
    monkeypatch.chdir(tmp_path.parent)
    window = make_window()
    window.files.open_weights_dialog()
    assert window.files.open_weights(str(weights), str(data))
    window.files.open_weights_dialog()
    assert folders == [str(tmp_path.parent), str(tmp_path)]
