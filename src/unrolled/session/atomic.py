"""Writing files so that a fault never leaves half a file (a session's pair of files is
switched in `files._switch`): written beside under a temporary name, checked, synced to the
disk and only then renamed over the old file. A full disk or a vanished folder raises
OSError with the OS's reason, and what was there before stays. No Qt."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def partial_name(path: Path) -> Path:
    """The temporary name beside `path` that a file is written under first."""
    return path.with_name(f".{path.name}.partial")


def discard(path: Path) -> None:
    with contextlib.suppress(OSError):  # the folder itself is the problem; the caller reports the first error
        path.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Make the written bytes durable before the rename makes them the file: a crash just
    after the rename must not leave an empty file under the old name."""
    descriptor = os.open(path, os.O_RDWR)  # writable: Windows' fsync refuses a read-only descriptor
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """write(tmp) writes the file under a temporary name, then it is renamed over `path`:
    `path` is either the old file or the whole new one. Raises OSError, leaving no debris.
    write must raise when it fails (Python's own file I/O does, with errno and reason)."""
    tmp = partial_name(path)
    try:
        write(tmp)
        _sync(tmp)
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """`data` as the whole of `path`, or `path` as it was and OSError (a full disk:
    "No space left on device"). For what Qt renders: into memory first, then written here,
    since Qt's writers report no reason and leave a truncated file under the name given."""
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            handle.write(data)

    write_atomically(path, write)


def unwritable_folder(folder: Path) -> str | None:
    """Why `folder` cannot be written (made if needed), in one line; None when it can: a
    file is made in it and removed, so a read-only mount is found before any work is done."""
    if folder.exists() and not folder.is_dir():
        return f"cannot write to {folder}: it is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".unrolled-probe-"):
            pass
    except OSError as error:
        return f"cannot write to {folder}: {error.strerror or error}"
    return None
