"""The step inspector's data, predictions against targets, itemized gradients and the
gradient check, read from the session's traces (no Qt)."""

import numpy as np
import pytest

from unrolled.engine.functions import softmax
from unrolled.session.config import Config
from unrolled.session.gradcheck import check_gradients
from unrolled.session.inspector_data import inspect_step, step_jacobian
from unrolled.session.itemized import itemized_gradients, itemized_table
from unrolled.session.predictions import predictions, predictions_table
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def quantities(lines):
    return {q.symbol: q for line in lines for q in line.quantities}


def at_backward(session, t):
    """Step to the backward pass at timestep t (1-based)."""
    session.advance(2 * session.T + 2 - t)
    assert session.t == t
    return session


def test_forward_lines_are_the_traces_at_t():
    s = Session(get_preset("seed-pos-tagging").config)
    s.advance(2)
    ins = inspect_step(s)
    assert ins.t == 2 and not ins.backward
    q = quantities(ins.forward)
    np.testing.assert_array_equal(q["x_t"].values, s.X[0, 1])
    assert q["x_t"].one_hot_of == s.task.input_labels(s.X[0])[1]
    np.testing.assert_array_equal(q["h_{t-1}"].values, s.fwd.h[0, 0])
    np.testing.assert_array_equal(q["a_t"].values, s.fwd.pre["pre"][0, 1])
    np.testing.assert_array_equal(q["h_t"].values, s.fwd.h[0, 1])
    np.testing.assert_allclose(q["p_t"].values, softmax(s.fwd.y[0, 1]))
    assert "[1, F] [F, D] + [1, D] [D, D] + [1, D]" in [line.shapes for line in ins.forward]
    assert "target" in q["p_t"].words and ("right" in q["p_t"].words or "wrong" in q["p_t"].words)
    assert inspect_step(s, t=3).forward == ()  # not computed yet


def test_backward_paths_sum_to_the_total_and_the_factor_is_diag_act_u():
    s = at_backward(Session(get_preset("seed-pos-tagging").config), 3)
    ins = inspect_step(s)
    q = quantities(ins.backward)
    np.testing.assert_allclose(q["through the readout"].values + q["through h_{t+1}"].values, q["dL/dh_t"].values)
    assert q["through h_{t+1}"].norm > 0  # t = 3 < T: the later step's loss reaches back
    np.testing.assert_array_equal(q["dL/dh_t"].values, s.bwd.dh[0, 2])
    cache = s.fwd.caches[2]
    slope = 1 - cache["h"][0] ** 2  # tanh'
    expected = np.diag(slope) @ s.fwd.packed["U"].T
    np.testing.assert_allclose(step_jacobian(s, 2, 0), expected, atol=1e-14)
    np.testing.assert_allclose(q["dL/dh_t"].values @ expected, q["dL/dh_{t-1} through this step"].values, atol=1e-14)
    assert inspect_step(s, t=2).backward == ()  # the backward pass has not reached t = 2


def test_lstm_gates_carry_the_lectures_names_and_the_cell_path():
    s = at_backward(Session(Config(cell="lstm", timesteps=5, n_hidden=4)), 3)
    ins = inspect_step(s)
    titles = [line.title for line in ins.forward]
    assert "forget gate (the lecture's 'reset')" in titles and "candidate (the lecture's 'proposal')" in titles
    assert not any("seed" in title for title in titles)  # beside "New seed" it read as the random seed
    q = quantities(ins.backward)
    np.testing.assert_allclose(q["dL/dc_t"].values * q["f_t"].values, q["dL/dc_{t-1} through the cell"].values)
    assert quantities(ins.forward)["c_t"].values.shape == (4,)


def test_gru_lines_show_its_gates():
    s = Session(Config(cell="gru", timesteps=3, n_hidden=3))
    s.advance(1)
    formulas = [line.formula for line in inspect_step(s).forward]
    assert "n = tanh(x_t W_n + b_n + r ⊙ (h_{t-1} U_n + c_n))" in formulas
    assert "h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}" in formulas


def test_predictions_per_timestep_and_at_T():
    s = Session(get_preset("seed-pos-tagging").config)
    s.advance(s.T)
    header, rows = predictions_table(s)
    assert header == ["t", "input", "target", "predicted", "p_predicted", "p_target"]
    assert [r[0] for r in rows] == [str(t) for t in range(1, s.T + 1)]
    assert rows[0][1] == s.task.input_labels(s.X[0])[0] and rows[0][2] == s.task.target_labels(s.Y[0])[0]
    p = softmax(s.fwd.y[0, 0])
    assert float(rows[0][4]) == pytest.approx(p.max()) and float(rows[0][5]) == pytest.approx(p[s.Y[0, 0]])
    one = Session(get_preset("sentence-classification").config)
    one.advance(one.T)
    rows = predictions_table(one)[1]
    assert len(rows) == 1 and rows[0][0] == str(one.T) and rows[0][2] in ("toxic", "clean")
    assert predictions(one)[0].right in (True, False)


def test_itemized_gradients_are_the_engines_step_loss_gradients():
    s = Session(Config(timesteps=5, n_hidden=3, batch_size=2))
    assert itemized_gradients(s) is None
    s.advance(2 * s.T + 1)
    norms = itemized_gradients(s, sequence=1)
    for k in range(1, 6):
        dh = s.net.step_loss_gradient(s.fwd, s.Y, k)[1]
        np.testing.assert_allclose(norms[k - 1, :k], np.linalg.norm(dh[:k], axis=1))
        assert np.isnan(norms[k - 1, k:]).all()
    assert itemized_gradients(s, sequence=1) is norms  # once per trace
    header, rows = itemized_table(s)
    assert header == ["k", "t", "norm"] and len(rows) == 15


def test_gradient_check_passes_and_leaves_the_session_alone():
    s = Session(Config(cell="gru", timesteps=4, n_hidden=3))
    before = {k: v.copy() for k, v in s.net.params.items()}
    checks = check_gradients(s, entries=5)
    assert [c.name for c in checks] == list(s.net.params)
    assert all(c.passed for c in checks)
    assert all(np.array_equal(before[k], s.net.params[k]) for k in before)


def test_every_elementwise_product_is_written_with_odot():
    for cell in ("lstm", "gru"):
        s = at_backward(Session(Config(cell=cell, timesteps=4, n_hidden=3)), 2)
        ins = inspect_step(s)
        formulas = [line.formula for line in (*ins.forward, *ins.backward)]
        assert not [f for f in formulas if "*" in f], formulas
        assert any("⊙" in f for f in formulas)
    lstm = inspect_step(at_backward(Session(Config(cell="lstm", timesteps=4, n_hidden=3)), 2))
    formulas = [line.formula for line in (*lstm.forward, *lstm.backward)]
    assert "c_t = f ⊙ c_{t-1} + i ⊙ g; h_t = o ⊙ tanh(c_t)" in formulas
    assert "dL/dc_{t-1} = dL/dc_t ⊙ f_t  (no matrix: the gradient is only scaled)" in formulas


def test_x_t_of_a_word_task_is_the_one_hot_of_its_word():
    s = Session(get_preset("seed-pos-tagging").config)
    s.advance(2)
    x = quantities(inspect_step(s).forward)["x_t"]
    word = s.task.input_labels(s.X[0])[1]
    assert x.one_hot_of == word and x.values[np.argmax(x.values)] == 1 and x.values.sum() == 1
    assert x.words == f"entry {np.argmax(x.values) + 1} of F = {s.config.n_features}"
    adding = Session(get_preset("adding-problem").config)  # real inputs: no word
    adding.advance(1)
    assert quantities(inspect_step(adding).forward)["x_t"].one_hot_of == ""


def test_the_output_gradient_says_what_n_is_and_equals_p_minus_target_over_n():
    s = at_backward(Session(get_preset("seed-pos-tagging").config), 2)
    line = next(line for line in inspect_step(s).backward if line.title == "gradient at the output")
    B, T = s.X.shape[0], s.T
    assert line.formula == "dL/dy_t = (p_t - one-hot(target)) / N"
    assert line.note == f"N = B·T = {B * T}, the (sequence, timestep) terms in the mean"
    p = softmax(s.fwd.y[0, 1])
    np.testing.assert_allclose(line.quantities[0].values * B * T, p - np.eye(s.config.n_classes)[s.Y[0, 1]])
    one = at_backward(Session(get_preset("sentence-classification").config), get_preset(
        "sentence-classification").config.timesteps)
    line = next(line for line in inspect_step(one).backward if line.title == "gradient at the output")
    assert line.formula == "dL/dy_T = (p_T - one-hot(target)) / N"
    assert line.note == f"N = B = {one.X.shape[0]}, the sequences in the mean"
    mse = at_backward(Session(get_preset("adding-problem").config), get_preset("adding-problem").config.timesteps)
    line = next(line for line in inspect_step(mse).backward if line.title == "gradient at the output")
    assert line.formula == "dL/dy_T = 2 (y_T - target) / N"
    assert line.note == f"N = B·C = {mse.X.shape[0] * mse.config.n_classes}, the elements of y in the mean"
