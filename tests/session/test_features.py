"""Truncated BPTT, the initialisations of U and a typed sentence, through the session."""

import numpy as np
import pytest

from unrolled.session.compare import Comparison
from unrolled.session.config import Config, ConfigError
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def after_backward(config: Config) -> Session:
    s = Session(config)
    s.advance(s.steps_to("iteration") - 1)
    return s


def test_truncated_vanishing_rnn_cuts_the_gradient_k_steps_before_the_loss():
    s = after_backward(get_preset("vanishing-rnn").config.replace(truncation=10))
    norms = s.bwd.dh_norm
    assert np.all(norms[:40] == 0.0) and np.all(norms[40:] > 0)
    assert s.truncation_window() == (41, 50)
    assert Session(get_preset("vanishing-rnn").config).truncation_window() is None


def test_stepping_backward_shows_the_gradient_stopping():
    s = Session(Config(task="toxic-word", timesteps=8, n_features=4, n_classes=2, mode="many-to-one", truncation=3))
    s.advance(s.T + 1 + 3)  # forward, loss, backward t = 8, 7, 6
    assert np.all(s.bwd.dh_norm[5:] > 0)
    s.step()  # t = 5: beyond the window
    assert s.bwd.dh_norm[4] == 0.0
    s.step_back()
    assert np.isnan(s.bwd.dh_norm[4])


def test_default_init_reproduces_the_weights_of_before():
    """Configs without "init" open with the same weights: orthogonal at rho 0, Gaussian with
    spectral radius rho otherwise (the engine's draws before init existed)."""
    from unrolled.engine.init import glorot, orthogonal, with_spectral_radius

    for rho in (0.0, 1.2):
        s = Session(Config.from_dict({"task": "toxic-word", "rho": rho, "n_hidden": 6}))
        rng = np.random.default_rng(0)
        W1 = glorot(rng, s.config.n_features, 6)
        U1 = orthogonal(rng, 6) if rho == 0 else with_spectral_radius(rng.standard_normal((6, 6)) / np.sqrt(6), rho)
        np.testing.assert_array_equal(s.net.params["W1"], W1)
        np.testing.assert_array_equal(s.net.params["U1"], U1)


def test_scaled_orthogonal_and_identity_inits():
    s = Session(Config(init="scaled-orthogonal", rho=0.8, n_hidden=6))
    np.testing.assert_allclose(np.linalg.svd(s.net.params["U1"], compute_uv=False), 0.8, rtol=1e-12)
    s = Session(Config(init="identity", rho=0.5, n_hidden=6, activation="relu"))
    np.testing.assert_array_equal(s.net.params["U1"], 0.5 * np.eye(6))
    with pytest.raises(ConfigError, match="init"):
        Config(init="zeros").validated()


def test_the_vanishing_theory_line_decays_and_bounds_the_gradient():
    s = Session(get_preset("vanishing-rnn").config)
    s.advance(s.steps_to("iteration") - 1)
    theory, label = s.theory_curve()
    curve = s.gradient_curve()
    assert theory[0] < 1e-3 * theory[-1]  # it decays with the gradient, as 0.8^(T - t)
    assert np.all(np.diff(theory) > 0)
    assert np.all(theory >= curve * (1 - 1e-12))  # an upper bound
    assert "0.8" in label


def test_truncation_is_comparable():
    preset = get_preset("truncated-bptt")
    assert preset.compare == {"truncation": 0}
    c = Comparison(preset.config, preset.compare)
    c.advance(c.steps_to("iteration") - 1)
    a, b = c.a.bwd.dh_norm, c.b.bwd.dh_norm
    k = preset.config.truncation
    assert np.all(a[: c.a.T - k] == 0) and np.all(b > 0)


def test_a_typed_sentence_becomes_the_batch_and_keeps_the_weights():
    s = Session()
    s.run_iteration()
    weights = {k: v.copy() for k, v in s.net.params.items()}
    s.use_sentence("a  small dog sees the ball")
    assert s.T == 6 and s.X.shape == (1, 6, 14) and s.config.input == "a small dog sees the ball"
    assert s.task.target_labels(s.Y[0]) == ["DET", "ADJ", "NOUN", "VERB", "DET", "NOUN"]
    for k, v in weights.items():
        np.testing.assert_array_equal(s.net.params[k], v)
    s.run_iteration()
    assert np.isfinite(s.loss) and s.bwd.grads["U1"].shape == (8, 8)
    with pytest.raises(ConfigError, match=r"unknown word 'zebra'.*vocabulary is: the a"):
        s.use_sentence("the zebra")
    assert s.T == 6
    s.reconfigure(task="adding-problem")  # another task drops the sentence
    assert s.config.input == ""


def test_a_config_with_input_steps_through_it():
    s = Session(Config.from_dict({"task": "next-word", "input": "the cat sat on the mat"}))
    assert s.T == 6 and s.config.batch_size == 1
    assert s.task.input_labels(s.X[0]) == ["the", "cat", "sat", "on", "the", "mat"]
    with pytest.raises(ConfigError, match="input: unknown word 'dragon'"):
        Config.from_dict({"task": "next-word", "input": "the dragon"})
    with pytest.raises(ConfigError, match="takes no typed sentence"):
        Config.from_dict({"task": "adding-problem", "input": "1 2"})


@pytest.mark.slow
def test_irnn_learns_the_adding_problem_where_the_tanh_rnn_fails():
    """The preset's IRNN against its tanh RNN, seed 0, 300 iterations each (about 10 s)."""
    from unrolled.session.sweep import HELD_OUT_SEED
    from unrolled.session.training import Trainer

    preset = get_preset("irnn-adding")
    mse = {}
    for name, config in (("irnn", preset.config), ("tanh", preset.config.replace(**preset.compare))):
        s = Session(config)
        trainer = Trainer(s)
        for _ in range(300):
            trainer.train_iteration()
        X, Y = s.task.sample(s.T, 2, 1, 256, np.random.default_rng(HELD_OUT_SEED))
        mse[name] = s.net.loss(s.net.forward(X), Y)
    assert mse["irnn"] < 0.04 < 0.1 < mse["tanh"], mse
