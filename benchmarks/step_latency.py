"""Step latency as a lecturer feels it: the Right key delivered to whatever has the
keyboard, through to every visible plot updated and painted, over a whole iteration
(forward, loss, backward, update), for an LSTM at T = 100, D = 64 and T = 1000, D = 256,
with the Training and Theory panels closed and open; with --depth, a 3-layer LSTM at
T = 100, D = 64 (300 cells a pass) instead. Keys come at a key-repeat pace of 30 a second.
JSON lines: median, p95 and max of the wall time, and of the process's CPU time per step
(cpu_*), which other programs on a shared machine disturb much less.

    python benchmarks/step_latency.py [--depth]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from driver import Key, close, lstm, open_window, press, settle

CASES = [(100, 64), (1000, 256)]
DEPTH_CASES = [(100, 64)]
DEPTH = {"layers": 3}
KEY_REPEAT_S = 1 / 30


def measure(T: int, D: int, panels: bool, depth: dict) -> tuple[list[float], list[float]]:
    window = open_window(lstm(T, D, **depth), panels)
    steps = window.session.steps_per_iteration  # 2 * T * cells + 2: forward, loss, backward, update
    times, cpu = [], []
    for _ in range(steps):
        start, start_cpu = time.perf_counter(), time.process_time()
        press(window, Key.Key_Right)
        settle(window)
        elapsed = time.perf_counter() - start
        times.append(elapsed * 1000.0)
        cpu.append((time.process_time() - start_cpu) * 1000.0)
        time.sleep(max(0.0, KEY_REPEAT_S - elapsed))
    assert window.session.position == steps, "every key press must take one step"
    close(window)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", action="store_true", help="a 3-layer LSTM at T = 100, D = 64")
    args = parser.parse_args()
    depth = DEPTH if args.depth else {}
    for T, D in DEPTH_CASES if args.depth else CASES:
        for panels in (False, True):
            times, cpu = measure(T, D, panels, depth)
            p95 = statistics.quantiles(times, n=20)[-1]
            layers = f"_L{depth['layers']}" if depth else ""
            name = f"step_latency_key_lstm{layers}_T{T}_D{D}_{'panels_open' if panels else 'panels_closed'}"
            emit(name, statistics.median(times), p95_ms=round(p95, 2), max_ms=round(max(times), 2),
                 over_100ms=sum(t > 100 for t in times), steps=len(times),
                 cpu_median_ms=round(statistics.median(cpu), 2),
                 cpu_p95_ms=round(statistics.quantiles(cpu, n=20)[-1], 2))


if __name__ == "__main__":
    main()
