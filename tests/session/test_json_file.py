"""The one JSON reader: every way a file can be wrong is one JsonFileError, one line,
naming the file (and the field where there is one); Python's own limits never show."""

from __future__ import annotations

import json
import math

import pytest

from unrolled.session.json_file import MAX_DEPTH, MAX_NUMBER_CHARS, JsonFileError, parse_json, read_json


def _refused(path, fragments, **limits) -> JsonFileError:
    with pytest.raises(JsonFileError) as info:
        read_json(path, **limits)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert len(message) < 300
    return info.value


def _file(tmp_path, content, name="file.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_deep_nesting_is_refused_before_the_parser_recurses(tmp_path):
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
                 '{"stops": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}"):
        error = _refused(_file(tmp_path, text), ["nested too deeply", f"at most {MAX_DEPTH} levels"],
                         max_bytes=10_000_000)
        assert not isinstance(error.__cause__, RecursionError)


def test_nesting_up_to_the_limit_opens_and_brackets_in_strings_do_not_count(tmp_path):
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value = read_json(_file(tmp_path, deep))
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []
    _refused(_file(tmp_path, "[" + deep + "]"), ["nested too deeply"])
    text = json.dumps({"text": "[" * 10_000 + "{" * 10_000, "quote": 'a "[" and \\ [[[['})
    assert read_json(_file(tmp_path, text))["text"].startswith("[[[")


def test_the_line_of_the_deep_bracket_is_named(tmp_path):
    text = '{\n  "a": 1,\n  "b": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n}"
    _refused(_file(tmp_path, text), ["nested too deeply (line 3)"])


def test_a_5000_digit_number_is_refused_naming_its_field(tmp_path):
    text = json.dumps({"config": {"n_hidden": 8, "timesteps": 1}}).replace(': 1}', ': ' + "9" * 5000 + '}')
    error = _refused(_file(tmp_path, text), ["config.timesteps", "a number 5000 characters long",
                                             f"at most {MAX_NUMBER_CHARS}"])
    assert error.field == "config.timesteps"
    assert "set_int_max_str_digits" not in str(error)
    assert "9" * 30 not in str(error)  # the number is named by its first digits only


def test_long_numbers_in_lists_floats_and_at_the_top_level(tmp_path):
    rows = [
        ('{"stops": [{"train": 1}, {"train": ' + "1" * 200 + "}]}", "stops[1].train"),
        ('{"rho": 0.' + "5" * 200 + "}", "rho"),
        ('{"rho": 1e' + "0" * 150 + "5}", "rho"),
        ("-" + "7" * 101, "the top level"),
    ]
    for text, field in rows:
        _refused(_file(tmp_path, text), [f": {field}: a number"])


def test_numbers_up_to_the_limit_are_numbers(tmp_path):
    data = read_json(_file(tmp_path, '{"big": ' + "9" * MAX_NUMBER_CHARS + ', "rho": 0.25, "nan": NaN}'))
    assert data["big"] == int("9" * MAX_NUMBER_CHARS) and data["rho"] == 0.25 and math.isnan(data["nan"])


def test_not_utf8(tmp_path):
    _refused(_file(tmp_path, b'{"notes": "caf\xe9"}'), ["not UTF-8 text", "byte 14"], kind="a config")
    _refused(_file(tmp_path, '{"cell": "lstm"}'.encode("utf-16")), ["not UTF-8 text", "is it a config?"],
             kind="a config")


def test_a_byte_order_mark_is_fine(tmp_path):
    assert read_json(_file(tmp_path, b"\xef\xbb\xbf" + b'{"cell": "gru"}')) == {"cell": "gru"}


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = _file(tmp_path, '{"notes": "' + "x" * 2000 + '"}')
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *args, **kwargs: opened.append(args) or real_open(*args, **kwargs))
    _refused(path, ["2013 bytes", "a lesson is at most 1000"], max_bytes=1000, kind="a lesson")
    assert not opened


def test_a_file_that_claims_no_size_is_read_only_up_to_the_limit(tmp_path):
    """/dev/zero says it is 0 bytes long and never ends."""
    _refused("/dev/zero", ["more than 1000 bytes", "at most 1000"], max_bytes=1000)


def test_truncated_and_broken_json(tmp_path):
    full = json.dumps({"format": "unrolled-lesson", "stops": [{"title": "a", "text": "b"}]}, indent=2)
    for cut in (len(full) // 2, len(full) - 1, 1):
        _refused(_file(tmp_path, full[:cut]), ["is not valid JSON (line"])
    _refused(_file(tmp_path, ""), ["is not valid JSON (line 1"])
    _refused(_file(tmp_path, '{"a": "unterminated'), ["is not valid JSON"])


def test_unreadable(tmp_path):
    _refused(tmp_path / "missing.json", ["cannot read", "No such file or directory"])
    _refused(tmp_path, ["cannot read", "directory"])


def test_text_in_memory_is_parsed_by_the_same_rules():
    assert parse_json('{"a": [1, 2]}', "built-in.json") == {"a": [1, 2]}
    with pytest.raises(JsonFileError, match=r"built-in\.json is nested too deeply"):
        parse_json("[" * 1000 + "]" * 1000, "built-in.json")


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    import os

    fifo = tmp_path / "lesson.json"
    os.mkfifo(fifo)
    with pytest.raises(JsonFileError, match="is a pipe or a socket, not a file"):
        read_json(fifo)
