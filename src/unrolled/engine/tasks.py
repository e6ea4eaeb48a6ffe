"""Tasks that make (X, Y) for given T, F, C, B and a np.random.Generator.

X: (B, T, F) float64. Y: class indices (B, T) (many-to-many) or (B,) (many-to-one), or real
targets (B, C) for regression. A task that fixes F or C says so (`n_features`, `n_classes`
not None), so the app can lock those fields and say why. A word task also takes a sentence
typed from its vocabulary (`vocabulary`, `encode`).
"""

from __future__ import annotations

import numpy as np

from .losses import one_hot
from .task_base import Task
from .video_task import VideoFrames
from .word_tasks import NextWord, PosTagging, ToxicWord

__all__ = ["TASKS", "Task", "get_task"]


# -- anomaly detection ---------------------------------------------------------------------
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


# -- images read row by row ----------------------------------------------------------------
SHAPES = ("square", "disc", "triangle")


class ShapesByRow(Task):
    name = "shapes-by-row"
    title = "Image classification, one row per step"
    description = (
        "Small noisy images of a square, a disc or a triangle, read one row per timestep "
        "(T = rows, F = columns); the label is the shape."
    )
    mode = "many-to-one"
    n_classes = len(SHAPES)
    min_T = 6
    min_features = 6
    fixed_reason = "C = 3 shapes"

    def _sample(self, T, F, C, B, rng):
        rows, cols = np.mgrid[0:T, 0:F]
        images = np.zeros((B, T, F))
        labels = rng.integers(0, C, size=B)
        for b, label in enumerate(labels):
            size = rng.uniform(0.5, 0.8) * min(T, F)
            r0 = rng.uniform(0, T - size)
            c0 = rng.uniform(0, F - size)
            u, v = (rows - r0) / size, (cols - c0) / size  # 0..1 inside the bounding box
            inside = (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
            if label == 1:
                inside &= (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25
            elif label == 2:
                inside &= np.abs(v - 0.5) <= 0.5 * u
            images[b] = inside
        images += 0.05 * rng.standard_normal(images.shape)
        return images, labels

    def target_labels(self, Y):
        return [SHAPES[int(np.ravel(Y)[0])]]


# -- the adding problem --------------------------------------------------------------------
class AddingProblem(Task):
    name = "adding-problem"
    title = "The adding problem"
    description = (
        "Each step carries a random value and a marker; two steps are marked, one in each half. "
        "The target is the sum of the two marked values (Hochreiter and Schmidhuber 1997). "
        "Predicting 1 always gives MSE about 0.167."
    )
    mode = "many-to-one"
    loss = "mse"
    n_features = 2
    n_classes = 1
    min_T = 2
    fixed_reason = "F = 2 (value, marker), C = 1 (the sum)"

    def _sample(self, T, F, C, B, rng):
        values = rng.uniform(0, 1, size=(B, T))
        markers = np.zeros((B, T))
        half = T // 2
        first = rng.integers(0, half, size=B)
        second = rng.integers(half, T, size=B)
        markers[np.arange(B), first] = 1.0
        markers[np.arange(B), second] = 1.0
        X = np.stack([values, markers], axis=-1)
        Y = (values[np.arange(B), first] + values[np.arange(B), second])[:, None]
        return X, Y


# -- copy with a delay ---------------------------------------------------------------------
COPY_SYMBOLS = 4


class CopyDelay(Task):
    name = "copy-delay"
    title = "Copy after a delay"
    description = (
        "Up to three symbols come first, then blanks; at the 'go' marker the network must "
        "recall them in order. The delay grows with T."
    )
    mode = "many-to-many"
    n_features = COPY_SYMBOLS + 2  # the symbols, blank, go
    n_classes = COPY_SYMBOLS + 1  # the symbols, blank
    min_T = 3
    fixed_reason = f"F = {COPY_SYMBOLS} symbols + blank + go; C = {COPY_SYMBOLS} symbols + blank"

    def _sample(self, T, F, C, B, rng):
        blank, go = COPY_SYMBOLS, COPY_SYMBOLS + 1
        k = min(3, (T - 1) // 2)
        symbols = rng.integers(0, COPY_SYMBOLS, size=(B, k))
        inputs = np.full((B, T), blank)
        targets = np.full((B, T), blank)
        inputs[:, :k] = symbols
        inputs[:, T - k - 1] = go
        targets[:, T - k :] = symbols
        return one_hot(inputs, F), targets

    def input_labels(self, X):
        names = [str(i) for i in range(COPY_SYMBOLS)] + ["_", "GO"]
        return [names[i] for i in np.argmax(X, axis=-1)]

TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        PosTagging(),
        ToxicWord(),
        NextWord(),
        SineAnomaly(),
        ShapesByRow(),
        AddingProblem(),
        CopyDelay(),
        VideoFrames(),
    )
}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"task: got {name!r}, expected one of {', '.join(TASKS)}")
    return TASKS[name]
