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
