"""`--text FILE`: the preset char-rnn, or the preset or config given beside it, on the user's
own text. No Qt."""

from __future__ import annotations

import dataclasses

from .config import Config, ConfigError
from .presets import Preset, get_preset

TEXT_PRESET = "char-rnn"
# what the text decides (F and C, its characters) or the task char-lm fixes (mode, loss), or
# what belongs to another task (a typed sentence, its own carry setting is kept)
REPLACED = ("n_features", "n_classes", "mode", "loss", "input", "task", "text")


def text_preset(path: str, base: Preset | None = None) -> Preset:
    """`base` (default: the preset char-rnn) learning the task char-lm from the text file
    `path`: its cell, sizes, training settings kept, F and C following the text's
    characters; ConfigError (one line naming the file) when the text cannot be used, or
    when `base` opens weights (whose own F and C cannot follow a text)."""
    preset = get_preset(TEXT_PRESET) if base is None else base
    if preset.config.weights:
        raise ConfigError({"text": f"{path}: {preset.name} opens the weights {preset.config.weights}, whose F and "
                                   "C are their own: give --text with a preset or config without weights"})
    settings = {name: value for name, value in preset.config.to_dict().items() if name not in REPLACED}
    config = Config.from_dict({**settings, "task": "char-lm", "text": path})  # F and C filled in from the text
    compare = {name: value for name, value in preset.compare.items() if name not in REPLACED}
    return dataclasses.replace(preset, config=config, compare=compare,
                               description=f"{preset.description} Text: {path}.".strip())
