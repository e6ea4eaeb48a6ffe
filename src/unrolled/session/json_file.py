"""The one reader of every JSON file the app opens (configs, presets, lessons, sessions):
whatever is wrong with a file, the caller gets one JsonFileError whose message is one line
naming the file and, where it can, the field. Python's parser has limits of its own that
escape as RecursionError (deep nesting) or a ValueError about `sys.set_int_max_str_digits`
(long integers); here they are met first, with stated limits:

- a file of at most `max_bytes` (checked with stat, and again while reading: /dev/zero
  claims 0 bytes),
- UTF-8 text (a byte order mark is fine),
- nesting of at most MAX_DEPTH levels of [ and {, checked by a scan before parsing,
- numbers written in at most MAX_NUMBER_CHARS characters.

No Qt.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

from ..engine.quoting import cut
from .file_access import decoded_text

MAX_DEPTH = 32  # every file of the app nests 5 levels or fewer
MAX_NUMBER_CHARS = 100  # a float64 needs 24 characters; an integer of 100 digits is 1e99
DEFAULT_MAX_BYTES = 1_000_000

# a JSON string (escapes included), or one bracket
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class JsonFileError(ValueError):
    """A JSON file that cannot be read, said in one line naming the file (and the field)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class _LongNumber:
    """A number too long to convert, kept as its text until its field is known."""

    def __init__(self, text: str):
        self.text = text


def read_json(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, kind: str = "a JSON file") -> Any:
    """The parsed content of the file at `path`; JsonFileError says what is wrong. `kind`
    ("a config", "a session file") is what a file too large is said to be at most."""
    path = Path(path)
    try:
        status = path.stat()
        if stat.S_ISFIFO(status.st_mode) or stat.S_ISSOCK(status.st_mode):  # opening one waits for a writer
            raise JsonFileError(f"{path} is a pipe or a socket, not a file: save it as a file first")
        size = status.st_size
        if size > max_bytes:
            raise JsonFileError(f"{path} is {size} bytes; {kind} is at most {max_bytes}")
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise JsonFileError(f"cannot read {path}: {error.strerror or error}") from error
    if len(raw) > max_bytes:
        raise JsonFileError(f"{path} is more than {max_bytes} bytes; {kind} is at most {max_bytes}")
    return parse_json(decoded_text(raw, path, kind, JsonFileError), str(path))


def parse_json(text: str, source: str) -> Any:
    """`text` parsed as JSON; `source` names it in messages. JsonFileError says what is wrong."""
    _check_depth(text, source)
    try:
        data = json.loads(text, parse_int=_number(int), parse_float=_number(float))
    except json.JSONDecodeError as error:
        raise JsonFileError(f"{source} is not valid JSON (line {error.lineno}: {error.msg})") from error
    where, long = _find_long_number(data, "")
    if long is not None:
        field = cut(where) if where else "the top level"
        raise JsonFileError(f"{source}: {field}: a number {len(long.text)} characters long ({cut(long.text, 24)}); "
                            f"numbers have at most {MAX_NUMBER_CHARS} characters", where or None)
    return data


def _number(convert):
    def parse(text: str):
        return _LongNumber(text) if len(text) > MAX_NUMBER_CHARS else convert(text)

    return parse


def _check_depth(text: str, source: str) -> None:
    """Brackets outside strings, counted: refused at the first beyond MAX_DEPTH, before the
    parser recurses into them."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise JsonFileError(f"{source} is nested too deeply (line {line}): "
                                    f"at most {MAX_DEPTH} levels of [ and {{")
        elif token in ("]", "}"):
            depth -= 1  # below 0 only in broken JSON, which the parser then names


def _find_long_number(value: Any, where: str) -> tuple[str, _LongNumber | None]:
    """(the field, the first long number), by path: "stops[2].model.n_hidden"."""
    if isinstance(value, _LongNumber):
        return where, value
    items: Any = ()
    if isinstance(value, dict):
        items = ((f"{where}.{key}" if where else str(key), item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{where}[{index}]", item) for index, item in enumerate(value))
    for path, item in items:
        found = _find_long_number(item, path)
        if found[1] is not None:
            return found
    return where, None
