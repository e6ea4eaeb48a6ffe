"""Lesson mode: every built-in lesson plays through with a presenter remote's keys alone,
each stop landing on its place with its panels and its highlighted plot; the rest of the
window stays usable and Return to stop restores the stop."""

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from unrolled.session.lesson_file import PANEL_HIGHLIGHTS
from unrolled.session.lessons import describe_place, get_lesson, lesson_names, session_clock

from support.clock import FakeClock

Key = QtCore.Qt.Key


def _press(window, key):
    """A remote's key, delivered to whatever has focus in the window."""
    target = QtWidgets.QApplication.focusWidget() or window
    QtWidgets.QApplication.processEvents()
    from pytestqt.qtbot import QtBot

    QtBot.keyClick(target, key)


def _assert_at(window, stop, end=False):
    lessons = window.lessons
    assert lessons.stop is stop
    assert session_clock(window.session) == stop.clock(end)
    assert window.session.config == stop.config
    assert lessons.pane.progress.text() == f"{stop.number} / {len(lessons.lesson.stops)}"
    assert lessons.pane.title.text() == stop.title
    for name, dock in (("training", window.training_dock), ("theory", window.theory_dock)):
        assert dock.isVisible() == (name in stop.panels), name
    assert window.model_dock.isVisible() == ("model" in stop.panels)
    steps = window.training_panel.trainer.steps  # a trained stop shows the run that trained it
    assert [s.iteration for s in steps] == list(range(1, stop.train + 1))
    if stop.train:
        assert len(window.training_panel.before.getData()[0]) == stop.train
    if stop.highlight in PANEL_HIGHLIGHTS:  # the side panel the text is about
        panel = getattr(window.docks, stop.highlight).widget()
        assert lessons.frame.target is panel and lessons.frame.isVisible() and panel.isVisible()
    elif stop.highlight:
        slot = window.plots.slots[stop.highlight]
        assert lessons.frame.target is slot and lessons.frame.isVisible() and slot.isVisible()
    else:
        assert lessons.frame.target is None
    compare = window.compare_window
    assert (compare is not None and compare.isVisible()) == (stop.compare is not None)
    if stop.compare:
        assert session_clock(compare.comparison.a) == stop.clock(end)


@pytest.mark.slow
@pytest.mark.parametrize("name", lesson_names())
def test_a_remote_alone_plays_the_lesson_through(window, name):
    lesson = get_lesson(name)
    window.lessons.start(lesson)
    assert window.lessons.dock.isVisible()
    presses = 0
    for index, stop in enumerate(lesson.stops):
        _assert_at(window, stop)
        for _ in range(stop.until - stop.at):  # PageDown steps within the stop...
            _press(window, Key.Key_PageDown)
            presses += 1
            assert window.lessons.index == index
        _assert_at(window, stop, end=True)
        if index + 1 < len(lesson.stops):
            _press(window, Key.Key_PageDown)  # ... and at its end goes on
            presses += 1
            assert window.lessons.index == index + 1
    _press(window, Key.Key_PageDown)  # past the last stop nothing happens
    assert window.lessons.index == len(lesson.stops) - 1
    assert presses == sum(s.until - s.at for s in lesson.stops) + len(lesson.stops) - 1


def test_pageup_steps_back_then_goes_to_the_previous_stop_at_its_end(window):
    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson, index=5)  # the forward pass, step by step: at start, until T
    forward = lesson.stops[4]
    window.lessons.go_to(4)
    _press(window, Key.Key_PageDown)
    _press(window, Key.Key_PageDown)
    assert session_clock(window.session) == forward.clock() + 2
    _press(window, Key.Key_PageUp)
    _press(window, Key.Key_PageUp)
    assert window.lessons.index == 4 and session_clock(window.session) == forward.clock()
    _press(window, Key.Key_PageUp)
    _assert_at(window, lesson.stops[3], end=True)
    window.lessons.act_next.trigger()
    window.lessons.act_previous.trigger()  # the Previous button lands at the stop's start
    _assert_at(window, lesson.stops[3])


def test_everything_stays_usable_and_return_to_stop_restores_it(window, qtbot):
    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson)
    index = next(i for i, s in enumerate(lesson.stops) if s.title.startswith("Exploding"))
    window.lessons.go_to(index)
    stop = lesson.stops[index]
    weights = {k: v.copy() for k, v in window.session.net.params.items()}
    window.session.set_spectral_radius(0.9, keep_position=True)  # a question from the class
    _press(window, Key.Key_Left)  # the arrows still step
    assert window.session.config.rho == 0.9
    assert window.lessons.index == index and window.lessons.dock.isVisible()
    window.lessons.act_return.trigger()
    _assert_at(window, stop)
    assert all((window.session.net.params[k] == v).all() for k, v in weights.items())


def test_ending_gives_the_keys_back(window):
    step = window.transport.actions["step"]
    before = [k.toString() for k in step.shortcuts()]
    window.lessons.start(get_lesson("vanishing-in-five-minutes"))
    assert "PgDown" not in [k.toString() for k in step.shortcuts()]
    window.lessons.act_end.trigger()
    assert not window.lessons.active and not window.lessons.dock.isVisible()
    assert [k.toString() for k in step.shortcuts()] == before
    clock = session_clock(window.session)
    _press(window, Key.Key_PageDown)  # a plain step again
    assert session_clock(window.session) == clock + 1


def test_the_lessons_menu_lists_the_lessons_and_opens_one(window):
    menu = window.lessons.menu
    assert menu in window.menus
    texts = [a.text() for a in menu.actions()]
    assert set(lesson_names()) <= set(texts)
    next(a for a in menu.actions() if a.text() == "vanishing-in-five-minutes").trigger()
    assert window.lessons.lesson.name == "vanishing-in-five-minutes"
    assert "Next stop" in window.shortcuts_html()


def test_a_stop_renders_its_text_and_frame(window):
    window.lessons.start(get_lesson("rnn-part-2"), index=11)  # the LSTM's gates: **input** in bold
    QtWidgets.QApplication.processEvents()
    assert "<b>input</b>" in window.lessons.pane.text.text()
    image = window.grab().toImage()
    frame = window.lessons.frame
    corner = frame.mapTo(window, QtCore.QPoint(2, frame.height() // 2))
    colour = image.pixelColor(corner.x(), corner.y())
    assert (colour.red(), colour.green(), colour.blue()) == (0xD5, 0x5E, 0x00)  # the frame, drawn


def test_the_shortcut_list_has_the_lessons_keys_during_a_lesson(window):
    window.lessons.start(get_lesson("vanishing-in-five-minutes"))
    text = window.shortcuts_html()
    for action in (window.lessons.act_page_down, window.lessons.act_next, window.lessons.act_return):
        assert action.shortcut().toString() in text and action.whatsThis() in text


def _slow_lesson():
    """Stop 1 is quick; stop 2 trains as long as a stop may (seconds), stop 3 compares."""
    from unrolled.session.lessons import MAX_TRAIN, lesson_from_data

    return lesson_from_data({"title": "Slow", "stops": [
        {"title": "Quick", "text": "Here.", "model": "seed-pos-tagging", "at": "after the forward pass"},
        {"title": "Long", "text": "Trained.", "model": "vanishing-rnn", "train": MAX_TRAIN},
        {"title": "Both", "text": "Compared.", "model": "vanishing-rnn", "train": MAX_TRAIN,
         "compare": {"cell": "lstm"}},
    ]}, "slow")


def _press_escape_in_the_progress_dialog(window):
    """A timer that, once the stop's progress dialog is on screen, presses Esc in it: the
    set-up runs inside go_to, processing events between its reports, so the key arrives
    while the work goes on, as a lecturer's would."""
    from pytestqt.qtbot import QtBot

    seen = []

    def look() -> None:
        dialog = window.findChild(QtWidgets.QProgressDialog, "stop_progress")
        active = QtWidgets.QApplication.activeWindow() is dialog  # where a lecturer's Esc goes
        if dialog is not None and dialog.isVisible() and active and not seen:
            seen.append(dialog.value())
            QtBot.keyClick(dialog, Key.Key_Escape)

    timer = QtCore.QTimer(window)
    timer.setInterval(5)
    timer.timeout.connect(look)
    timer.start()
    return timer, seen


@pytest.mark.slow
@pytest.mark.parametrize("index", [1, 2])
def test_esc_in_a_long_stops_progress_cancels_it_and_the_window_stays(window, qtbot, monkeypatch, index):
    from unrolled.ui.lessons import stop_progress

    monkeypatch.setattr(stop_progress, "SHOW_PROGRESS_AFTER", 0.0)  # the dialog at the first report
    lesson = _slow_lesson()
    window.lessons.start(lesson)
    _press(window, Key.Key_Right)  # a question: one step past the stop's place
    session, clock = window.session, session_clock(window.session)
    weights = {k: v.copy() for k, v in window.session.net.params.items()}
    X = window.session.X.copy()
    timer, seen = _press_escape_in_the_progress_dialog(window)
    cancelled = window.lessons.go_to(index) is False
    timer.stop()
    assert seen, "the progress dialog never appeared"
    assert cancelled
    qtbot.waitUntil(lambda: window.findChild(QtWidgets.QProgressDialog, "stop_progress") is None)
    assert window.lessons.index == 0 and window.lessons.stop is lesson.stops[0]
    assert window.session is session and session_clock(window.session) == clock
    assert window.session.config == lesson.stops[0].config
    assert all((window.session.net.params[k] == v).all() for k, v in weights.items())
    assert (window.session.X == X).all()
    assert window.lessons.pane.title.text() == "Quick"
    assert window.compare_window is None
    assert window.lessons.frame.target is None  # stop 1 frames nothing, and nothing was framed
    assert window.lessons.go_to(0) is True  # the lesson goes on from there


def test_the_progress_dialog_waits_until_the_work_has_taken_long(window, monkeypatch):
    """Timing driven, not waited for: a stop set up within SHOW_PROGRESS_AFTER seconds (how
    long the built-in stops take is benchmarks/lesson_stops.py's) shows no dialog."""
    from unrolled.ui.lessons import stop_progress

    opened = []
    monkeypatch.setattr(stop_progress.StopProgress, "_open", lambda self, total: opened.append(total) or _Dialog())
    clock = FakeClock(100.0)
    progress = stop_progress.StopProgress(window, "Setting up", clock=clock)
    clock.advance(stop_progress.SHOW_PROGRESS_AFTER * 0.99)
    assert progress(10, 100) is True and not opened
    clock.advance(stop_progress.SHOW_PROGRESS_AFTER * 0.02)
    assert progress(20, 100) is True and opened == [100]


class _Dialog:
    """What StopProgress asks of its dialog, not cancelled."""

    def setMaximum(self, _):
        pass

    def setValue(self, _):
        pass

    def wasCanceled(self):
        return False


def test_a_cancelled_first_stop_starts_no_lesson(window, monkeypatch):
    from unrolled.ui.lessons import stop_progress

    monkeypatch.setattr(stop_progress, "SHOW_PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(stop_progress.StopProgress, "__call__", lambda self, done, total: False)
    config = window.session.config
    assert window.lessons.start(_slow_lesson(), index=1) is False
    assert not window.lessons.active and not window.lessons.dock.isVisible()
    assert window.session.config == config
    step = window.transport.actions["step"]
    assert "PgDown" in [k.toString() for k in step.shortcuts()]  # the remote's keys not taken


# -- answering a question during a stop -----------------------------------------------------
def _type_sentence(window, qtbot, text):
    view = window.model_panel.sample_view
    view.sentence.clear()
    qtbot.keyClicks(view.sentence, text)
    qtbot.keyClick(view.sentence, Key.Key_Return)


def test_a_typed_sentence_is_stepped_to_its_end_and_the_next_same_model_stop_keeps_it(window, qtbot):
    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson, index=4)  # the forward pass, step by step: start until T
    assert window.lessons.stop.places == ("start", "after the forward pass")
    _type_sentence(window, qtbot, "the dog sees a red ball")
    assert window.session.T == 6 and session_clock(window.session) == 0
    for t in range(1, 7):  # every word is computed before PageDown moves on
        _press(window, Key.Key_PageDown)
        assert window.lessons.index == 4 and window.session.t == t
    assert describe_place(window.session) == "after the forward pass"
    _press(window, Key.Key_PageDown)  # the next stop, on the "same" model: the sentence stays
    loss_stop = lesson.stops[5]
    assert window.lessons.index == 5 and loss_stop.same_model
    assert window.session.config.input == "the dog sees a red ball" and window.session.T == 6
    assert window.session.position == 6  # "after the forward pass", of six words
    assert window.model_panel.sample_view.sentence.text() == "the dog sees a red ball"
    for _ in range(7):  # the loss and all six backward steps
        _press(window, Key.Key_PageDown)
        assert window.lessons.index == 5
    assert window.session.position == 2 * 6 + 1  # "after the backward pass"
    _press(window, Key.Key_PageUp)  # PageUp measures on the sentence too
    assert window.session.position == 12
    window.lessons.act_return.trigger()  # Return to stop: the stop as the lesson has it
    assert window.session.config == loss_stop.config and window.session.T == 4
    assert session_clock(window.session) == loss_stop.clock()


def test_a_typed_sentence_ends_where_the_model_changes(window, qtbot):
    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson, index=6)  # the update (same model), then a new model at stop 8
    _type_sentence(window, qtbot, "the dog sees a red ball")
    window.lessons.act_next.trigger()
    assert window.lessons.index == 7 and not lesson.stops[7].same_model
    assert window.session.config == lesson.stops[7].config


def test_going_back_sets_a_stop_up_as_the_lesson_has_it(window, qtbot):
    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson, index=5)
    _type_sentence(window, qtbot, "the dog sees a red ball")
    window.lessons.act_previous.trigger()
    _assert_at(window, lesson.stops[4])


@pytest.mark.parametrize("how", ["preset", "config", "session"])
def test_opening_another_model_leaves_the_stop_and_a_remote_key_takes_the_lecture_back(window, tmp_path, how):
    from unrolled.session.files import save_session
    from unrolled.session.presets import get_preset
    from unrolled.session.stepper import Session

    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson, index=8)  # vanishing gradients, the gradient plot framed
    stop = lesson.stops[8]
    assert window.lessons.frame.target is not None
    if how == "preset":
        assert window.presets.open_preset("exploding-rnn")
    elif how == "config":
        path = tmp_path / "mine.json"
        path.write_text('{"cell": "gru", "timesteps": 7}')
        assert window.presets.open_config(str(path))
    else:
        save_session(Session(get_preset("lstm-long-memory").config), tmp_path / "saved.json")
        assert window.files.open_session(str(tmp_path / "saved.json"))
    opened = window.session.config
    lessons = window.lessons
    assert lessons.active and lessons.index == 8 and lessons.left_for is not None
    assert lessons.frame.target is None and not lessons.frame.isVisible()  # no frame over another model
    assert "not about the model on screen" in lessons.pane.text.text()
    assert stop.text.split()[0] not in lessons.pane.text.text()
    _press(window, Key.Key_PageDown)  # the remote takes the lecture back to the stop, as it was
    assert window.session.config != opened and lessons.left_for is None
    _assert_at(window, stop)
    _press(window, Key.Key_PageDown)  # and goes on from there
    assert session_clock(window.session) == stop.clock() + 1


def test_cancelling_the_handout_in_the_window_leaves_no_pdf_and_whole_pngs(window, tmp_path, monkeypatch):
    from unrolled.ui.lessons import stop_progress

    monkeypatch.setattr(stop_progress, "SHOW_PROGRESS_AFTER", 0.0)
    window.lessons.start(get_lesson("vanishing-in-five-minutes"))
    # the bar counts 100 a stop: go on through stop 1's page, Cancel at stop 2's (200)
    monkeypatch.setattr(stop_progress.StopProgress, "__call__", lambda self, done, total: done < 200)
    assert window.lessons.write_handout_to(tmp_path) == []
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["vanishing-in-five-minutes-01.png", "vanishing-in-five-minutes-02.png"]
    assert all(not QtGui.QImage(str(tmp_path / n)).isNull() for n in names)
    assert window.lessons.index == 0 and window.lessons.active


def test_a_handout_stop_that_trains_shows_its_progress_and_cancels_within_it(window, tmp_path, monkeypatch):
    from unrolled.session.lessons import lesson_from_data
    from unrolled.ui.lessons import stop_progress

    lesson = lesson_from_data({"format": "unrolled-lesson", "title": "Long", "stops": [
        {"title": "One", "text": "x", "model": "seed-pos-tagging"},
        {"title": "Two", "text": "x", "model": "same", "train": 300}]}, "long")
    window.lessons.start(lesson)
    seen = []

    def answer(self, done, total):  # within stop 2's training (101..199 of 200): Cancel
        seen.append(done)
        return not 100 < done < 200

    monkeypatch.setattr(stop_progress.StopProgress, "__call__", answer)
    assert window.lessons.write_handout_to(tmp_path) == []
    assert any(100 < d < 200 for d in seen)  # the bar moved while stop 2 trained
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long-01.png"]


def test_the_theory_lines_legend_entry_stays_through_the_loss_step(qapp):
    """Stop 6 (the loss, then the backward pass): the "bound" entry was there after the
    forward pass, gone after the loss and back after the first backward step."""
    from unrolled.session.lessons import build_stop
    from unrolled.ui.export.figures import build_figure, laid_out

    stop = next(s for s in get_lesson("rnn-part-2").stops if s.title.startswith("The loss, then the backward"))
    session = build_stop(stop)
    panel = laid_out(build_figure("grad_norms"), 640, 480, session)
    try:
        entries = []
        for _ in range(3):  # after the forward pass, after the loss, after one backward step
            panel.refresh(session)
            entries.append([label.text for _, label in panel.norms.legend.items])
            session.advance(1)
        assert entries[0] == entries[1] == entries[2] and any(e.startswith("bound") for e in entries[0]), entries
    finally:
        panel.close()


def test_a_lesson_file_opens_a_users_model_and_data_named_relative_to_it(window, tmp_path, monkeypatch):
    import json

    from unrolled.session.lessons import get_lesson

    from support.state_dicts import save_model_and_data

    (tmp_path / "course").mkdir()
    save_model_and_data(tmp_path / "course", "real")
    mine = {"weights": "m.npz", "data": "d.npz"}  # the files fix the cell, the sizes, T, the mode and the loss
    (tmp_path / "course" / "mine.json").write_text(json.dumps({"title": "My model", "stops": [
        {"title": "Its BPTT", "text": "Backward.", "model": mine, "at": "after the backward pass",
         "highlight": "gradients"},
        {"title": "Against U at 0.5", "text": "Compared.", "model": "same", "compare": {"rho": 0.5}},
        {"title": "A preset", "text": "Back to a task.", "model": "vanishing-rnn"},
    ]}))
    monkeypatch.chdir(tmp_path)
    lesson = get_lesson("course/mine.json")
    assert lesson.stops[0].config.weights == str(tmp_path / "course" / "m.npz")
    assert lesson.stops[0].config.loss == "mse" and lesson.stops[0].config.timesteps == 6
    assert window.lessons.start(lesson)
    _assert_at(window, lesson.stops[0])
    window.redraws.run()
    session = window.session
    assert session.own_model is not None and session.bwd.complete and "Your model" in \
        window.model_panel.task_description.text()
    _press(window, Key.Key_PageDown)  # to the next stop: its comparison, A the user's model
    _assert_at(window, lesson.stops[1])
    assert "your model m.npz" in window.compare_window.label_a.text()
    assert window.compare_window.comparison.baseline()[1] == "predict the mean"
    window.lessons.next_stop()
    _assert_at(window, lesson.stops[2])
    window.redraws.run()
    assert window.session.own_model is None and "Your model" not in window.model_panel.task_description.text()
    window.lessons.act_previous.trigger()
    assert window.session.own_model is not None


def test_a_stop_whose_settings_clash_with_its_files_is_refused_naming_them(tmp_path):
    import json

    from unrolled.session.lessons import LessonError, get_lesson

    from support.state_dicts import save_model_and_data

    save_model_and_data(tmp_path, "real")
    (tmp_path / "bad.json").write_text(json.dumps({"title": "Bad", "stops": [
        {"title": "Clash", "text": "D.", "model": {"weights": "m.npz", "data": "d.npz", "n_hidden": 9}}]}))
    with pytest.raises(LessonError) as caught:
        get_lesson(str(tmp_path / "bad.json"))
    assert "stop 1 (Clash): model: weights: m.npz fixes n_hidden (got 9, the files say 4)" in str(caught.value)
