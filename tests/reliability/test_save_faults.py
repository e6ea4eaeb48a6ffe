"""The table, category 4: faults at every write of a save. Each row makes one call of a save
fail (or every call from one on, as a disk that turns read-only); the save must say so in
one line, and the previous save must open exactly as before, with no debris left."""

from __future__ import annotations

import errno
import os
import pathlib

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.files import SessionFileError, load_session, save_session
from unrolled.session.stepper import Session

# the calls a save makes, each of which can fail
TARGETS = {
    "os.replace": (os, "replace"),
    "open": (__import__("builtins"), "open"),
    "np.savez_compressed": (np, "savez_compressed"),
    "Path.write_text": (pathlib.Path, "write_text"),
    "Path.read_bytes": (pathlib.Path, "read_bytes"),
}


class Faults:
    """Wraps one callable: counts the calls that touch `folder`, and fails call number
    `at` (or every call from `at` on, when `persistent`) with `error`."""

    def __init__(self, monkeypatch, target: str, folder: pathlib.Path, at: int | None = None,
                 persistent: bool = False, error=errno.ENOSPC, half_written: bool = False):
        owner, name = TARGETS[target]
        original = getattr(owner, name)
        self.calls = 0

        def touches(args) -> bool:
            return any(str(folder) in str(a) or (hasattr(a, "name") and str(folder) in str(a.name))
                       for a in args[:2])

        def wrapper(*args, **kwargs):
            if not touches(args):
                return original(*args, **kwargs)
            number = self.calls
            self.calls += 1
            if at is not None and (number == at or (persistent and number > at)):
                if half_written and target == "np.savez_compressed":
                    args[0].write(b"PK\x03\x04 half an archive")
                raise OSError(error, os.strerror(error))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)


def _state(session):
    return session.iteration, session.position, {k: v.copy() for k, v in session.net.params.items()}


def _same(a, b):
    assert a[:2] == b[:2]
    for name in a[2]:
        np.testing.assert_array_equal(a[2][name], b[2][name])


@pytest.fixture
def previous(tmp_path):
    """A saved lecture, and the session that has moved on since."""
    session = Session(Config(optimiser="adam", learning_rate=0.01, timesteps=5))
    session.advance(4)
    path, _ = save_session(session, tmp_path / "lecture.json")
    saved = _state(load_session(path))
    session.run_iteration()
    session.advance(3)
    return session, path, saved


def _count(monkeypatch, target, session, folder):
    with monkeypatch.context() as patch:
        faults = Faults(patch, target, folder)
        save_session(session, folder / "count.json")
    for leftover in folder.glob("count.*"):
        leftover.unlink()
    return faults.calls


ROWS = [(target, persistent) for target in TARGETS for persistent in (False, True)]


@pytest.mark.parametrize("target,persistent", ROWS, ids=[f"{t}{' from then on' if p else ''}" for t, p in ROWS])
def test_a_fault_at_every_call_keeps_the_previous_save(monkeypatch, previous, tmp_path, target, persistent):
    session, path, saved = previous
    calls = _count(monkeypatch, target, session, tmp_path)
    assert calls >= 1, f"a save never calls {target}"
    moved_on = _state(session)
    for at in range(calls):
        with monkeypatch.context() as patch:
            Faults(patch, target, tmp_path, at=at, persistent=persistent)
            with pytest.raises(SessionFileError) as info:
                save_session(session, path)
        message = str(info.value)
        assert "\n" not in message and "lecture.json" in message and "No space left on device" in message
        _same(_state(load_session(path)), saved)  # the previous save opens as before
        _same(_state(session), moved_on)  # and the open session is untouched
        assert not list(tmp_path.glob(".*.partial"))
        # the old weights stay under a second name only when even putting them back failed
        assert persistent or not list(tmp_path.glob(".*.previous"))
    save_session(session, path)  # once the fault is gone, saving works again
    _same(_state(load_session(path)), moved_on)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.json", "lecture.npz"]


def test_a_half_written_archive_keeps_the_previous_save(monkeypatch, previous, tmp_path):
    session, path, saved = previous
    with monkeypatch.context() as patch:
        Faults(patch, "np.savez_compressed", tmp_path, at=0, half_written=True)
        with pytest.raises(SessionFileError, match="No space left on device"):
            save_session(session, path)
    _same(_state(load_session(path)), saved)
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize("error", [errno.EACCES, errno.EROFS, errno.EPERM, errno.EIO])
def test_every_kind_of_refusal_is_named(monkeypatch, previous, tmp_path, error):
    session, path, saved = previous
    with monkeypatch.context() as patch:
        Faults(patch, "os.replace", tmp_path, at=1, error=error)
        with pytest.raises(SessionFileError) as info:
            save_session(session, path)
    assert os.strerror(error) in str(info.value)
    _same(_state(load_session(path)), saved)


def test_a_memory_error_while_compressing_keeps_the_previous_save(monkeypatch, previous, tmp_path):
    session, path, saved = previous

    def no_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(np, "savez_compressed", no_memory)
    with pytest.raises(SessionFileError, match="not enough memory"):
        save_session(session, path)
    monkeypatch.undo()
    _same(_state(load_session(path)), saved)
    assert not list(tmp_path.glob(".*partial"))


def test_failing_to_remove_the_old_files_after_a_save_is_harmless(monkeypatch, previous, tmp_path):
    session, path, _ = previous
    moved_on = _state(session)

    def cannot_unlink(self, missing_ok=False):
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    monkeypatch.setattr(pathlib.Path, "unlink", cannot_unlink)
    save_session(session, path)
    monkeypatch.undo()
    _same(_state(load_session(path)), moved_on)


def test_a_real_full_disk_keeps_the_previous_save(full_disk):
    """The rows above inject the fault; here the disk (a small tmpfs) really is full."""
    session = Session(Config(optimiser="adam", learning_rate=0.01, timesteps=5))
    session.advance(4)
    path, _ = save_session(session, full_disk.folder / "lecture.json")
    saved = _state(load_session(path))
    before = full_disk.files()
    session.run_iteration()
    session.advance(3)
    full_disk.fill()
    with pytest.raises(SessionFileError) as info:
        save_session(session, path)
    assert str(info.value) == f"cannot write {path}: No space left on device; the previous save is kept"
    assert full_disk.files() == before
    _same(_state(load_session(path)), saved)
