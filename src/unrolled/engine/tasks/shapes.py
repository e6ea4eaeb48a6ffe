"""Image classification read one row per timestep: a square, a disc or a triangle."""

from __future__ import annotations

import numpy as np

from .base import Task

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
