"""The theory panel's snapshot shares the weight arrays with the session (no 32 MB copy at
D = 1024): the session stepping on, updating and rolling back must leave what the snapshot
computes exactly as it was when taken."""

import numpy as np

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.session.theory import compute_theory, snapshot


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
