"""A saved session of a user's own model holds its own copy of the model's arrays, so it
reopens after the weights and data files it was opened from have moved or gone: the file's
parameters under their own keys (OWN_WEIGHTS + key) and every sample of the data (OWN_X,
OWN_Y), beside the session's other arrays. The config keeps the original paths, only as
names to show. A session saved without them reopens from those paths, as before. No Qt."""

from __future__ import annotations

import numpy as np

from .config import Config
from .own_model import OwnModel

OWN_WEIGHTS, OWN_X, OWN_Y = "own.weights/", "own.data.X", "own.data.Y"  # file_checks bounds "own." apart


def own_arrays(model: OwnModel | None) -> dict[str, np.ndarray]:
    """The arrays that reopen `model` (its parameters as the file held them; the data), or {}."""
    if model is None or model.fresh:  # a fresh copy's weights are the session's own params
        return {}
    original = model.weights.original
    arrays = {OWN_WEIGHTS + key: np.asarray(original[key]) for key in model.weights.layout.keys}
    if model.data is not None:
        arrays[OWN_X] = model.data.X
        if model.data.Y is not None:
            arrays[OWN_Y] = model.data.Y
    return arrays


def own_model_of(config: Config, arrays: dict[str, np.ndarray]) -> OwnModel | None:
    """The model a saved session holds a copy of, on its first config.batch_size samples; None
    when it holds none (a task's session, or one saved before sessions held them).
    WeightsError or DataError say in one line what does not fit."""
    weights = {key[len(OWN_WEIGHTS):]: value for key, value in arrays.items() if key.startswith(OWN_WEIGHTS)}
    if not config.weights or not weights:
        return None
    from .data import from_arrays
    from .weights import interpret

    opened = interpret(weights, config.weights)
    data, first = None, tuple[int, ...]()
    if OWN_X in arrays:
        data = from_arrays(config.data or "the data", arrays[OWN_X], arrays.get(OWN_Y))
        first = tuple(range(min(config.batch_size, data.n_samples)))
    activation = config.activation if config.cell == "rnn" else "tanh"
    return OwnModel(opened, data, first, activation, config.weights, config.data)
