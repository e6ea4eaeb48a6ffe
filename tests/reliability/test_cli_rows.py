"""The table, category 1: command-line arguments of `unrolled` and `unrolled export`, run
in-process. Each row: exit 2, one line naming the option, the value and what is allowed,
no traceback, and nothing written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import assert_mentions, refused_by_cli

MAX = "100000"

# (arguments with {tmp} for a scratch folder, fragments the error line must contain)
MAIN_ROWS = [
    (["--preset", "nope"], ["preset", "'nope'", "expected one of", "vanishing-rnn"]),
    (["--preset", ""], ["--preset", "empty name"]),
    (["--preset", "   "], ["--preset", "empty name"]),
    (["--config", ""], ["--config", "empty name"]),
    (["--config", "{tmp}/missing.json"], ["cannot read", "missing.json"]),
    (["--config", "{tmp}"], ["expected a JSON file"]),
    (["--session", ""], ["--session", "empty name"]),
    (["--session", "{tmp}/missing.json"], ["cannot read", "missing.json"]),
    (["--session", "{tmp}"], ["cannot read", "directory"]),
    (["--steps", "-1"], ["--steps", "-1", f"0 to {MAX}"]),
    (["--steps", "100001"], ["--steps", "100001", f"0 to {MAX}"]),
    (["--preset", "vanishing-rnn", "--steps", "1000000000000"], ["--steps", "1000000000000", f"0 to {MAX}"]),
    (["--steps", "1e12"], ["--steps", "invalid int value", "'1e12'"]),
    (["--steps", "abc"], ["--steps", "invalid int value", "'abc'"]),
    (["--steps", ""], ["--steps", "invalid int value", "''"]),
    (["--steps", "2.5"], ["--steps", "invalid int value", "'2.5'"]),
    (["--steps"], ["--steps", "expected one argument"]),
    (["--screenshot", "{tmp}/shot.jpg"], ["--screenshot", "shot.jpg", "ending in .png"]),
    (["--screenshot", "{tmp}/shot"], ["--screenshot", "ending in .png"]),
    (["--screenshot", "{tmp}/missing/shot.png"], ["--screenshot", "missing", "does not exist"]),
    (["--screenshot", "{tmp}/a-file/shot.png"], ["--screenshot", "a-file", "does not exist"]),
    (["--screenshot", ""], ["--screenshot", "empty name"]),
    (["--preset", "vanishing-rnn", "--config", "x.json"], ["--config", "not allowed with", "--preset"]),
    (["--session", "a.json", "--preset", "vanishing-rnn"], ["--preset", "not allowed with", "--session"]),
    (["--frobnicate"], ["unrecognized arguments", "--frobnicate"]),
    (["vanishing-rnn"], ["unrecognized arguments", "vanishing-rnn"]),
    (["--list-presets", "extra"], ["unrecognized arguments", "extra"]),
    # the app's own options take no subcommand; a subcommand's options follow its name
    (["--steps", "3", "export", "--preset", "vanishing-rnn", "--out", "{tmp}/out"],
     ["unrecognized arguments: --steps 3", "before export", "unrolled export --help"]),
    (["--preset", "vanishing-rnn", "gradcheck", "--preset", "vanishing-rnn"],
     ["--preset vanishing-rnn", "before gradcheck"]),
    (["--config", "{tmp}/missing.json", "--screenshot", "{tmp}/shot.png"], ["cannot read", "missing.json"]),
    (["--session", "{tmp}/missing.json", "--steps", "3"], ["cannot read", "missing.json"]),
]


EXPORT_ROWS = [
    ([], ["required"]),
    (["--preset", "vanishing-rnn"], ["required", "--out"]),
    (["--out", "{tmp}/out"], ["one of the arguments --preset --config --text --lesson --weights is required"]),
    (["--preset", "nope", "--out", "{tmp}/out"], ["preset", "'nope'", "expected one of"]),
    (["--preset", "", "--out", "{tmp}/out"], ["--preset", "empty name"]),
    (["--config", "", "--out", "{tmp}/out"], ["--config", "empty name"]),
    (["--config", "{tmp}/missing.json", "--out", "{tmp}/out"], ["cannot read", "missing.json"]),
    (["--config", "{tmp}", "--out", "{tmp}/out"], ["expected a JSON file"]),
    (["--preset", "vanishing-rnn", "--out", ""], ["--out", "empty name"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/a-file/figs"], ["cannot write to", "a-file"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/a-file"], ["a-file"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--format", "png,gif"],
     ["--format", "'png,gif'", "png, svg, pdf, csv"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--format", ""], ["--format", "''", "png, svg, pdf, csv"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--format", ",,,"], ["--format", "',,,'", "png, svg"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--format", "PNG;SVG"], ["--format", "'PNG;SVG'"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/a-file/figs", "--format", "safetensors"],
     ["cannot write to", "a-file"]),
    # torch.nn.RNN has no linear or sigmoid RNN: refused whatever else is asked, before the folder is made
    (["--preset", "exploding-rnn", "--out", "{tmp}/out", "--format", "safetensors"],
     ["--format safetensors", "no linear nonlinearity", "tanh or relu"]),
    (["--preset", "exploding-rnn", "--out", "{tmp}/out", "--format", "png,safetensors"],
     ["--format safetensors", "no linear nonlinearity", "tanh or relu"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--dpi", "5"], ["--dpi", "5", "30 to 1200"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--dpi", "5000"], ["--dpi", "5000", "30 to 1200"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--dpi", "-300"], ["--dpi", "-300", "30 to 1200"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--dpi", "abc"], ["--dpi", "invalid int value", "'abc'"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--dpi", "1e3"], ["--dpi", "invalid int value", "'1e3'"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--iterations", "-1"], ["--iterations", "-1", f"0 to {MAX}"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--iterations", "100001"],
     ["--iterations", "100001", f"0 to {MAX}"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--iterations", "1e12"],
     ["--iterations", "invalid int value"]),
    (["--preset", "vanishing-rnn", "--config", "x.json", "--out", "{tmp}/out"],
     ["--config", "not allowed with", "--preset"]),
    (["--preset", "vanishing-rnn", "--out", "{tmp}/out", "--bogus"], ["unrecognized arguments", "--bogus"]),
]


@pytest.fixture
def scratch(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path


def _fill(args, tmp):
    return [a.format(tmp=tmp) for a in args]


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


@pytest.mark.parametrize("args,fragments", MAIN_ROWS, ids=[" ".join(a) or "(none)" for a, _ in MAIN_ROWS])
def test_unrolled_refuses(capsys, scratch, args, fragments):
    before = _files(scratch)
    message = refused_by_cli(capsys, _fill(args, scratch))
    assert_mentions(message, fragments)
    assert _files(scratch) == before  # no screenshot, no debris


@pytest.mark.parametrize("args,fragments", EXPORT_ROWS, ids=[" ".join(a) or "(none)" for a, _ in EXPORT_ROWS])
def test_unrolled_export_refuses(capsys, scratch, args, fragments):
    before = _files(scratch)
    message = refused_by_cli(capsys, ["export", *_fill(args, scratch)])
    assert_mentions(message, fragments)
    assert _files(scratch) == before  # the output folder is not even created


def test_no_display_says_so(capsys, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(sys, "platform", "linux")
    message = refused_by_cli(capsys, ["--preset", "vanishing-rnn"])
    assert_mentions(message, ["no display", "DISPLAY", "unrolled export", "--screenshot"])


def test_sizes_beyond_memory_from_a_config_file(capsys, tmp_path):
    path = tmp_path / "huge.json"
    path.write_text('{"timesteps": 5000, "n_hidden": 1024, "batch_size": 512}')
    for args in (["--config", path], ["export", "--config", path, "--out", tmp_path / "out"]):
        message = refused_by_cli(capsys, args)
        assert_mentions(message, ["memory", "GB", "smaller T, D, F, C or B"])
    assert not (tmp_path / "out").exists()


# a handful of real processes: what a user's terminal shows, traceback or not
SUBPROCESS_ROWS = [
    (["--steps", "1e12"], "invalid int value"),
    (["--config", "{tmp}/bad.json"], "n_hidden"),
    (["--session", "{tmp}/bad.json"], "not an unrolled session"),
    (["export", "--config", "{tmp}/bad.json", "--out", "{tmp}/out"], "n_hidden"),
]


@pytest.mark.parametrize("args,fragment", SUBPROCESS_ROWS, ids=[" ".join(a) for a, _ in SUBPROCESS_ROWS])
def test_a_real_process_prints_no_traceback(tmp_path, args, fragment):
    (tmp_path / "bad.json").write_text('{"n_hidden": NaN}')
    result = subprocess.run([sys.executable, "-m", "unrolled", *_fill(args, tmp_path)], check=False,
                            capture_output=True, text=True, timeout=60,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "out").exists()


# -- lessons: the work a lesson file asks for is bounded before any of it starts ----------
def _lesson_file(folder, stops):
    import json

    path = folder / "mine.json"
    path.write_text(json.dumps({"format": "unrolled-lesson", "title": "Mine", "stops": stops}))
    return path


def _stop(**fields):
    return {"title": "One", "text": "Say this.", "model": "seed-pos-tagging", **fields}


LESSON_ROWS = [
    ([_stop(at="after 1000000000 training iterations")],
     ["lesson mine, stop 1 (One): at: got 1000000000 training iterations", "from 0 to 2000"]),
    ([_stop(train=2001)], ["stop 1 (One): train: got 2001", "from 0 to 2000"]),
    ([_stop(train=1500, until="after 600 training iterations")], ["until:"]),
    ([_stop(train=1999, until=100000)], ["until: got 11999 training iterations", "from 0 to 2000"]),
    ([_stop(at=100000)], ["at: got 10000 training iterations", "from 0 to 2000"]),
    ([_stop(at=f"after {'9' * 5000} training iterations")], ["at: got 99999999... (5000 digits)", "0 to 2000"]),
    ([_stop()] * 5000, ["lesson mine: stops: got 5000, expected at most 200", "does not fit a class"]),
]


@pytest.mark.parametrize("stops,fragments", LESSON_ROWS, ids=[f"{len(s)} stops, {f[0][:40]}" for s, f in LESSON_ROWS])
def test_a_lesson_asking_for_too_much_is_refused_before_any_work(capsys, tmp_path, monkeypatch, stops, fragments):
    import unrolled.session.lessons as lessons

    def no_work(*args, **kwargs):
        raise AssertionError("a stop was set up")

    monkeypatch.setattr(lessons, "build_stop_trained", no_work)
    path = _lesson_file(tmp_path, stops)
    for args in (["--lesson", path], ["export", "--lesson", path, "--out", tmp_path / "out"]):
        message = refused_by_cli(capsys, args)
        assert_mentions(message, ["--lesson", *fragments])
    assert not (tmp_path / "out").exists()


def test_the_issues_reproduction_exits_2_at_once(tmp_path):
    import time

    path = _lesson_file(tmp_path, [_stop(at="after 1000000000 training iterations")])
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "unrolled", "export", "--lesson", path, "--out", tmp_path / "h",
                             "--format", "pdf,png"], check=False, capture_output=True, text=True, timeout=60,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2, result.stderr
    assert time.perf_counter() - started < 30  # the process's start-up; no training at all
    assert result.stderr.strip().splitlines() == [
        "unrolled export: error: --lesson: lesson mine, stop 1 (One): at: got 1000000000 training iterations, "
        "expected a whole number from 0 to 2000 (train, at and until together)"]
    assert not (tmp_path / "h").exists()


def _slow_lesson(folder):
    """Three stops, each trained as long as a stop may: a few seconds each."""
    return _lesson_file(folder, [_stop(title=name, model="vanishing-rnn", train=2000) for name in "ABC"])


@pytest.mark.slow
def test_export_lesson_prints_a_line_per_stop(tmp_path):
    path = _lesson_file(tmp_path, [_stop(title="First"), _stop(title="Second", model="same", at="after the loss")])
    result = subprocess.run([sys.executable, "-m", "unrolled", "export", "--lesson", path, "--out", tmp_path / "h",
                             "--format", "png"], check=False, capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["stop 1/2: First ...", "stop 2/2: Second ..."]
    assert all(line.endswith(" s)") for line in lines)
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["mine-01.png", "mine-02.png"]


@pytest.mark.slow
def test_ctrl_c_in_export_lesson_exits_130_with_one_line_and_no_half_file(tmp_path):
    import signal

    path = _slow_lesson(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "unrolled", "export", "--lesson", str(path),
                                "--out", str(tmp_path / "h"), "--format", "pdf,png"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert process.stderr is not None
    seen = b""
    while b"stop 2/3" not in seen:  # stop 1's page is written; stop 2 is training
        byte = process.stderr.read(1)
        assert byte, seen
        seen += byte
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    text = (seen + err).decode()
    assert "Traceback" not in text
    assert text.strip().splitlines()[-1] == (
        "unrolled export: interrupted: the handout is incomplete, and no file is half-written")
    assert text.strip().splitlines()[0].startswith("stop 1/3: A ... (")
    assert out == b""
    # stop 1's PNG is whole; the PDF (written last) and stop 2's page never reached their names
    assert [p.name for p in (tmp_path / "h").iterdir()] == ["mine-01.png"]
    from PySide6 import QtGui

    assert not QtGui.QImage(str(tmp_path / "h" / "mine-01.png")).isNull()


# -- every command that reads a JSON file, with what Python's parser cannot take --------
DEEP = "[" * 100_000 + "]" * 100_000
LONG = "9" * 5000


def _json_files(tmp, saved_session):
    """name -> (a file, the fragments its error line must hold): the same faults in a
    config, a lesson and a session file."""
    lesson = '{"format": "unrolled-lesson", "title": "T", "stops": %s}'
    session = saved_session.read_text()
    rows = {
        "config-deep": ('{"config": ' + DEEP + "}", ["config-deep.json", "nested too deeply"]),
        "config-number": ('{"n_hidden": ' + LONG + "}", ["config-number.json", "n_hidden", "5000 characters long"]),
        "config-bytes": (b'{"notes": "caf\xe9"}', ["config-bytes.json", "not UTF-8", "byte 14"]),
        "lesson-deep": (lesson % DEEP, ["lesson lesson-deep", "nested too deeply"]),
        "lesson-number": (lesson % f'[{{"title": "a", "text": "b", "train": {LONG}}}]',
                          ["lesson lesson-number", "stops[0].train", "5000 characters long"]),
        "lesson-large": (lesson % ('[{"title": "a", "text": "%s"}]' % ("x" * 1_100_000)),
                         ["lesson-large.json", "bytes", "a lesson is at most 1000000"]),
        "session-deep": (session.replace('"iteration": 1', '"iteration": ' + DEEP),
                         ["session-deep.json", "nested too deeply"]),
        "session-number": (session.replace('"iteration": 1', '"iteration": ' + LONG),
                           ["session-number.json", ": iteration: a number 5000 characters long"]),
    }
    for name, (content, _) in rows.items():
        path = tmp / f"{name}.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return rows


JSON_COMMANDS = [
    (["--config", "{file}"], "config"),
    (["export", "--config", "{file}", "--out", "{tmp}/out"], "config"),
    (["gradcheck", "--config", "{file}"], "config"),
    (["--lesson", "{file}"], "lesson"),
    (["export", "--lesson", "{file}", "--out", "{tmp}/out"], "lesson"),
    (["--session", "{file}"], "session"),
    (["gradcheck", "--session", "{file}"], "session"),
]


@pytest.mark.parametrize("args,kind", JSON_COMMANDS, ids=[" ".join(a for a in args if "{" not in a and a != "--out")
                                                           for args, _ in JSON_COMMANDS])
def test_every_json_reading_command_says_what_is_wrong_in_one_line(capsys, saved, args, kind):
    tmp = saved.path.parent
    rows = _json_files(tmp, saved.path)
    for name, (_, fragments) in rows.items():
        if not name.startswith(kind):
            continue
        path = tmp / f"{name}.json"
        before = path.read_bytes()
        message = refused_by_cli(capsys, [a.format(file=path, tmp=tmp) for a in args])
        assert_mentions(message, fragments)
        assert "set_int_max_str_digits" not in message and len(message) < 400
        assert path.read_bytes() == before
    assert not (tmp / "out").exists()


@pytest.mark.parametrize("args", [["export", "--lesson", "{tmp}/deep.json", "--out", "{tmp}/out", "--format", "pdf"],
                                  ["export", "--config", "{tmp}/number.json", "--out", "{tmp}/out"],
                                  ["gradcheck", "--config", "{tmp}/number.json"]],
                         ids=["export --lesson deep", "export --config number", "gradcheck --config number"])
def test_a_real_process_reading_what_the_parser_cannot_take(tmp_path, args):
    """The reproductions of the report, as a terminal shows them."""
    (tmp_path / "deep.json").write_text('{"format": "unrolled-lesson", "title": "T", "stops": ' + DEEP + "}")
    (tmp_path / "number.json").write_text('{"n_hidden": ' + LONG + "}")
    result = subprocess.run([sys.executable, "-m", "unrolled", *_fill(args, tmp_path)], check=False,
                            capture_output=True, text=True, timeout=60,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ("nested too deeply" in lines[0] or "5000 characters long" in lines[0])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("stops", [[_stop(title="x" * 100_000, train=5000)], "y" * 100_000],
                         ids=["a long stop title", "a long stops value"])
def test_a_lesson_quotes_a_long_value_in_part(capsys, tmp_path, stops):
    path = _lesson_file(tmp_path, stops)
    message = refused_by_cli(capsys, ["export", "--lesson", path, "--out", tmp_path / "out"])
    assert_mentions(message, ["--lesson", "…"])
    assert len(message) < 400, len(message)


def test_a_stop_title_with_control_characters_prints_as_one_line(capsys, tmp_path):
    path = _lesson_file(tmp_path, [_stop(title="Bad\n\r\x1b[31mRED", at="bogus")])
    message = refused_by_cli(capsys, ["export", "--lesson", path, "--out", tmp_path / "out"])
    assert "stop 1 (Bad [31mRED): at:" in message and "\x1b" not in message


def test_a_stops_progress_line_is_one_cut_line(capsys):
    from unrolled.cli.lessons import StopProgress
    from unrolled.session.lessons import lesson_from_data

    lesson = lesson_from_data({"format": "unrolled-lesson", "title": "T", "stops": [
        {"title": "x" * 100_000 + "\n\x1b[2J", "text": "y", "model": "seed-pos-tagging"}]}, "mine")
    progress = StopProgress(lesson)
    progress(1, 1)
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and "\x1b" not in line and len(line) < 120, line[:200]
