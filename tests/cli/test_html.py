"""`unrolled export --format html`: NAME.html (after what it replays) beside the other
formats, a lesson's deck, and the refusals, each in one line before anything is written."""

import json
import re

import numpy as np
import pytest

from unrolled import cli
from unrolled.session.lessons import get_lesson
from unrolled.session.presets import get_preset


def _replays(path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="unrolled-data">(.*?)</script>', text, re.S)
    assert match is not None
    return json.loads(match.group(1))["replays"]


def test_export_html_beside_npz_agrees_with_trace_npz(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["export", "--preset", "vanishing-rnn", "--format", "html,npz", "--out", str(out)]) == 0
    assert capsys.readouterr().out.split() == [str(out / "vanishing-rnn.html"), str(out / "trace.npz")]
    (replay,) = _replays(out / "vanishing-rnn.html")
    trace = np.load(out / "trace.npz")
    end = replay["positions"]["phase"].index("update") - 1  # End: the last backward step
    assert replay["positions"]["backward_done"][end] == replay["config"]["T"]
    np.testing.assert_array_equal(np.array(replay["gradients"]["dh_norm"], dtype=float), trace["dh_norm"])
    assert replay["gradients"]["loss"] == float(trace["loss"])
    assert replay["title"] == "vanishing-rnn"
    assert replay["description"] == get_preset("vanishing-rnn").description  # the page's first line


def test_two_exports_into_one_folder_keep_both_files(tmp_path, capsys):
    for preset in ("vanishing-rnn", "exploding-rnn"):
        assert cli.main(["export", "--preset", preset, "--format", "html", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exploding-rnn.html", "vanishing-rnn.html"]
    assert _replays(tmp_path / "vanishing-rnn.html")[0]["title"] == "vanishing-rnn"


def test_export_html_after_training_shows_the_runs_curves(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["export", "--preset", "vanishing-rnn", "--format", "html,csv", "--figure", "training_loss",
                     "--iterations", "3", "--out", str(out)]) == 0
    (replay,) = _replays(out / "vanishing-rnn.html")
    assert len(replay["loss_history"]) == 3 and replay["iteration"] == 4
    training = replay["training"]  # the Training panel's curves: gradient norm before and after clipping, accuracy
    assert len(training["norm_before"]) == len(training["norm_after"]) == len(training["accuracy"]) == 3
    assert all(0 <= a <= 1 for a in training["accuracy"])
    assert all(after <= before for before, after in zip(training["norm_before"], training["norm_after"]))


def _end(replay: dict) -> int:
    return replay["positions"]["phase"].index("update") - 1  # End: the last backward step


def test_a_stack_exports_every_layer_and_direction(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["export", "--preset", "deep-vanishing", "--format", "html,npz", "--iterations", "0",
                     "--out", str(out)]) == 0
    (replay,) = _replays(out / "deep-vanishing.html")
    trace = np.load(out / "trace.npz")
    assert replay["keys"] == [[0, 0], [1, 0], [2, 0], [3, 0]]
    assert replay["positions"]["backward_done"][_end(replay)] == replay["config"]["T"]
    np.testing.assert_array_equal(np.array(replay["gradients"]["dh_norm"], dtype=float), trace["dh_norm"])


def _own_model(folder) -> tuple[str, str]:
    """A one-layer bidirectional GRU's weights under torch's names (written without torch)
    and a data file of 6 sequences, T = 7, F = 3, C = 4."""
    from safetensors.numpy import save_file

    rng = np.random.default_rng(0)
    F, D, C = 3, 5, 4
    weights = {f"rnn.{kind}_l0{tail}": rng.standard_normal(shape) * 0.3
               for tail in ("", "_reverse")
               for kind, shape in (("weight_ih", (3 * D, F)), ("weight_hh", (3 * D, D)),
                                   ("bias_ih", (3 * D,)), ("bias_hh", (3 * D,)))}
    weights.update({"fc.weight": rng.standard_normal((C, 2 * D)), "fc.bias": np.zeros(C)})
    save_file({k: v.astype(np.float32) for k, v in weights.items()}, str(folder / "model.safetensors"))
    np.savez(folder / "d.npz", X=rng.standard_normal((6, 7, F)), Y=rng.integers(0, C, (6, 7)))
    return str(folder / "model.safetensors"), str(folder / "d.npz")


def test_export_html_of_your_own_weights_and_data_agrees_with_trace_npz(tmp_path, capsys):
    weights, data = _own_model(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["export", "--weights", weights, "--data", data, "--sample", "2", "--format", "html,npz",
                     "--out", str(out)]) == 0
    (replay,) = _replays(out / "model.html")
    trace = np.load(out / "trace.npz")
    assert (replay["title"], replay["description"]) == \
        ("model", "Your own model: the weights of model.safetensors on d.npz.")
    assert (replay["config"]["cell"], replay["config"]["directions"], replay["config"]["T"]) == ("gru", 2, 7)
    np.testing.assert_array_equal(np.array(replay["gradients"]["dh_norm"], dtype=float), trace["dh_norm"])
    assert replay["gradients"]["loss"] == float(trace["loss"])
    assert [row[1] for row in replay["predictions"]] == \
        [" ".join(f"{v:.3g}" for v in x) for x in np.load(data)["X"][2]]  # sequence 1 is the data's sample 2


def test_your_own_weights_without_data_say_the_input_is_random_and_the_targets_its_own(tmp_path, capsys):
    weights, _ = _own_model(tmp_path)
    assert cli.main(["export", "--weights", weights, "--format", "html", "--out", str(tmp_path / "out")]) == 0
    (replay,) = _replays(tmp_path / "out" / "model.html")
    assert replay["description"] == ("Your own model: the weights of model.safetensors. No data given: a random input "
                                     "of the model's shape; the targets are its own predictions.")


def test_export_html_of_your_own_text_writes_its_samples_too(tmp_path, capsys):
    text = tmp_path / "poem.txt"
    text.write_text("so much depends upon a red wheel barrow glazed with rain water " * 8, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["export", "--text", str(text), "--format", "html", "--iterations", "0", "--out", str(out)]) == 0
    assert capsys.readouterr().out.split() == [str(out / "poem.html"), str(out / "samples.txt")]
    assert (out / "samples.txt").read_text(encoding="utf-8")  # as --format npz writes it
    (replay,) = _replays(out / "poem.html")
    assert replay["title"] == "char-rnn: poem.txt" and replay["config"]["task"] == "char-lm"
    inputs = "".join(row[1] for row in replay["predictions"]).replace("␣", " ")
    assert inputs in text.read_text(encoding="utf-8")  # the characters stepped through are the file's


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


def test_a_deck_into_an_unwritable_folder_fails_at_once_with_exit_2(tmp_path, capsys):
    (tmp_path / "a file").write_text("", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "--lesson", "rnn-part-2", "--format", "html", "--out", str(tmp_path / "a file" / "deck")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "cannot write to" in err and "stop 1/" not in err  # no stop recorded


def test_a_long_recording_tells_its_progress_on_stderr(tmp_path, capsys, monkeypatch):
    from unrolled.cli import html

    monkeypatch.setattr(html, "PROGRESS_AFTER_S", -1.0)  # as if every recording were long
    assert cli.main(["export", "--preset", "vanishing-rnn", "--format", "html", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" recorded")[0] for line in lines] == [f"vanishing-rnn.html: {n}%" for n in range(10, 101, 10)]
