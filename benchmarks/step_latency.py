"""Step latency: one step of the session, through to every visible plot updated and
painted, for an LSTM at T = 100, D = 64 and at T = 1000, D = 256, over a whole iteration
(forward, loss, backward, update). Prints JSON lines with the median and the p95.

    QT_QPA_PLATFORM=offscreen python benchmarks/step_latency.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from PySide6 import QtWidgets

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.main_window import MainWindow

CASES = [(100, 64), (1000, 256)]


def measure(T: int, D: int) -> list[float]:
    config = Config(task="toxic-word", cell="lstm", timesteps=T, n_features=16, n_hidden=D).resolved()
    window = MainWindow(Session(config))
    window.resize(1600, 1000)
    window.show()
    QtWidgets.QApplication.processEvents()
    times = []
    for _ in range(2 * T + 2):
        start = time.perf_counter()
        window.session.step()
        window.redraw()  # what the 60 Hz timer does
        QtWidgets.QApplication.processEvents()  # every pending paint, done now
        times.append((time.perf_counter() - start) * 1000.0)
    window.close()
    return times


def main() -> None:
    make_application()
    for T, D in CASES:
        times = measure(T, D)
        p95 = statistics.quantiles(times, n=20)[-1]
        emit(f"step_latency_lstm_T{T}_D{D}", statistics.median(times), p95_ms=round(p95, 3),
             max_ms=round(max(times), 3), steps=len(times))


if __name__ == "__main__":
    main()
