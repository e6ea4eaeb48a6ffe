import json

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.files import SessionFileError, load_session, save_session
from unrolled.session.stepper import Session


def arrays(s):
    out = {"h": s.fwd.h, **{f"p_{k}": v for k, v in s.net.params.items()}}
    if s.bwd is not None:
        out["dh"] = s.bwd.dh
    return out


@pytest.mark.parametrize("extra_steps", [0, 3, 9, 13, 14])
@pytest.mark.parametrize("cell,optimiser", [("rnn", "sgd"), ("lstm", "adam"), ("gru", "sgd")])
def test_round_trip_resumes_at_the_same_step_with_the_same_arrays(tmp_path, cell, optimiser, extra_steps):
    s = Session(Config(cell=cell, timesteps=6, optimiser=optimiser, momentum=0.5 if optimiser == "sgd" else 0.0))
    s.run_iteration()
    s.run_iteration()
    s.advance(extra_steps)
    json_path, npz_path = save_session(s, tmp_path / "demo.json")
    opened = load_session(json_path)
    assert (opened.iteration, opened.position, opened.phase) == (s.iteration, s.position, s.phase)
    assert opened.loss_history == s.loss_history
    a, b = arrays(s), arrays(opened)
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    # and the future agrees too: the optimiser state came back
    s.run_iteration()
    opened.run_iteration()
    for k, v in s.net.params.items():
        np.testing.assert_array_equal(opened.net.params[k], v)
    document = json.loads(json_path.read_text())
    assert document["format"] == "unrolled-session" and document["version"] == 1
    assert not list(tmp_path.glob(".*partial"))


def test_corrupt_truncated_and_foreign_files_say_so(tmp_path):
    s = Session()
    s.advance(5)
    json_path, npz_path = save_session(s, tmp_path / "demo.json")
    good_json, good_npz = json_path.read_text(), npz_path.read_bytes()

    json_path.write_text(good_json[: len(good_json) // 2])
    with pytest.raises(SessionFileError, match="not valid JSON"):
        load_session(json_path)
    json_path.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(SessionFileError, match="not an unrolled session"):
        load_session(json_path)
    json_path.write_text(good_json.replace('"version": 1', '"version": 99'))
    with pytest.raises(SessionFileError, match="version 99"):
        load_session(json_path)
    json_path.write_text(good_json)
    npz_path.write_bytes(good_npz[: len(good_npz) // 2])
    with pytest.raises(SessionFileError, match="changed or replaced"):
        load_session(json_path)
    document = json.loads(good_json)
    del document["weights_sha256"]
    json_path.write_text(json.dumps(document))
    with pytest.raises(SessionFileError, match="corrupt or truncated"):
        load_session(json_path)
    npz_path.unlink()
    with pytest.raises(SessionFileError, match="cannot read the weights"):
        load_session(json_path)
    with pytest.raises(SessionFileError, match="cannot read"):
        load_session(tmp_path / "missing.json")


def test_a_config_that_does_not_fit_the_weights_is_refused(tmp_path):
    s = Session()
    json_path, _ = save_session(s, tmp_path / "demo.json")
    document = json.loads(json_path.read_text())
    document["config"]["n_hidden"] = 9
    json_path.write_text(json.dumps(document))
    expected = r"does not fit demo.json: param.W1 has shape \(14, 8\); this config needs \(14, 9\)"
    with pytest.raises(SessionFileError, match=expected):
        load_session(json_path)


@pytest.mark.parametrize("optimiser,momentum", [("adam", 0.0), ("sgd", 0.9)])
def test_a_session_saved_before_its_first_update_trains_after_opening(tmp_path, optimiser, momentum):
    """The optimiser state of a fresh Adam (empty m and v) cannot be held by the file: opening
    completes it, so the first update works (it raised KeyError 'm')."""
    s = Session(Config(optimiser=optimiser, momentum=momentum, learning_rate=0.01))
    s.advance(3)
    json_path, _ = save_session(s, tmp_path / "fresh.json")
    opened = load_session(json_path)
    s.run_iteration()
    opened.run_iteration()
    for name, value in s.net.params.items():
        np.testing.assert_array_equal(opened.net.params[name], value)


def test_an_unwritable_place_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SessionFileError, match="cannot write"):
        save_session(Session(), blocker / "demo.json")


def test_adopt_keeps_the_observers():
    a, b = Session(), Session(Config(cell="lstm"))
    heard = []
    a.changed.connect(heard.append)
    a.adopt(b)
    assert a.config.cell == "lstm" and heard
    a.step()
    assert len(heard) == 2


def _saved_state(session):
    return session.position, session.iteration, {k: v.copy() for k, v in session.net.params.items()}


@pytest.mark.parametrize("failing", ["demo.json", "demo.npz"])
def test_a_failed_save_keeps_the_previous_save(tmp_path, monkeypatch, failing):
    import os

    from unrolled.session import atomic

    s = Session()
    s.advance(7)
    json_path, npz_path = save_session(s, tmp_path / "demo.json")
    old_position, old_iteration, old_params = _saved_state(s)
    s.advance(s.steps_per_iteration)  # a different state: a new iteration, new weights
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith(failing) and str(src).endswith(".partial"):
            raise PermissionError(1, "Operation not permitted")  # an immutable or locked file, a full disk
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(SessionFileError, match="Operation not permitted"):
        save_session(s, tmp_path / "demo.json")
    monkeypatch.undo()
    opened = load_session(json_path)
    assert (opened.position, opened.iteration) == (old_position, old_iteration)
    for k, v in old_params.items():
        np.testing.assert_array_equal(opened.net.params[k], v)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json", "demo.npz"]


def test_a_save_cut_off_between_its_renames_still_opens(tmp_path):
    s = Session()
    s.advance(3)
    json_path, npz_path = save_session(s, tmp_path / "demo.json")
    previous = npz_path.read_bytes()
    # as if a later save had moved its new weights in and then the machine stopped
    (tmp_path / ".demo.npz.previous").write_bytes(previous)
    s.advance(s.steps_per_iteration)
    _, other = save_session(s, tmp_path / "other.json")
    npz_path.write_bytes(other.read_bytes())
    assert load_session(json_path).position == 3


@pytest.mark.parametrize(("link", "message"), [(3, "names its weights"), ("", "names its weights"),
                                               ("demo.txt", "names its weights")])
def test_a_bad_weights_link_is_refused(tmp_path, link, message):
    json_path, _ = save_session(Session(), tmp_path / "demo.json")
    document = json.loads(json_path.read_text())
    document["weights"] = link
    json_path.write_text(json.dumps(document))
    with pytest.raises(SessionFileError, match=message):
        load_session(json_path)


def test_deeply_nested_json_and_negative_iterations_are_refused(tmp_path):
    json_path, _ = save_session(Session(), tmp_path / "demo.json")
    good = json_path.read_text()
    json_path.write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(SessionFileError, match="nested too deeply"):
        load_session(json_path)
    json_path.write_text(good.replace('"iteration": 0', '"iteration": -5'))
    with pytest.raises(SessionFileError, match="iteration: got -5, expected a whole number >= 0"):
        load_session(json_path)


@pytest.mark.parametrize("extra_steps", [0, 7, 12, 13, 20, 25, 26])
def test_a_deep_bidirectional_session_round_trips_at_every_phase(tmp_path, extra_steps):
    """Layers and direction are saved in the config; opening replays the steps over every
    (layer, direction, t) and gives every layer's arrays back bit for bit."""
    from .test_stepper import assert_same, deep_snapshot

    s = Session(Config(cell="gru", timesteps=3, n_hidden=4, layers=2, bidirectional=True, optimiser="adam"))
    s.run_iteration()
    s.advance(extra_steps)
    json_path, _ = save_session(s, tmp_path / "deep.json")
    document = json.loads(json_path.read_text())
    assert (document["config"]["layers"], document["config"]["bidirectional"]) == (2, True)
    opened = load_session(json_path)
    assert_same(deep_snapshot(opened), deep_snapshot(s))
    s.run_iteration()
    opened.run_iteration()
    for k, v in s.net.params.items():
        np.testing.assert_array_equal(opened.net.params[k], v)


def test_a_one_layer_session_file_names_neither_layers_nor_direction(tmp_path):
    """Saved as before the fields existed, so an older unrolled opens it; a file without
    them opens as one layer in one direction."""
    s = Session(Config(cell="lstm", timesteps=4))
    s.advance(5)
    json_path, _ = save_session(s, tmp_path / "plain.json")
    document = json.loads(json_path.read_text())
    assert "layers" not in document["config"] and "bidirectional" not in document["config"]
    opened = load_session(json_path)
    assert (opened.config.layers, opened.config.bidirectional, opened.position) == (1, False, 5)
    assert opened.net.stack is None
