"""The table, category 3: saved sessions (NAME.json and NAME.npz), opened with
`unrolled --session FILE`. Each row edits one thing in a good pair; it must exit 2 with one
line saying what is wrong, and leave both files as they were."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from unrolled.engine import with_spectral_radius
from unrolled.session.config import Config, ConfigError
from unrolled.session.files import SessionFileError, load_session, save_session
from unrolled.session.lessons import build_stop, get_lesson, lesson_names
from unrolled.session.stepper import Session
from unrolled.session.training import Trainer

from .conftest import assert_mentions, refused_by_cli


def doc(**changes):
    """An edit of the JSON document: a key set to a value, or removed (value ...)."""

    def edit(document, arrays):
        for key, value in changes.items():
            if value is ...:
                document.pop(key, None)
            else:
                document[key] = value

    edit.keep_sha = "weights_sha256" in changes  # the row is about the checksum itself
    return edit


def config(**changes):
    def edit(document, arrays):
        document["config"] = {**document["config"], **changes}

    return edit


def array(name, value=...):
    """An edit of the NPZ: an array replaced by `value(old)`, or removed (...)."""

    def edit(document, arrays):
        if value is ...:
            del arrays[name]
        else:
            arrays[name] = value(arrays[name])

    return edit


def pickled(document, arrays):
    arrays["X"] = np.array([{"evil": 1}], dtype=object)


# (edit, fragments of the error line)
ROWS = [
    (doc(format=...), ["not an unrolled session file"]),
    (doc(format="unrolled-preset"), ["not an unrolled session file"]),
    (doc(version=99), ["version 99", "reads up to 1"]),
    (doc(version="1"), ["version", "'1'", "whole number"]),
    (doc(version=...), ["version", "None", "whole number"]),
    (doc(version=0), ["version", "0", "1 to 1"]),
    (doc(version=True), ["version", "True", "whole number"]),
    (doc(config=...), ["incomplete", "'config' is missing"]),
    (doc(iteration=...), ["incomplete", "'iteration' is missing"]),
    (doc(position=...), ["incomplete", "'position' is missing"]),
    (doc(weights=...), ["incomplete", "'weights' is missing"]),
    (doc(weights=5), ["weights", "5", "ending in .npz"]),
    (doc(weights=""), ["weights", "''", "ending in .npz"]),
    (doc(weights=None), ["weights", "None", "ending in .npz"]),
    (doc(weights="edited.txt"), ["weights", "'edited.txt'", "ending in .npz"]),
    (doc(weights=["edited.npz"]), ["weights", "ending in .npz"]),
    (doc(weights="elsewhere.npz"), ["cannot read the weights elsewhere.npz"]),
    (doc(weights="../../etc/elsewhere.npz"), ["cannot read the weights elsewhere.npz"]),
    (doc(weights_sha256="0" * 64), ["does not belong to", "changed or replaced"]),
    (doc(weights_sha256=5), ["weights_sha256", "5", "64 hexadecimal digits"]),
    (doc(iteration=-5), ["iteration", "-5", "whole number >= 0"]),
    (doc(iteration=1.5), ["iteration", "1.5", "whole number"]),
    (doc(iteration="1"), ["iteration", "'1'", "whole number"]),
    (doc(iteration=True), ["iteration", "True", "whole number"]),
    (doc(iteration=None), ["iteration", "None", "whole number"]),
    (doc(iteration=10**30), ["iteration", "iterations of loss history"]),
    (doc(iteration=7), ["iteration", "7", "iterations of loss history"]),
    (doc(position=-1), ["position", "-1", "0..10"]),
    (doc(position=999), ["position", "999", "0..10"]),
    (doc(position=1.5), ["position", "1.5", "whole number"]),
    (doc(position="3"), ["position", "'3'", "whole number"]),
    (doc(position=None), ["position", "None", "whole number"]),
    (doc(config=[]), ["invalid config", "expected an object of settings"]),
    (doc(config="rnn"), ["invalid config", "expected an object of settings"]),
    (config(n_hidden=0), ["invalid config", "n_hidden", "got 0", "1 to 1024"]),
    (config(n_hidden=float("nan")), ["invalid config", "n_hidden", "finite"]),
    (config(bogus=1), ["invalid config", "bogus", "no such setting"]),
    (config(cell="cnn"), ["invalid config", "cell", "'cnn'"]),
    (config(n_hidden=9), ["param.W1", "(14, 8)", "(14, 9)"]),
    (config(cell="lstm"), ["lacks the array param.W_i"]),
    (config(timesteps=5), ["does not fit its own config", "X", "(1, 5, 14)"]),
    (config(optimiser="sgd", momentum=0.5), ["optimiser state", "sgd"]),
    (config(timesteps=5000, n_hidden=1024, batch_size=512), ["memory", "T, D or B"]),
    (array("X"), ["lacks the array X"]),
    (array("Y"), ["lacks the array Y"]),
    (array("param.W1"), ["lacks the array param.W1"]),
    (array("history.loss"), ["lacks the array history.loss"]),
    (array("history.norm_before"), ["lacks the array history.norm_before"]),
    (array("opt.t"), ["optimiser state", "adam"]),
    (array("opt.m.W1"), ["optimiser state", "adam", "m.W1"]),
    (array("opt.m.W1", lambda a: a[:2]), ["optimiser state", "m.W1", "shape"]),
    (array("opt.t", lambda a: np.array(-3)), ["optimiser state", "t", "-3"]),
    (array("X", lambda a: a[:, :2]), ["X", "(1, 2, 14)", "(1, 4, 14)"]),
    (array("X", lambda a: a.ravel()), ["X", "(56,)", "(1, 4, 14)"]),
    (array("X", lambda a: np.full(a.shape, "a")), ["X", "numbers"]),
    (array("X", lambda a: a + 1j), ["X", "real numbers"]),
    (array("X", lambda a: np.where(a > 0, np.nan, a)), ["X", "nan or inf"]),
    (array("Y", lambda a: a[..., :2]), ["Y", "shape"]),
    (array("Y", lambda a: np.full(a.shape, 99)), ["Y", "class indices", "99"]),
    (array("Y", lambda a: np.full(a.shape, "a")), ["Y", "numbers"]),
    (array("param.W1", lambda a: a[:3]), ["W1", "(3, 8)", "(14, 8)"]),
    (array("param.W1", lambda a: np.full(a.shape, np.nan)), ["param.W1", "nan or inf"]),
    (array("param.U1", lambda a: np.full(a.shape, np.inf)), ["param.U1", "nan or inf"]),
    (array("param.W1", lambda a: a.astype(str)), ["param.W1", "numbers"]),
    (array("param.W9", ...) if False else (lambda d, a: a.update({"param.W9": np.zeros(3)})), ["W9"]),
    (array("history.loss", lambda a: np.concatenate([a, a])), ["history", "lengths"]),
    (array("history.loss", lambda a: a.reshape(1, -1)), ["history.loss", "one number per iteration"]),
    (array("history.applied", lambda a: a[:0]), ["history", "lengths"]),
    (pickled, ["X", "Python objects", "never loaded"]),
]


def _apply(saved, edit):
    document = json.loads(json.dumps(saved.document))
    arrays = dict(saved.arrays)
    edit(document, arrays)
    return saved.write(document, arrays, sha=not getattr(edit, "keep_sha", False))


@pytest.mark.parametrize("edit,fragments", ROWS, ids=range(len(ROWS)))
def test_a_bad_session_file_is_refused(capsys, saved, edit, fragments):
    path = _apply(saved, edit)
    npz = path.with_suffix(".npz")
    before = (path.read_bytes(), npz.read_bytes())
    message = refused_by_cli(capsys, ["--session", path])
    assert_mentions(message, fragments)
    assert (path.read_bytes(), npz.read_bytes()) == before


def _zip_with_claim(shape) -> bytes:
    """An NPZ whose X header claims `shape` of float64, with only a few bytes behind it."""
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": shape})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("X.npy", header.getvalue() + b"\0" * 64)
    return buffer.getvalue()


# (raw JSON bytes or None, raw NPZ bytes or None, fragments)
RAW_ROWS = [
    (b"{", None, ["not valid JSON"]),
    (b"", None, ["not valid JSON"]),
    (b"[1, 2]", None, ["not an unrolled session file"]),
    (b"null", None, ["not an unrolled session file"]),
    (b"[" * 100_000 + b"]" * 100_000, None, ["nested too deeply"]),
    (b'{"format": "unrolled-session", "notes": "caf\xe9"}', None, ["not UTF-8"]),
    (b'{"format": "unrolled-session", "pad": "' + b"x" * 11_000_000 + b'"}', None, ["bytes", "at most"]),
    (None, b"", ["corrupt or truncated"]),
    (None, b"this is not a zip file", ["corrupt or truncated"]),
    (None, "truncated", ["corrupt or truncated"]),
    (None, _zip_with_claim((10_000, 1_000_000)), ["array X claims 80,000,000,000 bytes", "at most"]),
    (None, _zip_with_claim((2**40, 2**20)), ["array X claims", "at most"]),
    (None, _zip_with_claim((1, 4, 14)), ["corrupt or truncated", "expected 448 bytes"]),
]


@pytest.mark.parametrize("raw_json,raw_npz,fragments", RAW_ROWS, ids=range(len(RAW_ROWS)))
def test_a_broken_file_is_refused(capsys, saved, raw_json, raw_npz, fragments):
    if raw_npz == "truncated":
        raw_npz = saved.npz.read_bytes()[: saved.npz.stat().st_size // 2]
    path = saved.write(raw_json=raw_json, raw_npz=raw_npz)
    message = refused_by_cli(capsys, ["--session", path])
    assert_mentions(message, fragments)


def test_the_good_pair_opens_where_it_was(saved):
    """The control row: the unedited files open, so every refusal above is the edit's."""
    opened = load_session(_apply(saved, lambda d, a: None))
    assert (opened.position, opened.iteration) == (saved.position, saved.iteration)


def test_a_session_whose_replay_would_take_too_long_is_refused_before_it(capsys, saved, monkeypatch):
    """Opening replays the saved steps of the iteration; their estimated time is bounded
    before any is taken (the bound made tight here: a model large enough to pass it for
    real needs more memory than the traces may take on most machines)."""
    from unrolled.session import stepper, work

    monkeypatch.setattr(work, "MAX_WORK_SECONDS", 1e-4)
    monkeypatch.setattr(stepper.Session, "resume", classmethod(lambda *a, **k: pytest.fail("replay started")))
    message = refused_by_cli(capsys, ["--session", saved.path])
    assert_mentions(message, ["good.json is saved 6 steps into an iteration; replaying them: 6 steps of a model",
                              "would take about", "ask for fewer, or a smaller model"])


# -- what the app accepts, it can reopen ------------------------------------------------
def _saves_and_reopens(session: Session, folder, name: str) -> None:
    path, _ = save_session(session, folder / f"{name}.json")
    opened = load_session(path)
    assert (opened.config, opened.iteration, opened.position) == (session.config, session.iteration, session.position)
    for key, value in session.net.params.items():
        np.testing.assert_array_equal(opened.net.params[key], value, err_msg=key)
    np.testing.assert_array_equal(opened.X, session.X)


def _scaled_u(session: Session) -> None:
    session.set_weights({name: with_spectral_radius(session.net.params[name], 1e6)
                         for name in session.net.recurrent_param_names()})


# every kind of change a session takes: typed, from the model panel (its `rebuilt`, as
# the panel applies a field), the theory panel, stepping, training, a new sample, weights
CHANGES = {
    "a typed sentence": lambda s: s.use_sentence("the dog sees a ball"),
    "the longest sentence": lambda s: s.use_sentence(" ".join(["the"] * 5000)),
    "T at its maximum": lambda s: s.adopt(s.rebuilt(timesteps=5000)),
    "D at its maximum": lambda s: s.adopt(s.rebuilt(n_hidden=1024)),
    "B at its maximum": lambda s: s.adopt(s.rebuilt(batch_size=512)),
    "an LSTM with its least forget bias": lambda s: s.adopt(s.rebuilt(cell="lstm", forget_bias=-10.0)),
    "a GRU with Adam": lambda s: s.adopt(s.rebuilt(cell="gru", optimiser="adam", learning_rate=100.0)),
    "the largest seed and rho": lambda s: s.adopt(s.rebuilt(seed=2**31 - 1, rho=10.0, init="identity")),
    "clipping and truncation": lambda s: s.adopt(s.rebuilt(clipping="norm", clip_threshold=1e6, truncation=5000)),
    "another task": lambda s: s.adopt(s.rebuilt(task="adding-problem")),
    "rho rescaled in the theory panel": lambda s: s.set_spectral_radius(3.0, keep_position=True),
    "steps into the backward pass": lambda s: s.advance(7),
    "training": lambda s: Trainer(s).train(3),
    "a new sample": lambda s: s.new_sample(),
    "weights far beyond any rho": _scaled_u,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_every_change_saves_and_reopens(tmp_path, change):
    session = Session(Config(momentum=0.5))
    session.advance(3)
    CHANGES[change](session)
    _saves_and_reopens(session, tmp_path, "changed")


# the characters lesson reads and steps a real text: over a second
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow) if name == "characters" else name
                                  for name in lesson_names()])
def test_every_lesson_stop_saves_and_reopens(tmp_path, name):
    for stop in get_lesson(name).stops:
        _saves_and_reopens(build_stop(stop, end=True, lesson=name), tmp_path, f"stop-{stop.number}")


# changes a file could not hold: refused before anything is applied
REFUSED = [
    (lambda s: s.use_sentence(" ".join(["the dog sees a ball"] * 1200)), ["input", "6000 words", "at most 5000"]),
    (lambda s: s.use_sentence("the " + "z" * 100_000), ["input", "unknown word 'zzz", "…", "the vocabulary is"]),
    (lambda s: s.set_spectral_radius(50.0), ["rho", "got 50.0", "0 to 10"]),
    (lambda s: s.reconfigure(timesteps=5001), ["timesteps", "got 5001", "1 to 5000"]),
]


@pytest.mark.parametrize("change,fragments", REFUSED, ids=range(len(REFUSED)))
def test_a_change_a_file_could_not_hold_is_refused(tmp_path, change, fragments):
    session = Session()
    session.advance(3)
    before = (session.config, session.position, session.X.copy(), {k: v.copy() for k, v in session.net.params.items()})
    events = []
    session.changed.connect(events.append)
    with pytest.raises(ConfigError) as info:
        change(session)
    assert_mentions(str(info.value), fragments)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300
    assert (session.config, session.position) == before[:2] and not events
    np.testing.assert_array_equal(session.X, before[2])
    for key, value in before[3].items():
        np.testing.assert_array_equal(session.net.params[key], value)
    _saves_and_reopens(session, tmp_path, "unchanged")


def test_a_save_refuses_a_config_it_could_not_reopen(tmp_path):
    """The last guard, should a change ever slip past its check: nothing is written."""
    session = Session()
    object.__setattr__(session.config, "timesteps", 6000)  # as no public method can
    with pytest.raises(SessionFileError, match="would not open again: timesteps: got 6000"):
        save_session(session, tmp_path / "never.json")
    assert list(tmp_path.iterdir()) == []


def test_a_preset_as_large_as_allowed_saves_and_reopens(tmp_path):
    """Its notes travel in the session's config: a session file holds what a preset may."""
    from unrolled.session.presets import MAX_FILE_BYTES, load_file

    preset = tmp_path / "wordy.json"
    preset.write_text(json.dumps({"cell": "gru", "notes": "é" * (MAX_FILE_BYTES // 2 - 100)}, ensure_ascii=False),
                      encoding="utf-8")
    assert MAX_FILE_BYTES - 300 < preset.stat().st_size <= MAX_FILE_BYTES
    _saves_and_reopens(Session(load_file(preset).config), tmp_path, "wordy-session")
