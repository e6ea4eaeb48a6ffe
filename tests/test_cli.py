import json
import subprocess
import sys

import pytest

from unrolled import cli


def run(*args):
    return subprocess.run([sys.executable, "-m", "unrolled", *args], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})


def test_help_explains(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for word in ("--preset", "--config", "--list-presets", "seed's example"):
        assert word in out


def test_list_presets_one_line_each(capsys):
    assert cli.main(["--list-presets"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    names = [line.split()[0] for line in lines]
    assert set(names) >= {"seed-pos-tagging", "vanishing-rnn", "exploding-rnn", "lstm-long-memory",
                          "clipping", "sentence-classification", "adding-problem"}
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--preset", "nope"], "preset: got 'nope'"),
        (["--config", "/does/not/exist.json"], "cannot read /does/not/exist.json"),
        (["--preset", "vanishing-rnn", "--steps", "-1"], "--steps"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_corrupt_and_foreign_config_files_exit_2(tmp_path, capsys):
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"config": {"cell": "lstm",')
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"format": "someone-else", "config": {}}))
    bad_value = tmp_path / "bad.json"
    bad_value.write_text(json.dumps({"cell": "lstm", "n_hidden": -4}))
    for path, message in ((corrupt, "not valid JSON"), (foreign, "is not 'unrolled-preset'"), (bad_value, "n_hidden")):
        with pytest.raises(SystemExit) as info:
            cli.main(["--config", str(path)])
        assert info.value.code == 2
        assert message in capsys.readouterr().err


@pytest.mark.slow
def test_screenshot_of_a_preset_mid_backward_pass(tmp_path):
    from PySide6 import QtGui

    out = tmp_path / "shot.png"
    result = run("--preset", "lstm-long-memory", "--steps", "70", "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    image = QtGui.QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)


PRESETS = ["seed-pos-tagging", "vanishing-rnn", "exploding-rnn", "lstm-long-memory", "clipping",
           "sentence-classification", "adding-problem"]


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS)
def test_export_command_writes_every_figure_for_every_preset(tmp_path, preset):
    out = tmp_path / "figs"
    result = run("export", "--preset", preset, "--out", str(out), "--format", "png,svg,pdf,csv", "--dpi", "60")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.iterdir()}
    figures = ["dashboard", "diagram", "hidden_states", "grad_norms"]
    if preset in ("lstm-long-memory", "sentence-classification", "adding-problem"):
        figures.append("gates")
    if preset == "clipping":  # its preset names the iterations it needs: the training figures
        figures += ["loss", "training_loss", "clip_norms", "accuracy"]
    else:  # no iterations: no loss drawn as one dot
        assert "loss.png" not in names
    for figure in figures:
        for fmt in ("png", "svg", "pdf", "csv"):
            assert f"{figure}.{fmt}" in names
    header = (out / "grad_norms.csv").read_text().splitlines()[0]
    assert header == ("t,dh_norm,dc_norm" if "lstm" in preset or preset == "adding-problem" else "t,dh_norm")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--preset", "nope", "--out", "{tmp}"], "preset: got 'nope'"),
        (["--preset", "vanishing-rnn", "--out", "{tmp}", "--format", "png,gif"], "--format"),
        (["--preset", "vanishing-rnn", "--out", "{tmp}", "--dpi", "5"], "--dpi"),
        (["--preset", "vanishing-rnn", "--out", "{blocked}/figs"], "cannot write to"),
        (["--out", "{tmp}"], "one of the arguments --preset --config --lesson is required"),
    ],
)
def test_export_bad_arguments_exit_2_with_one_line(tmp_path, capsys, args, message):
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    args = [a.format(tmp=tmp_path / "out", blocked=blocked) for a in args]
    with pytest.raises(SystemExit) as info:
        cli.main(["export", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]


def test_export_iterations_train_first(tmp_path):
    out = tmp_path / "figs"
    assert cli.main(["export", "--preset", "seed-pos-tagging", "--out", str(out), "--format", "csv",
                     "--iterations", "3"]) == 0
    rows = (out / "loss.csv").read_text().splitlines()
    assert rows[0] == "iteration,loss" and len(rows) == 4


def test_clipping_exports_norms_before_and_after_clipping_that_differ(tmp_path):
    folders = {}
    for preset in ("clipping", "exploding-rnn"):
        folders[preset] = tmp_path / preset
        assert cli.main(["export", "--preset", preset, "--out", str(folders[preset]), "--format", "csv"]) == 0
    rows = (folders["clipping"] / "clip_norms.csv").read_text().splitlines()
    assert rows[0] == "iteration,norm_before_clipping,norm_after_clipping" and len(rows) == 31
    pairs = [tuple(float(v) for v in row.split(",")[1:]) for row in rows[1:]]
    assert any(before > 1.5 and abs(after - 1.0) < 1e-9 for before, after in pairs)
    assert (folders["clipping"] / "accuracy.csv").exists() and (folders["clipping"] / "training_loss.csv").exists()
    assert not (folders["exploding-rnn"] / "clip_norms.csv").exists()
    clipped, unclipped = folders["clipping"] / "grad_norms.csv", folders["exploding-rnn"] / "grad_norms.csv"
    assert clipped.read_bytes() != unclipped.read_bytes()


def test_a_saved_session_opens_from_the_command_line(tmp_path, capsys):
    from unrolled.session.files import save_session
    from unrolled.session.stepper import Session

    s = Session()
    s.advance(6)
    json_path, _ = save_session(s, tmp_path / "demo.json")
    shot = tmp_path / "shot.png"
    result = run("--session", str(json_path), "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    assert shot.exists()
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(SystemExit) as info:
        cli.main(["--session", str(tmp_path / "broken.json")])
    assert info.value.code == 2 and "not valid JSON" in capsys.readouterr().err
