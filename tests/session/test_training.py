import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.stepper import Phase, Session
from unrolled.session.training import Diverged, Trainer, accuracy


def adding(cell="lstm", T=10, **changes):
    return Session(Config(task="adding-problem", cell=cell, timesteps=T, n_features=2, n_classes=1,
                          mode="many-to-one", loss="mse", n_hidden=16, batch_size=32, optimiser="adam",
                          learning_rate=0.01, clipping="norm", clip_threshold=1.0, seed=0).replace(**changes))


def test_training_reduces_the_loss_on_an_easy_task_for_a_fixed_seed():
    trainer = Trainer(adding(T=10))
    steps = trainer.train(150)
    first, last = np.mean([s.loss for s in steps[:10]]), np.mean([s.loss for s in steps[-10:]])
    assert last < 0.3 * first and last < 0.05


def test_training_is_deterministic_for_a_seed():
    a = Trainer(adding(T=6)).train(20)
    b = Trainer(adding(T=6)).train(20)
    assert [s.loss for s in a] == [s.loss for s in b]


def test_classification_reports_accuracy_and_it_rises():
    s = Session(Config(task="toxic-word", cell="gru", timesteps=8, n_features=6, n_classes=2, mode="many-to-one",
                       n_hidden=12, batch_size=32, optimiser="adam", learning_rate=0.02).resolved())
    steps = Trainer(s).train(120)
    assert all(st.accuracy is not None for st in steps)
    assert np.mean([st.accuracy for st in steps[-10:]]) > 0.9


def test_after_training_the_session_steps_through_the_trained_model():
    s = adding(T=5)
    trainer = Trainer(s)
    trainer.train(7)
    assert s.phase is Phase.READY and len(s.loss_history) == 7 and s.iteration == 7
    s.run_iteration()
    assert len(s.loss_history) == 8
    s.step_back()
    assert len(s.loss_history) == 7


def test_divergence_stops_with_the_iteration_and_timestep_and_keeps_finite_weights():
    s = Session(Config(task="adding-problem", cell="rnn", activation="linear", rho=3.0, timesteps=700,
                       n_features=2, n_classes=1, mode="many-to-one", loss="mse", n_hidden=4))
    weights = {k: v.copy() for k, v in s.net.params.items()}
    trainer = Trainer(s)
    with pytest.raises(Diverged) as info:
        trainer.train(5)
    assert info.value.iteration == 1 and "overflowed from t =" in str(info.value)
    for k, v in s.net.params.items():
        np.testing.assert_array_equal(v, weights[k])
    assert s.phase is Phase.READY


def test_clipping_bounds_the_applied_norm():
    s = Session(Config(task="adding-problem", cell="rnn", activation="linear", rho=1.3, timesteps=30,
                       n_features=2, n_classes=1, mode="many-to-one", loss="mse", n_hidden=8,
                       clipping="norm", clip_threshold=0.5, learning_rate=0.001))
    steps = Trainer(s).train(10)
    assert all(st.norm_after <= 0.5 + 1e-12 for st in steps)
    assert any(st.norm_before > 0.5 for st in steps)


def test_accuracy_of_indices_one_hot_and_real_targets():
    y = np.array([[2.0, 1.0], [0.0, 3.0]])
    assert accuracy(y, np.array([0, 0])) == 0.5
    assert accuracy(y, np.eye(2)[[0, 1]]) == 1.0
    assert accuracy(np.zeros((2, 1)), np.zeros((2, 1))) is None


def test_regression_has_no_accuracy():
    steps = Trainer(adding(T=4)).train(3)
    assert all(st.accuracy is None for st in steps)
    assert accuracy(np.array([[0.3], [0.9]]), np.array([[0.5], [1.2]])) is None


def test_a_deep_bidirectional_network_trains_over_every_layer_and_direction():
    s = Session(Config(task="pos-tagging", cell="gru", timesteps=6, layers=2, bidirectional=True, batch_size=8,
                       optimiser="adam", learning_rate=0.02))
    before = {k: v.copy() for k, v in s.net.params.items()}
    steps = Trainer(s).train(30)
    assert steps[-1].loss < steps[0].loss and steps[-1].dh_norm.shape == (6,)
    assert all(not np.array_equal(s.net.params[k], v) for k, v in before.items())  # every layer learned
    s.run_iteration()
    assert s.phase is Phase.UPDATE and s.place.layer is None
