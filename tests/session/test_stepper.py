import numpy as np
import pytest

from unrolled.session.config import Config, ConfigError
from unrolled.session.events import Change
from unrolled.session.stepper import Phase, Session, gradient_verdict


def snapshot(session):
    """Every array the session shows, copied."""
    out = {"h": session.fwd.h, **{f"p_{k}": v for k, v in session.net.params.items()}}
    if session.bwd is not None:
        out["dh"] = session.bwd.dh
        if session.bwd.dh_last is not None:
            out["dh_last"] = session.bwd.dh_last
    return {k: v.copy() for k, v in out.items()}, session.position, session.iteration, list(session.loss_history)


def assert_same(a, b):
    arrays_a, *rest_a = a
    arrays_b, *rest_b = b
    assert rest_a == rest_b
    assert arrays_a.keys() == arrays_b.keys()
    for k in arrays_a:
        np.testing.assert_array_equal(arrays_a[k], arrays_b[k], err_msg=k)


def test_one_iteration_walks_through_every_phase():
    s = Session()
    T = s.T
    seen = []
    for _ in range(2 * T + 2):
        s.step()
        seen.append((s.phase, s.t))
    assert seen[:T] == [(Phase.FORWARD, t) for t in range(1, T + 1)]
    assert seen[T] == (Phase.LOSS, None)
    assert seen[T + 1 : 2 * T + 1] == [(Phase.BACKWARD, t) for t in range(T, 0, -1)]
    assert seen[-1] == (Phase.UPDATE, None)
    assert len(s.loss_history) == 1 and s.loss_history[0] == pytest.approx(s.loss)
    s.step()
    assert (s.phase, s.t, s.iteration) == (Phase.FORWARD, 1, 1)


def test_the_update_lowers_the_loss_on_the_same_batch():
    s = Session(Config(learning_rate=0.5))
    for _ in range(5):
        s.run_iteration()
    assert s.loss_history[-1] < s.loss_history[0]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_step_back_is_exact_everywhere_including_across_iterations(cell):
    s = Session(Config(cell=cell, timesteps=5, optimiser="adam", learning_rate=0.05))
    s.run_iteration()
    states = [snapshot(s)]
    for _ in range(2 * 5 + 2 + 3):  # into the next iteration
        s.step()
        states.append(snapshot(s))
    for expected in reversed(states[:-1]):
        s.step_back()
        assert_same(snapshot(s), expected)
    # and forward again to the same place, bit for bit
    for expected in states[1:]:
        s.step()
        assert_same(snapshot(s), expected)


def test_step_back_stops_at_the_start():
    s = Session()
    assert not s.can_step_back
    s.step()
    s.set_weights({"U1": s.net.params["U1"] * 0.5})  # new weights: no way back past this point
    assert not s.can_step_back
    with pytest.raises(ValueError, match="nothing to undo"):
        s.step_back()


def test_finish_phase_goes_phase_by_phase():
    s = Session(Config(timesteps=6))
    s.step()
    s.step()
    s.finish_phase()
    assert (s.phase, s.position) == (Phase.FORWARD, 6)
    s.finish_phase()
    assert s.phase is Phase.LOSS
    s.finish_phase()
    assert (s.phase, s.t) == (Phase.BACKWARD, 1)
    s.finish_phase()
    assert s.phase is Phase.UPDATE
    s.finish_phase()
    assert (s.phase, s.t, s.iteration) == (Phase.FORWARD, 6, 1)


def test_observers_hear_each_change_once():
    s = Session()
    heard = []
    s.changed.connect(heard.append)
    s.step()
    s.run_iteration()
    s.reset()
    assert len(heard) == 3 and heard[-1] == Change.ALL
    s.changed.disconnect(heard.append)
    s.step()
    assert len(heard) == 3


def test_a_failed_reconfigure_changes_nothing():
    s = Session()
    s.step()
    before = snapshot(s)
    config = s.config
    with pytest.raises(ConfigError) as info:
        s.reconfigure(n_hidden=0)
    assert "n_hidden" in info.value.problems
    assert s.config is config
    assert_same(snapshot(s), before)


def test_reconfigure_to_a_task_takes_its_fixed_sizes():
    s = Session()
    s.reconfigure(task="adding-problem", cell="lstm", timesteps=20)
    assert (s.config.n_features, s.config.n_classes, s.config.loss, s.config.mode) == (2, 1, "mse", "many-to-one")
    s.run_iteration()
    assert np.isfinite(s.loss)


def test_gradient_curve_ratio_and_verdict():
    s = Session(Config(task="toxic-word", mode="many-to-one", n_features=6, n_classes=2, timesteps=30,
                       rho=0.5, n_hidden=16).resolved())
    s.finish_phase()
    s.finish_phase()
    assert s.gradient_ratio() is None
    s.finish_phase()
    ratio = s.gradient_ratio()
    assert ratio < 1e-2 and gradient_verdict(ratio) == "vanishing"
    np.testing.assert_array_equal(s.gradient_curve(), s.bwd.dh_norm)
    curve, label = s.theory_curve()
    assert "σ_max" in label and np.all(s.gradient_curve() <= curve * (1 + 1e-9))


def test_linear_theory_line_is_exact_for_scaled_orthogonal_U():
    from unrolled.engine.init import orthogonal

    s = Session(Config(task="adding-problem", n_features=2, n_classes=1, mode="many-to-one", loss="mse",
                       activation="linear", timesteps=12, n_hidden=6))
    s.set_weights({"U1": 0.8 * orthogonal(np.random.default_rng(0), 6)})
    s.run_iteration()
    curve, label = s.theory_curve()
    assert label.startswith("ρᵀ⁻ᵗ, ρ(U) = 0.8")
    np.testing.assert_allclose(s.gradient_curve(), curve, rtol=1e-9)


def test_many_to_many_tracks_the_last_steps_loss_alone():
    s = Session(Config(timesteps=8))
    s.finish_phase()
    s.finish_phase()
    s.finish_phase()
    np.testing.assert_allclose(s.gradient_curve(), np.linalg.norm(s.net.step_loss_gradient(s.fwd, s.Y), axis=(0, 2)))


def test_set_spectral_radius_rescales_U_and_restarts_the_iteration():
    s = Session(Config(cell="lstm", n_hidden=10))
    s.step()
    s.set_spectral_radius(1.7)
    for name in ("U_i", "U_f", "U_g", "U_o"):
        assert max(abs(np.linalg.eigvals(s.net.params[name]))) == pytest.approx(1.7)
    assert s.position == 0 and s.config.rho == 1.7
    with pytest.raises(ConfigError):
        s.set_spectral_radius(-1)


def test_exploding_linear_rnn_reports_where_values_overflowed_and_keeps_finite_weights():
    s = Session(Config(task="adding-problem", n_features=2, n_classes=1, mode="many-to-one", loss="mse",
                       activation="linear", rho=3.0, timesteps=800, n_hidden=4))
    weights = {k: v.copy() for k, v in s.net.params.items()}
    s.run_iteration()
    where = s.nonfinite_from()
    assert where[0] == "forward" and where[1] > 1
    assert gradient_verdict(s.gradient_ratio() or np.nan) == "overflow"
    for k, v in s.net.params.items():
        np.testing.assert_array_equal(v, weights[k])


def test_steps_to_matches_what_stepping_does():
    s = Session(Config(timesteps=5))
    for _ in range(30):
        n = s.steps_to("phase")
        start = s.position
        s.finish_phase()
        assert (s.position - start) % s.steps_per_iteration == n % s.steps_per_iteration


def test_a_rebuild_refused_for_lack_of_memory_changes_nothing(monkeypatch):
    from unrolled.engine import Network
    from unrolled.session.config import ConfigError

    s = Session()
    s.advance(3)
    before = (s.config, s.net, s.X, s.position)

    def no_memory(self, X):
        raise MemoryError

    monkeypatch.setattr(Network, "begin_forward", no_memory)
    with pytest.raises(ConfigError, match="not enough memory"):
        s.reconfigure(timesteps=5000)
    monkeypatch.undo()
    assert (s.config, s.net, s.X, s.position) == before
    s.step()  # and it still steps
    assert s.position == 4


def test_a_mode_the_task_contradicts_is_refused_at_the_build():
    from unrolled.session.config import ConfigError

    s = Session()
    with pytest.raises(ConfigError):
        s.reconfigure(mode="many-to-one")
    assert s.config.mode == "many-to-many"


def test_a_ratio_within_the_limits_is_called_what_it_does():
    """12.8 over four steps is not "stable": it grows, only not yet a hundredfold."""
    assert [gradient_verdict(r) for r in (1e-3, 0.1, 0.8, 1.0, 1.9, 12.8, 1e3)] == [
        "vanishing", "shrinking", "stable", "stable", "stable", "growing", "exploding"]
