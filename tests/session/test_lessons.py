"""Lesson files: the built-in lessons load, every stop builds at its place, and a broken
file gets one line naming the lesson, the stop (number and title) and the field."""

import json

import numpy as np
import pytest

from unrolled.session.lessons import (
    LessonError,
    build_comparison,
    build_stop,
    describe_place,
    get_lesson,
    lesson_from_data,
    lesson_names,
    load_lesson_file,
    parse_place,
    session_clock,
)
from unrolled.session.stepper import Phase


def test_the_built_in_lessons():
    assert {"rnn-part-2", "vanishing-in-five-minutes"} <= set(lesson_names())
    lesson = get_lesson("rnn-part-2")
    assert len(lesson.stops) >= 10
    assert [s.number for s in lesson.stops] == list(range(1, len(lesson.stops) + 1))
    cells = [s.config.cell for s in lesson.stops]
    assert cells[0] == "rnn" and "lstm" in cells  # from the vanilla RNN to the LSTM, as the seed
    assert any(s.compare for s in lesson.stops)


@pytest.mark.parametrize("place,T,expected", [
    ("start", 4, (0, 0)),
    ("forward at t = 2", 4, (0, 2)),
    ("after the forward pass", 4, (0, 4)),
    ("After  the loss", 4, (0, 5)),
    ("backward at t = 4", 4, (0, 6)),
    ("backward at t = 1", 4, (0, 9)),
    ("after the backward pass", 4, (0, 9)),
    ("after the update", 4, (0, 10)),
    (7, 4, (0, 7)),
    ("after 12 training iterations", 4, (12, 0)),
])
def test_places(place, T, expected):
    assert parse_place(place, T) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", lesson_names())
def test_every_stop_builds_at_its_place_and_its_end(name):
    lesson = get_lesson(name)
    for stop in lesson.stops:
        for end in (False, True):
            session = build_stop(stop, end, name)
            assert session.config == stop.config
            assert session_clock(session) == stop.clock(end)
            assert len(session.history) == stop.train
        if stop.compare:
            comparison, _ = build_comparison(stop)
            assert comparison.in_lockstep and session_clock(comparison.a) == stop.clock()


def test_a_stop_lands_where_it_says():
    lesson = get_lesson("rnn-part-2")
    by_title = {s.title: s for s in lesson.stops}
    forward = by_title["The forward pass, step by step"]
    session = build_stop(forward)
    assert session.phase is Phase.READY and describe_place(session) == "at the start of the iteration"
    session = build_stop(forward, end=True)
    assert session.phase is Phase.FORWARD and session.t == session.T
    assert describe_place(session) == "after the forward pass"
    trained = build_stop(by_title["The update, and many of them"])
    assert trained.iteration == 100 and describe_place(trained).endswith("after 100 training iterations")


def _lesson(*stops, **top):
    return {"title": "Broken", "stops": list(stops), **top}


GOOD = {"title": "Start", "text": "Some words.", "model": "seed-pos-tagging"}


@pytest.mark.parametrize("data,message", [
    (_lesson({**GOOD, "at": "after forward"}),
     "lesson broken, stop 1 (Start): at: got 'after forward', expected one of"),
    (_lesson(GOOD, {"title": "Two", "text": "x", "at": "backward at t = 9"}),
     "lesson broken, stop 2 (Two): at: got 'backward at t = 9', but t runs from 1 to T = 4"),
    (_lesson({**GOOD, "model": "no-such-preset"}),
     "lesson broken, stop 1 (Start): model: preset: got 'no-such-preset'"),
    (_lesson({**GOOD, "model": {"cell": "lstm", "timesteps": -3}}), "stop 1 (Start): model: timesteps: got -3"),
    (_lesson({**GOOD, "model": "same"}), 'stop 1 (Start): model: "same" on the first stop'),
    (_lesson({**GOOD, "panels": ["model", "gradients"]}), "stop 1 (Start): panels: got ['model', 'gradients']"),
    (_lesson({**GOOD, "highlight": "spectrum"}), "stop 1 (Start): highlight: got 'spectrum', expected one of diagram"),
    (_lesson({**GOOD, "hihglight": "loss"}), "stop 1 (Start): hihglight: no such field"),
    (_lesson({**GOOD, "panels": ["model"], "highlight": "text"}),
     "stop 1 (Start): highlight: got 'text', a panel the stop does not open: add it to panels"),
    (_lesson({**GOOD, "compare": {"timesteps": 9}}), "stop 1 (Start): compare: network B may change only"),
    (_lesson({**GOOD, "compare": True}), "stop 1 (Start): compare: true takes the preset's own comparison"),
    (_lesson({**GOOD, "at": "after the loss", "until": "start"}),
     "stop 1 (Start): until: got 'start', which comes before"),
    (_lesson({**GOOD, "train": -1}), "stop 1 (Start): train: got -1"),
    (_lesson({"title": "Start", "model": "seed-pos-tagging"}), "stop 1 (Start): text: got None, expected some text"),
    (_lesson({**GOOD, "title": ""}), "lesson broken, stop 1: title: got '', expected some text"),
    (_lesson(), "lesson broken: stops: got [], expected a list of at least one stop"),
    ({"stops": [GOOD]}, "lesson broken: title: got None"),
    (_lesson(GOOD, format="unrolled-preset"), "lesson broken: format: got 'unrolled-preset'"),
])
def test_a_broken_lesson_names_lesson_stop_and_field(data, message):
    with pytest.raises(LessonError) as info:
        lesson_from_data(data, "broken")
    assert message in str(info.value)
    assert len(str(info.value).splitlines()) == 1


def test_same_keeps_the_previous_model_and_a_preset_takes_changes():
    lesson = lesson_from_data(_lesson({**GOOD, "model": {"preset": "vanishing-rnn", "rho": 1.1}},
                                      {"title": "Again", "text": "x", "at": 3}), "ok")
    first, second = lesson.stops
    assert first.config.rho == 1.1 and first.config.task == "toxic-word"
    assert second.config == first.config and second.at == 3
    assert first.figures == ("diagram", "hidden_states")


def test_a_lesson_file(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(_lesson(GOOD)), encoding="utf-8")
    assert load_lesson_file(path).name == "mine"
    assert get_lesson(str(path)).stops[0].title == "Start"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LessonError, match=r"lesson mine: .* is not valid JSON"):
        load_lesson_file(path)
    with pytest.raises(LessonError, match="lesson nope: no such lesson; the lessons are characters, depth-and-dir"):
        get_lesson("nope")


# -- bounds: all the training a stop asks for, and the number of stops ---------------------
@pytest.mark.parametrize("fields,field,total", [
    ({"at": "after 2001 training iterations"}, "at", "2001"),
    ({"at": "after 1000000000 training iterations"}, "at", "1000000000"),
    ({"train": 2000, "until": "after the update"}, "until", "2001"),  # the update completes one more
    ({"train": 1999, "at": 20}, "at", "2001"),  # T = 4: 20 steps are two iterations
    ({"at": 3, "until": 100_000}, "until", "10000"),
])
def test_one_bound_for_the_training_however_a_stop_asks(fields, field, total):
    from unrolled.session.lessons import MAX_TRAIN

    with pytest.raises(LessonError) as info:
        lesson_from_data(_lesson({**GOOD, **fields}), "big")
    assert str(info.value) == (f"lesson big, stop 1 (Start): {field}: got {total} training iterations, expected a "
                               f"whole number from 0 to {MAX_TRAIN} (train, at and until together)")


def test_the_bound_itself_is_allowed():
    from unrolled.session.lessons import MAX_TRAIN, stop_iterations

    fields = {"train": MAX_TRAIN - 1, "at": 3, "until": "after the update"}
    stop = lesson_from_data(_lesson({**GOOD, **fields}), "ok").stops[0]
    assert stop_iterations(stop.train, stop.until, stop.steps_per_iteration) == MAX_TRAIN
    assert lesson_from_data(_lesson({**GOOD, "at": f"after {MAX_TRAIN} training iterations"}), "ok").stops[0].train \
        == MAX_TRAIN


def test_the_number_of_stops_is_bounded_with_its_reason():
    from unrolled.session.lessons import MAX_STOPS

    assert len(lesson_from_data(_lesson(*[GOOD] * MAX_STOPS), "ok").stops) == MAX_STOPS
    with pytest.raises(LessonError, match=rf"lesson long: stops: got {MAX_STOPS + 1}, expected at most {MAX_STOPS}: "
                                          "a lecture of more stops does not fit a class"):
        lesson_from_data(_lesson(*[GOOD] * (MAX_STOPS + 1)), "long")


# -- progress and cancelling ---------------------------------------------------------------
def _trained_stop(train=30, **fields):
    return lesson_from_data(_lesson({**GOOD, "model": "vanishing-rnn", "train": train, **fields}), "p").stops[0]


def test_setting_a_stop_up_reports_progress_up_to_all_of_its_work(monkeypatch):
    from unrolled.session import training
    from unrolled.session.lessons import build_stop_trained, stop_work

    monkeypatch.setattr(training, "PROGRESS_INTERVAL", 0.0)  # every unit reported
    stop = _trained_stop(at="after the loss")
    reports = []
    session, steps = build_stop_trained(stop, progress=lambda done, total: reports.append((done, total)) or True)
    total = stop_work(stop)
    assert total == 30 * 2 * 50 + 51
    assert reports[0] == (0, total) and reports[-1] == (total, total)
    assert [d for d, _ in reports] == list(range(total + 1))
    assert len(steps) == 30 and session_clock(session) == stop.clock()


@pytest.mark.parametrize("after", [0, 1, 1500, 3000])  # at once, in training, in the last steps
def test_progress_returning_false_cancels_where_it_is(monkeypatch, after):
    from unrolled.session import training
    from unrolled.session.lessons import build_stop_trained
    from unrolled.session.training import Cancelled

    monkeypatch.setattr(training, "PROGRESS_INTERVAL", 0.0)
    stop = _trained_stop(at="after the loss")
    reports = []

    def progress(done, total):
        reports.append(done)
        return done < after

    with pytest.raises(Cancelled):
        build_stop_trained(stop, progress=progress)
    assert reports[-1] == after


def test_a_comparison_reports_and_cancels_too(monkeypatch):
    from unrolled.session import training
    from unrolled.session.lessons import stop_work
    from unrolled.session.training import Cancelled

    monkeypatch.setattr(training, "PROGRESS_INTERVAL", 0.0)
    stop = _trained_stop(train=3, compare={"cell": "lstm"})
    reports = []
    comparison, _ = build_comparison(stop, progress=lambda done, total: reports.append((done, total)) or True)
    assert reports[-1] == (stop_work(stop, networks=2),) * 2
    assert comparison.completed_iterations == 3
    with pytest.raises(Cancelled):
        build_comparison(stop, progress=lambda done, total: done < 150)


# -- a stop measured on a typed sentence -----------------------------------------------------
def test_a_stops_places_are_measured_at_the_sessions_T():
    from unrolled.session.lessons import stop_clock, with_sentence

    stop = get_lesson("rnn-part-2").stops[5]  # at "after the forward pass", until "after the backward pass"
    session = build_stop(stop)
    assert stop_clock(stop, session) == stop.clock() == 4
    session.use_sentence("the dog sees a red ball")
    assert (stop_clock(stop, session), stop_clock(stop, session, end=True)) == (6, 13)
    typed = with_sentence(stop, "the dog sees a red ball")
    assert (typed.config.timesteps, typed.at, typed.until, typed.places) == (6, 6, 13, stop.places)
    built = build_stop(typed)
    assert built.T == 6 and built.config.input == "the dog sees a red ball" and built.position == 6


def test_a_place_beyond_a_shorter_sentence_is_its_last_word():
    from unrolled.session.lessons import stop_clock

    stop = lesson_from_data(_lesson({**GOOD, "at": "forward at t = 3", "until": "backward at t = 4"}), "t").stops[0]
    session = build_stop(stop)
    session.use_sentence("the dog")
    assert (stop_clock(stop, session), stop_clock(stop, session, end=True)) == (2, 2 * 2 + 2 - 2)


def test_a_stop_training_a_model_too_large_for_its_iterations_is_refused():
    stop = {**GOOD, "model": {"task": "pos-tagging", "cell": "lstm", "n_hidden": 1024, "batch_size": 64}}
    assert lesson_from_data(_lesson({**stop, "train": 1}), "ok").stops[0].train == 1
    with pytest.raises(LessonError, match=r"lesson big, stop 1 \(Start\): train: 2000 training iterations of a model "
                                          r"with T = 4, B = 64, F = 14, D = 1024, C = 5 would take about \d+ minutes"):
        lesson_from_data(_lesson({**stop, "train": 2000}), "big")


# -- each stop's own demonstration gives what its text promises ---------------------------
def _stop(lesson: str, title_start: str):
    return next(s for s in get_lesson(lesson).stops if s.title.startswith(title_start))


def test_the_clipping_stop_b_overflows_within_ten_iterations_while_a_trains_on():
    from unrolled.session.lessons import demonstrates_training

    stop = _stop("rnn-part-2", "Clipping")
    assert demonstrates_training(stop) and "ρ(U) = 1.1" in stop.text and stop.config.rho == 1.1
    comparison, _ = build_comparison(stop)
    for _ in range(30):  # what T in the comparison does, one iteration at a time
        comparison.train_iteration()
    assert set(comparison.stopped) == {"B"}
    assert "stopped at iteration 3" in comparison.stopped["B"]  # "B overflows at its third iteration"
    losses = comparison.a.loss_history
    assert len(losses) == 30 and 10 < losses[0] < 12  # "from 11"
    assert all(abs(loss - np.log(2)) < 0.35 for loss in losses[15:20])  # "to about ln 2 within some 20 iterations"


@pytest.mark.slow
def test_the_lstm_stop_the_lstm_learns_and_the_rnn_stays_at_chance():
    from unrolled.session.lessons import run_demonstration

    stop = _stop("rnn-part-2", "LSTM against RNN")
    comparison, _ = build_comparison(stop)
    lstm, rnn = (s.gradient_ratio() for s in comparison.sessions)
    assert 50 < lstm / rnn < 100  # "about 70 times larger"
    assert run_demonstration(comparison, 150, seconds=600) == 150
    assert np.mean(comparison.a.loss_history[-10:]) < 0.05  # "close to 0"
    assert abs(np.mean(comparison.b.loss_history[-10:]) - np.log(2)) < 0.1  # "at chance"


def test_the_shapes_stop_lands_after_the_forward_pass_on_the_diagram():
    stop = _stop("rnn-part-2", "The POS-tagging example")
    session = build_stop(stop)
    assert session.phase is Phase.FORWARD and session.t == session.T and stop.highlight == "diagram"
    for shape in ("[1, 4, 14]", "[14, 8]", "[8, 8]", "[8, 5]"):
        assert shape in stop.text


def test_the_lstm_stop_of_five_minutes_says_its_numbers():
    stop = _stop("vanishing-in-five-minutes", "The LSTM's way out")
    comparison, _ = build_comparison(stop, end=True)
    lstm, rnn = (s.gradient_ratio() for s in comparison.sessions)
    assert 0.06 < lstm < 0.1 and "8%" in stop.text
    assert 60 < lstm / rnn < 100 and "80 times less" in stop.text


def test_until_after_more_training_iterations_steps_on_through_them():
    lesson = lesson_from_data({"format": "unrolled-lesson", "title": "T", "stops": [
        {"title": "A", "text": "x", "model": "seed-pos-tagging", "at": "after 10 training iterations",
         "until": "after 15 training iterations"}]}, "mine")
    stop = lesson.stops[0]
    assert (stop.train, stop.at) == (10, 0)
    assert stop.until == 5 * stop.steps_per_iteration
    session = build_stop(stop, end=True)
    assert (session.iteration, session.phase) == (14, Phase.UPDATE)  # the 15th update applied
    with pytest.raises(LessonError, match="comes before the stop's place"):
        lesson_from_data({"format": "unrolled-lesson", "title": "T", "stops": [
            {"title": "A", "text": "x", "model": "seed-pos-tagging", "train": 10,
             "until": "after 5 training iterations"}]}, "mine")


@pytest.mark.parametrize("name", lesson_names())
def test_every_stops_text_fits_a_projectors_three_lines_and_is_plain_unicode(name):
    for stop in get_lesson(name).stops:
        assert len(stop.text) <= 370, (stop.number, len(stop.text))  # ~3 lines at 1366 x 768 in F5
        assert "_{" not in stop.text and "^{" not in stop.text, stop.number  # no raw markup on screen or paper


def test_the_update_stop_steps_to_the_next_iterations_loss():
    stop = _stop("rnn-part-2", "The update, and many of them")
    session = build_stop(stop, end=True)
    assert session.iteration == 100 and session.phase is Phase.LOSS and session.loss is not None
    assert "open circle" in stop.text and stop.until - stop.at == session.T + 1


def test_the_shortened_texts_keep_their_conclusions():
    by_title = {s.title: s.text for s in get_lesson("rnn-part-2").stops}
    assert "reaching h₁ is millions of times smaller than at h_T" in by_title[
        "Why the chain rule gives a product of Jacobians"].split(". ")[0]  # the conclusion first
    assert "cₜ = f ⊙ cₜ₋₁ + i ⊙ g" in by_title["The LSTM's four gates, each with its own W and U"]
    assert "the lecture's 'reset'" in by_title["The LSTM's four gates, each with its own W and U"]


def test_the_cell_path_stop_keeps_the_cells_gradient_within_a_decade():
    stop = _stop("rnn-part-2", "The cell path")
    session = build_stop(stop, end=True)
    dc = np.asarray(session.bwd.dc_norm, dtype=float)
    assert dc.shape == (session.T,) and dc.max() / dc.min() < 10  # "keeps its order of magnitude"
    assert "order of magnitude all the way back to t = 1" in stop.text


@pytest.mark.parametrize("place, expected", [
    ("after the forward pass", (0, 16)), ("after the loss", (0, 17)), ("forward at t = 3", (0, 3)),
    ("backward at t = 4", (0, 30)), ("backward at t = 1", (0, 33)), ("after the update", (0, 34)),
])
def test_places_of_a_stack_count_its_cells(place, expected):
    """4 timesteps, 2 layers, 2 directions: 16 cells a pass; t = k is layer 1 forward's."""
    assert parse_place(place, 4, per_pass=16) == expected


def test_a_deep_stop_lands_at_its_place_and_says_where_in_which_layer():
    lesson = lesson_from_data({"format": "unrolled-lesson", "title": "T", "stops": [
        {"title": "A", "text": "x", "model": {"preset": "deep-vanishing", "timesteps": 5, "bidirectional": True},
         "at": "forward at t = 3", "until": "backward at t = 2"}]}, "mine")
    stop = lesson.stops[0]
    assert stop.steps_per_iteration == 2 * 4 * 2 * 5 + 2 and (stop.at, stop.until) == (3, 80)
    at, end = build_stop(stop), build_stop(stop, end=True)
    assert at.place[1:] == (0, 0, 3) and end.place[1:] == (0, 0, 2) and end.phase is Phase.BACKWARD
    assert describe_place(at) == "in the forward pass at layer 1 forward, t = 3"
    end.advance(1)
    assert describe_place(end) == "after the backward pass"


def _numbers(session):
    """(layer, direction) -> (T,) ||dL/dh_t||."""
    return session.layer_gradient_norms()


def test_the_depth_lesson_says_its_numbers():
    from unrolled.session.theory import compute_theory, snapshot

    stops = get_lesson("depth-and-direction").stops
    first = build_stop(stops[0])
    assert (first.config.layers, first.order.steps_per_pass) == (4, 120) and first.position == 120
    assert "4 × 30 = 120 steps" in stops[0].text
    deep = build_stop(stops[1])
    norms = _numbers(deep)
    top = norms[(3, 0)]
    assert f"{top[-1]:.2f}" == "0.77" and f"{top[0]:.2g}" == "5.6e-06"
    assert "from 0.77 at t = 30 to 5.6 · 10⁻⁶" in stops[1].text
    at_T = [norms[(layer, 0)][-1] for layer in (3, 2, 1, 0)]
    assert at_T == sorted(at_T, reverse=True) and f"{at_T[-1]:.2f}" == "0.34"  # fading down the layers at t = T
    assert "At t = 30 it fades down the layers, to 0.34 in layer 1" in stops[1].text
    bottom = norms[(0, 0)]
    above = np.flatnonzero(bottom > top) + 1  # the t where layer 1 has more than layer 4
    assert list(above) == list(range(1, 29)) and f"{bottom[0]:.2g}" == "0.0007"
    assert "for t ≤ 28 layer 1 has more than layer 4 (7.0 · 10⁻⁴ at t = 1)" in stops[1].text
    theory = [compute_theory(*snapshot(deep.net, deep.X, "tanh"), layer=(layer, 0)) for layer in range(4)]
    assert all(f"{r.spectra[0].spectral_radius:.3f}" == f"{r.spectra[0].sigma_max:.3f}" == "0.800" for r in theory)
    assert all(r.gamma == 1 for r in theory) and "ρ(U) = σ_max(U) = 0.800" in stops[2].text
    assert f"{10 ** theory[3].log10_bound[0]:.2g}" == "0.0015" and "at most 0.8²⁹ ≈ 1.5 · 10⁻³" in stops[2].text
    ratio = deep.gradient_ratio()  # the status line's: the top layer's ||dL_T/dh_1|| / ||dL_T/dh_T||
    assert ratio == pytest.approx(top[0] / top[-1]) and ratio < 10 ** theory[3].log10_bound[0]
    assert f"{ratio:.3g}" == "7.29e-06" and "the status line says 7.29e-06" in stops[2].text


def test_the_depth_lessons_comparisons_say_their_numbers():
    from unrolled.session.lessons import run_demonstration

    stops = get_lesson("depth-and-direction").stops
    comparison, _ = build_comparison(stops[3])
    a, b = comparison.sessions
    assert (a.steps_per_iteration, b.steps_per_iteration) == (242, 62)
    assert "242 steps an iteration, B 62" in stops[3].text
    assert f"{a.gradient_ratio():.3g}" == "7.29e-06" and f"{b.gradient_ratio():.3g}" == "4.94e-05"
    assert "relative to t = T, B keeps 6.8 times more gradient at t = 1" in comparison.summary()
    assert "B keeps 6.8 times more" in stops[3].text
    ahead, _ = build_comparison(stops[4])
    assert ahead.a.config.bidirectional and not ahead.b.config.bidirectional
    run_demonstration(ahead)  # the handout's run of "press T"
    a_loss, b_loss = (s.history[-1].loss for s in ahead.sessions)
    assert a_loss < 0.01 and abs(b_loss - np.log(4)) < 0.01
    assert "A's loss falls below 0.01, B's stays at ln 4 ≈ 1.39" in stops[4].text


def test_a_stop_compares_an_opened_model_with_a_fresh_one_trained_beside_it(tmp_path):
    from support.state_dicts import save_model_and_data

    save_model_and_data(tmp_path, "classes", C=3)
    (tmp_path / "fresh.json").write_text(json.dumps({"title": "Trained or not", "stops": [
        {"title": "Both", "text": "Trained against fresh.", "model": {"weights": "m.npz", "data": "d.npz"},
         "compare": {"fresh": True}, "train": 3, "at": "after the backward pass"}]}))
    stop = load_lesson_file(tmp_path / "fresh.json").stops[0]
    comparison, _ = build_comparison(stop)
    assert comparison.names == ("LSTM, trained weights", "LSTM, fresh weights")
    assert len(comparison.a.history) == len(comparison.b.history) == 3 and comparison.b.bwd.complete


@pytest.mark.slow
def test_the_characters_lesson_shows_what_its_connectivity_stops_say():
    """Stop 3 says the trained LSTM's ||dy_T/dx_t|| falls by several decades across the
    window; stop 4 that the RNN's, trained as long, falls by fewer; stop 2 that the loss
    falls from about ln C towards 2.6."""
    from unrolled.session.connectivity import session_connectivity

    stops = get_lesson("characters").stops
    lstm, rnn = build_stop(stops[2]), build_stop(stops[3])
    assert lstm.config.cell == "lstm" and rnn.config.cell == "rnn"
    assert lstm.loss_history[0] == pytest.approx(np.log(lstm.config.n_classes), abs=0.1)
    assert lstm.loss_history[-1] < 2.8
    decades = {}
    for session in (lstm, rnn):
        row = session_connectivity(session, 0)[-1]
        decades[session.config.cell] = np.log10(row[-1] / row[0])
    assert decades["lstm"] > 3 and 0 < decades["rnn"] < decades["lstm"]


@pytest.mark.slow
def test_the_characters_sample_stop_shows_spaces_and_line_breaks_in_its_first_lines():
    """Stop 2 says the sample (the Training panel's: seed 0, temperature 1) already has
    spaces and line breaks between short pieces of words: so its first 25 characters, the
    lines the panel shows without scrolling at 1366 x 768 in F5."""
    from unrolled.session.char_samples import sample_text

    stop = get_lesson("characters").stops[1]
    assert "already spaces and line breaks (↵) between short pieces of words" in stop.text
    first = sample_text(build_stop(stop), 160, 1.0, 0)[:25]
    assert " " in first and "\n" in first


def test_the_characters_first_stop_carries_the_state_from_window_to_window():
    """Stop 1 says B = 16 stretches side by side, T = 25 at a time, each window starting
    from the state the last one ended in, and gives X's and Y's shapes."""
    stop = get_lesson("characters").stops[0]
    assert "each window starting from the state the last one ended in" in stop.text
    session = build_stop(stop)
    F = session.config.n_features
    assert session.config.carries_state and session.config.n_hidden == 64
    assert session.X.shape == (16, 25, F) and session.Y.shape == (16, 25) and session.initial_state is None
    ended = session.net.final_state(session.net.forward(session.X, session.initial_state))
    ids = session.task.text().ids
    stretch = len(ids) // 16  # window n of sequence b: characters b S + n T .. b S + (n + 1) T
    np.testing.assert_array_equal(np.argmax(session.X, axis=-1),
                                  [ids[b * stretch : b * stretch + 25] for b in range(16)])
    session.new_sample()
    for part, carried in zip(ended, session.initial_state):
        for name, value in part.items():
            np.testing.assert_array_equal(carried[name], value)
    np.testing.assert_array_equal(np.argmax(session.X, axis=-1),
                                  [ids[b * stretch + 25 : b * stretch + 50] for b in range(16)])


def test_the_characters_truncation_stop_shows_what_it_says():
    """Truncated BPTT's (B's) last-step gradient equals full BPTT's (A's) over the last k = 25
    steps, from t = 76, and is exactly 0 before them; the summary says cut, not vanishing."""
    from unrolled.session.lessons import build_comparison

    stop = get_lesson("characters").stops[4]
    comparison = build_comparison(stop)[0]
    assert comparison.a.config.truncation == 0 and comparison.b.config.truncation == 25
    full, truncated = comparison.a.bwd.dh_last_norm, comparison.b.bwd.dh_last_norm
    np.testing.assert_allclose(truncated[-25:], full[-25:])
    assert not truncated[:-25].any() and full[:-25].all() and np.flatnonzero(truncated)[0] + 1 == 76
    assert "over the last 25 steps and ends at t = 76" in stop.text
    assert "B (LSTM, truncation k = 25): ||dL_T/dh_1||/||dL_T/dh_T|| = 0: cut by truncation (k = 25)" \
        in comparison.summary()
