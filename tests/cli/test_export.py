"""`unrolled export --figure LIST`: only the figures named, in every format asked for; a
name that is no figure, or a figure the network does not draw, exits 2 with one line
before anything is written."""

import csv

import numpy as np
import pytest

from unrolled import cli
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def test_only_the_figures_named_are_written(tmp_path):
    out = tmp_path / "figs"
    assert cli.main(["export", "--preset", "deep-vanishing", "--figure", "depth_time_gradients",
                     "--format", "png,svg,pdf,csv", "--out", str(out), "--iterations", "0"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "depth_time_gradients.csv", "depth_time_gradients.pdf", "depth_time_gradients.png",
        "depth_time_gradients.svg", "predictions.csv"]
    with open(out / "depth_time_gradients.csv", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["layer", "direction", "t", "norm"] and len(rows) == 4 * 30
    session = Session(get_preset("deep-vanishing").config)  # as the export ran it: no training, one pass
    session.advance(session.steps_to("iteration") - 1)
    norms = session.layer_gradient_norms()
    got = np.array([float(row[3]) for row in rows]).reshape(4, 30)
    np.testing.assert_array_equal(got, np.array([norms[(layer, 0)] for layer in range(4)]))


@pytest.mark.parametrize(("figure", "message"), [
    ("depth_time_gradients", "--figure: depth_time_gradients is drawn only for a stack (layers > 1 or bidirectional)"),
    ("gates", "--figure: gates is drawn only for a cell that has gates"),
    ("depth", "--figure: got 'depth', expected a list of dashboard, diagram"),
    (",", "--figure: got ',', expected a list of"),
])
def test_a_figure_the_network_does_not_draw_is_refused_before_anything_is_written(tmp_path, capsys, figure,
                                                                                   message):
    out = tmp_path / "figs"
    with pytest.raises(SystemExit) as info:
        cli.main(["export", "--preset", "vanishing-rnn", "--figure", figure, "--out", str(out)])
    assert info.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert message in line
    assert not out.exists()


def test_a_figure_with_nothing_to_draw_yet_is_named_on_stderr(tmp_path, capsys):
    out = tmp_path / "figs"
    assert cli.main(["export", "--preset", "vanishing-rnn", "--figure", "loss,grad_norms", "--format", "csv",
                     "--iterations", "0", "--out", str(out)]) == 0
    assert (out / "grad_norms.csv").exists() and not (out / "loss.csv").exists()
    assert "unrolled export: left out loss: nothing to draw yet" in capsys.readouterr().err
