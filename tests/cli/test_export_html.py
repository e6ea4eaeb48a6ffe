"""`unrolled export --format html`: replay.html beside the other formats, a lesson's deck,
and the refusals, each in one line before anything is written."""

import json
import re

import numpy as np
import pytest

from unrolled import cli
from unrolled.session.lessons import get_lesson


def _replays(path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="unrolled-data">(.*?)</script>', text, re.S)
    assert match is not None
    return json.loads(match.group(1))["replays"]


def test_export_html_beside_npz_agrees_with_trace_npz(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["export", "--preset", "vanishing-rnn", "--format", "html,npz", "--out", str(out)]) == 0
    assert capsys.readouterr().out.split() == [str(out / "replay.html"), str(out / "trace.npz")]
    (replay,) = _replays(out / "replay.html")
    trace = np.load(out / "trace.npz")
    end = replay["positions"]["phase"].index("update") - 1  # End: the last backward step
    assert replay["positions"]["backward_done"][end] == replay["config"]["T"]
    np.testing.assert_array_equal(np.array(replay["gradients"]["dh_norm"], dtype=float), trace["dh_norm"])
    assert replay["gradients"]["loss"] == float(trace["loss"])
    assert replay["title"] == "vanishing-rnn"


def test_export_html_after_training_shows_the_runs_losses(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["export", "--preset", "vanishing-rnn", "--format", "html", "--iterations", "3",
                     "--out", str(out)]) == 0
    (replay,) = _replays(out / "replay.html")
    assert len(replay["loss_history"]) == 3 and replay["iteration"] == 4


def test_a_stack_is_refused_before_the_folder_is_made(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "--preset", "deep-vanishing", "--format", "png,html", "--out", str(out)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--format html: a replay draws one layer in one direction" in err
    assert not out.exists()


def test_export_a_lesson_as_a_deck(tmp_path, capsys):
    lesson = get_lesson("vanishing-in-five-minutes")
    assert cli.main(["export", "--lesson", lesson.name, "--format", "html", "--out", str(tmp_path)]) == 0
    path = tmp_path / f"{lesson.name}.html"
    assert capsys.readouterr().out.split() == [str(path)]
    replays = _replays(path)
    assert [r["stop"]["title"] for r in replays] == [s.title for s in lesson.stops]
    assert [r["stop"]["at"] for r in replays] == [s.at for s in lesson.stops]


def test_a_deck_is_html_alone(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "--lesson", "vanishing-in-five-minutes", "--format", "html,pdf", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert "a lesson's deck is html alone" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
