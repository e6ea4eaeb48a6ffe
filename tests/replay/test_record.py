"""What the replay records of a session: the engine's own numbers at every position of the
iteration, read from a replay of it, and at the end of the backward pass trace.npz's. No Qt."""

import base64
import io
import json

import numpy as np
import pytest

from unrolled.replay.record import record
from unrolled.session.config import Config
from unrolled.session.figure_data import write_trace_npz
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def _at_end_of_backward(config: Config) -> Session:
    session = Session(config)
    session.advance(session.steps_to("iteration") - 1)
    return session


def _floats(values: list) -> np.ndarray:
    named = {"inf": np.inf, "-inf": -np.inf, "nan": np.nan}
    return np.array([named[v] if isinstance(v, str) else v for v in values], dtype=float)


def _drawn_dh_norm(replay: dict, position: int) -> np.ndarray:
    """dh_norm as the page draws it at `position`: NaN where not computed yet."""
    values = _floats(replay["gradients"]["dh_norm"])
    done = replay["positions"]["backward_done"][position]
    values[: len(values) - done] = np.nan
    return values


@pytest.fixture(scope="module")
def vanishing() -> tuple[Session, dict]:
    session = _at_end_of_backward(get_preset("vanishing-rnn").config)
    return session, record(session, "vanishing-rnn")


def test_every_position_draws_what_the_session_holds_there(vanishing):
    session, replay = vanishing
    positions = replay["positions"]
    assert len(positions["phase"]) == session.steps_per_iteration + 1
    for stepped in session.replay_iteration():
        p = stepped.position
        assert positions["phase"][p] == stepped.phase.value
        assert positions["t"][p] == stepped.t
        assert positions["forward_done"][p] == stepped.fwd.steps_done
        expected = stepped.bwd.dh_norm if stepped.bwd is not None else np.full(session.T, np.nan)
        np.testing.assert_allclose(_drawn_dh_norm(replay, p), expected, rtol=1e-13, equal_nan=True)


def test_the_end_of_the_backward_pass_is_trace_npz_bit_for_bit(vanishing):
    session, replay = vanishing
    buffer = io.BytesIO()
    write_trace_npz(buffer, session)
    buffer.seek(0)
    trace = np.load(buffer)
    end = len(replay["positions"]["phase"]) - 2  # 2T + 1: the last backward step
    assert replay["positions"]["phase"][end] == "backward" and replay["positions"]["t"][end] == 1
    np.testing.assert_array_equal(_drawn_dh_norm(replay, end), trace["dh_norm"])
    assert replay["gradients"]["loss"] == float(trace["loss"])
    assert replay["heatmaps"][0]["h"]["dtype"] == "f4"
    h = np.frombuffer(base64.b64decode(replay["heatmaps"][0]["h"]["data"]), dtype="<f4").reshape(session.T, -1)
    np.testing.assert_array_equal(h, trace["h"][0].astype(np.float32))


def test_the_theory_line_is_the_sessions(vanishing):
    session, replay = vanishing
    theory, label = session.theory_curve()
    assert replay["gradients"]["theory"]["label"] == label
    np.testing.assert_array_equal(_floats(replay["gradients"]["theory"]["values"]), theory)


def test_recording_leaves_the_session_where_it_was(vanishing):
    session, _ = vanishing
    assert session.position == session.steps_per_iteration - 1 and session.history == []


def test_an_lstm_records_its_cell_state_and_gates_and_the_predictions():
    config = Config().replace(cell="lstm", timesteps=6, n_hidden=5).validated()
    session = _at_end_of_backward(config)
    replay = record(session)
    assert list(replay["heatmaps"][0]) == ["h", "c", *session.fwd.gates]
    np.testing.assert_array_equal(_floats(replay["gradients"]["dc_norm"]), session.bwd.dc_norm)
    np.testing.assert_array_equal(_floats(replay["gradients"]["dh_last_norm"]), session.bwd.dh_last_norm)
    assert replay["gradients"]["theory"] is None
    assert [row[0] for row in replay["predictions"]] == list(range(1, 7))
    json.dumps(replay, allow_nan=False)  # JSON as a browser reads it: no NaN or Infinity literals


def test_overflow_is_recorded_as_inf_or_nan_not_as_a_missing_value():
    config = get_preset("exploding-rnn").config.replace(rho=10.0, activation="linear", timesteps=400)
    session = _at_end_of_backward(config)
    replay = record(session)
    values = replay["gradients"]["dh_norm"]
    assert "inf" in values or "nan" in values
    h = replay["heatmaps"][0]["h"]  # beyond float32's range: kept as float64, not turned into inf
    assert h["dtype"] == "f8"
    np.testing.assert_array_equal(np.frombuffer(base64.b64decode(h["data"]), dtype="<f8"), session.fwd.h[0].ravel())
    json.dumps(replay, allow_nan=False)


@pytest.fixture(scope="module")
def stack() -> tuple[Session, dict]:
    config = Config().replace(cell="lstm", layers=2, bidirectional=True, timesteps=7, n_hidden=4).validated()
    session = _at_end_of_backward(config)
    return session, record(session, "stack")


def test_a_stack_records_every_layer_and_direction_in_the_engines_step_order(stack):
    session, replay = stack
    keys = session.layer_keys()
    assert replay["keys"] == [list(key) for key in keys] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert replay["key_labels"] == ["layer 1 forward", "layer 1 reverse", "layer 2 forward", "layer 2 reverse"]
    positions = replay["positions"]
    for stepped in session.replay_iteration():
        p, place = stepped.position, stepped.place
        assert (positions["phase"][p], positions["layer"][p], positions["direction"][p], positions["t"][p]) == \
            (place.phase.value, place.layer, place.direction, place.t)
        fwd, bwd = stepped.fwd, stepped.bwd
        assert positions["layer_done"][p] == [
            [fwd.layers[key].steps_done, bwd.layers[key].steps_done if bwd is not None else 0] for key in keys]
        expected = stepped.bwd.dh_norm if stepped.bwd is not None else np.full(session.T, np.nan)
        np.testing.assert_allclose(_drawn_dh_norm(replay, p), expected, rtol=1e-13, equal_nan=True)


def test_a_stacks_curves_heatmaps_and_inspector_are_per_layer_and_direction(stack):
    session, replay = stack
    keys, norms = session.layer_keys(), session.layer_gradient_norms()
    for k, key in enumerate(keys):
        np.testing.assert_array_equal(_floats(replay["gradients"]["layer_dh_norm"][k]), norms[key])
        h = np.frombuffer(base64.b64decode(replay["heatmaps"][k]["h"]["data"]), dtype="<f4").reshape(session.T, -1)
        np.testing.assert_array_equal(h, session.fwd.layer_h[key][0].astype(np.float32))
        assert list(replay["heatmaps"][k]) == ["h", "c", "i", "f", "g", "o"]
    np.testing.assert_array_equal(_floats(replay["gradients"]["dh_norm"]), session.bwd.dh_norm)
    assert len(replay["inspector"]) == 4 and all(len(rows) == session.T for rows in replay["inspector"])
    assert replay["inspector"][3][0]["backward"] and replay["inspector"][3][0]["forward"]
    json.dumps(replay, allow_nan=False)


def test_beyond_the_size_limit_the_heatmaps_keep_their_first_units(monkeypatch):
    from unrolled.replay import record as recording

    session = _at_end_of_backward(Config().replace(cell="lstm", timesteps=10, n_hidden=8).validated())
    monkeypatch.setattr(recording, "MAX_HEATMAP_VALUES", 6 * 10 * 3)  # h, c, i, f, g, o: 3 units each
    maps = record(session)["heatmaps"][0]
    assert {name: (m["shape"], m["units_of"]) for name, m in maps.items()} == \
        {name: ([10, 3], 8) for name in ("h", "c", "i", "f", "g", "o")}
    c = np.frombuffer(base64.b64decode(maps["c"]["data"]), dtype="<f4").reshape(10, 3)
    np.testing.assert_array_equal(c, session.fwd.c[0, :, :3].astype(np.float32))


def test_a_deck_stop_that_names_app_only_controls_says_so():
    from unrolled.replay.deck import APP_ONLY, app_only_note
    from unrolled.session.lessons import get_lesson, list_lessons

    for lesson in list_lessons():
        for stop in get_lesson(lesson.name).stops:
            note = app_only_note(stop.text)
            assert bool(note) == any(phrase in stop.text for phrase in APP_ONLY), (lesson.name, stop.number)
            if "Theory panel" in stop.text:
                assert note.startswith("<p class='app-only'>In the app: the Theory panel")
    assert app_only_note("The gradient vanishes.") == ""
