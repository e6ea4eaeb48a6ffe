"""Weights files read into the engine: the structure each file's state dict tells, the
engine's output equal to the torch module's on the same input (float64), the arrays written
back under the file's own keys, and one line for every file that cannot be a model.
The rows without torch build their state dicts in NumPy; the rest skip without torch."""

import io
import os
import pickle
import zipfile

import numpy as np
import pytest
from safetensors.numpy import save_file

from unrolled.session.weights import OpenedWeights, WeightsError, file_state_dict, interpret, read_weights

B, T = 3, 5


def save(path, state: dict) -> None:
    """A state dict (name -> array) in the format the suffix says."""
    arrays = {name: np.ascontiguousarray(np.asarray(value)) for name, value in state.items()}
    if path.suffix == ".safetensors":
        save_file(arrays, path)
    elif path.suffix == ".npz":
        np.savez(path, **arrays)
    else:
        import torch

        torch.save({name: torch.from_numpy(value) for name, value in arrays.items()}, path)


def lstm_state(prefix="rnn.", F=3, D=4, C=2, layers=1, reverse=False, G=4, rng=None) -> dict[str, np.ndarray]:
    rng = rng or np.random.default_rng(0)
    state = {}
    for layer in range(layers):
        for tail in [f"_l{layer}", *([f"_l{layer}_reverse"] if reverse else [])]:
            width = F if layer == 0 else D * (2 if reverse else 1)
            state[f"{prefix}weight_ih{tail}"] = rng.normal(size=(G * D, width))
            state[f"{prefix}weight_hh{tail}"] = rng.normal(size=(G * D, D))
            state[f"{prefix}bias_ih{tail}"] = rng.normal(size=G * D)
            state[f"{prefix}bias_hh{tail}"] = rng.normal(size=G * D)
    state["fc.weight"] = rng.normal(size=(C, D * (2 if reverse else 1)))
    state["fc.bias"] = rng.normal(size=C)
    return state


def engine_output(opened: OpenedWeights, X: np.ndarray, activation="tanh", mode="many-to-many") -> np.ndarray:
    return opened.network(activation=activation, mode=mode).forward(X).y


# -- with torch: the three shapes of a user's model, and every cell ------------------------
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


CASES = [  # cell, nonlinearity, layers, bidirectional, bias
    ("rnn", "tanh", 1, False, True),
    ("rnn", "relu", 2, True, True),
    ("gru", "tanh", 1, True, True),
    ("gru", "tanh", 3, False, True),
    ("lstm", "tanh", 2, True, True),
    ("lstm", "tanh", 3, True, False),
    ("lstm", "tanh", 1, False, False),
]


@pytest.mark.parametrize("suffix", [".pt", ".safetensors", ".npz"])
@pytest.mark.parametrize("cell,activation,layers,bidirectional,bias", CASES)
def test_a_saved_module_reads_back_with_its_structure_and_computes_torchs_output(
        torch, tmp_path, suffix, cell, activation, layers, bidirectional, bias):
    torch.manual_seed(layers)
    F, D, C = 3, 4, 5
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    options = {"nonlinearity": activation} if cell == "rnn" else {}
    rnn = kind(F, D, num_layers=layers, bidirectional=bidirectional, bias=bias, batch_first=True, **options).double()
    fc = torch.nn.Linear(D * (2 if bidirectional else 1), C).double()
    model = torch.nn.ModuleDict({"rnn": rnn, "head": fc})
    path = tmp_path / f"m{suffix}"
    if suffix == ".pt":
        torch.save(model.state_dict(), path)
    else:
        save(path, {k: v.numpy() for k, v in model.state_dict().items()})

    opened = read_weights(path)
    layout = opened.layout
    assert (layout.cell, layout.n_features, layout.n_hidden, layout.n_classes) == (cell, F, D, C)
    assert (layout.layers, layout.bidirectional, layout.bias, layout.embedding) == (layers, bidirectional, bias, None)
    assert (layout.rnn_prefix, layout.readout_prefix, layout.embedding_prefix) == ("rnn", "head", None)
    assert set(layout.keys) == set(model.state_dict()) and layout.nonfinite == ()

    X = np.random.default_rng(1).normal(size=(B, T, F))
    with torch.no_grad():
        expected = fc(rnn(torch.from_numpy(X))[0]).numpy()
    np.testing.assert_allclose(engine_output(opened, X, activation), expected, rtol=0, atol=1e-12)


def word_language_model(torch, V=20, ninp=6, nhid=6, nlayers=2, tie=False):
    """The shape of PyTorch's examples/word_language_model RNNModel (LSTM, tied or not)."""

    class RNNModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = torch.nn.Dropout(0.5)
            self.encoder = torch.nn.Embedding(V, ninp)
            self.rnn = torch.nn.LSTM(ninp, nhid, nlayers, dropout=0.5)
            self.decoder = torch.nn.Linear(nhid, V)
            if tie:
                self.decoder.weight = self.encoder.weight

    return RNNModel()


@pytest.mark.parametrize("tie", [False, True])
def test_the_word_language_model_reads_with_its_encoder_rnn_and_decoder(torch, tmp_path, tie):
    torch.manual_seed(0)  # tied (--tied): one parameter, its gradient in test_own_model.py
    model = word_language_model(torch, tie=tie).double().eval()
    torch.save(model.state_dict(), tmp_path / "model.pt")
    opened = read_weights(tmp_path / "model.pt")
    layout = opened.layout
    assert (layout.cell, layout.layers, layout.bidirectional, layout.n_classes) == ("lstm", 2, False, 20)
    assert layout.embedding == (20, 6)
    assert (layout.rnn_prefix, layout.readout_prefix, layout.embedding_prefix) == ("rnn", "decoder", "encoder")
    assert layout.tied is tie

    ids = np.random.default_rng(2).integers(0, 20, size=(B, T))
    with torch.no_grad():  # the example is time-major: (T, B)
        emb = model.encoder(torch.from_numpy(ids.T))
        expected = model.decoder(model.rnn(emb)[0]).numpy().transpose(1, 0, 2)
    np.testing.assert_allclose(engine_output(opened, ids), expected, rtol=0, atol=1e-12)


def test_an_embedding_and_bidirectional_lstm_classifier_reads_many_to_one(torch, tmp_path):
    torch.manual_seed(3)
    model = torch.nn.ModuleDict({
        "embedding": torch.nn.Embedding(30, 5),
        "lstm": torch.nn.LSTM(5, 4, batch_first=True, bidirectional=True),
        "classifier": torch.nn.Linear(8, 2),
    }).double()
    save(tmp_path / "sentiment.safetensors", {k: v.numpy() for k, v in model.state_dict().items()})
    opened = read_weights(tmp_path / "sentiment.safetensors")
    assert (opened.layout.embedding, opened.layout.bidirectional, opened.layout.n_classes) == ((30, 5), True, 2)

    ids = np.random.default_rng(4).integers(0, 30, size=(B, T))
    with torch.no_grad():
        output = model["lstm"](model["embedding"](torch.from_numpy(ids)))[0]
        expected = model["classifier"](output[:, -1]).numpy()
    got = engine_output(opened, ids, mode="many-to-one")
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_an_lstm_regressor_reads_without_an_embedding(torch, tmp_path):
    torch.manual_seed(5)
    lstm = torch.nn.LSTM(2, 6, batch_first=True).double()
    linear = torch.nn.Linear(6, 1).double()
    state = {**{f"lstm.{k}": v for k, v in lstm.state_dict().items()},
             **{f"linear.{k}": v for k, v in linear.state_dict().items()}}
    torch.save(state, tmp_path / "regressor.pth")
    opened = read_weights(tmp_path / "regressor.pth")
    assert (opened.layout.cell, opened.layout.n_classes, opened.layout.embedding) == ("lstm", 1, None)
    X = np.random.default_rng(6).normal(size=(B, T, 2))
    with torch.no_grad():
        expected = linear(lstm(torch.from_numpy(X))[0]).numpy()
    np.testing.assert_allclose(engine_output(opened, X), expected, rtol=0, atol=1e-12)


def test_a_checkpoint_dict_reads_under_its_nested_prefix(torch, tmp_path):
    model = torch.nn.ModuleDict({"gru": torch.nn.GRU(2, 3), "out": torch.nn.Linear(3, 4)})
    torch.save({"epoch": 7, "model_state_dict": model.state_dict()}, tmp_path / "ckpt.pt")
    layout = read_weights(tmp_path / "ckpt.pt").layout
    assert (layout.rnn_prefix, layout.readout_prefix, layout.cell) == ("model_state_dict.gru", "model_state_dict.out",
                                                                       "gru")


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_weights_written_back_load_into_the_module_and_carry_the_apps_changes(torch, tmp_path, cell):
    torch.manual_seed(7)
    kind = torch.nn.GRU if cell == "gru" else torch.nn.LSTM
    model = torch.nn.ModuleDict({"enc": kind(3, 4, num_layers=2, bidirectional=True, batch_first=True),
                                 "fc": torch.nn.Linear(8, 2)}).double()
    torch.save(model.state_dict(), tmp_path / "m.pt")
    opened = read_weights(tmp_path / "m.pt")
    unchanged = file_state_dict(opened)
    assert list(unchanged) == list(model.state_dict())
    for name, value in model.state_dict().items():  # the file's bias split is kept
        np.testing.assert_allclose(unchanged[name], value.numpy(), rtol=0, atol=1e-15, err_msg=name)

    params = {name: value * (1.5 if name.startswith("U") else 1.0) for name, value in opened.params.items()}
    save(tmp_path / "back.safetensors", file_state_dict(opened, params))
    from safetensors.torch import load_file

    model.load_state_dict(load_file(tmp_path / "back.safetensors"))  # strict: every key, no other
    X = np.random.default_rng(8).normal(size=(B, T, 3))
    with torch.no_grad():
        expected = model["fc"](model["enc"](torch.from_numpy(X))[0]).numpy()
    changed = OpenedWeights(opened.layout, params, None, opened.original)
    np.testing.assert_allclose(engine_output(changed, X), expected, rtol=0, atol=1e-12)


# -- refused, each in one line naming the file --------------------------------------------
def one_line_error(call, *args, **kwargs) -> str:
    with pytest.raises(WeightsError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_transformers_state_dict_lists_its_top_level_prefixes(tmp_path):
    rng = np.random.default_rng(0)
    state = {"embed_tokens.weight": rng.normal(size=(10, 4)),
             "layers.0.self_attn.in_proj_weight": rng.normal(size=(12, 4)),
             "layers.0.self_attn.out_proj.weight": rng.normal(size=(4, 4)),
             "lm_head.weight": rng.normal(size=(10, 4))}
    save(tmp_path / "gpt.safetensors", state)
    message = one_line_error(read_weights, tmp_path / "gpt.safetensors")
    assert message == (f"{tmp_path / 'gpt.safetensors'} holds no nn.RNN, nn.LSTM or nn.GRU (no weight_ih_l0); "
                       f"its top-level prefixes: embed_tokens, layers, lm_head")


def test_two_recurrent_modules_need_a_choice_and_the_choice_sets_the_other_aside(tmp_path):
    state = {**lstm_state("encoder.", C=3), **{k: v for k, v in lstm_state("decoder.").items() if "fc" not in k}}
    save(tmp_path / "seq2seq.npz", state)
    message = one_line_error(read_weights, tmp_path / "seq2seq.npz")
    assert message == (f"{tmp_path / 'seq2seq.npz'} holds 2 recurrent module candidates (encoder, decoder): "
                       f"choose one with --rnn PREFIX (rnn= from Python)")
    opened = read_weights(tmp_path / "seq2seq.npz", rnn="decoder")
    assert opened.layout.rnn_prefix == "decoder" and opened.layout.n_classes == 3
    assert set(opened.layout.set_aside) == {k for k in state if k.startswith("encoder.")}
    assert "no recurrent module 'nope'" in one_line_error(read_weights, tmp_path / "seq2seq.npz", rnn="nope")


def test_two_readouts_need_a_choice(tmp_path):
    state = lstm_state()
    state["aux.weight"], state["aux.bias"] = np.ones((7, 4)), np.ones(7)
    save(tmp_path / "two.npz", state)
    assert "2 readout (nn.Linear) candidates (fc, aux): choose one with --readout PREFIX" in one_line_error(
        read_weights, tmp_path / "two.npz")
    assert read_weights(tmp_path / "two.npz", readout="aux").layout.n_classes == 7


def test_shapes_that_disagree_name_the_entry_and_the_shape_the_others_imply(tmp_path):
    state = lstm_state(layers=2)
    state["rnn.weight_ih_l1"] = np.zeros((16, 5))
    save(tmp_path / "bad.npz", state)
    assert one_line_error(read_weights, tmp_path / "bad.npz") == (
        f"{tmp_path / 'bad.npz'}: rnn.weight_ih_l1 is [16, 5] but the recurrent module's other weights make it "
        f"[16, 4] (D = 4, lstm, F = 3)")
    state = lstm_state(G=2)
    save(tmp_path / "g2.npz", state)
    assert "8 rows" not in one_line_error(read_weights, tmp_path / "g2.npz")
    assert "2*D rows, but an RNN has 1*D, a GRU 3*D and an LSTM 4*D" in one_line_error(read_weights,
                                                                                        tmp_path / "g2.npz")
    state = lstm_state(layers=2)
    del state["rnn.weight_hh_l1"]
    save(tmp_path / "missing.npz", state)
    assert "lacks rnn.weight_hh_l1" in one_line_error(read_weights, tmp_path / "missing.npz")


def test_an_lstm_with_proj_size_is_refused_by_name(torch, tmp_path):
    model = torch.nn.ModuleDict({"rnn": torch.nn.LSTM(3, 4, proj_size=2), "fc": torch.nn.Linear(2, 1)})
    torch.save(model.state_dict(), tmp_path / "proj.pt")
    assert one_line_error(read_weights, tmp_path / "proj.pt") == (
        f"{tmp_path / 'proj.pt'}: rnn.weight_hr_l0 [2, 4] is an LSTM's projection (proj_size), "
        f"which the app's cells do not have")


def test_a_layer_the_app_cannot_step_is_named(tmp_path):
    state = lstm_state()
    state["fc2.weight"], state["fc2.bias"] = np.ones((3, 2)), np.ones(3)
    save(tmp_path / "deep.npz", state)
    assert one_line_error(read_weights, tmp_path / "deep.npz") == (
        f"{tmp_path / 'deep.npz'}: fc2.weight [3, 2], fc2.bias [3] belong to no part the app reads "
        f"(one nn.Embedding, one nn.RNN/LSTM/GRU, one nn.Linear readout)")
    state = lstm_state()
    state["rnn.weight_hh_l0_orig"] = np.ones((16, 4))
    assert "rnn.weight_hh_l0_orig in the recurrent module rnn is not a part" in one_line_error(
        interpret, state, "m.npz")
    state = {"cell.weight_ih": np.ones((16, 3)), "cell.weight_hh": np.ones((16, 4))}
    assert "cell.weight_ih is an nn.RNNCell/LSTMCell/GRUCell" in one_line_error(interpret, state, "m.npz")


def test_a_recurrent_module_without_a_readout_is_refused(tmp_path):
    state = {k: v for k, v in lstm_state(reverse=True).items() if not k.startswith("fc")}
    assert one_line_error(interpret, state, "bare.npz") == (
        "bare.npz: no nn.Linear readout reads the output of rnn (an nn.LSTM): expected a weight [C, 8] "
        "(D = 4, two directions)")


def test_nan_and_inf_weights_are_read_and_reported(tmp_path):
    state = lstm_state()
    state["rnn.weight_hh_l0"][0, 0] = np.nan
    state["fc.bias"][1] = np.inf
    save(tmp_path / "exploded.safetensors", state)
    opened = read_weights(tmp_path / "exploded.safetensors")
    assert opened.layout.nonfinite == ("rnn.weight_hh_l0", "fc.bias")
    assert np.isnan(opened.params["U_i"][0, 0]) and np.isinf(opened.params["b2"][1])


def test_a_file_beyond_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    save(tmp_path / "big.safetensors", lstm_state())
    size = (tmp_path / "big.safetensors").stat().st_size
    monkeypatch.setattr("safetensors.numpy.load_file", lambda *a: pytest.fail("read"))
    assert one_line_error(read_weights, tmp_path / "big.safetensors", max_bytes=100) == (
        f"{tmp_path / 'big.safetensors'} is {size:,} bytes; a weights file is at most 100")


def test_an_npz_whose_header_claims_terabytes_is_refused_before_loading(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**7, 10**6)})
    with zipfile.ZipFile(tmp_path / "claims.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rnn.weight_ih_l0.npy", header.getvalue() + b"\0" * 64)
    message = one_line_error(read_weights, tmp_path / "claims.npz")
    assert message == (f"{tmp_path / 'claims.npz'}: rnn.weight_ih_l0.npy claims 80,000,000,000,000 bytes; "
                       f"a weights file holds at most {2**30:,}")


@pytest.mark.parametrize("name,content,expected", [
    ("cut.safetensors", None, "is not a safetensors file that can be read"),
    ("text.safetensors", b"just some words\n", "is not a safetensors file that can be read"),
    ("cut.npz", None, "is not an .npz archive"),
    ("cut.pt", None, "is not a PyTorch file that can be read"),
    ("latin1.npz", "caf\xe9".encode("latin-1"), "is not an .npz archive"),
])
def test_a_corrupt_or_wrong_kind_of_file_says_so(tmp_path, name, content, expected):
    if name.endswith(".pt"):
        pytest.importorskip("torch")
    path = tmp_path / name
    if content is None:  # a good file, cut short
        save(path, lstm_state())
        path.write_bytes(path.read_bytes()[:-40])
    else:
        path.write_bytes(content)
    message = one_line_error(read_weights, path)
    assert message.startswith(str(path)) and expected in message


def test_a_file_of_another_kind_is_named_by_its_suffix(tmp_path):
    (tmp_path / "model.h5").write_bytes(b"\x89HDF")
    assert one_line_error(read_weights, tmp_path / "model.h5") == (
        f"{tmp_path / 'model.h5'}: a weights file is .safetensors, .pt, .pth, .npz, not .h5")


def test_non_numbers_are_refused(tmp_path):
    state = lstm_state()
    state["fc.bias"] = np.array(["a", "b"])
    assert one_line_error(interpret, state, "s.npz") == "s.npz: fc.bias has dtype <U1; weights are numbers"


class RunsCode:
    """Unpickling this calls os.system: a file holding it must never be unpickled freely."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("legacy", [True, False])
def test_a_pickle_that_would_run_code_is_refused_and_never_run(torch, tmp_path, legacy):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    if legacy:  # a bare pickle, as torch's format before 1.6 is
        path.write_bytes(pickle.dumps({"rnn.weight_ih_l0": RunsCode(marker)}))
    else:
        torch.save({"rnn.weight_ih_l0": RunsCode(marker)}, path)
    message = one_line_error(read_weights, path)
    assert not marker.exists()
    assert message.startswith(f"{path} needs code to load (") and "system" in message
    assert message.endswith("which was not run; save a state dict instead: torch.save(model.state_dict(), path)")


def test_a_whole_pickled_module_is_refused_with_how_to_save_a_state_dict(torch, tmp_path):
    torch.save(torch.nn.LSTM(2, 3), tmp_path / "module.pt")
    assert one_line_error(read_weights, tmp_path / "module.pt") == (
        f"{tmp_path / 'module.pt'} needs code to load (torch.nn.modules.rnn.LSTM: a pickled module or other object), "
        f"which was not run; save a state dict instead: torch.save(model.state_dict(), path)")


def test_a_pt_file_that_is_not_one_says_so(torch, tmp_path):
    (tmp_path / "notes.pt").write_bytes("naïve notes\n".encode("utf-16"))
    message = one_line_error(read_weights, tmp_path / "notes.pt")
    assert message == (f"{tmp_path / 'notes.pt'} is not a PyTorch file: torch.save writes a zip archive or a "
                       "pickle, and it begins as neither (its first bytes: ff fe 6e 00)")


def test_without_torch_a_pt_file_says_to_install_torch_or_save_safetensors(tmp_path, monkeypatch):
    (tmp_path / "m.pt").write_bytes(b"\x80\x02")  # a legacy pickle's start: torch.load reads it
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # import torch raises ImportError
    assert one_line_error(read_weights, tmp_path / "m.pt") == (
        f"{tmp_path / 'm.pt'}: reading a .pt file needs torch: install torch, or save the state dict as "
        f".safetensors (safetensors.torch.save_file(model.state_dict(), path))")


def test_biases_gained_by_a_module_without_them_cannot_be_written_back():
    state = {k: v for k, v in lstm_state().items() if "bias_" not in k}
    opened = interpret(state, "nobias.npz")
    assert opened.layout.bias is False and not opened.params["b_i"].any()
    assert set(file_state_dict(opened)) == set(state)
    params = {**opened.params, "b_f": np.ones(4)}
    with pytest.raises(ValueError, match=r"rnn\.bias_ih_l0 is not in the file"):
        file_state_dict(opened, params)


def test_bfloat16_tensors_and_a_readout_without_bias_read(torch, tmp_path):
    model = torch.nn.ModuleDict({"rnn": torch.nn.GRU(3, 4), "fc": torch.nn.Linear(4, 2, bias=False)})
    torch.save(model.to(torch.bfloat16).state_dict(), tmp_path / "half.pt")
    opened = read_weights(tmp_path / "half.pt")
    assert opened.layout.readout_bias is False and not opened.params["b2"].any()
    np.testing.assert_array_equal(opened.params["W2"], model["fc"].weight.detach().float().numpy().T)
    assert set(file_state_dict(opened)) == set(model.state_dict())
