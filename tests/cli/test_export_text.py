"""`unrolled export --text FILE`: the files a character model's training writes, and the
loss on a short repetitive text halving at the defaults."""

import csv

import pytest

from unrolled.cli import main


@pytest.mark.slow
def test_export_of_a_text_writes_the_samples_the_loss_and_the_text_figures(tmp_path, qapp):
    text = tmp_path / "cat.txt"
    text.write_text("the cat sat on the mat. " * 30, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", "--text", str(text), "--iterations", "300", "--format", "csv,png", "--out", str(out),
                 "--figure", "connectivity,unit_activations,training_loss"]) == 0
    for name in ("samples.txt", "training_loss.csv", "connectivity.csv", "connectivity.png",
                 "unit_activations.csv", "unit_activations.png"):
        assert (out / name).stat().st_size > 0, name
    with open(out / "training_loss.csv", encoding="utf-8") as handle:
        losses = [float(row["loss"]) for row in csv.DictReader(handle)]
    assert len(losses) == 300 and min(losses) < losses[0] / 2
    samples = (out / "samples.txt").read_text(encoding="utf-8")
    assert len(samples) == 200 and set(samples) <= set("the cat sat on the mat. ")
    with open(out / "unit_activations.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["position", "char", "layer", "direction", "unit", "activation", "correlation"]
    assert "".join(row[1] for row in rows[1:25]) == "the cat sat on the mat. "


def test_a_text_beside_a_config_trains_that_network_on_the_text(tmp_path, qapp):
    text = tmp_path / "cat.txt"
    text.write_text("the cat sat on the mat. " * 30, encoding="utf-8")
    config = tmp_path / "c.json"
    config.write_text('{"task": "pos-tagging", "cell": "gru", "timesteps": 12, "n_hidden": 16}', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", "--text", str(text), "--config", str(config), "--iterations", "3", "--format", "csv",
                 "--figure", "hidden_states", "--out", str(out)]) == 0
    with open(out / "hidden_states.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[-1] == "h_16" and (out / "samples.txt").exists()


@pytest.mark.parametrize(("arguments", "message"), [
    (["--lesson", "characters"], "--text: goes alone or with --preset or --config, not with --lesson"),
    ([], None),
])
def test_a_text_with_what_fixes_its_own_data_is_refused_in_one_line(tmp_path, capsys, arguments, message):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--text", str(empty), *arguments, "--out", str(tmp_path / "out")])
    error = capsys.readouterr().err
    assert exit_.value.code == 2 and error.count("\n") == 1
    assert (message or f"{empty}: the file is empty") in error


def test_a_bidirectional_text_model_trains_and_says_why_it_writes_no_samples(tmp_path, capsys, qapp):
    text = tmp_path / "cat.txt"
    text.write_text("the cat sat on the mat. " * 30, encoding="utf-8")
    config = tmp_path / "bi.json"
    config.write_text('{"task": "char-lm", "cell": "gru", "timesteps": 12, "n_hidden": 8, "bidirectional": true}',
                      encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", "--text", str(text), "--config", str(config), "--iterations", "2", "--format", "csv",
                 "--figure", "unit_activations", "--out", str(out)]) == 0
    assert not (out / "samples.txt").exists() and (out / "unit_activations.csv").exists()
    assert "no samples.txt: a bidirectional network" in capsys.readouterr().err
