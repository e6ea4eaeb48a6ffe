"""A user's own PyTorch model and data as a session: `Session.from_torch` on a file (.pt,
.safetensors, .npz), a state dict or an nn.Module, its loss and every gradient under the
file's own keys equal to torch's float64 autograd to 1e-10 (every cell, 1 to 3 layers, both
directions, both modes, with and without an embedding, the issue's three shapes), the
weights written back under their own names, and bad input refused in one line."""

import itertools

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.data import DataError
from unrolled.session.stepper import Session
from unrolled.session.weights import WeightsError

torch = pytest.importorskip("torch")
from unrolled.session.torch_files import safetensors_bytes, torch_trace_arrays  # noqa: E402

from support.torch_models import make_model, reference, save_state  # noqa: E402

F, D, C, V, N, T = 3, 4, 3, 9, 5, 6


def data_for(model_options, seed=1, real=False, many_to_one=False):
    rng = np.random.default_rng(seed)
    V_ = model_options.get("V")
    X = rng.integers(0, V_, (N, T)) if V_ else rng.standard_normal((N, T, model_options.get("F", F)))
    lead = (N,) if many_to_one else (N, T)
    C_ = model_options.get("C", C)
    Y = rng.standard_normal((*lead, C_)) if real else rng.integers(0, C_, lead)
    return X, Y


def through_the_backward_pass(session: Session) -> dict:
    session.advance(2 * session.order.steps_per_pass + 1)
    return torch_trace_arrays(session)


def assert_equals_torch(model, arrays, X, Y):
    loss, grads = reference(model, X, Y)
    assert abs(float(arrays["loss"]) - loss) <= 1e-10 * max(1.0, abs(loss))
    assert {k.removeprefix("grad/") for k in arrays if k.startswith("grad/")} == set(grads)
    for name, grad in grads.items():
        scale = max(float(np.max(np.abs(grad))), 1e-12)
        assert np.max(np.abs(arrays["grad/" + name] - grad)) / scale < 1e-10, name


CASES = list(itertools.product(["rnn", "lstm", "gru"], [1, 2, 3], [False, True], [False, True]))


@pytest.mark.parametrize(("cell", "layers", "bidirectional", "many_to_one"), CASES)
def test_every_cell_depth_direction_and_mode_equals_torch(tmp_path, cell, layers, bidirectional, many_to_one):
    options = {"cell": cell, "F": F, "D": D, "C": C, "layers": layers, "bidirectional": bidirectional,
               "many_to_one": many_to_one}
    model = make_model(seed=layers, **options)
    path = tmp_path / ("m.pt" if layers == 1 else "m.safetensors" if layers == 2 else "m.npz")
    save_state(model, path)
    X, Y = data_for(options, many_to_one=many_to_one)
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    session = Session.from_torch(path, tmp_path / "d.npz", batch=3)
    assert session.config.mode == ("many-to-one" if many_to_one else "many-to-many")
    assert_equals_torch(model, through_the_backward_pass(session), X[:3], Y[:3])


SHAPES = {  # the issue's three: PyTorch's word-language model, a sentiment classifier, a regressor
    "language model": {"cell": "lstm", "F": 5, "D": 4, "C": V, "layers": 2, "V": V,
                       "names": ("encoder", "rnn", "decoder")},
    "sentiment": {"cell": "lstm", "F": 5, "D": 4, "C": 2, "bidirectional": True, "V": V,
                  "names": ("embedding", "lstm", "fc"), "many_to_one": True},
    "regressor": {"cell": "lstm", "F": 2, "D": 4, "C": 1, "names": ("", "lstm", "linear")},
}


@pytest.mark.parametrize(("shape", "suffix"), list(itertools.product(SHAPES, [".pt", ".safetensors", ".npz"])))
def test_the_three_shapes_of_the_issue_equal_torch(tmp_path, shape, suffix):
    options = SHAPES[shape]
    model = make_model(seed=4, **options)
    save_state(model, tmp_path / f"m{suffix}")
    X, Y = data_for(options, real=shape == "regressor", many_to_one=options.get("many_to_one", False))
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    session = Session.from_torch(tmp_path / f"m{suffix}", tmp_path / "d.npz", batch=N)
    assert session.config.loss == ("mse" if shape == "regressor" else "cross-entropy")
    arrays = through_the_backward_pass(session)
    assert_equals_torch(model, arrays, X, Y)
    if options.get("V"):
        assert f"grad/{options['names'][0]}.weight" in arrays


def test_an_nn_module_and_its_arrays_in_memory_run_none_of_its_code():
    options = SHAPES["sentiment"]
    model = make_model(seed=2, **options)
    X, Y = data_for(options, many_to_one=True)
    model.forward = None  # were it called, the session could not be made
    session = Session.from_torch(model, torch.from_numpy(X), torch.from_numpy(Y), batch=2, learning_rate=0.5)
    assert session.config.learning_rate == 0.5 and session.config.weights == "the model (UserModel)"
    del model.forward
    assert_equals_torch(model, through_the_backward_pass(session), X[:2], Y[:2])


def test_the_weights_are_written_back_under_the_files_own_names_and_load_strictly(tmp_path):
    from safetensors.torch import load

    options = SHAPES["language model"]
    model = make_model(seed=3, **options)
    save_state(model, tmp_path / "m.pt")
    X, Y = data_for(options)
    session = Session.from_torch(tmp_path / "m.pt", X, Y, batch=2)
    session.run_iteration()  # an update: the weights now differ from the file's
    state = load(safetensors_bytes(session))
    assert set(state) == set(model.state_dict())  # safetensors keeps them sorted
    model.double().load_state_dict(state, strict=True)
    np.testing.assert_array_equal(model.encoder.weight.detach().numpy(), session.net.params["E"])


def test_without_targets_they_are_the_models_predictions_and_without_data_the_input_is_random():
    options = SHAPES["regressor"]
    model = make_model(seed=5, **options)
    X, _ = data_for(options)
    no_targets = Session.from_torch(model, X, loss="mse")
    np.testing.assert_allclose(no_targets.Y, model.double()(torch.from_numpy(X[:1])).detach().numpy(), atol=1e-12)
    assert "no Y" in no_targets.own_model.notes
    no_data = Session.from_torch(model.state_dict(), timesteps=7, batch_size=2)
    assert no_data.X.shape == (2, 7, 2) and "random input" in no_data.own_model.notes
    assert no_data.loss is None and no_data.config.locked_fields()["n_hidden"].startswith("the weights")


def test_a_new_sample_walks_through_the_files_samples_and_stepping_back_is_exact(tmp_path):
    options = SHAPES["language model"]
    model = make_model(seed=6, **options)
    X, Y = data_for(options)
    session = Session.from_torch(model, X, Y, sample=1)
    np.testing.assert_array_equal(session.X, X[1:2, :, None])  # one id per step
    session.new_sample()
    np.testing.assert_array_equal(session.X, X[2:3, :, None])
    before = session.fwd.h.copy()
    session.advance(5)
    for _ in range(5):
        session.step_back()
    np.testing.assert_array_equal(session.fwd.h, before)
    assert session.task.input_labels(session.X[0]) == [f"#{i}" for i in X[2]]
    session.reconfigure(learning_rate=0.01)  # a setting: the same model and batch
    np.testing.assert_array_equal(session.net.params["E"], model.encoder.weight.detach().double().numpy())
    replayed = list(session.replay_iteration())
    assert replayed[-1].own_model is session.own_model


def test_a_config_names_the_files_relative_to_itself(tmp_path):
    options = SHAPES["regressor"]
    save_state(make_model(seed=7, **options), tmp_path / "m.safetensors")
    X, Y = data_for(options, real=True)
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    config = Config.from_dict({"weights": "m.safetensors", "data": "d.npz", "cell": "lstm", "n_features": 2,
                               "n_hidden": 4, "n_classes": 1, "timesteps": T, "loss": "mse"}).relative_to(tmp_path)
    session = Session(config)
    assert session.own_model is not None and session.config.data == str(tmp_path / "d.npz")
    assert "weights" not in Config().to_dict() and "data" not in Config().to_dict()


def test_a_config_file_elsewhere_names_its_weights_and_data_relative_to_itself(tmp_path, monkeypatch):
    import json

    from unrolled.session.presets import load_file

    options = SHAPES["language model"]
    model = make_model(seed=8, **options)
    (tmp_path / "models").mkdir()
    save_state(model, tmp_path / "models" / "lm.pt")
    X, Y = data_for(options)
    np.savez(tmp_path / "models" / "lm.npz", X=X, Y=Y)
    settings = {"weights": "lm.pt", "data": "lm.npz", "cell": "lstm", "n_features": 5, "n_hidden": 4,
                "n_classes": V, "layers": 2, "timesteps": T, "batch_size": 2, "learning_rate": 0.05}
    (tmp_path / "models" / "lesson.json").write_text(json.dumps(settings))
    monkeypatch.chdir(tmp_path)  # elsewhere: the names are the config's neighbours, not the working folder's
    session = Session(load_file("models/lesson.json").config)
    assert session.config.learning_rate == 0.05
    np.testing.assert_array_equal(session.X[..., 0], X[:2])
    assert_equals_torch(model, through_the_backward_pass(session), X[:2], Y[:2])


@pytest.mark.parametrize(("change", "message"), [
    ("features", "X has F = 4 features per step; the model reads 2"),
    ("class", "class 7 in Y"),
    ("token", "token id 9"),
    ("transformer", "holds no nn.RNN, nn.LSTM or nn.GRU (no weight_ih_l0); its top-level prefixes: encoder"),
    ("two", "2 recurrent module candidates"),
])
def test_bad_input_is_one_line_naming_what_was_found(tmp_path, change, message):
    rng = np.random.default_rng(0)
    if change == "features":
        model, X, Y = make_model(**SHAPES["regressor"]), rng.standard_normal((2, 3, 4)), None
    elif change == "class":
        model, X, Y = make_model(cell="gru", F=2, D=3, C=3), rng.standard_normal((2, 3, 2)), np.full((2, 3), 7)
    elif change == "token":
        model, X, Y = make_model(**SHAPES["language model"]), np.full((2, 3), V), None
    elif change == "transformer":
        model, X, Y = {"encoder.layers.0.self_attn.in_proj_weight": np.zeros((6, 2))}, None, None
    else:
        one = make_model(cell="rnn", F=2, D=3, C=2).state_dict()
        model, X, Y = {f"{p}.{k}": v for p in ("a", "b") for k, v in one.items()}, None, None
    with pytest.raises((WeightsError, DataError)) as caught:
        Session.from_torch(model, X, Y)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_saved_session_on_opened_weights_reopens_from_any_folder_at_its_step(tmp_path, monkeypatch):
    from unrolled.session.files import load_session, save_session

    options = {"cell": "gru", "F": 4, "D": 5, "C": V, "layers": 2, "bidirectional": True, "V": V,
               "names": ("encoder", "rnn", "decoder")}
    save_state(make_model(seed=9, **options), tmp_path / "g.pt")
    X, Y = data_for(options)
    np.savez(tmp_path / "g.npz", X=X, Y=Y)
    monkeypatch.chdir(tmp_path)
    session = Session.from_torch("g.pt", "g.npz", batch=2)
    session.advance(30)
    save_session(session, tmp_path / "s.json")
    monkeypatch.chdir(tmp_path.parent)
    reopened = load_session(tmp_path / "s.json")
    assert reopened.position == 30 and reopened.own_model.title == str(tmp_path / "g.pt")
    np.testing.assert_array_equal(reopened.fwd.h, session.fwd.h)


def test_a_rho_rescales_the_files_recurrent_weights_and_zero_keeps_them(tmp_path):
    from unrolled.engine import spectral_radius

    options = SHAPES["regressor"]
    model = make_model(seed=10, **options)
    X, Y = data_for(options, real=True)
    own = Session.from_torch(model, X, Y)
    scaled = Session.from_torch(model, X, Y, rho=0.5)
    U = own.net.params["U_f"]
    np.testing.assert_array_equal(U, model.lstm.weight_hh_l0.detach().numpy()[4:8].T)  # the forget block
    assert abs(spectral_radius(scaled.net.params["U_f"]) - 0.5) < 1e-12
    scaled.reset()  # the file's weights again, at rho
    assert abs(spectral_radius(scaled.net.params["U_f"]) - 0.5) < 1e-12


def test_training_goes_on_from_the_files_weights_over_the_files_samples(tmp_path):
    from unrolled.session.training import Trainer

    options = SHAPES["language model"]
    model = make_model(seed=11, **options)
    X, Y = data_for(options)
    session = Session.from_torch(model, X, Y, batch=2, learning_rate=0.5)
    batches = [session.training_batch()[0][..., 0] for _ in range(3)]  # rows 2-3, 4-0, 1-2: round the file
    for batch, rows in zip(batches, ([2, 3], [4, 0], [1, 2]), strict=True):
        np.testing.assert_array_equal(batch, X[rows])
    Trainer(session).train(4)
    assert len(session.loss_history) == 4 and np.all(np.isfinite(session.loss_history))
    assert not np.array_equal(session.net.params["E"], model.encoder.weight.detach().numpy())


def test_a_lesson_names_its_stops_weights_and_data_relative_to_the_lesson_file(tmp_path, monkeypatch):
    import json

    from unrolled.session.lesson_file import load_lesson_file

    options = SHAPES["regressor"]
    model = make_model(seed=12, **options)
    (tmp_path / "course").mkdir()
    save_state(model, tmp_path / "course" / "reg.safetensors")
    X, Y = data_for(options, real=True)
    np.savez(tmp_path / "course" / "series.npz", X=X, Y=Y)
    model_settings = {"weights": "reg.safetensors", "data": "series.npz", "cell": "lstm", "n_features": 2,
                      "n_hidden": 4, "n_classes": 1, "timesteps": T, "loss": "mse"}
    lesson = {"format": "unrolled-lesson", "title": "My model", "description": "Its gradient.",
              "stops": [{"title": "Backward", "text": "Its BPTT.", "model": model_settings,
                         "at": "after the backward pass"}]}
    (tmp_path / "course" / "mine.json").write_text(json.dumps(lesson))
    monkeypatch.chdir(tmp_path)
    stop = load_lesson_file("course/mine.json").stops[0]
    assert stop.config.weights == str(tmp_path / "course" / "reg.safetensors")
    session = Session(stop.config)
    assert_equals_torch(model, through_the_backward_pass(session), X[:1], Y[:1])


def test_a_comparison_of_a_model_given_from_python_says_in_one_line_how_to_open_it_again():
    from unrolled.session.compare import Comparison

    options = SHAPES["regressor"]
    session = Session.from_torch(make_model(seed=13, **options))
    with pytest.raises(WeightsError) as caught:
        Comparison(session.config, {"rho": 0.5})
    assert "was given from Python" in str(caught.value) and "\n" not in str(caught.value)


def test_tied_weights_are_one_parameter_exact_against_torch_trained_and_written_back_tied(tmp_path):
    # word-language-model's --tied: decoder.weight is encoder.weight, saved as one storage twice
    from safetensors.torch import load

    from unrolled.session.gradcheck import check_gradients
    from unrolled.session.torch_check import check_against_torch
    from unrolled.session.training import Trainer

    options = {"cell": "lstm", "F": 4, "D": 4, "C": V, "V": V, "layers": 2, "names": ("encoder", "rnn", "decoder")}
    model = make_model(seed=5, **options)
    model.decoder.weight = model.encoder.weight
    save_state(model, tmp_path / "tied.pt")
    X, Y = data_for(options)
    session = Session.from_torch(tmp_path / "tied.pt", X, Y, batch=3, learning_rate=0.3, optimiser="adam")
    assert session.own_model.weights.layout.tied and session.net.tied
    loss, grads = reference(model, X[:3], Y[:3])
    assert list(grads) == [k for k in grads if k != "decoder.weight"]  # torch names the shared one once
    arrays = through_the_backward_pass(session)
    assert abs(float(arrays["loss"]) - loss) < 1e-10
    shared = grads["encoder.weight"]
    for key in ("encoder.weight", "decoder.weight"):  # each the whole parameter's: the sum of both uses
        assert np.max(np.abs(arrays[f"grad/{key}"] - shared)) <= 1e-10 * max(1.0, float(np.max(np.abs(shared))))
    check = check_against_torch(session)
    assert check.passed and check.largest < 1e-10
    assert all(c.passed for c in check_gradients(session))  # finite differences move both uses together
    session.reconfigure(clipping="norm", clip_threshold=0.1)
    grads = session.net.backward(session.net.forward(session.X), session.Y).grads
    session.run_iteration()
    norm = np.sqrt(sum(np.sum(g ** 2) for k, g in grads.items() if k != "W2"))
    assert session.history[-1].norm_before == pytest.approx(norm, rel=1e-12)  # the shared one counted once
    Trainer(session).train(3)
    np.testing.assert_array_equal(session.net.params["E"], session.net.params["W2"].T)  # still tied
    state = load(safetensors_bytes(session))
    np.testing.assert_array_equal(state["encoder.weight"].numpy(), state["decoder.weight"].numpy())
    untied = make_model(seed=5, **options)  # untied, equal to it but for decoder.weight: not taken as tied
    assert not Session.from_torch(untied).own_model.weights.layout.tied


def test_a_saved_session_reopens_after_its_weights_and_data_files_have_moved(tmp_path):
    from unrolled.session.files import load_session, save_session

    options = SHAPES["sentiment"]
    model = make_model(seed=4, **options)
    (tmp_path / "orig").mkdir()
    save_state(model, tmp_path / "orig" / "s.pt")
    X, Y = data_for(options, many_to_one=True)
    np.savez(tmp_path / "orig" / "d.npz", X=X, Y=Y)
    session = Session.from_torch(tmp_path / "orig" / "s.pt", tmp_path / "orig" / "d.npz", batch=2)
    session.advance(25)
    save_session(session, tmp_path / "s.json")
    (tmp_path / "orig" / "s.pt").rename(tmp_path / "moved.pt")
    (tmp_path / "orig" / "d.npz").unlink()
    reopened = load_session(tmp_path / "s.json")
    assert reopened.position == 25 and reopened.own_model.title == str(tmp_path / "orig" / "s.pt")
    np.testing.assert_array_equal(reopened.fwd.h, session.fwd.h)
    assert reopened.own_model.data.n_samples == N  # every sample, so N (new sample) walks on
    reopened.advance(2 * reopened.order.steps_per_pass + 1 - 25)
    loss, grads = reference(model, X[:2], Y[:2])
    arrays = torch_trace_arrays(reopened)
    assert abs(float(arrays["loss"]) - loss) < 1e-10
    for key, grad in grads.items():
        assert np.max(np.abs(arrays[f"grad/{key}"] - grad)) <= 1e-10 * max(1.0, float(np.max(np.abs(grad)))), key


def test_the_small_messages_of_an_opened_model_say_what_they_mean(tmp_path):
    rng = np.random.default_rng(0)
    lstm = make_model(**SHAPES["regressor"])
    X = rng.standard_normal((5, 4, 2))
    own = Session.from_torch(lstm, X, batch=2).own_model
    assert "5 sequences of T = 4, stepped 2 at a time" in own.input_said(4, 2)
    with pytest.raises(WeightsError) as caught:
        Session.from_torch(lstm, activation="relu")
    assert "only an nn.RNN has a choice of nonlinearity; this model's nn.LSTM has none" in str(caught.value)
    state = {k: v for k, v in lstm.state_dict().items() if not k.startswith("linear.")}
    state["fc.weight"] = torch.zeros(2, 5)
    with pytest.raises(WeightsError) as caught:
        Session.from_torch(state)
    assert "reads the output of lstm (an nn.LSTM)" in str(caught.value) and "lstm lstm" not in str(caught.value)
    two = {f"{p}.{k}": v for p in ("a", "b") for k, v in make_model(cell="rnn", F=2, D=3, C=2).state_dict().items()}
    with pytest.raises(WeightsError, match="choose one with --rnn PREFIX"):
        Session.from_torch(two)
    (tmp_path / "random.pt").write_bytes(bytes(rng.integers(0, 256, 300, dtype=np.uint8).tolist()).replace(
        b"\x80", b"\x81").replace(b"PK", b"QK"))
    with pytest.raises(WeightsError) as caught:
        Session.from_torch(tmp_path / "random.pt")
    assert "random.pt is not a PyTorch file: torch.save writes a zip archive or a pickle" in str(caught.value)
    assert "utf-8" not in str(caught.value)


def test_an_opened_models_config_and_trace_name_no_task(tmp_path):
    from unrolled.session.figure_data import write_trace_npz

    session = Session.from_torch(make_model(**SHAPES["regressor"]))
    assert "task" not in session.config.to_dict()
    write_trace_npz(tmp_path / "trace.npz", session)
    assert "pos-tagging" not in str(np.load(tmp_path / "trace.npz")["meta"])
