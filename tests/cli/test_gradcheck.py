"""`unrolled gradcheck`: exit 0 for every preset, 1 when a gradient is broken."""

import json

import pytest

from unrolled import cli
from unrolled.engine.network import Network
from unrolled.session.presets import list_presets


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.name for p in list_presets()])
def test_every_preset_passes(name, capsys):
    assert cli.main(["gradcheck", "--preset", name, "--entries", "3"]) == 0
    out = capsys.readouterr().out
    assert "every error is under 1e-06" in out and "FAILED" not in out


def test_a_broken_gradient_exits_1(monkeypatch, capsys):
    param_grads = Network._param_grads

    def broken(self, fwd, bwd):
        grads = param_grads(self, fwd, bwd)
        grads["U1"] = grads["U1"] * 1.01  # one percent off: a bug a student could make
        return grads

    monkeypatch.setattr(Network, "_param_grads", broken)
    assert cli.main(["gradcheck", "--preset", "seed-pos-tagging"]) == 1
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines()[1:-1]}
    assert "FAILED" in rows["U1"] and "ok" in rows["W1"]


def test_a_config_file_and_a_bad_source(tmp_path, capsys):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"cell": "lstm", "timesteps": 3, "n_hidden": 2}))
    assert cli.main(["gradcheck", "--config", str(path)]) == 0
    with pytest.raises(SystemExit) as info:
        cli.main(["gradcheck", "--preset", "nope"])
    assert info.value.code == 2


def test_a_blown_up_model_cannot_be_checked_and_says_so(capsys):
    import numpy as np

    from unrolled.session.config import Config
    from unrolled.session.gradcheck import NotCheckable, check_gradients
    from unrolled.session.stepper import Session

    session = Session(Config(activation="linear", timesteps=60, task="adding-problem").resolved())
    session.set_weights({"U1": 40.0 * np.eye(session.config.n_hidden)})  # h grows like 40^t
    with pytest.raises(NotCheckable, match="blown up"):
        check_gradients(session, entries=2)


def test_a_check_too_long_to_wait_for_is_refused_before_it_starts(tmp_path, capsys, monkeypatch):
    from unrolled.session import gradcheck

    monkeypatch.setattr(gradcheck, "sampled_gradient_check", lambda *a, **k: pytest.fail("the check started"))
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"task": "toxic-word", "cell": "lstm", "timesteps": 2000, "n_hidden": 512}))
    with pytest.raises(SystemExit) as info:
        cli.main(["gradcheck", "--config", str(path)])
    assert info.value.code == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("unrolled gradcheck: error: checking 24 entries of each parameter") and "\n" not in line
    assert "minutes" in line and "--entries" in line


def test_ctrl_c_during_a_check_is_one_line_and_exit_130(capsys, monkeypatch):
    from unrolled.session import gradcheck

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(gradcheck, "sampled_gradient_check", interrupted)
    assert cli.main(["gradcheck", "--preset", "seed-pos-tagging"]) == 130
    assert capsys.readouterr().err.strip() == "unrolled gradcheck: interrupted: no file is half-written"
