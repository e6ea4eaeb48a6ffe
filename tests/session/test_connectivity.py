"""The connectivity figure's data: the engine's numbers for sequence 1, k and t from 1."""

import numpy as np

from unrolled.engine import get_task
from unrolled.engine.connectivity import connectivity
from unrolled.session.config import Config
from unrolled.session.connectivity import connectivity_table, session_connectivity, session_connectivity_row
from unrolled.session.figure_registry import figure_table
from unrolled.session.stepper import Session

SYMBOLS = get_task("look-ahead").n_features


def _config(cell: str, T: int, **changes) -> Config:
    """A many-to-many config (the task look-ahead), or as `changes` say."""
    fields = {"task": "look-ahead", "cell": cell, "timesteps": T, "n_features": SYMBOLS, "n_hidden": 4,
              "n_classes": SYMBOLS, **changes}
    return Config(**fields)


def test_table_rows_are_every_t_up_to_k_with_the_engines_norms():
    session = Session(_config("gru", 5))
    header, rows = figure_table("connectivity", session)
    assert header == ["k", "t", "norm"]
    assert [tuple(r[:2]) for r in rows] == [(k, t) for k in range(1, 6) for t in range(1, k + 1)]
    norms = connectivity(session.net, session.X)
    np.testing.assert_array_equal(rows[:, 2], [norms[int(k) - 1, int(t) - 1] for k, t, _ in rows])


def test_a_bidirectional_network_has_every_t_and_many_to_one_only_k_equal_T():
    both = Session(_config("lstm", 4, bidirectional=True))
    assert len(connectivity_table(both)[1]) == 16
    last = Session(_config("rnn", 4, task="toxic-word", n_features=5,
                           n_classes=2, mode="many-to-one"))
    rows = connectivity_table(last)[1]
    assert rows[:, 0].tolist() == [4, 4, 4, 4] and np.all(rows[:, 2] > 0)


def test_computed_once_per_weights_version():
    session = Session(_config("rnn", 4))
    first = session_connectivity(session)
    assert session_connectivity(session) is first
    session.run_iteration()
    assert session_connectivity(session) is not first


def test_a_row_is_computed_once_per_weights_version_and_k_and_is_the_tables_row():
    session = Session(_config("lstm", 5))
    row = session_connectivity_row(session, 3)
    assert session_connectivity_row(session, 3) is row
    session.run_iteration()
    moved = session_connectivity_row(session, 3)
    assert moved is not row
    np.testing.assert_array_equal(moved, connectivity(session.net, session.X)[2])
    np.testing.assert_array_equal(moved[3:], 0.0)  # one direction: y_3 cannot see x_4, x_5
    assert np.all(moved[:3] > 0)
