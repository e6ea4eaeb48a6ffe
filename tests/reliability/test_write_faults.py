"""The table, category 6: faults while writing what the app exports (figures, the trace,
handouts, screenshots, animation frames). Each row: the write fails with one line naming
the file and the OS's reason, the command exits 1, the file that was there before is
there as it was, and no half-written file or temporary debris is left.

Two kinds of fault: a real full disk (a small tmpfs; skipped where it may not be mounted)
and a fault injected into the write itself, which runs everywhere."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unrolled import cli
from unrolled.session import atomic
from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.export.writers import ExportError, export_animation, write_figure, write_weights

NO_SPACE = os.strerror(errno.ENOSPC)  # "No space left on device"
OLD = b"the file as it was before the export"

# (--format, the file written first)
EXPORT_ROWS = [("png", "dashboard.png"), ("svg", "dashboard.svg"), ("pdf", "dashboard.pdf"),
               ("csv", "dashboard.csv"), ("npz", "trace.npz"), ("safetensors", "weights.safetensors")]


def _exit_line(capsys, args) -> tuple[int, str]:
    """Run `unrolled ARGS` in-process; (exit code, the one error line it printed on stderr,
    after a handout's progress lines, one per stop)."""
    with pytest.raises(SystemExit) as info:
        cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = [line for line in captured.err.strip().splitlines() if not re.match(r"stop \d+/\d+: ", line)]
    assert len(lines) == 1, captured.err
    return info.value.code, lines[0]


def _no_debris(folder: Path) -> None:
    assert not [p for p in folder.rglob("*") if p.name.endswith(".partial")]


@pytest.mark.parametrize("fmt,first", EXPORT_ROWS, ids=[f for f, _ in EXPORT_ROWS])
def test_export_on_a_full_disk_keeps_the_old_file(capsys, full_disk, fmt, first):
    out = full_disk.folder / "figs"
    out.mkdir()
    (out / first).write_bytes(OLD)
    full_disk.fill()
    before = full_disk.files()
    code, line = _exit_line(capsys, ["export", "--preset", "vanishing-rnn", "--out", out, "--format", fmt,
                                     "--dpi", "60"])
    assert code == 1
    assert line == f"unrolled export: error: cannot write {out / first}: {NO_SPACE}"
    assert full_disk.files() == before  # the old file whole, nothing new, nothing cut short
    _no_debris(full_disk.folder)


def test_a_handout_larger_than_the_room_left_is_not_written(capsys, full_disk):
    """The reproduction of the report: the PDF did not fit and was left cut short, exit 0."""
    out = full_disk.folder / "handout"
    full_disk.leave(32 * 1024)  # the handout's PDF is about 800 KB
    code, line = _exit_line(capsys, ["export", "--lesson", "vanishing-in-five-minutes", "--format", "pdf",
                                     "--out", out])
    assert code == 1
    assert line == f"unrolled export: error: cannot write {out / 'vanishing-in-five-minutes.pdf'}: {NO_SPACE}"
    assert full_disk.files() == {}  # no PDF at all rather than a truncated one
    _no_debris(full_disk.folder)


def test_a_handout_page_on_a_full_disk_keeps_the_old_page(capsys, full_disk):
    out = full_disk.folder / "handout"
    out.mkdir()
    (out / "vanishing-in-five-minutes-01.png").write_bytes(OLD)
    full_disk.fill()
    before = full_disk.files()
    code, line = _exit_line(capsys, ["export", "--lesson", "vanishing-in-five-minutes", "--format", "pdf,png",
                                     "--dpi", "30", "--out", out])
    assert code == 1
    assert line == f"unrolled export: error: cannot write {out / 'vanishing-in-five-minutes-01.png'}: {NO_SPACE}"
    assert full_disk.files() == before
    _no_debris(full_disk.folder)


def test_a_screenshot_on_a_full_disk_keeps_the_old_one(full_disk):
    """A real process: what the terminal shows, and its exit code."""
    shot = full_disk.folder / "shot.png"
    shot.write_bytes(OLD)
    full_disk.fill()
    result = subprocess.run([sys.executable, "-m", "unrolled", "--preset", "vanishing-rnn", "--screenshot", str(shot)],
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"unrolled: error: --screenshot: cannot write {shot}: {NO_SPACE}"]
    assert shot.read_bytes() == OLD
    _no_debris(full_disk.folder)


def test_animation_frames_on_a_full_disk(qapp, full_disk):
    make_application()
    session = Session(Config(timesteps=3))
    frame = full_disk.folder / "frame_0000.png"
    frame.write_bytes(OLD)
    full_disk.fill()
    with pytest.raises(ExportError) as info:
        export_animation(session, full_disk.folder, dpi=50)  # the smallest at which the dashboard fits
    assert str(info.value) == f"cannot write {frame}: {NO_SPACE}"
    assert full_disk.files() == {"frame_0000.png": OLD}
    _no_debris(full_disk.folder)


# -- faults injected into the write: these rows run without a tmpfs ----------------------
class HalfWrites:
    """Python's open() for a temporary export file in `folder` gives a handle that writes
    part of what it is given and then fails with `error`, as a disk that fills part way."""

    def __init__(self, monkeypatch, folder: Path, error: int = errno.ENOSPC):
        real_open = open

        class Failing:
            def __init__(self, handle):
                self.handle = handle

            def write(self, data):
                self.handle.write(data[: len(data) // 2])
                self.handle.flush()
                raise OSError(error, os.strerror(error))

            def __getattr__(self, name):
                return getattr(self.handle, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()
                return False

        def patched(file, mode="r", *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            if str(file).startswith(str(folder)) and str(file).endswith(".partial") and "w" in mode:
                return Failing(handle)
            return handle

        monkeypatch.setattr("builtins.open", patched)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "csv"])
def test_a_write_that_fails_part_way_keeps_the_old_figure(qapp, monkeypatch, tmp_path, fmt):
    make_application()
    session = Session(Config(timesteps=3))
    target = tmp_path / f"diagram.{fmt}"
    target.write_bytes(OLD)
    HalfWrites(monkeypatch, tmp_path)
    with pytest.raises(ExportError) as info:
        write_figure(session, "diagram", target, fmt, dpi=60)
    assert str(info.value) == f"cannot write {target}: {NO_SPACE}"
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_weights_file_that_fails_part_way_keeps_the_old_one(monkeypatch, tmp_path):
    session = Session(Config(cell="gru", timesteps=3))
    target = tmp_path / "weights.safetensors"
    target.write_bytes(OLD)
    HalfWrites(monkeypatch, tmp_path)
    with pytest.raises(ExportError) as info:
        write_weights(session, target)
    assert str(info.value) == f"cannot write {target}: {NO_SPACE}"
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize("error", [errno.EIO, errno.EDQUOT])
def test_a_failed_sync_keeps_the_old_figure(qapp, monkeypatch, tmp_path, error):
    """Some file systems (NFS, quotas) report a lost write only when it is synced."""
    make_application()
    session = Session(Config(timesteps=3))
    target = tmp_path / "diagram.png"
    target.write_bytes(OLD)

    def fails(descriptor):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(atomic.os, "fsync", fails)
    with pytest.raises(ExportError) as info:
        write_figure(session, "diagram", target, "png", dpi=60)
    assert str(info.value) == f"cannot write {target}: {os.strerror(error)}"
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
