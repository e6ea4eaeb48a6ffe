"""Shared helpers for the reliability table: every bad input goes in through the real
interface, and every row checks the message, the exit code and that nothing changed."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from unrolled import cli
from unrolled.session.config import Config
from unrolled.session.files import save_session
from unrolled.session.stepper import Session

ERROR_PREFIXES = ("unrolled: error: ", "unrolled export: error: ", "unrolled gradcheck: error: ")


@pytest.fixture(autouse=True)
def _never_launch(monkeypatch):
    """A row wrongly accepted must fail at once, not open a window and wait for a user."""

    def launched(*args, **kwargs):
        raise AssertionError("the input was accepted: the app would have opened")

    monkeypatch.setattr("unrolled.ui.app.main", launched)


def refused_by_cli(capsys, args: list[str]) -> str:
    """Run `unrolled ARGS` in-process; it must exit 2 with one error line (after argparse's
    usage, if it is an argparse error) and no traceback. Returns the error line."""
    with pytest.raises(SystemExit) as info:
        cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    assert info.value.code == 2, captured.err
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert lines, "no message"
    message = lines[-1]
    assert message.startswith(ERROR_PREFIXES), captured.err
    if len(lines) > 1:  # argparse's own errors come after the usage
        assert lines[0].startswith("usage:"), captured.err
    assert captured.out == ""
    return message


def assert_mentions(message: str, fragments) -> None:
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.fixture
def saved(tmp_path):
    """A saved session six steps in (after one completed iteration), and a way to write a
    changed copy of it: document and arrays may be edited before writing."""
    session = Session(Config(optimiser="adam", learning_rate=0.01))
    session.run_iteration()
    session.advance(6)
    json_path, npz_path = save_session(session, tmp_path / "good.json")

    class Saved:
        path = json_path
        npz = npz_path
        document = json.loads(json_path.read_text())
        arrays: ClassVar[dict] = dict(np.load(npz_path))
        position, iteration = session.position, session.iteration

        @staticmethod
        def write(document=None, arrays=None, raw_json: bytes | None = None, raw_npz: bytes | None = None,
                  name="edited", sha=True) -> Path:
            """An edited pair NAME.json / NAME.npz; sha: recompute weights_sha256 (so the row
            tests the content, not the checksum)."""
            import hashlib
            import io

            doc = dict(Saved.document if document is None else document)
            npz = tmp_path / f"{name}.npz"
            if raw_npz is not None:
                npz.write_bytes(raw_npz)
            else:
                buffer = io.BytesIO()
                np.savez(buffer, **(Saved.arrays if arrays is None else arrays))
                npz.write_bytes(buffer.getvalue())
            if isinstance(doc, dict) and doc.get("weights") == "good.npz":
                doc["weights"] = npz.name
            if sha and isinstance(doc, dict) and "weights_sha256" in doc:
                doc["weights_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
            path = tmp_path / f"{name}.json"
            path.write_bytes(raw_json if raw_json is not None else json.dumps(doc).encode())
            return path

    return Saved


class FullDisk:
    """A small tmpfs mounted at `folder`: `fill()` leaves no room at all; without it, the
    disk holds about `size` bytes, so a larger file stops part way."""

    def __init__(self, folder: Path, size: int):
        self.folder, self.size = folder, size

    def fill(self) -> None:
        """Write a filler file until the disk refuses: every later write fails at once."""
        with open(self.folder / "filler", "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 512)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error

    def leave(self, free: int) -> None:
        """Fill the disk, then give back `free` bytes: a file larger than that stops part way."""
        self.fill()
        filler = self.folder / "filler"
        os.truncate(filler, max(filler.stat().st_size - free, 0))

    def files(self) -> dict[str, bytes]:
        """Every file under the folder (the filler aside), by relative path, with its bytes."""
        return {str(p.relative_to(self.folder)): p.read_bytes() for p in sorted(self.folder.rglob("*"))
                if p.is_file() and p.name != "filler"}


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs (root may mount one; elsewhere the rows are skipped, saying why),
    always unmounted afterwards."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here: the full-disk rows need a small tmpfs")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or mounted.returncode}): "
                    "the full-disk rows need root")
    try:
        yield FullDisk(folder, 64 * 1024)
    finally:
        if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)  # busy: detached once let go
