"""unrolled/memory.py: on Linux with glibc, the app's main sets malloc's mmap threshold so
that freed weight arrays go back to the system (benchmarks/memory.py: RSS after 30 training
iterations at D = 1024 about 100 MB lower); elsewhere the call says it did nothing.
Importing unrolled sets nothing (tests/test_process.py)."""

import sys

import pytest

from unrolled.memory import return_large_arrays_to_the_system


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_glibc_takes_the_setting():
    assert return_large_arrays_to_the_system() is True


def test_elsewhere_nothing_is_changed(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert return_large_arrays_to_the_system() is False
