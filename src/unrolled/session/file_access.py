"""The checks every file the app opens passes before its content is read: its suffix, a
regular file (a pipe would block the reader; /dev/zero never ends) of a bounded size, UTF-8
text, and the shape an .npy header claims (a compressed header of a few bytes can claim
terabytes). Each raises the caller's own error class with one line naming the file. No Qt.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

import numpy as np

from ..engine.quoting import one_line


def checked_suffix(path: Path, suffixes: tuple[str, ...], kind: str, error: type[Exception]) -> str:
    """The file's suffix, lower case, when it is one of `suffixes`; `kind`: "a data file"."""
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise error(f"{path}: {kind} is {', '.join(suffixes)}, not {one_line(suffix or 'no suffix')}")
    return suffix


def file_status(path: Path, error: type[Exception]) -> os.stat_result:
    try:
        return path.stat()
    except OSError as problem:
        raise error(f"cannot read {path}: {problem.strerror or problem}") from problem


def check_regular_file(path: Path, max_bytes: int, kind: str, error: type[Exception]) -> None:
    """A regular file of at most max_bytes; `kind` as the message says what it is at most."""
    status = file_status(path, error)
    if not stat.S_ISREG(status.st_mode):
        raise error(f"{path} is not a regular file")
    if status.st_size > max_bytes:
        raise error(f"{path} is {status.st_size:,} bytes; {kind} is at most {max_bytes:,}")


def decoded_text(raw: bytes, path: str | Path, kind: str, error: type[Exception]) -> str:
    """UTF-8 text (a byte order mark is fine); `kind` is what the file should have been."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise error(f"{path} is not UTF-8 text (byte {problem.start}): is it {kind}?") from problem


def npy_header(member: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) an .npy stream's header declares, read without its data. ValueError,
    OSError or EOFError when it is no .npy header."""
    version = np.lib.format.read_magic(member)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = read(member)
    return shape, dtype
