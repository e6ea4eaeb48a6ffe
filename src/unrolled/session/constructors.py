"""How a notebook (or a script) makes a session: from a preset or a config by name, with
settings changed by Config's field names. `Session.from_torch` (stepper.py) opens a user's
own PyTorch model. No Qt.

    from unrolled import Session
    session = Session.from_preset("vanishing-rnn", timesteps=30)
    session = Session.from_config(cell="lstm", timesteps=100, n_hidden=32)
    session.run_iteration()                         # forward, loss, backward, update
"""

from __future__ import annotations

from typing import Any, Self, cast

from .config import Config
from .presets import get_preset, load_file


def _settled(config: Config, changes: dict[str, Any]) -> Config:
    """config with `changes`; another task brings what it fixes (F, C, mode, loss), as the
    app's model panel does. ConfigError names what is wrong."""
    changed = config.replace(**changes)
    return (changed.resolved() if "task" in changes else changed).validated()


class Constructors:
    """Session's class methods for building one by name (Session takes the config first)."""

    @classmethod
    def from_preset(cls, name: str, **changes: Any) -> Self:
        """A session on the preset `name` (`unrolled --list-presets`: "vanishing-rnn",
        "lstm-long-memory", ...), its settings changed by name: timesteps=30, rho=1.1.
        ConfigError (a ValueError, one line) for an unknown preset or setting."""
        return cls._made(_settled(get_preset(name).config, changes))

    @classmethod
    def from_config(cls, config: Config | dict[str, Any] | str | None = None, **changes: Any) -> Self:
        """A session on `config`: a Config, a dict as a saved config's, the path of a JSON
        config or preset file, or None for the defaults; its settings changed by Config's
        field names (cell="lstm", timesteps=100, n_hidden=32, layers=2, bidirectional=True,
        task="adding-problem", seed=1, ...). ConfigError (a ValueError, one line) says what is wrong."""
        if config is None:
            base = Config()
        elif isinstance(config, Config):
            base = config
        elif isinstance(config, dict):
            base = Config.from_dict(config)
        else:
            base = load_file(config).config
        return cls._made(_settled(base, changes))

    @classmethod
    def _made(cls, config: Config) -> Self:
        # a mixin's own __init__ takes nothing: Session's takes the config first
        return cast("type[Any]", cls)(config)
