"""session/theory.py, the Theory panel's numbers: for one chosen (layer, direction) of a
stack, its own U's spectrum and its own product of step Jacobians along its direction of
time; and a snapshot that shares the session's weight arrays yet computes what it took."""

import numpy as np
import pytest

from unrolled.engine.init import orthogonal
from unrolled.session.config import Config
from unrolled.session.inspector_data import step_jacobian
from unrolled.session.stepper import Session
from unrolled.session.theory import compute_theory, layer_matrices, snapshot

DEEP = Config(task="pos-tagging", timesteps=7, n_hidden=4, layers=2, bidirectional=True, rho=1.3)


def test_a_linear_layers_product_is_its_own_rho_to_the_steps_back():
    session = Session(DEEP.replace(activation="linear"))
    rng = np.random.default_rng(3)
    session.set_weights({"U1_l1_reverse": 0.5 * orthogonal(rng, 4), "U1_l1": 0.9 * orthogonal(rng, 4)})
    result = compute_theory(*snapshot(session.net, session.X, "linear"), layer=(1, 1))
    assert [spec.name for spec in result.spectra] == ["U1_l1_reverse"]
    assert result.spectra[0].spectral_radius == pytest.approx(0.5)
    np.testing.assert_allclose(result.log10_product, result.steps_back * np.log10(0.5), atol=1e-12)
    np.testing.assert_allclose(result.log10_bound, result.log10_product, atol=1e-12)
    assert (result.product_name, result.steps_back_name) == ("||dh_1/dh_t||", "t - 1")
    first = compute_theory(*snapshot(session.net, session.X, "linear"))
    assert first.layer == (0, 0) and [spec.name for spec in first.spectra] == ["U1"]
    assert (first.product_name, first.steps_back_name) == ("||dh_T/dh_t||", "T - t")
    assert first.spectra[0].spectral_radius == pytest.approx(1.3)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_a_layers_product_is_the_product_of_its_step_jacobians(cell):
    session = Session(DEEP.replace(cell=cell))
    session.advance(session.order.steps_per_pass)
    layer = (1, 1)
    result = compute_theory(*snapshot(session.net, session.X, "tanh"), layer=layer)
    T = session.T
    product = np.eye(4)
    for i in range(T - 1, -1, -1):  # in the reverse direction's own order: its last step is t = 1
        assert result.log10_product[i] == pytest.approx(np.log10(np.linalg.norm(product, 2)), abs=1e-10)
        product = product @ step_jacobian(session, i, 0, *layer)


def test_the_matrices_of_a_layer_and_a_layer_it_does_not_have():
    session = Session(DEEP.replace(cell="lstm"))
    assert layer_matrices(session.net, (1, 0)) == ("U_i_l1", "U_f_l1", "U_g_l1", "U_o_l1")
    with pytest.raises(ValueError, match="layer: got \\(2, 0\\), expected a layer from 1 to 2"):
        compute_theory(*snapshot(session.net, session.X, "tanh"), layer=(2, 0))


# The theory panel's snapshot shares the weight arrays with the session (no 32 MB copy at
# D = 1024): the session stepping on, updating and rolling back must leave what the snapshot
# computes exactly as it was when taken.
def test_a_snapshot_is_unchanged_by_the_updates_after_it():
    session = Session(Config(cell="lstm", timesteps=6, n_hidden=5, learning_rate=0.5, optimiser="adam"))
    snap = snapshot(session.net, session.X, session.config.activation)
    weights = {name: value.copy() for name, value in snap[0].params.items()}
    before = compute_theory(*snap)
    for _ in range(3):  # three updates, and one undone
        session.advance(session.steps_to("iteration"))
    session.step_back()
    assert any(not np.array_equal(session.net.params[n], weights[n]) for n in weights)  # the session moved on
    for name, value in snap[0].params.items():
        np.testing.assert_array_equal(value, weights[name])
    after = compute_theory(*snap)
    np.testing.assert_array_equal(after.log10_product, before.log10_product)
