"""Memory stays bounded: the undo budget counts every array it keeps, and a long
step-through or training run holds flat memory."""

import tracemalloc

import pytest

from unrolled.session.config import Config
from unrolled.session.iteration import nbytes
from unrolled.session.stepper import UNDO_BUDGET_BYTES, Session
from unrolled.session.training import Trainer

LSTM_256 = Config(task="copy-delay", cell="lstm", timesteps=10, n_hidden=256).resolved()


def test_the_undo_budget_counts_weights_traces_and_checkpoints():
    s = Session(LSTM_256)
    s.advance(s.steps_per_iteration + 1)  # one completed iteration kept for undo
    kept = s.undo_bytes
    weights = nbytes(s.net.params)
    # its trace holds the weights it was computed with, and its update the weights before it
    assert kept > 2 * weights
    assert kept == nbytes(s._previous[0][0])


@pytest.mark.slow
def test_three_thousand_steps_hold_flat_memory():
    s = Session(LSTM_256)
    tracemalloc.start()
    try:
        s.advance(300)
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(3000 // 100):
            s.advance(100)
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert s.undo_bytes <= UNDO_BUDGET_BYTES
    assert end - start < 100 * 2**20
    for _ in range(5):  # the newest iterations are still there to step back into
        s.step_back()


@pytest.mark.slow
def test_training_keeps_no_arrays_per_iteration():
    s = Session(LSTM_256.replace(batch_size=4))
    trainer = Trainer(s)
    trainer.train(3)
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        trainer.train(30)
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - start < 20 * 2**20
