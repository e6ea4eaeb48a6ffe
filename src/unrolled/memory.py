"""Large arrays given back to the system when freed.

glibc's malloc serves an allocation from its heap instead of a fresh mapping once it has
seen big blocks come and go (its threshold for mmap rises up to 32 MB). The weights of an
LSTM at D = 1024 are exactly such blocks, allocated and freed at every update and undo
step, and the heap they leave behind keeps the process about 100 MB larger after a few
dozen training iterations. A fixed threshold of 1 MB keeps every large array in its own
mapping, returned to the system as soon as it is freed. Elsewhere (macOS, Windows, musl)
nothing is changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # mallopt's parameter, from glibc's malloc.h
THRESHOLD_BYTES = 1 << 20


def return_large_arrays_to_the_system() -> bool:
    """True when glibc took the setting."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))
    except (OSError, AttributeError):  # not glibc: no mallopt
        return False
