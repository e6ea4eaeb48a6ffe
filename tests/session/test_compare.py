import numpy as np
import pytest

from unrolled.session.compare import Comparison
from unrolled.session.config import Config, ConfigError
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session
from unrolled.session.training import Diverged

from support.state_dicts import save_model_and_data

TOXIC = Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one", timesteps=30, n_hidden=16, rho=0.8)


def test_both_see_the_same_input_and_step_in_lockstep():
    c = Comparison(TOXIC)
    assert c.b.config.cell == "lstm"
    np.testing.assert_array_equal(c.a.X, c.b.X)
    np.testing.assert_array_equal(c.a.Y, c.b.Y)
    for _ in range(45):
        c.step()
        assert c.in_lockstep
    c.step_back()
    assert c.in_lockstep and c.a.position == 44
    c.advance(c.steps_to("iteration"))
    assert c.in_lockstep and len(c.a.history) == len(c.b.history) == 1


def test_the_summary_states_the_difference():
    c = Comparison(TOXIC)
    c.advance(2 * 30 + 1)
    text = c.summary()
    assert "A (RNN)" in text and "B (LSTM)" in text and "vanishing" in text
    assert "B keeps 10^" in text and "more gradient at t = 1" in text


def test_training_in_lockstep_on_the_same_batches():
    c = Comparison(TOXIC.replace(timesteps=8, batch_size=8), {"rho": 1.2})
    for _ in range(5):
        c.train_iteration()
    assert len(c.a.history) == len(c.b.history) == 5 and c.in_lockstep
    # the same batches: with the same weights B would match A exactly
    same = Comparison(TOXIC.replace(timesteps=8, batch_size=8), {"learning_rate": TOXIC.learning_rate})
    for _ in range(3):
        same.train_iteration()
    assert [r.loss for r in same.a.history] == [r.loss for r in same.b.history]


def test_a_network_that_overflows_stops_alone_and_the_other_trains_on():
    config = Config(task="adding-problem", cell="rnn", activation="linear", rho=0.9, timesteps=600,
                    n_features=2, n_classes=1, mode="many-to-one", loss="mse", n_hidden=4)
    c = Comparison(config, {"rho": 3.0})
    c.train_iteration()
    assert len(c.a.history) == 1 and len(c.b.history) == 0
    assert set(c.stopped) == {"B"} and "network B (rho = 3.0) stopped at iteration 1" in c.stopped["B"]
    assert c.stopped_note().endswith("and A trains on.") and "B (rho = 3.0) stopped" in c.summary()
    c.train_iteration()
    assert len(c.a.history) == 2 and len(c.b.history) == 0 and c.completed_iterations == 2
    c.reset()
    assert not c.stopped


def test_when_both_overflow_training_stops_and_says_why_each_stopped():
    config = Config(task="adding-problem", cell="rnn", activation="linear", rho=3.0, timesteps=600,
                    n_features=2, n_classes=1, mode="many-to-one", loss="mse", n_hidden=4)
    c = Comparison(config, {"rho": 3.5})
    with pytest.raises(Diverged, match=r"network A .*network B"):
        c.train_iteration()
    with pytest.raises(Diverged):  # and again at once: neither trains any more
        c.train_iteration()
    assert len(c.a.history) == len(c.b.history) == 0


def test_gradients_are_shown_after_training_and_a_small_loss_is_named():
    c = Comparison(TOXIC.replace(timesteps=8, batch_size=8))
    c.train_iteration()
    assert c.a.gradient_curve() is None  # training leaves each at the start of its iteration
    c.show_gradients()
    assert c.a.position == c.b.position == 2 * 8 + 1 and c.a.gradient_curve() is not None
    assert "little is left to learn" not in c.summary()
    c._baseline = ((100.0, "chance (ln 2)"),)  # as if both losses were under a tenth of the baseline
    assert "A's loss is" in c.summary() and "little is left to learn, so its whole gradient is small" in c.summary()


def test_clipping_preset_compares_with_and_without():
    preset = get_preset("clipping")
    c = Comparison(preset.config, preset.compare)
    assert c.a.config.clipping == "norm" and c.b.config.clipping == "none"


def test_only_comparable_settings_may_differ():
    with pytest.raises(ConfigError, match="B may change only"):
        Comparison(TOXIC, {"timesteps": 5})


def test_reset_keeps_the_observers():
    c = Comparison(TOXIC)
    heard = []
    c.changed.connect(heard.append)
    c.step()
    c.reset()
    c.step()
    assert len(heard) == 3 and c.a.position == 1


def test_ratios_in_words():
    from unrolled.session.compare import times_as_much

    assert times_as_much(1.05) == "about the same" and times_as_much(0.9) == "about the same"
    assert times_as_much(3.2) == "3.2 times more" and times_as_much(1 / 35) == "35 times less"
    assert times_as_much(1e5) == "10^5 times more" and times_as_much(1e-7) == "10^7 times less"


@pytest.mark.parametrize(
    "ratio,words",
    [
        (1.0, "about the same"), (1.15, "about the same"), (1 / 1.15, "about the same"),
        (1.26, "1.3 times more"), (35.4, "35 times more"), (1 / 35.4, "35 times less"),
        (99.8, "100 times more"), (350.0, "350 times more"), (999.0, "10^3 times more"),
        (2.5e4, "10^4 times more"), (1e-5, "10^5 times less"), (1e-300 / 1e10, "10^310 times less"),
    ],
)
def test_ratios_in_words_never_a_fractional_power_or_e_notation(ratio, words):
    from unrolled.session.compare import times_as_much

    assert times_as_much(ratio) == words
    assert "e+" not in words and "^0" not in words


def test_chance_and_model_names():
    from unrolled.session.compare import baseline_loss, model_names

    assert baseline_loss(Session(TOXIC)) == (pytest.approx(np.log(2)), "chance (ln 2)")
    adding = Session(Config(task="adding-problem", timesteps=20).resolved())
    loss, name = baseline_loss(adding)
    assert name == "predict the mean" and loss == pytest.approx(1 / 6, rel=0.05)  # Var(u1 + u2) = 2/12
    assert baseline_loss(adding)[0] == loss  # fixed draw
    assert adding.training_batch()[0].shape == (1, 20, 2)
    assert model_names(TOXIC, {"cell": "lstm"}) == ("RNN", "LSTM")
    assert model_names(TOXIC, {"activation": "relu"}) == ("RNN", "ReLU RNN")
    assert model_names(TOXIC.replace(rho=0.0), {"rho": 1.5}) == ("RNN, orthogonal U", "RNN, rho 1.5")
    assert model_names(TOXIC, {"clipping": "norm"}) == ("RNN, no clipping", "RNN, norm clipping")


def test_two_deep_bidirectional_networks_step_show_gradients_and_train_in_lockstep():
    deep = TOXIC.replace(timesteps=6, layers=2, bidirectional=True)
    c = Comparison(deep)
    assert c.a.steps_per_iteration == c.b.steps_per_iteration == 2 * 2 * 2 * 6 + 2
    c.advance(30)
    assert c.in_lockstep and c.a.place == c.b.place
    c.show_gradients()
    assert all(s.position == s.steps_per_iteration - 1 and s.bwd.complete for s in c.sessions)
    c.train_iteration()
    assert len(c.a.history) == len(c.b.history) == 1 and not c.stopped


def _walk(c, steps):
    """(A's place, B's place, A's position, B's position) after each of `steps` steps."""
    seen = []
    for _ in range(steps):
        c.step()
        assert c.in_lockstep
        seen.append((c.a.place, c.b.place, c.a.position, c.b.position))
    return seen


def test_one_layer_against_four_follows_by_phase_and_t_and_retraces_exactly():
    T = 5
    c = Comparison(TOXIC.replace(timesteps=T), {"layers": 4})
    assert c.leader is c.b and c.steps_to("iteration") == 2 * 4 * T + 2
    assert c.names == ("RNN, 1 layer", "RNN, 4 layers")
    seen = _walk(c, 2 * 4 * T + 2)
    forward, rest = seen[: 4 * T], seen[4 * T:]
    for a, b, _, _ in forward[:T]:  # layer 1's forward direction: the same t in both
        assert (a.layer, a.t) == (0, b.t) and b.layer == 0
    for a, b, a_position, _ in forward[T:]:  # A's forward pass is done; it waits at t = T
        assert a_position == T and a.t == T and b.layer > 0
    loss, backward, update = rest[0], rest[1:-1], rest[-1]
    assert loss[0].phase.value == loss[1].phase.value == "loss"
    for a, b, _, _ in backward[:T]:  # A's only layer and B's top layer: the same t, from T down
        assert a.phase.value == b.phase.value == "backward" and a.t == b.t and b.layer == 3
    for _, b, a_position, _ in backward[T:]:
        assert a_position == 2 * T + 1 and b.layer < 3
    assert update[0].phase.value == update[1].phase.value == "update"
    assert len(c.a.history) == len(c.b.history) == 1
    seen += _walk(c, 3)  # into the next iteration together
    assert (c.a.position, c.b.position, c.a.iteration, c.b.iteration) == (3, 3, 1, 1)
    for expected in reversed(seen[:-1]):  # Left retraces every position, across the update too
        c.step_back()
        assert c.in_lockstep and (c.a.place, c.b.place, c.a.position, c.b.position) == expected
    c.step_back()
    assert c.a.position == c.b.position == 0 and not c.a.history and not c.b.history


def test_a_comparison_of_depths_computes_what_each_network_computes_alone():
    from unrolled.session.stepper import Session

    config = TOXIC.replace(timesteps=6)
    c = Comparison(config, {"layers": 4})
    c.advance(c.steps_to("iteration") - 1)
    for s in c.sessions:
        alone = Session(s.config)
        alone.advance(alone.steps_per_iteration - 1)
        assert s.loss == alone.loss
        for name, grad in alone.bwd.grads.items():
            np.testing.assert_array_equal(s.bwd.grads[name], grad)


def test_one_direction_against_two_and_the_deeper_network_as_a():
    T = 4
    c = Comparison(TOXIC.replace(timesteps=T), {"bidirectional": True})
    assert c.leader is c.b and c.names == ("RNN, one direction", "RNN, bidirectional")
    seen = _walk(c, 2 * T)
    assert [a.t for a, *_ in seen] == [1, 2, 3, 4, 4, 4, 4, 4]
    assert [(b.direction, b.t) for _, b, *_ in seen] == [(0, 1), (0, 2), (0, 3), (0, 4), (1, 4), (1, 3), (1, 2), (1, 1)]
    deep_a = Comparison(TOXIC.replace(timesteps=T, layers=2), {"layers": 1})
    assert deep_a.leader is deep_a.a and deep_a.steps_to("phase") == 2 * T
    deep_a.advance(2 * T + 1)
    assert deep_a.b.phase.value == "loss" and deep_a.a.phase.value == "loss" and deep_a.in_lockstep
    deep_a.train_iteration()
    assert len(deep_a.a.history) == len(deep_a.b.history) == 1
    deep_a.show_gradients()
    assert all(s.bwd.complete for s in deep_a.sessions)


def test_no_loss_term_at_t_T_is_said_not_called_an_overflow():
    """look-ahead has no target at its last two steps: dL_T/dh_t is 0 everywhere, and the
    ratio 0 / 0 is no overflow."""
    c = Comparison(get_preset("bidirectional-tagging").config, {"bidirectional": False})
    c.advance(c.steps_to("iteration") - 1)
    text = c.summary()
    assert "overflow" not in text
    assert text.count("no gradient of the last step's loss at t = T to compare with") == 2


def test_an_opened_regressors_baseline_is_the_mean_of_its_datas_targets(tmp_path):
    weights, data = save_model_and_data(tmp_path, "real")
    opened = Session.from_torch(weights, data)
    c = Comparison(opened.config)
    assert c.a.own_model is not None and c.changes == {"rho": 1.0}  # the cell is the file's: B rescales U
    assert c.names == ("LSTM, the file's U", "LSTM, rho 1")
    Y = np.load(data)["Y"]
    assert c.baseline() == (pytest.approx(np.mean((Y - Y.mean(axis=0)) ** 2)), "predict the mean")
    streamed = opened.training_batch()  # the baseline took nothing from the data's stream
    np.testing.assert_array_equal(c.a.training_batch()[1], streamed[1])
    assert np.max(np.abs(np.linalg.eigvals(c.b.net.params["U_i"]))) == pytest.approx(1.0)
    c.advance(2 * 6 + 2)
    assert c.a.history and c.b.history and "little is left to learn" not in c.summary()


def test_an_opened_classifiers_baseline_is_chance_and_without_targets_its_own_predictions(tmp_path):
    weights, data = save_model_and_data(tmp_path, "classes", C=3)
    c = Comparison(Session.from_torch(weights, data).config)
    assert c.a.config.mode == "many-to-one" and c.baseline() == (pytest.approx(np.log(3)), "chance (ln 3)")
    weights, data = save_model_and_data(tmp_path, None)
    opened = Session.from_torch(weights, data, loss="mse")  # without Y the loss is the caller's
    loss, name = Comparison(opened.config).baseline()
    predicted = opened.net.forward(np.load(data)["X"]).y  # (N, T, C)
    assert name == "predict the mean" and loss == pytest.approx(np.mean((predicted - predicted.mean(axis=0)) ** 2))
    loss, _ = Comparison(Session.from_torch(weights, loss="mse").config).baseline()  # random input
    assert np.isfinite(loss) and loss > 0


def test_an_opened_model_against_a_fresh_one_of_its_shape_trains_on_the_same_batches(tmp_path):
    weights, data = save_model_and_data(tmp_path, "real")
    config = Session.from_torch(weights, data).config
    c = Comparison(config, {"fresh": True})
    assert c.names == ("LSTM, trained weights", "LSTM, fresh weights") and c.b.config == c.a.config
    np.testing.assert_array_equal(c.a.net.params["W2"], np.load(weights)["fc.weight"].T)
    assert not np.array_equal(c.b.net.params["W2"], c.a.net.params["W2"])  # drawn as init, rho and seed say
    np.testing.assert_array_equal(c.a.X, c.b.X)
    c.train_iteration()
    assert len(c.a.history) == len(c.b.history) == 1
    np.testing.assert_array_equal(c.a.training_batch()[0], c.b.training_batch()[0])
    c.reset()
    assert not np.array_equal(c.b.net.params["W2"], c.a.net.params["W2"]) and not c.a.history


def test_a_fresh_model_needs_opened_weights_with_targets(tmp_path):
    with pytest.raises(ConfigError, match="compared with opened weights"):
        Comparison(TOXIC, {"fresh": True})
    weights, data = save_model_and_data(tmp_path, None)
    with pytest.raises(ConfigError, match="would learn its own predictions"):
        Comparison(Session.from_torch(weights, data, loss="mse").config, {"fresh": True})
