"""A value quoted in a message, cut so the message stays one readable line: a config whose
sentence is one 100 000-letter word is named by its first letters, not all of them. Here,
in the lowest layer, so the engine's messages and the layers above quote alike."""

from __future__ import annotations

QUOTE_CHARS = 60  # what a message shows of one value


def cut(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text`, or its first characters and an ellipsis when it is longer than `limit`."""
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def quoted(value: object, limit: int = QUOTE_CHARS) -> str:
    """repr(value), cut to `limit` characters: 'abcdef…' for a long text."""
    return cut(repr(value), limit)
