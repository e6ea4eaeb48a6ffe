"""The comparison preset where the LSTM wins: a toxic word anywhere in 60 words."""

import numpy as np
import pytest

from unrolled.session.compare import Comparison
from unrolled.session.presets import get_preset


@pytest.mark.slow
def test_the_lstm_learns_what_the_rnn_cannot_bridge():
    preset = get_preset("lstm-beats-rnn")
    comparison = Comparison(preset.config, preset.compare)
    assert (comparison.a.config.cell, comparison.b.config.cell) == ("lstm", "rnn")
    for _ in range(110):  # the window trains 300 (about 15 s); 110 are enough to part them
        comparison.train_iteration()
    lstm = np.mean([r.loss for r in comparison.a.history[-10:]])
    rnn = np.mean([r.loss for r in comparison.b.history[-10:]])
    chance = np.log(2)
    assert lstm < 0.2 * chance and rnn > 0.85 * chance
