"""`--weights FILE` on the command line: `unrolled export` writes a trace.npz whose loss and
grad/<the file's key> equal torch's float64 autograd to 1e-10 (the issue's done-when, over
each cell, 1 to 3 layers, both directions, both modes, .pt, .safetensors and .npz, with and
without an embedding), weights.safetensors under the file's own names; `unrolled gradcheck
--weights F --torch` reports torch's differences and exits 0; bad input is one line."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

import unrolled
from unrolled import cli

torch = pytest.importorskip("torch")
from support.torch_models import make_model, reference, save_state  # noqa: E402

N, T = 4, 5
SOURCES = str(Path(unrolled.__file__).parents[1])  # the child runs this tree's unrolled, not an installed one


def files(tmp_path, suffix=".pt", seed=0, V=None, real=False, many_to_one=False, **options):
    model = make_model(seed=seed, V=V, many_to_one=many_to_one, **options)
    save_state(model, tmp_path / f"m{suffix}")
    rng = np.random.default_rng(seed)
    F, C = options.get("F", 3), options.get("C", 2)
    X = rng.integers(0, V, (N, T)) if V else rng.standard_normal((N, T, F))
    lead = (N,) if many_to_one else (N, T)
    Y = rng.standard_normal((*lead, C)) if real else rng.integers(0, C, lead)
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    return model, X, Y


def test_the_done_when_a_two_layer_bidirectional_lstm_exported_equals_torch(tmp_path, capsys):
    model, X, Y = files(tmp_path, cell="lstm", F=3, D=5, C=4, layers=2, bidirectional=True)
    out = tmp_path / "out"
    assert cli.main(["export", "--weights", str(tmp_path / "m.pt"), "--data", str(tmp_path / "d.npz"),
                     "--batch", "3", "--format", "npz,safetensors", "--out", str(out)]) == 0
    trace = np.load(out / "trace.npz")
    loss, grads = reference(model, X[:3], Y[:3])
    assert abs(float(trace["loss"]) - loss) < 1e-10
    for key, grad in grads.items():
        assert np.max(np.abs(trace[f"grad/{key}"] - grad)) <= 1e-10 * max(1.0, float(np.max(np.abs(grad)))), key
    state = load_file(out / "weights.safetensors")
    assert set(state) == set(model.state_dict())
    model.double().load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)


CASES = [(cell, layers, bidirectional, many_to_one, suffix, V)
         for (cell, layers, bidirectional, many_to_one), suffix, V in zip(
             itertools.product(["rnn", "lstm", "gru"], [1, 2, 3], [False, True], [False, True]),
             itertools.cycle([".pt", ".safetensors", ".npz", ".pth"]), itertools.cycle([None, 7, None]))]


@pytest.mark.parametrize(("cell", "layers", "bidirectional", "many_to_one", "suffix", "V"), CASES)
def test_export_equals_torch_over_cells_depths_directions_modes_formats_and_embeddings(
        tmp_path, cell, layers, bidirectional, many_to_one, suffix, V):
    model, X, Y = files(tmp_path, suffix, seed=layers, V=V, cell=cell, F=3, D=4, C=3, layers=layers,
                        bidirectional=bidirectional, many_to_one=many_to_one, real=layers == 2,
                        names=("encoder", "rnn", "decoder"))
    out = tmp_path / "out"
    assert cli.main(["export", "--weights", str(tmp_path / f"m{suffix}"), "--data", str(tmp_path / "d.npz"),
                     "--batch", str(N), "--format", "npz", "--out", str(out)]) == 0
    trace = np.load(out / "trace.npz")
    loss, grads = reference(model, X, Y)
    assert abs(float(trace["loss"]) - loss) < 1e-10
    assert {k for k in trace.files if k.startswith("grad/")} == {f"grad/{k}" for k in grads}
    for key, grad in grads.items():
        assert np.max(np.abs(trace[f"grad/{key}"] - grad)) <= 1e-10 * max(1.0, float(np.max(np.abs(grad)))), key


def test_gradcheck_against_torch_reports_every_parameter_and_exits_0(tmp_path, capsys):
    files(tmp_path, ".safetensors", V=6, cell="gru", F=3, D=4, C=6, layers=2, names=("encoder", "rnn", "decoder"))
    assert cli.main(["gradcheck", "--weights", str(tmp_path / "m.safetensors"), "--data", str(tmp_path / "d.npz"),
                     "--sample", "2", "--torch"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: float(line.split()[1]) for line in out.splitlines()[:-1]}
    assert {"loss", "encoder.weight", "rnn.weight_hh_l1", "decoder.bias"} <= set(rows)
    assert max(rows.values()) < 1e-8 and "equals torch's autograd" in out
    assert cli.main(["gradcheck", "--weights", str(tmp_path / "m.safetensors"), "--entries", "3"]) == 0


def test_without_torch_the_check_is_one_line(tmp_path, capsys, monkeypatch):
    files(tmp_path, ".npz", cell="rnn", F=2, D=3, C=2)
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch fails
    with pytest.raises(SystemExit) as info:
        cli.main(["gradcheck", "--weights", str(tmp_path / "m.npz"), "--torch"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "torch is not installed" in err


@pytest.mark.parametrize(("arguments", "message"), [
    (["--preset", "seed-pos-tagging", "--data", "{d}"], "--data: goes with --weights FILE"),
    (["--weights", "{m}", "--data", "{d}", "--sample", "9"], "sample 9: it holds samples 0 to 3"),
    (["--weights", "{tmp}/nothing.pt"], "nothing.pt"),
    (["--weights", "{tmp}/d.npz"], "holds no nn.RNN, nn.LSTM or nn.GRU"),
    (["--weights", "{m}", "--data", "{tmp}/wide.npz"], "X has F = 5 features per step; the model reads 3"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, arguments, message):
    files(tmp_path, ".pt", cell="lstm", F=3, D=4, C=2)
    np.savez(tmp_path / "wide.npz", X=np.zeros((2, 3, 5)))
    filled = [a.format(m=tmp_path / "m.pt", d=tmp_path / "d.npz", tmp=tmp_path) for a in arguments]
    with pytest.raises(SystemExit) as info:
        cli.main(["export", *filled, "--format", "npz", "--out", str(tmp_path / "out")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out").exists()


def test_unrolled_weights_opens_the_window_on_the_model_mid_backward_pass(tmp_path):
    import subprocess

    from PySide6 import QtGui

    files(tmp_path, ".safetensors", V=8, cell="lstm", F=3, D=4, C=8, names=("encoder", "rnn", "decoder"))
    (tmp_path / "words.txt").write_text("\n".join(f"w{i}" for i in range(8)))
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "unrolled", "--weights", str(tmp_path / "m.safetensors"), "--data",
         str(tmp_path / "d.npz"), "--sample", "1", "--vocab", str(tmp_path / "words.txt"), "--steps", "8",
         "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "PYTHONPATH": SOURCES})
    assert result.returncode == 0, result.stderr
    image = QtGui.QImage(str(shot))
    assert (image.width(), image.height()) == (1600, 1000)
    colours = {image.pixel(x, y) for x in range(0, 1600, 37) for y in range(0, 1000, 29)}
    assert len(colours) > 20  # drawn plots, not a blank window


def test_token_ids_show_as_the_vocabularys_words(tmp_path):
    from unrolled.session.stepper import Session

    model, X, _ = files(tmp_path, ".npz", V=8, cell="gru", F=3, D=4, C=8, names=("encoder", "rnn", "decoder"))
    (tmp_path / "words.txt").write_text("\n".join(f"w{i}" for i in range(8)))
    session = Session.from_torch(tmp_path / "m.npz", tmp_path / "d.npz", sample=2, vocab=tmp_path / "words.txt")
    assert session.task.input_labels(session.X[0]) == [f"w{i}" for i in X[2]]
    assert session.task.target_labels(np.asarray(session.Y)[0]) == [f"w{i}" for i in np.asarray(session.Y)[0]]


def test_loss_and_mode_flags_apply_without_y_and_are_refused_against_it(tmp_path, capsys):
    model, X, Y = files(tmp_path, cell="lstm", F=3, D=4, C=2, real=True, many_to_one=True)
    np.save(tmp_path / "x.npy", X)
    out = tmp_path / "out"
    assert cli.main(["export", "--weights", str(tmp_path / "m.pt"), "--data", str(tmp_path / "x.npy"),
                     "--loss", "mse", "--mode", "many-to-one", "--format", "npz", "--out", str(out)]) == 0
    trace = np.load(out / "trace.npz")
    assert trace["Y"].shape == (1, 2) and trace["Y"].dtype.kind == "f"
    assert '"loss": "mse"' in str(trace["meta"]) and '"mode": "many-to-one"' in str(trace["meta"])
    with pytest.raises(SystemExit):
        cli.main(["export", "--weights", str(tmp_path / "m.pt"), "--data", str(tmp_path / "d.npz"),
                  "--mode", "many-to-many", "--format", "npz", "--out", str(out)])
    error = capsys.readouterr().err.strip()
    assert "the Y of d.npz fixes mode = 'many-to-many'" in error and "\n" not in error
    with pytest.raises(SystemExit):
        cli.main(["gradcheck", "--loss", "mse"])
    assert "--loss" in capsys.readouterr().err


def test_gradcheck_torch_on_nan_weights_says_the_values_are_not_finite_and_exits_1(tmp_path, capsys):
    model, _, _ = files(tmp_path, cell="gru", F=3, D=4, C=2)
    state = model.state_dict()
    state["rnn.weight_hh_l0"][0, 0] = float("nan")
    torch.save(state, tmp_path / "nan.pt")
    assert cli.main(["gradcheck", "--torch", "--weights", str(tmp_path / "nan.pt"),
                     "--data", str(tmp_path / "d.npz")]) == 1
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and "not finite" in out and "rnn.weight_hh_l0" in out and "passes" not in out


def test_gradcheck_torch_takes_the_weights_a_config_names_and_refuses_a_task_in_one_line(tmp_path, capsys):
    import json

    files(tmp_path, cell="rnn", F=3, D=4, C=2)
    (tmp_path / "c.json").write_text(json.dumps({"weights": "m.pt", "data": "d.npz"}))
    assert cli.main(["gradcheck", "--config", str(tmp_path / "c.json"), "--torch"]) == 0
    assert "the app equals torch's autograd" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        cli.main(["gradcheck", "--preset", "seed-pos-tagging", "--torch"])
    assert exited.value.code == 2
    assert "only a model opened from PyTorch weights" in capsys.readouterr().err


def test_gradcheck_by_finite_differences_keeps_its_columns_for_a_stacks_long_names(tmp_path, capsys):
    files(tmp_path, cell="gru", F=3, D=3, C=2, layers=2, bidirectional=True)
    assert cli.main(["gradcheck", "--weights", str(tmp_path / "m.pt"), "--data", str(tmp_path / "d.npz"),
                     "--entries", "2"]) == 0
    rows = capsys.readouterr().out.splitlines()[:-1]
    assert any("reverse" in row for row in rows)
    assert len({row.rstrip().rindex(" ") for row in rows}) == 1  # the result column aligned, header included
