import pytest
from PySide6 import QtCore, QtWidgets

from unrolled.session.config import Config

from support.state_dicts import save_model_and_data

# field -> a different valid value (under a task that does not lock it)
ALTERNATIVES = {
    "cell": "gru", "activation": "relu", "timesteps": 9, "n_hidden": 12, "batch_size": 3,
    "rho": 1.25, "seed": 7, "optimiser": "adam", "learning_rate": 0.05, "clipping": "norm",
    "clip_threshold": 2.5, "n_features": 9, "momentum": 0.5, "forget_bias": 2.0, "task": "adding-problem",
    "layers": 3, "bidirectional": True,
}
BASE = Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one").resolved()
NEEDS = {"forget_bias": {"cell": "lstm"}, "activation": {}, "momentum": {}}


def _expected(name):
    """The alternative value for `name`, compared approximately when it is a float."""
    value = ALTERNATIVES[name]
    return pytest.approx(value) if isinstance(value, float) else value


def set_editor(editor, value):
    if isinstance(editor, QtWidgets.QComboBox):
        editor.setCurrentIndex(editor.findData(value))
    elif isinstance(editor, QtWidgets.QCheckBox):
        editor.setChecked(value)
    else:
        editor.setValue(value)
    editor.window().redraws.run()  # the window's redraw, which the event loop would run next


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_view_changes_the_session(make_window, name):
    window = make_window(BASE.replace(**NEEDS.get(name, {})))
    set_editor(window.model_panel.editors[name], ALTERNATIVES[name])
    assert getattr(window.session.config, name) == _expected(name)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_session_changes_the_view(make_window, name):
    window = make_window(BASE.replace(**NEEDS.get(name, {})))
    window.session.reconfigure(**{name: ALTERNATIVES[name]})
    window.redraws.run()  # the window's redraw, which the event loop would run next
    assert window.model_panel.value_of(name) == _expected(name)


def test_task_choice_locks_fields_and_says_why(make_window):
    window = make_window()
    panel = window.model_panel
    set_editor(panel.editors["task"], "adding-problem")
    assert window.session.config.n_features == 2 and window.session.config.loss == "mse"
    for name in ("n_features", "n_classes", "mode", "loss"):
        assert not panel.editors[name].isEnabled()
        assert "Fixed:" in panel.editors[name].toolTip()
    assert "Fixed by the task" in panel.task_description.text()
    set_editor(panel.editors["task"], "toxic-word")
    assert panel.editors["n_features"].isEnabled()


def test_a_refused_change_explains_and_loses_nothing(make_window):
    window = make_window(BASE.replace(task="shapes-by-row", n_features=8, n_classes=3, timesteps=8))
    window.session.step()
    panel = window.model_panel
    panel.editors["timesteps"].setValue(3)  # shapes-by-row needs T >= 6
    assert panel.error.isVisible() and "T >= 6" in panel.error.text()
    assert window.session.config.timesteps == 8 and window.session.position == 1
    assert panel.editors["timesteps"].value() == 8


def test_a_huge_size_asks_first(make_window):
    window = make_window(BASE)
    asked = []
    window.model_panel.confirm = lambda question: asked.append(question) or False
    window.model_panel.apply({"timesteps": 5000, "n_hidden": 1024, "batch_size": 64})
    assert asked and "GB" in asked[0]
    assert window.session.config.timesteps == BASE.timesteps
    assert window.model_panel.editors["timesteps"].value() == BASE.timesteps


def test_spin_boxes_refuse_impossible_values(make_window):
    window = make_window()
    editor = window.model_panel.editors["n_hidden"]
    editor.setValue(0)
    window.redraws.run()
    assert editor.value() == 1
    editor.setValue(10**6)
    window.redraws.run()
    assert editor.value() == 1024


def test_enter_in_a_field_gives_the_keyboard_back_to_stepping(qtbot, make_window):
    from PySide6 import QtCore

    window = make_window(BASE)
    editor = window.model_panel.editors["n_hidden"]
    editor.setFocus()
    editor.lineEdit().selectAll()
    qtbot.keyClicks(editor.lineEdit(), "12")
    qtbot.keyClick(editor.lineEdit(), QtCore.Qt.Key.Key_Return)
    assert window.session.config.n_hidden == 12
    assert window.diagram.hasFocus()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_Right)
    assert window.session.position == 1


def test_a_large_network_is_built_in_a_worker_while_the_window_stays_live(qtbot, make_window, monkeypatch):
    from unrolled.ui.panels import model_panel

    window = make_window()
    monkeypatch.setattr(model_panel, "HEAVY_D", 16)
    ticks = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(1)
    assert window.model_panel.apply({"n_hidden": 64})
    timer.stop()
    assert window.session.config.n_hidden == 64 and window.session.net.params["U1"].shape == (64, 64)
    assert ticks, "the event loop ran while the network was built"
    assert not window.model_panel.apply({"n_hidden": 64, "timesteps": 0})  # a refusal still says why
    assert window.session.config.n_hidden == 64


@pytest.mark.parametrize("name, typed, words", [
    ("timesteps", "99999", "got 99999, expected 1 to"),
    ("n_hidden", "0", "got 0, expected 1 to"),
    ("learning_rate", "1000", "got 1000"),
    ("layers", "0", "Layers: got 0, expected a whole number from 1 to 8"),
    ("layers", "9", "Layers: got 9, expected a whole number from 1 to 8"),
    ("layers", "2.5", "Layers: got 2.5, expected a whole number from 1 to 8"),
    ("layers", "2.0", "Layers: got 2.0, expected a whole number from 1 to 8"),
])
def test_a_typed_number_out_of_range_is_refused_out_loud(make_window, qtbot, name, typed, words):
    """Qt's spin boxes drop the keystroke that leaves the range (99999 became 9999 without a
    word); the panel lets the number through to be refused with the config's own message."""
    window = make_window(BASE)
    before = getattr(window.session.config, name)
    box = window.model_panel.editors[name]
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), typed)
    assert box.lineEdit().text().startswith(typed)  # nothing dropped while typing
    qtbot.keyClick(box.lineEdit(), QtCore.Qt.Key.Key_Return)
    panel = window.model_panel
    assert panel.error.isVisibleTo(window) and words in panel.error.text()
    assert getattr(window.session.config, name) == before
    assert panel.value_of(name) == pytest.approx(before)


def test_a_number_typed_in_e_notation_is_read_whole(make_window, qtbot):
    """1e3 into D was 13 (the e dropped): it is 1000, or refused out loud if out of range."""
    window = make_window(BASE)
    box = window.model_panel.editors["n_hidden"]
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "1e2")
    qtbot.keyClick(box.lineEdit(), QtCore.Qt.Key.Key_Return)
    assert window.session.config.n_hidden == 100
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "1e9")
    qtbot.keyClick(box.lineEdit(), QtCore.Qt.Key.Key_Return)
    assert window.session.config.n_hidden == 100
    assert "got 1000000000" in window.model_panel.error.text()


def test_a_field_the_cell_does_not_use_says_so_instead_of_a_stale_value(qtbot, make_window):
    """After the IRNN preset (a relu RNN), an LSTM showed "Activation (fixed): relu"."""
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("irnn-adding").config)
    panel = window.model_panel
    assert window.session.config.activation == "relu"
    assert panel.editors["activation"].isVisible() and panel.value_of("activation") == "relu"
    assert not panel.unused["activation"].isVisible()
    assert panel.unused["forget_bias"].isVisible()
    assert panel.unused["forget_bias"].text() == "not used by the vanilla RNN"
    set_editor(panel.editors["cell"], "lstm")
    assert window.session.config.cell == "lstm"
    assert not panel.editors["activation"].isVisible()
    assert panel.unused["activation"].isVisible() and panel.unused["activation"].text() == "not used by the LSTM"
    assert panel.labels["activation"].text() == "Activation"  # not "(fixed)" beside a value that means nothing
    assert "relu" not in panel.unused["activation"].text()
    assert panel.editors["forget_bias"].isVisible() and panel.editors["forget_bias"].isEnabled()
    set_editor(panel.editors["cell"], "rnn")
    assert panel.editors["activation"].isVisible() and panel.editors["activation"].isEnabled()


def test_momentum_says_adam_does_not_use_it(make_window):
    window = make_window(BASE)
    panel = window.model_panel
    set_editor(panel.editors["optimiser"], "adam")
    assert panel.unused["momentum"].isVisible() and panel.unused["momentum"].text() == "not used by Adam"
    set_editor(panel.editors["optimiser"], "sgd")
    assert panel.editors["momentum"].isVisible()


def test_layers_and_direction_have_their_fields_with_tooltips(make_window):
    window = make_window(BASE)
    panel = window.model_panel
    layers, bidirectional = panel.editors["layers"], panel.editors["bidirectional"]
    assert isinstance(layers, QtWidgets.QSpinBox) and (layers.minimum(), layers.maximum()) == (1, 8)
    assert isinstance(bidirectional, QtWidgets.QCheckBox) and not bidirectional.isChecked()
    assert "num_layers" in layers.toolTip() and "t = T down to 1" in bidirectional.toolTip()
    assert panel.labels["layers"].toolTip() == layers.toolTip()


def test_a_deep_bidirectional_network_from_the_fields_steps_every_layer(make_window):
    window = make_window(BASE)
    panel = window.model_panel
    set_editor(panel.editors["layers"], 2)
    set_editor(panel.editors["bidirectional"], True)
    session = window.session
    assert (session.config.layers, session.config.bidirectional) == (2, True)
    D = session.config.n_hidden
    assert session.net.params["W1_l1_reverse"].shape == (2 * D, D)
    assert session.steps_per_iteration == 2 * (2 * 2 * session.T) + 2
    assert f"W2 [2D, C] = [{2 * D}, {session.config.n_classes}]" in panel.shapes.text()
    assert f"layers 2..2: W1 [2D, D] = [{2 * D}, {D}]" in panel.shapes.text()
    assert "4 cells, each its own weights" in panel.shapes.text()
    set_editor(panel.editors["bidirectional"], False)
    assert session.config.bidirectional is False and session.net.directions == 1


def test_a_refused_depth_loses_nothing(make_window):
    window = make_window(BASE.replace(layers=2))
    window.session.step()
    panel = window.model_panel
    for changes, words in (({"layers": 9}, "Layers: got 9, expected a whole number from 1 to 8"),
                           ({"layers": "two"}, "Layers: got 'two', expected a whole number from 1 to 8"),
                           ({"layers": 2.0}, "Layers: got 2.0, expected a whole number from 1 to 8"),
                           ({"bidirectional": "yes"}, "Bidirectional: got 'yes', expected true or false"),
                           ({"bidirectional": 1}, "Bidirectional: got 1, expected true or false"),
                           ({"layers": 3, "bidirectional": "yes"}, "Bidirectional: got 'yes'")):
        assert not panel.apply(changes)
        assert words in panel.error.text()
        assert window.session.config.layers == 2 and window.session.position == 1
        assert panel.value_of("layers") == 2 and panel.value_of("bidirectional") is False


def opened_model(make_window, tmp_path, targets):
    """A window on a model of its own and its data (`save_model_and_data`), opened through
    File > Open weights and drawn."""
    save_model_and_data(tmp_path, targets)
    window = make_window()
    assert window.files.open_weights(str(tmp_path / "m.npz"), str(tmp_path / "d.npz"))
    window.redraws.run()
    return window


def test_an_opened_model_says_what_it_is_and_disables_what_cannot_apply(make_window, tmp_path):
    window = opened_model(make_window, tmp_path, "real")
    panel = window.model_panel
    text = panel.task_description.text()
    assert "Your model</b>: m.npz" in text and "d.npz: 5 sequences of T = 6" in text
    assert "Targets: Y of d.npz (real values: MSE)" in text and "POS" not in text
    assert panel._places["task"].currentIndex() == 1 and panel.unused["task"].text() == "your model: m.npz"
    assert "replace a task" in panel.unused["task"].toolTip()
    for name in ("task", "init", "forget_bias", "seed", "n_hidden", "timesteps", "loss"):
        assert not panel.editors[name].isEnabled(), name
        assert "Fixed:" in panel.editors[name].toolTip(), name
    assert "the input comes from d.npz" in panel.editors["seed"].toolTip()
    assert panel.unused["init"].text() == "from m.npz" and panel.unused["forget_bias"].text() == "from m.npz"
    assert panel.editors["rho"].specialValueText() == "as in the file" and "file's own U" in panel.editors[
        "rho"].toolTip()
    for name in ("learning_rate", "batch_size", "rho", "truncation"):
        assert panel.editors[name].isEnabled(), name
    buttons = panel.sample_view
    assert not buttons.new_seed.isEnabled() and "the input from d.npz" in buttons.new_seed.toolTip()
    assert "The next samples of d.npz" in buttons.new_sample.toolTip()


def test_an_opened_model_without_data_says_its_input_is_random(make_window, tmp_path):
    save_model_and_data(tmp_path, None)
    window = make_window()
    panel = window.model_panel
    assert window.files.open_weights(str(tmp_path / "m.npz"))
    window.redraws.run()
    text = panel.task_description.text()
    assert "Input: random input of the model's shape (T = 8)" in text
    assert "Targets: the model's own predictions" in text
    assert panel.editors["seed"].isEnabled() and panel.editors["timesteps"].isEnabled()
    assert panel.sample_view.new_seed.isEnabled() and "fresh random input" in panel.sample_view.new_seed.toolTip()
    set_editor(panel.editors["timesteps"], 5)
    assert window.session.config.timesteps == 5 and "(T = 5)" in panel.task_description.text()


def test_carry_state_view_to_model_and_model_to_view(make_window, tmp_path):
    path = tmp_path / "cat.txt"
    path.write_text("the cat sat on the mat. " * 20, encoding="utf-8")
    window = make_window(Config(task="char-lm", text=str(path), timesteps=8, n_hidden=4, seed=1).resolved())
    box = window.model_panel.editors["carry_state"]
    assert box.isEnabled() and box.isChecked()  # char-lm in one direction carries by default
    assert "previous window's final h" in box.toolTip()
    set_editor(box, False)
    assert window.session.config.carry_state is False and not window.session.config.carries_state
    set_editor(box, True)  # back to the task's default, which follows the direction
    assert window.session.config.carry_state is None and window.session.config.carries_state
    window.session.reconfigure(carry_state=False)
    window.redraws.run()
    assert not box.isChecked()
    window.session.reconfigure(carry_state=None, bidirectional=True)
    window.redraws.run()
    assert not box.isEnabled() and not box.isChecked()
    assert "a bidirectional network cannot carry a state" in box.toolTip()


def test_carry_state_is_fixed_for_a_task_without_a_text(make_window):
    window = make_window(BASE)
    box = window.model_panel.editors["carry_state"]
    assert not box.isEnabled() and not box.isChecked()
    assert "only the task char-lm carries a state" in box.toolTip()


def test_an_opened_model_without_y_lets_the_loss_and_the_mode_be_chosen(make_window, tmp_path):
    window = opened_model(make_window, tmp_path, None)
    panel = window.model_panel
    for name in ("loss", "mode"):
        assert panel.editors[name].isEnabled() and "Fixed:" not in panel.editors[name].toolTip(), name
    set_editor(panel.editors["loss"], "mse")
    set_editor(panel.editors["mode"], "many-to-one")
    assert window.session.config.loss == "mse" and window.session.config.mode == "many-to-one"
    assert window.session.Y.shape == (1, 2) and window.session.Y.dtype.kind == "f"  # its own values at t = T


def test_an_opened_model_with_y_keeps_the_loss_and_the_mode_the_targets_fix(make_window, tmp_path):
    window = opened_model(make_window, tmp_path, "classes")
    panel = window.model_panel
    for name in ("loss", "mode"):
        assert not panel.editors[name].isEnabled() and "the targets Y of d.npz" in panel.editors[name].toolTip()


def test_a_text_of_ones_own_is_named_in_the_task_box_with_its_own_vocabulary(make_window, tmp_path):
    path = tmp_path / "cat.txt"
    path.write_text("the cat sat on the mat. " * 20, encoding="utf-8")
    window = make_window(Config(task="char-lm", text=str(path), timesteps=8, n_hidden=4, seed=1).resolved())
    text = window.model_panel.task_description.text()
    assert "cat.txt" in text and f"({window.session.config.n_features})" in text
    assert "standard library" not in text
