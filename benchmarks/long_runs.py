"""Run iteration (Ctrl+Right) and Finish phase (Shift+Right) through the window, with the
Training and Theory panels open, against the session's own run_iteration / finish_phase
on a twin session in the same run (interleaved, so a slow spell hits both); with --depth,
a 2-layer bidirectional LSTM at T = 1000, D = 256 (4000 cells a pass). JSON lines: the
window's median, the session's median and their ratio.

    python benchmarks/long_runs.py [--repeats N] [--depth]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from driver import Key, Modifier, close, lstm, open_window, press, settle

from unrolled.session.stepper import Session

CASES = [(300, 128), (1000, 256)]
DEPTH_CASES = [(1000, 256)]
DEPTH = {"layers": 2, "bidirectional": True}


def through_window(window, modifier) -> float:
    start = time.perf_counter()
    press(window, Key.Key_Right, modifier)
    settle(window)
    return (time.perf_counter() - start) * 1000.0


def session_alone(session: Session, method: str) -> float:
    start = time.perf_counter()
    getattr(session, method)()
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--depth", action="store_true", help="a 2-layer bidirectional LSTM at T = 1000, D = 256")
    args = parser.parse_args()
    depth = DEPTH if args.depth else {}
    stack = "_L2_bidirectional" if args.depth else ""
    for T, D in DEPTH_CASES if args.depth else CASES:
        config = lstm(T, D, **depth)
        window = open_window(config, panels=True)
        twin = Session(config)
        runs = {"run_iteration": ([], [], Modifier.ControlModifier), "finish_phase": ([], [], Modifier.ShiftModifier)}
        for _ in range(args.repeats):
            for method, (ui, alone, modifier) in runs.items():
                ui.append(through_window(window, modifier))
                alone.append(session_alone(twin, method))
        for method, (ui, alone, _) in runs.items():
            ratio = statistics.median(ui) / statistics.median(alone)
            emit(f"{method}_key_lstm{stack}_T{T}_D{D}_panels_open", statistics.median(ui),
                 session_ms=round(statistics.median(alone), 2), ratio=round(ratio, 2), repeats=args.repeats)
        close(window)


if __name__ == "__main__":
    main()
