"""Which units light up: the text properties on small strings, the stretch run window by
window with the state carried, Pearson r, the ranking and the table."""

import numpy as np
import pytest

from unrolled.engine.losses import one_hot
from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.session.unit_activations import (
    PROPERTIES,
    Unit,
    correlations,
    rank_units,
    stretch_activations,
    text_property,
    unit_activations_table,
)


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("line_position", "ab\ncd\n\ne", [0, 1, 2, 0, 1, 2, 0, 0]),
    ("in_quotes", 'a"bc"d"e', [0, 1, 1, 1, 1, 0, 1, 1]),
    ("in_brackets", "a(b[c])d)e", [0, 1, 1, 2, 2, 2, 1, 0, 0, 0]),
    ("after_space", "a b  c", [0, 0, 1, 0, 1, 1]),
])
def test_each_property_on_a_small_string(name, text, expected):
    np.testing.assert_array_equal(text_property(text, name), np.array(expected, dtype=float))


def test_the_chosen_character_and_unknown_names():
    np.testing.assert_array_equal(text_property("banana", "character", "a"), [0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="expected one character"):
        text_property("abc", "character", "ab")
    with pytest.raises(ValueError, match="expected one of line_position"):
        text_property("abc", "colour")
    assert set(PROPERTIES) == {"line_position", "in_quotes", "in_brackets", "after_space", "character"}


def test_correlations_are_pearsons_r_and_nan_for_a_constant():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((50, 4))
    A[:, 2] = 3.0
    p = A[:, 0] * 2 + rng.standard_normal(50) * 0.1
    r = correlations(A, p)
    for j in (0, 1, 3):
        assert r[j] == pytest.approx(np.corrcoef(A[:, j], p)[0, 1], abs=1e-12)
    assert np.isnan(r[2])
    assert np.isnan(correlations(A, np.ones(50))).all()


@pytest.fixture
def lstm_session(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("def f(x):\n    return \"x\" + (x)\n" * 12, encoding="utf-8")
    return Session(Config.from_dict({"task": "char-lm", "text": str(path), "cell": "lstm", "timesteps": 7,
                                     "n_hidden": 5, "layers": 2, "batch_size": 1}))


@pytest.mark.parametrize("state", ["h", "c"])
def test_the_stretch_is_one_long_forward_pass_window_by_window(lstm_session, state):
    s = lstm_session
    stretch = stretch_activations(s, start=3, length=40, state=state)
    text = s.task.text()
    assert stretch.text == text.decode(text.ids[3:43]) and len(stretch.text) == 40
    # the carried state makes 40 characters in windows of 7 the same as one pass of 40
    whole = s.net.forward(one_hot(text.ids[None, 3:43], len(text.chars)))
    for layer in range(2):
        expected = (whole.layer_h if state == "h" else whole.layer_c)[(layer, 0)][0]
        np.testing.assert_allclose(stretch.values[(layer, 0)], expected, rtol=0, atol=1e-13)
    assert stretch.of(Unit(1, 0, 4)) is not None and stretch.matrix().shape == (40, 10)


def test_units_are_ranked_by_absolute_correlation(lstm_session):
    stretch = stretch_activations(lstm_session, length=120)
    prop = text_property(stretch.text, "in_brackets")
    ranking = rank_units(stretch, prop)
    assert len(ranking) == 10
    values = [abs(r) for _, r in ranking]
    assert values == sorted(values, reverse=True)
    top, r = ranking[0]
    assert r == pytest.approx(np.corrcoef(stretch.of(top), prop)[0, 1], abs=1e-12)


def test_the_table_holds_every_character_of_every_unit(lstm_session):
    header, rows = unit_activations_table(lstm_session)
    assert header == ["position", "char", "layer", "direction", "unit", "activation", "correlation"]
    stretch = stretch_activations(lstm_session)
    N = len(stretch.text)
    assert rows.shape == (10 * N, 7)
    assert "".join(chr(int(c)) for c in rows[:N, 1]) == stretch.text
    np.testing.assert_array_equal(rows[:N, 0], np.arange(N))
    first = Unit(int(rows[0, 2]) - 1, int(rows[0, 3]), int(rows[0, 4]) - 1)
    np.testing.assert_array_equal(rows[:N, 5], stretch.of(first))


def test_another_task_is_refused_in_one_line():
    with pytest.raises(ValueError, match="the task pos-tagging is not char-lm"):
        stretch_activations(Session())


def test_a_bidirectional_stretch_runs_each_window_from_zeros(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("a(b)c\n" * 20, encoding="utf-8")
    s = Session(Config.from_dict({"task": "char-lm", "text": str(path), "cell": "gru", "timesteps": 6,
                                  "n_hidden": 3, "bidirectional": True}))
    stretch = stretch_activations(s, length=12)
    text = s.task.text()
    second = s.net.forward(one_hot(text.ids[None, 6:12], len(text.chars)))
    for direction in (0, 1):
        np.testing.assert_array_equal(stretch.values[(0, direction)][6:], second.layer_h[(0, direction)][0])
    assert {u.direction for u, _ in rank_units(stretch, text_property(stretch.text, "in_brackets"))} == {0, 1}
    assert Unit(0, 1, 2).label == "layer 1 reverse unit 3"


def test_the_current_window_as_far_as_the_forward_pass_has_got(lstm_session):
    from unrolled.session.unit_activations import window_activations

    s = lstm_session
    s.advance(3 + 7)  # layer 1 complete, 3 steps of layer 2 (7 per layer)
    window = window_activations(s, state="c")
    assert window.text == s.task.text().decode(np.argmax(s.X[0], axis=-1)) and window.start == -1
    np.testing.assert_array_equal(window.values[(1, 0)], s.layer_cell_states()[(1, 0)][0])
    assert np.isnan(window.values[(1, 0)][3:]).all() and np.isfinite(window.values[(0, 0)]).all()
    # the ranking reads the rows every unit has: the first 3
    r = correlations(window.matrix(), text_property(window.text, "after_space"))
    expected = correlations(window.matrix()[:3], text_property(window.text, "after_space")[:3])
    np.testing.assert_array_equal(r, expected)
