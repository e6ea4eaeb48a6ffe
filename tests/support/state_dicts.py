"""Weights files written without torch: an nn.LSTM + nn.Linear state dict as NumPy arrays
under torch's names, and sequences for it, saved as a user saves them."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def lstm_state_dict(F=3, D=4, C=2, seed=0) -> dict[str, np.ndarray]:
    """nn.LSTM(F, D) named `rnn` + nn.Linear(D, C) named `fc`, small random weights."""
    rng = np.random.default_rng(seed)
    shapes = {"rnn.weight_ih_l0": (4 * D, F), "rnn.weight_hh_l0": (4 * D, D), "rnn.bias_ih_l0": (4 * D,),
              "rnn.bias_hh_l0": (4 * D,), "fc.weight": (C, D), "fc.bias": (C,)}
    return {name: 0.3 * rng.standard_normal(shape) for name, shape in shapes.items()}


def save_model_and_data(folder: Path, Y: str | None, F=3, D=4, C=2, N=5, T=6) -> tuple[Path, Path]:
    """m.npz (the weights) and d.npz (X (N, T, F) and, by `Y`: "real" (N, T, C) floats,
    "classes" (N,) ids, or None, no Y) in `folder`."""
    np.savez(folder / "m.npz", **lstm_state_dict(F, D, C))
    rng = np.random.default_rng(1)
    arrays = {"X": rng.standard_normal((N, T, F))}
    if Y == "real":
        arrays["Y"] = rng.standard_normal((N, T, C))
    elif Y == "classes":
        arrays["Y"] = rng.integers(0, C, N)
    np.savez(folder / "d.npz", **arrays)
    return folder / "m.npz", folder / "d.npz"
