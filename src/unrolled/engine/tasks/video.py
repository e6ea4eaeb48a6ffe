"""Video frame classification: a clip of small frames, one per step, a class per frame."""

from __future__ import annotations

import numpy as np

from .base import Task

MOTIONS = ("still", "left", "right", "up", "down")
MOVES = {"still": (0, 0), "left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}
FRAME, SQUARE = 6, 2  # 6 x 6 pixel frames, a 2 x 2 square


class VideoFrames(Task):
    name = "video-frames"
    title = "Video frame classification"
    description = (
        f"A clip of {FRAME} x {FRAME} frames, one per step, in which a small square moves; each "
        "frame's class is how the square moved since the previous frame (still, left, right, up, "
        "down; the first frame is 'still'). A frame alone shows only where the square is: the "
        "network must remember the previous one."
    )
    mode = "many-to-many"
    n_features = FRAME * FRAME
    n_classes = len(MOTIONS)
    frame_shape = (FRAME, FRAME)
    fixed_reason = f"F = {FRAME} x {FRAME} pixels of a frame, C = {len(MOTIONS)} motions"

    def _sample(self, T, F, C, B, rng):
        frames = np.zeros((B, T, FRAME, FRAME))
        labels = np.zeros((B, T), dtype=np.int64)
        last = FRAME - SQUARE
        for b in range(B):
            r, c = rng.integers(0, last + 1, size=2)
            motion = int(rng.integers(1, C))
            for t in range(T):
                if t > 0:
                    if rng.random() < 0.4:  # mostly keep going, as things in a video do
                        motion = int(rng.integers(0, C))
                    dr, dc = MOVES[MOTIONS[motion]]
                    if not (0 <= r + dr <= last and 0 <= c + dc <= last):  # at the edge: stop
                        motion, dr, dc = 0, 0, 0
                    r, c = r + dr, c + dc
                    labels[b, t] = motion
                frames[b, t, r : r + SQUARE, c : c + SQUARE] = 1.0
        return frames.reshape(B, T, F), labels

    def input_labels(self, X):
        """Where the square is in each frame: (row, column) of its top-left pixel, from 1."""
        at = np.argmax(np.asarray(X).reshape(len(X), -1) > 0.5, axis=1)
        return [f"({i // FRAME + 1},{i % FRAME + 1})" for i in at]

    def target_labels(self, Y):
        return [MOTIONS[i] for i in np.asarray(Y).ravel()]
