"""The data behind the depth-time figure, without Qt: one row per (layer, direction, t) in
step order with the session's ||dL/dh_t||, NaN where the backward pass has not been; and
where each layer's forward and backward pass have got to, in natural time order."""

import numpy as np

from unrolled.session.config import Config
from unrolled.session.figure_data import (
    depth_time_gradients_table,
    layer_forward_done,
    layer_gradient_done,
    layer_label,
)
from unrolled.session.stepper import Session


def _bidirectional(**changes) -> Session:
    return Session(Config(cell="gru", timesteps=4, n_hidden=3, layers=2, bidirectional=True, **changes))


def test_a_row_per_layer_direction_and_timestep_with_the_sessions_norms():
    session = _bidirectional()
    N = session.order.steps_per_pass
    session.advance(N + 1 + 6)  # the loss, then 6 backward steps: layer 2 reverse (4), forward t = 4, 3
    header, rows = depth_time_gradients_table(session)
    assert header == ["layer", "direction", "t", "norm"] and rows.shape == (16, 4)
    np.testing.assert_array_equal(rows[:, 0], np.repeat([1, 2], 8))
    np.testing.assert_array_equal(rows[:, 1], np.tile(np.repeat([0, 1], 4), 2))
    np.testing.assert_array_equal(rows[:, 2], np.tile([1, 2, 3, 4], 4))
    norms = session.layer_gradient_norms()
    np.testing.assert_array_equal(rows[:, 3], np.concatenate([norms[key] for key in session.layer_keys()]))
    done = layer_gradient_done(session)
    assert list(done[(1, 1)]) == [True] * 4 and list(done[(1, 0)]) == [False, False, True, True]
    assert not done[(0, 0)].any() and not done[(0, 1)].any()
    assert np.array_equal(~np.isnan(rows[:, 3]), np.concatenate([done[key] for key in session.layer_keys()]))


def test_before_the_loss_every_norm_is_nan_and_nothing_is_done():
    session = _bidirectional()
    session.advance(5)
    _, rows = depth_time_gradients_table(session)
    assert np.isnan(rows[:, 3]).all()
    assert layer_gradient_done(session) is None


def test_a_reverse_direction_computes_from_t_T_down():
    session = _bidirectional()
    session.advance(4 + 3)  # layer 1 forward, then its reverse direction at t = 4, 3, 2
    assert list(layer_forward_done(session, (0, 0))) == [True] * 4
    assert list(layer_forward_done(session, (0, 1))) == [False, True, True, True]
    assert not layer_forward_done(session, (1, 0)).any()


def test_one_layer_is_layer_1_forward():
    session = Session(Config(timesteps=5, n_hidden=3))
    session.advance(session.steps_to("iteration") - 1)
    _, rows = depth_time_gradients_table(session)
    np.testing.assert_array_equal(rows[:, :3], np.column_stack([np.ones(5), np.zeros(5), np.arange(1, 6)]))
    np.testing.assert_array_equal(rows[:, 3], session.bwd.dh_norm)
    assert layer_label((0, 0), 1) == "layer 1"
    assert [layer_label((2, d), 2) for d in (0, 1)] == ["layer 3", "layer 3 reverse"]
    assert layer_label((2, 0), 2, both=True) == "layer 3 forward"
