import json
import subprocess
import sys

import numpy as np
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


@pytest.mark.parametrize("command", ["export", "gradcheck"])
def test_each_subcommand_has_its_own_help(capsys, command):
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: unrolled {command} [-h]") and "--preset NAME" in out
    assert "\n  --list-presets" not in out  # the app's own options are not its


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
        (["--out", "{tmp}"], "one of the arguments --preset --config --text --lesson --weights is required"),
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


# -- torch's layout: weights.safetensors and trace.npz against torch.nn.RNN/LSTM/GRU --------
# every cell torch has, in both modes, with both losses among them: one layer, one direction,
# as a config builds it
TORCH_CONFIGS = {
    "rnn-tanh-many-to-many": {"task": "pos-tagging", "cell": "rnn", "activation": "tanh"},
    "rnn-tanh-many-to-one": {"task": "toxic-word", "cell": "rnn", "activation": "tanh"},
    "rnn-relu-many-to-many": {"task": "copy-delay", "cell": "rnn", "activation": "relu", "timesteps": 8},
    "rnn-relu-many-to-one": {"task": "adding-problem", "cell": "rnn", "activation": "relu", "timesteps": 10},
    "lstm-many-to-many": {"task": "next-word", "cell": "lstm"},
    "lstm-many-to-one": {"task": "sine-anomaly", "cell": "lstm", "timesteps": 12},
    "gru-many-to-many": {"task": "video-frames", "cell": "gru"},
    "gru-many-to-one": {"task": "adding-problem", "cell": "gru", "timesteps": 10},
}


def export_torch_files(tmp_path, settings: dict) -> tuple:
    """weights.safetensors and trace.npz of a config after one training iteration (so the
    biases, and the GRU's c_n, are not zero), through the command line."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"n_hidden": 5, "batch_size": 3, "seed": 3, "optimiser": "adam",
                                  "learning_rate": 0.05, **settings}))
    out = tmp_path / "out"
    assert cli.main(["export", "--config", str(config), "--out", str(out), "--format", "npz,safetensors",
                     "--iterations", "1"]) == 0
    with np.load(out / "trace.npz") as trace:
        arrays = dict(trace)
    return out / "weights.safetensors", arrays, json.loads(str(arrays["meta"]))["config"]


def torch_model(torch, config: dict):
    """rnn = nn.RNN/LSTM/GRU(F, D, batch_first=True) and fc = nn.Linear(D, C), float64."""
    F, D, C = config["n_features"], config["n_hidden"], config["n_classes"]
    model = torch.nn.Module()
    if config["cell"] == "rnn":
        model.rnn = torch.nn.RNN(F, D, batch_first=True, nonlinearity=config["activation"])
    else:
        model.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[config["cell"]](F, D, batch_first=True)
    model.fc = torch.nn.Linear(D, C)
    return model.double()


def torch_loss(torch, model, config: dict, X, Y):
    """torch's cross_entropy / mse_loss, mean reduction, of the model on the trace's batch;
    a target of -1 carries none (the engine's ignore index), class indices under MSE are one-hot."""
    output, _ = model.rnn(torch.from_numpy(X))
    y = model.fc(output if config["mode"] == "many-to-many" else output[:, -1])
    C = y.shape[-1]
    Y = torch.from_numpy(Y)
    if config["loss"] == "cross-entropy":
        return torch.nn.functional.cross_entropy(y.reshape(-1, C), Y.reshape(-1), ignore_index=-1)
    if not Y.is_floating_point():
        Y = torch.nn.functional.one_hot(Y, C).double()
    return torch.nn.functional.mse_loss(y, Y)


@pytest.mark.parametrize("settings", TORCH_CONFIGS.values(), ids=TORCH_CONFIGS.keys())
def test_exported_weights_load_into_torch_and_give_the_traces_loss_and_gradients(tmp_path, settings):
    torch = pytest.importorskip("torch")
    torch_files = pytest.importorskip("safetensors.torch")
    weights, trace, config = export_torch_files(tmp_path, settings)
    assert (config["cell"], config["activation"]) == (settings["cell"], settings.get("activation", "tanh"))
    model = torch_model(torch, config)
    model.load_state_dict(torch_files.load_file(str(weights)), strict=True)
    loss = torch_loss(torch, model, config, trace["X"], trace["Y"])
    loss.backward()
    assert float(trace["loss"]) == pytest.approx(loss.item(), rel=1e-10, abs=1e-12)
    grads = {name: p.grad.numpy() for name, p in model.named_parameters()}
    assert {f"grad/{name}" for name in grads} == {name for name in trace if name.startswith("grad/")}
    for name, grad in grads.items():
        np.testing.assert_allclose(trace[f"grad/{name}"], grad, rtol=1e-10, atol=1e-12, err_msg=name)
    assert any(np.any(grads[name]) for name in grads if "bias_hh" in name)  # the split biases are tested


@pytest.mark.parametrize("settings", [TORCH_CONFIGS["lstm-many-to-many"], TORCH_CONFIGS["gru-many-to-one"]],
                         ids=["lstm-many-to-many", "gru-many-to-one"])
def test_exported_weights_have_torchs_names_and_shapes_and_the_trace_the_sessions_loss(tmp_path, settings):
    """Without torch: the file's names and shapes are torch_shapes, the weights are the
    trace's, and the trace's loss is the engine's on the trace's batch."""
    from safetensors.numpy import load_file

    from unrolled.engine import Network
    from unrolled.engine.torch_layout import from_torch, torch_shapes

    weights, trace, config = export_torch_files(tmp_path, settings)
    net = Network(config["cell"], n_features=config["n_features"], n_hidden=config["n_hidden"],
                  n_classes=config["n_classes"], mode=config["mode"], activation=config["activation"],
                  loss=config["loss"])
    state = load_file(str(weights))
    assert {name: value.shape for name, value in state.items()} == torch_shapes(net)
    for name, value in from_torch(net, state).items():
        np.testing.assert_array_equal(value, trace[name], err_msg=name)
        net.params[name] = value
    assert float(trace["loss"]) == net.loss(net.forward(trace["X"]), trace["Y"])


def test_safetensors_for_an_rnn_torch_lacks_exits_2_before_writing_anything(tmp_path, capsys):
    out = tmp_path / "out"
    for formats in ("safetensors", "png,npz,safetensors"):
        with pytest.raises(SystemExit) as info:
            cli.main(["export", "--preset", "exploding-rnn", "--out", str(out), "--format", formats])
        assert info.value.code == 2
        assert capsys.readouterr().err.strip().splitlines() == [
            "unrolled export: error: --format safetensors: torch.nn.RNN has no linear nonlinearity; "
            "torch has lstm, gru and rnn with tanh or relu"]
        assert not out.exists()
    assert cli.main(["export", "--preset", "exploding-rnn", "--out", str(out), "--format", "npz"]) == 0
    with np.load(out / "trace.npz") as trace:  # the loss, but no gradients in a layout torch lacks
        assert "loss" in trace and not [name for name in trace if name.startswith("grad/")]
