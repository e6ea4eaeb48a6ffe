"""Texts for the task char-lm read from files: each refusal one line naming the file. No Qt.

A file is read up to MAX_BYTES (a longer file is cut there, at a character boundary: a
character model learns from a few megabytes as well as from all of a book shelf), kept
once per (path, size, modification time).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..engine.tasks import Task, get_task
from ..engine.tasks.char_lm import CharLM, CharText

MAX_BYTES = 8 * 2**20
MAX_CHARACTERS = 4096  # F = C = the distinct characters: at most the form's F and C


def read_text(path: str | Path) -> CharText:
    """The text of a UTF-8 file; ValueError (one line naming the file) when it is missing,
    empty, binary, not UTF-8 or has more different characters than F may have."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise ValueError(f"{path}: cannot read the text: {error.strerror or error}") from None
    return _read(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read(path: str, size: int, modified: int) -> CharText:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES)
    except OSError as error:
        raise ValueError(f"{path}: cannot read the text: {error.strerror or error}") from None
    if not data:
        raise ValueError(f"{path}: the file is empty; a text of at least T + 1 characters is needed")
    zero = data.find(0)
    if zero >= 0:
        raise ValueError(f"{path}: a binary file (a zero byte at offset {zero}), expected UTF-8 text")
    text = _decoded(path, data, cut=size > MAX_BYTES)
    chars = len(set(text))
    if chars > MAX_CHARACTERS:
        raise ValueError(f"{path}: {chars} different characters; F and C can be at most {MAX_CHARACTERS}")
    # a text cut at MAX_BYTES says so wherever it is named (the task box, messages, exports)
    return CharText(text, f"{path} (its first {_size(MAX_BYTES)})" if size > MAX_BYTES else path)


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n % 2**20 == 0 else f"{n} bytes"


def _decoded(path: str, data: bytes, cut: bool) -> str:
    """UTF-8 text of data, without a byte-order mark; a file cut at MAX_BYTES may end
    inside a character, whose first bytes are left out."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        if cut and error.reason == "unexpected end of data":
            return data[: error.start].decode("utf-8").removeprefix("\ufeff")
        raise ValueError(f"{path}: not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start} "
                         f"({error.reason})") from None


def task_for(name: str, text: str) -> Task:
    """The task `name`; for char-lm with a text file, that file's task."""
    if name == CharLM.name and text:
        return CharLM(read_text(text))
    return get_task(name)


def resolve_text_path(data: dict, folder: Path) -> dict:
    """A config's settings with a relative "text" path made relative to `folder`, the
    folder of the file that holds the config."""
    text = data.get("text")
    if isinstance(text, str) and text and not os.path.isabs(text):
        return {**data, "text": str(folder / text)}
    return data
