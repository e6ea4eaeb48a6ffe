"""The table, category 2: config and preset files, opened with `unrolled --config FILE`
(and a few with `unrolled export --config`). Each row: exit 2, one line naming the field,
the value and what is allowed; no traceback; the file is left as it was."""

from __future__ import annotations

import json

import pytest

from unrolled.session.config import Config
from unrolled.session.presets import load_file

from .conftest import assert_mentions, refused_by_cli

NESTED = "[" * 100_000 + "]" * 100_000

# (file content as text or bytes, fragments of the error line)
FILE_ROWS = [
    ("{", ["not valid JSON", "line 1"]),
    ("", ["not valid JSON"]),
    ('{"cell": "lstm",}', ["not valid JSON"]),
    ("{'cell': 'lstm'}", ["not valid JSON"]),
    (b"\xff\xfe{\x00}\x00", ["not UTF-8"]),
    ('{"cell": "lstm"}'.encode("utf-16"), ["not UTF-8"]),
    (b'{"notes": "caf\xe9"}', ["not UTF-8", "byte"]),
    ("[1, 2]", ["expected a JSON object"]),
    ('"pos-tagging"', ["expected a JSON object"]),
    ("42", ["expected a JSON object"]),
    ("null", ["expected a JSON object"]),
    (NESTED, ["nested too deeply"]),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, ["nested too deeply"]),
    ('{"notes": "' + "x" * 1_100_000 + '"}', ["bytes", "at most 1000000"]),
]

# (settings of a bare config, fragments); each is also tried wrapped in a preset
FIELD_ROWS = [
    ({"n_hidden": 0}, ["n_hidden", "got 0", "1 to 1024"]),
    ({"n_hidden": 1025}, ["n_hidden", "got 1025", "1 to 1024"]),
    ({"n_hidden": 2.5}, ["n_hidden", "got 2.5", "whole number"]),
    ({"n_hidden": "8"}, ["n_hidden", "got '8'", "expected a number"]),
    ({"n_hidden": True}, ["n_hidden", "got True", "expected a number"]),
    ({"n_hidden": None}, ["n_hidden", "got None", "expected a number"]),
    ({"n_hidden": [8]}, ["n_hidden", "got [8]", "expected a number"]),
    ({"n_hidden": float("nan")}, ["n_hidden", "got nan", "finite number"]),
    ({"timesteps": float("inf")}, ["timesteps", "got inf", "finite number"]),
    ({"timesteps": float("-inf")}, ["timesteps", "got -inf", "finite number"]),
    ({"timesteps": 0}, ["timesteps", "got 0", "1 to 5000"]),
    ({"timesteps": 5001}, ["timesteps", "got 5001", "1 to 5000"]),
    ({"timesteps": 1e12}, ["timesteps", "got 1000000000000.0", "1 to 5000"]),
    ({"timesteps": 10**30}, ["timesteps", "1 to 5000"]),
    ({"seed": -1}, ["seed", "got -1", "0 to 2.14748e+09"]),
    ({"seed": 2**31}, ["seed", "got 2147483648"]),
    ({"seed": 1e308}, ["seed", "got 1e+308"]),
    ({"batch_size": 0}, ["batch_size", "got 0", "1 to 512"]),
    ({"batch_size": 513}, ["batch_size", "got 513", "1 to 512"]),
    ({"n_features": 3}, ["n_features", "3"]),
    ({"n_classes": 99}, ["n_classes", "99"]),
    ({"mode": "many-to-one"}, ["mode", "many-to-one"]),
    ({"loss": "mse"}, ["loss", "mse"]),
    ({"task": "nope"}, ["task", "got 'nope'", "expected one of", "pos-tagging"]),
    ({"task": 5}, ["task", "got 5", "expected one of"]),
    ({"task": ["pos-tagging"]}, ["task", "got ['pos-tagging']", "expected one of"]),
    ({"cell": "cnn"}, ["cell", "got 'cnn'", "rnn, lstm, gru"]),
    ({"cell": "LSTM"}, ["cell", "got 'LSTM'", "rnn, lstm, gru"]),
    ({"cell": None}, ["cell", "got None", "rnn, lstm, gru"]),
    ({"activation": "swish"}, ["activation", "got 'swish'", "tanh"]),
    ({"mode": "one-to-many"}, ["mode", "got 'one-to-many'", "many-to-many"]),
    ({"loss": "hinge"}, ["loss", "got 'hinge'", "cross-entropy"]),
    ({"rho": -1}, ["rho", "got -1", "0 to 10"]),
    ({"rho": 11}, ["rho", "got 11", "0 to 10"]),
    ({"rho": float("nan")}, ["rho", "got nan", "finite"]),
    ({"rho": "big"}, ["rho", "got 'big'", "expected a number"]),
    ({"forget_bias": 11}, ["forget_bias", "got 11", "-10 to 10"]),
    ({"forget_bias": float("inf")}, ["forget_bias", "got inf", "finite"]),
    ({"optimiser": "rmsprop"}, ["optimiser", "got 'rmsprop'", "sgd"]),
    ({"optimizer": "adam"}, ["optimizer", "no such setting", "optimiser"]),
    ({"hidden": 8}, ["hidden", "no such setting", "n_hidden"]),
    ({"colour": "red"}, ["colour", "no such setting", "the settings are"]),
    ({"learning_rate": 0}, ["learning_rate", "got 0", "1e-06 to 100"]),
    ({"learning_rate": 1000}, ["learning_rate", "got 1000", "1e-06 to 100"]),
    ({"learning_rate": -0.1}, ["learning_rate", "got -0.1"]),
    ({"momentum": 1}, ["momentum", "got 1", "0 to 0.999"]),
    ({"momentum": -0.5}, ["momentum", "got -0.5"]),
    ({"clipping": "sometimes"}, ["clipping", "got 'sometimes'", "none, norm, value"]),
    ({"clip_threshold": 0}, ["clip_threshold", "got 0", "1e-06 to 1e+06"]),
    ({"clip_threshold": 1e7}, ["clip_threshold", "got 10000000.0", "1e-06 to 1e+06"]),
    ({"notes": 5}, ["notes", "got 5", "text"]),
    ({"layers": 0}, ["layers", "got 0", "whole number from 1 to 8"]),
    ({"layers": 9}, ["layers", "got 9", "whole number from 1 to 8"]),
    ({"layers": 2.5}, ["layers", "got 2.5", "whole number from 1 to 8"]),
    ({"layers": 2.0}, ["layers", "got 2.0", "whole number from 1 to 8"]),  # the engine takes an int alone
    ({"layers": "two"}, ["layers", "got 'two'", "whole number from 1 to 8"]),
    ({"layers": True}, ["layers", "got True", "whole number from 1 to 8"]),
    ({"bidirectional": "yes"}, ["bidirectional", "got 'yes'", "expected true or false"]),
    ({"bidirectional": 1}, ["bidirectional", "got 1", "expected true or false"]),
    ({"bidirectional": None}, ["bidirectional", "got None", "expected true or false"]),
    ({"layers": 8, "bidirectional": True, "timesteps": 5000, "n_hidden": 1024, "batch_size": 64},
     ["memory", "GB", "smaller T, D, F, C or B"]),
    ({"notes": ["a"]}, ["notes", "got ['a']", "text"]),
    ({"task": "adding-problem", "loss": "cross-entropy"}, ["loss", "cross-entropy"]),
    ({"task": "next-word", "n_features": 3}, ["n_features", "3"]),
    ({"timesteps": 5000, "n_hidden": 1024, "batch_size": 512}, ["memory", "GB", "smaller T, D, F, C or B"]),
]

# (preset fields around a valid config, fragments)
PRESET_ROWS = [
    ({"format": "someone-else"}, ["format", "'someone-else'", "'unrolled-preset'"]),
    ({"format": 5}, ["format", "5", "'unrolled-preset'"]),
    ({"config": []}, ["config", "expected an object of settings", "list"]),
    ({"config": "rnn"}, ["config", "expected an object of settings", "str"]),
    ({"config": None}, ["config", "expected an object of settings"]),
    ({"steps": -1}, ["steps", "got -1", "0 to 100000"]),
    ({"steps": "3"}, ["steps", "got '3'", "whole number"]),
    ({"steps": 1.5}, ["steps", "got 1.5", "whole number"]),
    ({"steps": True}, ["steps", "got True", "whole number"]),
    ({"steps": None}, ["steps", "got None", "whole number"]),
    ({"steps": 100001}, ["steps", "got 100001", "0 to 100000"]),
    ({"steps": float("nan")}, ["steps", "got nan", "whole number"]),
    ({"name": 5}, ["name", "got 5", "text"]),
    ({"description": ["a"]}, ["description", "got ['a']", "text"]),
    ({"compare": []}, ["compare", "got []", "object of settings for network B"]),
    ({"compare": "lstm"}, ["compare", "got 'lstm'", "object of settings"]),
    ({"compare": {"timesteps": 8}}, ["compare", "timesteps", "may change only", "cell"]),
    ({"compare": {"cell": "cnn"}}, ["compare", "cell", "got 'cnn'", "rnn, lstm, gru"]),
    ({"compare": {"rho": float("nan")}}, ["compare", "rho", "got nan", "finite"]),
    ({"compare": {"learning_rate": 0}}, ["compare", "learning_rate", "got 0"]),
    ({"step": 5}, ["step", "no such preset field", "steps"]),
]


def _write(tmp_path, content, name="config.json"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def _preset(**fields):
    return {"format": "unrolled-preset", "name": "mine", "description": "edited",
            "config": {"task": "pos-tagging", "cell": "rnn"}, **fields}


def _refuse_file(capsys, path, fragments, export=False):
    before = path.read_bytes()
    args = ["export", "--config", path, "--out", path.parent / "out"] if export else ["--config", path]
    message = refused_by_cli(capsys, args)
    assert_mentions(message, fragments)
    assert path.read_bytes() == before
    assert not (path.parent / "out").exists()
    return message


@pytest.mark.parametrize("content,fragments", FILE_ROWS, ids=range(len(FILE_ROWS)))
def test_a_file_that_is_not_a_config(capsys, tmp_path, content, fragments):
    message = _refuse_file(capsys, _write(tmp_path, content), fragments)
    assert "config.json" in message  # names the file


@pytest.mark.parametrize("settings,fragments", FIELD_ROWS, ids=[json.dumps(s)[:60] for s, _ in FIELD_ROWS])
def test_a_bare_config_with_a_bad_field(capsys, tmp_path, settings, fragments):
    _refuse_file(capsys, _write(tmp_path, settings), fragments)


@pytest.mark.parametrize("settings,fragments", FIELD_ROWS[::4], ids=[json.dumps(s)[:60] for s, _ in FIELD_ROWS[::4]])
def test_a_preset_with_a_bad_config_field_in_export(capsys, tmp_path, settings, fragments):
    _refuse_file(capsys, _write(tmp_path, _preset(config=settings)), fragments, export=True)


@pytest.mark.parametrize("fields,fragments", PRESET_ROWS, ids=[json.dumps(f)[:60] for f, _ in PRESET_ROWS])
def test_a_preset_with_a_bad_field(capsys, tmp_path, fields, fragments):
    _refuse_file(capsys, _write(tmp_path, _preset(**fields)), fragments)


# inputs that look odd but are meant to work: refusing them would be the bug
ACCEPTED_ROWS = [
    ({"task": "next-word"}, {"task": "next-word"}),
    ({"task": "adding-problem", "cell": "lstm"}, {"task": "adding-problem", "mode": "many-to-one", "loss": "mse"}),
    (_preset(steps=0, compare={}), {"cell": "rnn"}),
    ({}, {"task": "pos-tagging", "cell": "rnn"}),
    ({"timesteps": 8.0}, {"timesteps": 8}),
]


@pytest.mark.parametrize("content,expected", ACCEPTED_ROWS, ids=range(len(ACCEPTED_ROWS)))
def test_odd_but_valid_files_open(tmp_path, content, expected):
    preset = load_file(_write(tmp_path, content))
    for name, value in expected.items():
        assert getattr(preset.config, name) == value
    assert isinstance(preset.config, Config) and not preset.config.problems()


def test_a_config_file_with_a_byte_order_mark_opens(tmp_path):
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"cell": "gru"}).encode())
    assert load_file(path).config.cell == "gru"


# the work a preset asks for on opening (its steps) or before an export (its training) is
# bounded by its estimated time, before any of it starts
BIG_MODEL = {"task": "pos-tagging", "cell": "lstm", "n_hidden": 1024, "batch_size": 8}
WORK_ROWS = [
    ({"config": BIG_MODEL, "steps": 100_000},
     ["steps", "100000 steps of a model with T = 4, B = 8, F = 14, D = 1024, C = 5 would take about",
      "at most 60 s of work"]),
    ({"config": BIG_MODEL, "export_iterations": 5000}, ["export_iterations", "5000 training iterations", "minutes"]),
]


@pytest.mark.parametrize("fields,fragments", WORK_ROWS, ids=["steps", "export_iterations"])
def test_a_preset_asking_for_too_much_work_is_refused_before_it_starts(capsys, tmp_path, monkeypatch, fields,
                                                                       fragments):
    from unrolled.session.stepper import Session

    monkeypatch.setattr(Session, "advance", lambda self, n: pytest.fail("stepping started"))
    path = _write(tmp_path, _preset(**fields))
    _refuse_file(capsys, path, fragments)
    _refuse_file(capsys, path, fragments, export=True)


def test_the_same_sizes_with_work_in_bounds_open(tmp_path):
    preset = load_file(_write(tmp_path, _preset(config=BIG_MODEL, steps=10, export_iterations=1)))
    assert preset.steps == 10 and preset.config.n_hidden == 1024


# values a message quotes are cut: the line stays readable whatever the file holds
LONG_VALUE_ROWS = [
    ({"task": "pos-tagging", "input": "a" * 100_000}, ["input", "unknown word 'aaaa", "…", "the vocabulary is"]),
    ({"input": " ".join(f"w{i}" for i in range(10_000))}, ["input", "unknown words", "and 9992 more"]),
    ({"cell": "x" * 100_000}, ["cell", "got 'xxxx", "…", "expected one of rnn, lstm, gru"]),
    ({"notes": ["n"] * 50_000}, ["notes", "got ['n', 'n'", "…", "expected text"]),
    ({"y" * 100_000: 1}, ["yyyy", "…", "no such setting"]),
    (_preset(name="z" * 100_000, steps="s" * 100_000), ["steps", "got 'ssss", "…", "whole number"]),
]


@pytest.mark.parametrize("content,fragments", LONG_VALUE_ROWS, ids=range(len(LONG_VALUE_ROWS)))
def test_a_long_value_is_quoted_in_part(capsys, tmp_path, content, fragments):
    for export in (False, True):
        message = _refuse_file(capsys, _write(tmp_path, content), fragments, export=export)
        assert len(message) < 400, len(message)


def test_a_5000_digit_number_names_the_field_in_a_preset(capsys, tmp_path):
    path = _write(tmp_path, json.dumps(_preset()).replace('"cell": "rnn"', '"cell": "rnn", "seed": ' + "7" * 5000))
    for export in (False, True):
        message = _refuse_file(capsys, path, ["config.json", "config.seed", "a number 5000 characters long",
                                              "at most 100 characters"], export=export)
        assert len(message) < 300
