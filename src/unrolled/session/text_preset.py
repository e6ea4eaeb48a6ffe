"""`--text FILE`: the preset char-rnn on the user's own text. No Qt."""

from __future__ import annotations

import dataclasses

from .config import Config
from .presets import Preset, get_preset

TEXT_PRESET = "char-rnn"


def text_preset(path: str) -> Preset:
    """The preset char-rnn learning from the text file `path`: F and C follow its characters;
    ConfigError (one line naming the file) when the text cannot be used."""
    preset = get_preset(TEXT_PRESET)
    settings = {name: value for name, value in preset.config.to_dict().items()
                if name not in ("n_features", "n_classes")}
    config = Config.from_dict({**settings, "text": path})  # F and C filled in from the text
    return dataclasses.replace(preset, config=config, description=f"{preset.description} Text: {path}.")
