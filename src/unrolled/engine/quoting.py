"""A value quoted in a message, cut so the message stays one readable line: a config whose
sentence is one 100 000-letter word is named by its first letters, not all of them. Here,
in the lowest layer, so the engine's messages and the layers above quote alike."""

from __future__ import annotations

import unicodedata

QUOTE_CHARS = 60  # what a message shows of one value


def cut(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text`, or its first characters and an ellipsis when it is longer than `limit`."""
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


def quoted(value: object, limit: int = QUOTE_CHARS) -> str:
    """repr(value), cut to `limit` characters: 'abcdef…' for a long text."""
    return cut(repr(value), limit)


def one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text` as one printable line: control characters (a newline, a terminal's escape
    codes) become spaces, runs of spaces one, and the whole is cut to `limit`."""
    printable = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return cut(" ".join(printable.split()), limit)
