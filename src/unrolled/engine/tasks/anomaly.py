"""Anomaly detection: a noisy sine, with or without a spike or a flat stretch."""

from __future__ import annotations

import numpy as np

from .base import Task


class SineAnomaly(Task):
    name = "sine-anomaly"
    title = "Anomaly in a noisy sine"
    description = (
        "A noisy sine wave, with a spike or a flat stretch hidden somewhere in half of the "
        "sequences; the label says whether there is one."
    )
    mode = "many-to-one"
    n_features = 1
    n_classes = 2
    min_T = 4
    fixed_reason = "F = 1 (one reading per step), C = 2 (normal or anomalous)"

    def _sample(self, T, F, C, B, rng):
        t = np.arange(T)
        period = rng.uniform(8, 16, size=(B, 1))
        phase = rng.uniform(0, 2 * np.pi, size=(B, 1))
        x = np.sin(2 * np.pi * t / period + phase) + 0.1 * rng.standard_normal((B, T))
        labels = rng.integers(0, 2, size=B)
        for b in np.flatnonzero(labels):
            at = rng.integers(T)
            if rng.random() < 0.5:
                x[b, at] += rng.choice([-1, 1]) * rng.uniform(1.5, 2.5)
            else:
                width = max(2, T // 6)
                start = min(at, T - width)
                x[b, start : start + width] = x[b, start]
        return x[:, :, None], labels
