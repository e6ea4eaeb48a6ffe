"""Writing files so that a fault never leaves half a file, and a failed save never destroys
the previous one. No Qt."""

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


def replace_together(written: list[tuple[Path, Path]]) -> None:
    """Move several written temporaries (tmp, final) into place as one change: if any move
    fails, every final file is put back as it was, and OSError is raised. Old files are
    kept as `.NAME.previous` until all moves have succeeded."""
    backups: list[tuple[Path, Path | None]] = []
    try:
        for _, final in written:
            backup = final.with_name(f".{final.name}.previous")
            if final.exists():
                os.replace(final, backup)
                backups.append((final, backup))
            else:
                backups.append((final, None))
        for tmp, final in written:
            os.replace(tmp, final)
    except OSError:
        for final, previous in backups:
            if previous is not None:
                os.replace(previous, final)
            else:
                discard(final)
        for tmp, _ in written:
            discard(tmp)
        raise
    for _, previous in backups:
        if previous is not None:
            discard(previous)
