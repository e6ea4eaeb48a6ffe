"""Writing files so that a fault never leaves half a file (a session's pair of files is
switched in `files._switch`). No Qt."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def partial_name(path: Path) -> Path:
    """The temporary name beside `path` that a file is written under first."""
    return path.with_name(f".{path.name}.partial")


def discard(path: Path) -> None:
    with contextlib.suppress(OSError):  # the folder itself is the problem; the caller reports the first error
        path.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """write(tmp) writes the file under a temporary name, then it is renamed over `path`:
    `path` is either the old file or the whole new one. Raises OSError, leaving no debris."""
    tmp = partial_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise
