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
    with pytest.raises(SessionFileError, match="does not fit its own config"):
        load_session(json_path)


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
