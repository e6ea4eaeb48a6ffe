"""Memory held flat: the resident set size (RSS) of the process over 3000 Right-key steps
of an LSTM at T = 10, D = 256, and over 30 training iterations at D = 1024 started with
the T key, with the Training and Theory panels open; with --depth, 3000 steps of a 2-layer
bidirectional LSTM at T = 10, D = 256 alone. JSON lines: the growth in MB (the median_ms
field holds the time the run took).

    python benchmarks/memory.py [--depth]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from driver import Key, close, lstm, open_window, press, settle, started


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:  # Linux: pages
        pages = int(handle.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


DEPTH = {"layers": 2, "bidirectional": True}


def steps(n: int, depth: dict) -> None:
    window = open_window(lstm(10, 256, **depth), panels=True)
    for _ in range(200):  # warm up: caches, the first iterations kept for undo
        press(window, Key.Key_Right)
    settle(window)
    start, before = time.perf_counter(), rss_mb()
    for i in range(n):
        press(window, Key.Key_Right)
        if i % 50 == 0:
            settle(window)
    settle(window)
    stack = "_L2_bidirectional" if depth else ""
    emit(f"memory_{n}_key_steps_lstm{stack}_T10_D256", (time.perf_counter() - start) * 1000.0,
         rss_growth_mb=round(rss_mb() - before, 1), rss_mb=round(rss_mb(), 1),
         undo_mb=round(window.session.undo_bytes / 2**20, 1))
    close(window)


def training(iterations: int) -> None:
    window = open_window(lstm(20, 1024), panels=True)
    window.training_panel.iterations.setValue(2)
    press(window, Key.Key_T)  # warm up
    started(window)
    settle(window)
    start, before = time.perf_counter(), rss_mb()
    window.training_panel.iterations.setValue(iterations)
    press(window, Key.Key_T)
    started(window)
    settle(window)
    emit("memory_30_training_iterations_lstm_T20_D1024", (time.perf_counter() - start) * 1000.0,
         rss_growth_mb=round(rss_mb() - before, 1), rss_mb=round(rss_mb(), 1))
    close(window)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", action="store_true", help="the steps of a 2-layer bidirectional LSTM alone")
    args = parser.parse_args()
    steps(3000, DEPTH if args.depth else {})
    if not args.depth:
        training(30)


if __name__ == "__main__":
    main()
