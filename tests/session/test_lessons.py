"""Lesson files: the built-in lessons load, every stop builds at its place, and a broken
file gets one line naming the lesson, the stop (number and title) and the field."""

import json

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
    with pytest.raises(LessonError, match="lesson nope: no such lesson; the lessons are rnn-part-2"):
        get_lesson("nope")
