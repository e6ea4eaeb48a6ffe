"""Memory across time: the adding problem and copying after a delay, whose targets depend on
inputs many steps back, and tagging by a later symbol, whose targets depend on inputs ahead."""

from __future__ import annotations

import numpy as np

from ..losses import IGNORE_INDEX, one_hot
from .base import Task


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


# -- tag by a later symbol -----------------------------------------------------------------
LOOK_SYMBOLS = 4
LOOK_AHEAD = 2


class LookAhead(Task):
    name = "look-ahead"
    title = "Tag by a later symbol"
    description = (
        f"Random symbols; the tag at t is the symbol that comes {LOOK_AHEAD} steps later (the last "
        f"{LOOK_AHEAD} steps carry no tag). Reading forward, a network can only guess (chance: "
        f"1 in {LOOK_SYMBOLS}); a bidirectional one's reverse direction has read the answer already."
    )
    mode = "many-to-many"
    n_features = LOOK_SYMBOLS
    n_classes = LOOK_SYMBOLS
    min_T = LOOK_AHEAD + 1
    fixed_reason = f"F = C = {LOOK_SYMBOLS} symbols"

    def _sample(self, T, F, C, B, rng):
        symbols = rng.integers(0, LOOK_SYMBOLS, size=(B, T))
        tags = np.full((B, T), IGNORE_INDEX)
        tags[:, : T - LOOK_AHEAD] = symbols[:, LOOK_AHEAD:]
        return one_hot(symbols, F), tags

    def input_labels(self, X):
        return [str(i) for i in np.argmax(X, axis=-1)]

    def target_labels(self, Y):
        return [str(i) if i >= 0 else "-" for i in np.asarray(Y).ravel()]
