"""The table, categories 6 and 7: the model panel's input, and exploded models in every
view; plus opening a session while training. pytest-qt fails a test on any exception that
escapes into Qt (a slot, a paint, a timer), so "no exception" is checked by every row."""

from __future__ import annotations

import json
import re
import sys
import warnings

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from unrolled.engine import with_spectral_radius
from unrolled.session.config import Config
from unrolled.session.files import save_session
from unrolled.session.stepper import Session
from unrolled.ui.panels.model_panel import ModelPanel
from unrolled.ui.window.main_window import MainWindow

BIG = {"timesteps": 5000, "n_hidden": 1024, "batch_size": 512}


pytestmark = pytest.mark.usefixtures("qapp")  # every row is a Qt test (tests/conftest.py's leak check)


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch):
    """A modal dialog would wait for a user: record what it would have said."""
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    return shown


def _panel(qtbot, answer: bool = True):
    session = Session()
    session.advance(3)
    questions = []
    panel = ModelPanel(session, confirm=lambda q: questions.append(q) or answer)
    qtbot.addWidget(panel)
    panel.show()
    return session, panel, questions


def _config_unchanged(session, before):
    assert (session.config, session.position, session.iteration) == before


# (changes the panel is asked to apply, fragments of the error it shows)
PANEL_ROWS = [
    ({"n_hidden": 0}, ["D (hidden units)", "got 0", "1 to 1024"]),
    ({"timesteps": 5001}, ["T (timesteps)", "got 5001", "1 to 5000"]),
    ({"task": "nope"}, ["Task", "'nope'", "pos-tagging"]),
    ({"cell": "cnn"}, ["Cell", "'cnn'", "rnn, lstm, gru"]),
    ({"rho": float("nan")}, ["rho(U)", "nan", "finite"]),
    ({"learning_rate": float("inf")}, ["Learning rate", "inf", "finite"]),
    ({"n_features": 3}, ["F (features)", "3"]),
    ({"mode": "many-to-one"}, ["Mode", "many-to-one"]),
    ({"hidden": 8}, ["hidden", "no such setting", "n_hidden"]),
    ({"notes": 5}, ["notes", "text"]),
    (BIG, ["not enough memory", "GB"]),
]


@pytest.mark.parametrize("changes,fragments", PANEL_ROWS, ids=[str(c)[:40] for c, _ in PANEL_ROWS])
def test_the_model_panel_refuses_and_shows_why(qtbot, changes, fragments):
    session, panel, _ = _panel(qtbot)
    before = (session.config, session.position, session.iteration)
    assert panel.apply(changes) is False
    _config_unchanged(session, before)
    text = panel.error.text()
    assert panel.error.isVisibleTo(panel) and text.startswith("Not applied.")
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    assert panel.value_of("n_hidden") == session.config.n_hidden  # the form shows the session again
    assert panel.apply({"n_hidden": 9}) and not panel.error.isVisibleTo(panel)  # and the next edit works


def test_sizes_beyond_a_gigabyte_ask_first_and_no_keeps_everything(qtbot):
    session, panel, questions = _panel(qtbot, answer=False)
    before = (session.config, session.position, session.iteration)
    assert panel.apply(BIG) is False
    assert questions and "GB" in questions[0]
    _config_unchanged(session, before)
    assert not panel.error.isVisibleTo(panel)


# (field, text typed into its box, then Enter)
TYPED_ROWS = [
    ("timesteps", "abc"), ("timesteps", "-5"), ("n_hidden", "99999"), ("batch_size", "0"),
    ("learning_rate", "1e9"), ("rho", "nan"), ("seed", "-1"), ("clip_threshold", "inf"),
]


@pytest.mark.parametrize("name,typed", TYPED_ROWS, ids=[f"{n}={t}" for n, t in TYPED_ROWS])
def test_typing_nonsense_into_a_box_never_leaves_the_allowed_range(qtbot, name, typed):
    from unrolled.session.config import FIELDS

    session, panel, _ = _panel(qtbot)
    box = panel.editors[name]
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), typed)
    qtbot.keyClick(box.lineEdit(), QtCore.Qt.Key.Key_Return)
    box.clearFocus()
    value = getattr(session.config, name)
    spec = FIELDS[name]
    assert spec.minimum <= value <= spec.maximum and np.isfinite(value)
    assert panel.value_of(name) == value and not session.config.problems()


# -- exploded models in every view ----------------------------------------------------
@pytest.fixture
def escaped(monkeypatch):
    """Every exception that escapes into Qt's event loop (a slot, a timer, a paint), as the
    app's excepthook would see it; the row raises the first at its end."""
    caught: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: caught.append(value))
    return caught


def _window(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.theory_dock.show()
    window.training_dock.show()
    return window


def _drive(qtbot, window, escaped, iterations=5):
    """What a lecturer does: step, finish a phase, run iterations, train, step back; no
    exception may escape into Qt. If one does, the window is closed quietly and the row
    raises it, so the failure is the row's and not its teardown's."""
    try:
        texts = _lecture(qtbot, window, iterations)
        if escaped:
            raise escaped[0]
        return texts
    except BaseException:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            window.transport.stop()
            window.close()
            QtWidgets.QApplication.processEvents()
        raise


def _lecture(qtbot, window, iterations):
    for _ in range(3):
        window.transport.step()
    window.transport.run_to("phase")
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20_000)
    window.transport.run_to("iteration")
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20_000)
    window.training_panel.iterations.setValue(iterations)
    window.train()
    qtbot.waitUntil(lambda: not window.training.busy, timeout=30_000)
    window.transport.step()
    window.transport.step_back()
    window.redraw()
    window.theory_panel.recompute()
    window.theory_panel.wait_for_workers()
    QtWidgets.QApplication.processEvents()
    texts = [window.status.phase.text(), window.status.loss.text(), window.status.ratio.text(),
             window.theory_panel.numbers.text(), window.training_panel.message.text()]
    assert all(isinstance(t, str) for t in texts)
    slider = window.theory_panel.rho_slider
    assert slider.minimum() <= slider.value() <= slider.maximum()
    return texts



def _exploded(config, marks=()):
    return pytest.param(config, marks=marks,
                        id=f"{config.task}-{config.cell}-{config.activation}-T{config.timesteps}-rho{config.rho:g}")


EXPLODED = [
    _exploded(Config(activation="relu", rho=3.0)),
    _exploded(Config(activation="relu", rho=3.0, timesteps=600)),
    _exploded(Config(activation="relu", rho=3.0, timesteps=600, task="adding-problem").resolved()),
    _exploded(Config(activation="linear", rho=3.0, timesteps=600, task="adding-problem").resolved()),
    _exploded(Config(activation="linear", rho=3.0, timesteps=600)),
    _exploded(Config(cell="lstm", rho=10.0, forget_bias=10.0, timesteps=100)),
    _exploded(Config(cell="gru", rho=10.0, timesteps=100, learning_rate=100.0)),
]


@pytest.mark.slow
@pytest.mark.qt_no_exception_capture
@pytest.mark.parametrize("config", EXPLODED)
def test_an_exploding_model_breaks_no_view(qtbot, escaped, config):
    window = _window(qtbot, Session(config))
    _drive(qtbot, window, escaped)


@pytest.mark.slow
@pytest.mark.qt_no_exception_capture
@pytest.mark.parametrize("scale", [1e300, 1e150, -1e300])
def test_a_session_with_blown_up_weights_opens_and_steps(qtbot, escaped, tmp_path, scale):
    """Weights of 1e300 are finite, so a file may hold them: every view copes."""
    source = Session(Config(activation="linear", timesteps=20))
    json_path, npz_path = save_session(source, tmp_path / "blown.json")
    arrays = dict(np.load(npz_path))
    arrays["param.U1"] = arrays["param.U1"] * scale
    arrays["param.W2"] = arrays["param.W2"] * scale
    np.savez(npz_path, **arrays)
    document = json.loads(json_path.read_text())
    del document["weights_sha256"]
    json_path.write_text(json.dumps(document))
    window = _window(qtbot, Session())
    assert window.files.open_session(str(json_path))
    _drive(qtbot, window, escaped, iterations=2)


@pytest.mark.slow
@pytest.mark.qt_no_exception_capture
@pytest.mark.parametrize("rho", [1e300, 1e-300, 3e7])
def test_rescaling_u_to_extreme_radii_breaks_no_view(qtbot, escaped, rho):
    window = _window(qtbot, Session(Config(activation="relu", timesteps=30)))
    session = window.session
    # set_spectral_radius keeps rho within the config's range (a saved file must reopen), so
    # radii beyond it are given as weights
    session.set_weights({name: with_spectral_radius(session.net.params[name], rho)
                         for name in session.net.recurrent_param_names()})
    _drive(qtbot, window, escaped, iterations=2)


# -- opening a session while training ------------------------------------------------
@pytest.fixture
def training_window(qtbot, tmp_path):
    saved = Session()
    saved.run_iteration()
    saved.advance(7)
    json_path, _ = save_session(saved, tmp_path / "lecture.json")
    window = _window(qtbot, Session(Config(timesteps=200)))
    window.training_panel.iterations.setValue(100_000)
    window.train()
    qtbot.waitUntil(lambda: len(window.training_panel.trainer.steps) >= 2, timeout=20_000)
    assert window.training.busy
    return window, json_path, (saved.iteration, saved.position)


def test_opening_a_session_while_training_keeps_its_saved_step(qtbot, training_window):
    window, path, (iteration, position) = training_window
    assert window.files.open_session(str(path))
    assert not window.training.busy
    assert window.training_panel.train_button.isEnabled()
    assert (window.session.iteration, window.session.position) == (iteration, position)
    history = len(window.session.history)
    for _ in range(20):  # a training chunk is a zero-interval timer: it would have run by now
        QtWidgets.QApplication.processEvents()
    assert (window.session.iteration, window.session.position, len(window.session.history)) == (
        iteration, position, history)


def test_opening_a_session_stops_training_before_adopting(monkeypatch, training_window):
    window, path, _ = training_window
    seen = []
    adopt = window.session.adopt
    monkeypatch.setattr(window.session, "adopt",
                        lambda other: (seen.append(window.training.busy), adopt(other)))
    assert window.files.open_session(str(path))
    assert seen == [False]


def test_a_refused_open_while_training_changes_nothing(qtbot, training_window, tmp_path, _no_dialogs):
    window, _, _ = training_window
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    config = window.session.config
    assert not window.files.open_session(str(bad))
    assert "not valid JSON" in _no_dialogs[-1] and window.session.config == config
    window.transport.stop()
    qtbot.waitUntil(lambda: not window.training.busy)


# -- lessons and presets opened in the window: the work they ask for -----------------------
LESSON_FILE_ROWS = [
    ({"model": "seed-pos-tagging", "at": "after 1000000000 training iterations"},
     ["at: got 1000000000 training iterations", "from 0 to 2000"]),
    ({"model": {"task": "pos-tagging", "cell": "lstm", "n_hidden": 1024, "batch_size": 64}, "train": 2000},
     ["train: 2000 training iterations of a model", "at most 60 s of work"]),
]


@pytest.mark.parametrize("stop,fragments", LESSON_FILE_ROWS, ids=["at", "work"])
def test_a_lesson_file_asking_for_too_much_is_refused_in_the_window(qtbot, tmp_path, _no_dialogs, stop, fragments):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"title": "Mine", "stops": [{"title": "One", "text": "Say.", **stop}]}))
    session = Session()
    session.advance(3)
    window = _window(qtbot, session)
    weights = {k: v.copy() for k, v in session.net.params.items()}
    window.lessons.start_named(str(path))
    assert len(_no_dialogs) == 1 and all(f in _no_dialogs[0] for f in fragments), _no_dialogs
    assert not window.lessons.active and not window.lessons.dock.isVisible()
    assert (session.config, session.position) == (Config(), 3)
    assert all((session.net.params[k] == v).all() for k, v in weights.items())


def test_a_preset_file_asking_for_too_much_work_is_refused_in_the_window(qtbot, tmp_path, _no_dialogs):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "unrolled-preset", "steps": 100_000, "config": {
        "task": "pos-tagging", "cell": "lstm", "n_hidden": 1024, "batch_size": 8}}))
    session = Session()
    window = _window(qtbot, session)
    assert window.presets.open_config(str(path)) is False
    assert "steps" in _no_dialogs[0] and "would take about" in _no_dialogs[0]
    assert session.config == Config() and session.position == 0


# -- files the window reads and writes: one clear message, nothing lost ------------------
@pytest.fixture
def dialogs(monkeypatch):
    """(title, text) of every warning the window shows."""
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(
        (title, text)))
    return shown


@pytest.mark.parametrize("value", ["9" * 5000, "[" * 100_000 + "]" * 100_000], ids=["5000 digits", "deep"])
def test_opening_a_session_the_parser_cannot_take_says_why(qtbot, tmp_path, dialogs, value):
    saved = Session()
    saved.run_iteration()
    path, _ = save_session(saved, tmp_path / "lecture.json")
    path.write_text(re.sub(r'"iteration": \d+', '"iteration": ' + value, path.read_text()))
    window = _window(qtbot, Session(Config(cell="gru")))
    before = (window.session.config, window.session.position)
    assert not window.files.open_session(str(path))
    (title, text), = dialogs
    reason = text.split("\n\n")[0]
    assert title == "Cannot open the session" and "lecture.json" in reason and len(reason) < 200
    assert "5000 characters long" in reason or "nested too deeply" in reason
    assert (window.session.config, window.session.position) == before


def test_a_sentence_too_long_to_reopen_is_refused_in_the_sample_field(qtbot):
    window = _window(qtbot, Session())
    before = (window.session.config, window.session.position)
    sample_view = window.model_panel.sample_view
    sample_view.sentence.setText(" ".join(["the dog sees a ball"] * 1200))
    sample_view.use_sentence()
    assert "6000 words" in sample_view.sentence_note.text()
    assert (window.session.config, window.session.position) == before


def test_the_export_dialog_on_a_full_disk_keeps_the_old_file(qtbot, monkeypatch, full_disk, dialogs):
    from unrolled.ui.dialogs.export_dialog import WINDOW, ExportDialog

    window = _window(qtbot, Session())
    old = b"the figure exported last week"
    rows = (("dashboard", "dashboard.pdf"), (WINDOW, "window.png"))
    for _, name in rows:
        (full_disk.folder / name).write_bytes(old)
    full_disk.fill()
    for figure, name in rows:
        target = full_disk.folder / name
        dialog = ExportDialog(window.session, window, figure=figure)
        qtbot.addWidget(dialog)
        dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
        monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        dialog._on_save()
        title, text = dialogs[-1]
        assert title == "Export failed"
        assert text.split("\n\n")[0] == f"cannot write {target}: No space left on device"
        assert target.read_bytes() == old
        dialog.close()
    assert sorted(full_disk.files()) == ["dashboard.pdf", "window.png"]


def test_writing_the_handout_on_a_full_disk_keeps_the_old_one(qtbot, full_disk, dialogs):
    window = _window(qtbot, Session())
    window.lessons.start_named("vanishing-in-five-minutes")
    old = full_disk.folder / "vanishing-in-five-minutes.pdf"
    old.write_bytes(b"last year's handout")
    full_disk.fill()
    assert window.lessons.write_handout_to(full_disk.folder) == []
    (title, text), = dialogs
    assert title == "Cannot write the handout"
    assert text == f"cannot write {full_disk.folder / 'vanishing-in-five-minutes-01.png'}: No space left on device"
    assert full_disk.files() == {"vanishing-in-five-minutes.pdf": b"last year's handout"}


def test_a_config_that_cannot_be_read_names_its_path_once(qtbot, tmp_path, _no_dialogs):
    path = tmp_path / "digits.json"
    path.write_text('{"seed": ' + "7" * 5000 + "}")
    window = _window(qtbot, Session())
    assert window.presets.open_config(str(path)) is False
    assert _no_dialogs[0].count(str(path)) == 1 and "a number 5000 characters long" in _no_dialogs[0], _no_dialogs
