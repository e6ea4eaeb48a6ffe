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


# -- depth and direction ----------------------------------------------------------------
DEEP = Config(cell="lstm", timesteps=3, n_hidden=4, layers=2, bidirectional=True)


def deep_snapshot(session):
    """Every array of every layer and direction the session holds, copied, with where it is."""
    arrays = {f"p_{k}": v for k, v in session.net.params.items()}
    arrays.update({f"h{k}": v for k, v in session.layer_hidden_states().items()})
    arrays.update({f"c{k}": v for k, v in session.layer_cell_states().items()})
    arrays.update({f"g{k}{n}": v for k, gates in session.layer_gates().items() for n, v in gates.items()})
    arrays["y"] = session.fwd.y
    if session.bwd is not None:
        arrays.update({f"dh{k}": v for k, v in session.layer_gradients().items()})
        arrays["dh_last"] = session.bwd.dh_last
        arrays.update({f"grad_{k}": v for k, v in session.bwd.grads.items()})
    arrays.update({f"opt_{k}": v for k, v in session.optimiser.state_dict().items() if isinstance(v, np.ndarray)})
    place = (session.position, session.iteration, session.place, list(session.loss_history))
    return {k: np.array(v, copy=True) for k, v in arrays.items()}, *place


def test_a_deep_bidirectional_iteration_steps_in_torchs_order():
    s = Session(DEEP)
    T, N = 3, 2 * 2 * 3
    assert s.steps_per_iteration == 2 * N + 2
    places = []
    for _ in range(s.steps_per_iteration):
        s.step()
        places.append(tuple(s.place))
    forward = [(Phase.FORWARD, layer, d, t) for layer in range(2) for d in range(2)
               for t in (range(1, T + 1) if d == 0 else range(T, 0, -1))]
    assert places[:N] == forward
    assert places[N] == (Phase.LOSS, None, None, None)
    assert places[N + 1 : 2 * N + 1] == [(Phase.BACKWARD, *p[1:]) for p in reversed(forward)]
    assert places[-1] == (Phase.UPDATE, None, None, None)
    assert s.t is None and len(s.loss_history) == 1


def test_a_deep_session_steps_back_exactly_across_layers_phases_and_iterations():
    """After k steps forward and k back, every array of every layer is as it was, bit for bit."""
    s = Session(DEEP.replace(optimiser="adam"))
    s.advance(5)  # the middle of layer 0's reverse direction
    seen = [deep_snapshot(s)]
    for _ in range(2 * s.steps_per_iteration + 3):  # across the update and into the next iteration
        s.step()
        seen.append(deep_snapshot(s))
    for expected in reversed(seen[:-1]):
        s.step_back()
        assert_same(deep_snapshot(s), expected)


def test_stepping_a_deep_session_equals_the_engines_whole_passes():
    """To rounding: the whole pass reads out every y_t in one matrix product, a step one row."""
    s = Session(DEEP.replace(cell="gru", truncation=2, timesteps=4))
    s.advance(s.steps_per_iteration - 1)
    fwd = s.net.forward(s.X)
    bwd = s.net.backward(fwd, s.Y)
    for key, h in s.layer_hidden_states().items():
        np.testing.assert_array_equal(h, fwd.layer_h[key])
    np.testing.assert_allclose(s.fwd.y, fwd.y, rtol=1e-13)
    assert s.loss == pytest.approx(bwd.loss, rel=1e-13)
    for name, grad in bwd.grads.items():
        np.testing.assert_allclose(s.bwd.grads[name], grad, rtol=1e-12, atol=1e-15, err_msg=name)


def test_gradients_of_a_two_layer_bidirectional_lstm_stepped_match_central_differences():
    """The session's stepped gradients against central differences of the loss in float64,
    every entry of every parameter of both layers, both directions and the readout."""
    s = Session(DEEP.replace(timesteps=4, n_hidden=3, batch_size=2, seed=4))
    s.advance(s.steps_per_iteration - 1)
    grads, net, eps = s.bwd.grads, s.net, 1e-6
    assert set(grads) == set(net.params)
    for name, value in net.params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + eps
            plus = net.loss(net.forward(s.X), s.Y)
            value[index] = old - eps
            minus = net.loss(net.forward(s.X), s.Y)
            value[index] = old
            numeric[index] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_finish_layer_phase_and_iteration_over_layers():
    s = Session(DEEP)  # T = 3, 2 directions: a layer is 6 steps, a pass 12
    s.finish_layer()
    assert s.position == 6 and s.place == (Phase.FORWARD, 0, 1, 1)
    s.finish_layer()
    assert s.position == 12 and s.place == (Phase.FORWARD, 1, 1, 1)
    s.finish_layer()  # outside a pass: as finish_phase, the loss alone
    assert s.phase is Phase.LOSS
    s.finish_layer()
    assert s.position == 19 and s.place == (Phase.BACKWARD, 1, 0, 1)
    s.finish_phase()
    assert s.position == 25 and s.place == (Phase.BACKWARD, 0, 0, 1)
    s.run_iteration()
    assert s.phase is Phase.UPDATE and len(s.history) == 1
    one = Session()
    assert one.steps_to("layer") == one.steps_to("phase") == one.T


def test_the_per_layer_readings_have_every_layer_and_direction():
    s = Session(DEEP)
    assert s.layer_keys() == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert s.layer_gradients() is None and s.layer_gradient_norms() is None
    s.advance(s.steps_per_iteration - 1)
    for readings in (s.layer_hidden_states(), s.layer_cell_states(), s.layer_gates(), s.layer_gradients()):
        assert list(readings) == s.layer_keys()
    assert s.layer_hidden_states()[(1, 1)].shape == (1, 3, 4)
    assert set(s.layer_gates()[(0, 1)]) == {"i", "f", "g", "o"}
    norms = s.layer_gradient_norms()
    np.testing.assert_allclose(norms[(0, 1)], np.linalg.norm(s.layer_gradients()[(0, 1)][0], axis=-1))
    assert s.gradient_curve().shape == (3,) and s.theory_curve() is None and s.theory_label() is None
    plain = Session()
    plain.advance(plain.steps_per_iteration - 1)
    assert plain.layer_keys() == [(0, 0)]
    np.testing.assert_array_equal(plain.layer_gradient_norms()[(0, 0)], plain.bwd.dh_norm)
    np.testing.assert_array_equal(plain.layer_hidden_states()[(0, 0)], plain.fwd.h)


def test_where_a_deep_network_overflowed_names_its_layer_direction_and_t():
    """rho = 9 in a linear RNN: the first layer's forward direction passes 1e308 within T = 400."""
    s = Session(Config(cell="rnn", activation="linear", timesteps=400, n_hidden=4, rho=9.0, layers=2,
                       bidirectional=True))
    s.advance(s.order.steps_per_pass)
    place = s.nonfinite_place()
    assert place is not None and (place.phase, place.layer, place.direction) == (Phase.FORWARD, 0, 0)
    assert s.nonfinite_from() == ("forward", place.t)
    h = s.layer_hidden_states()[(0, 0)][0]
    assert np.all(np.isfinite(h[: place.t - 1])) and not np.all(np.isfinite(h[place.t - 1]))
