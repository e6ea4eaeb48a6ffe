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
