"""Play and train as a lecturer does, with the Training and Theory panels open: Space plays
an LSTM at D = 1024 (T = 20) for a few seconds while a 10 ms timer measures how late the
event loop answers (the window's worst freeze); T trains an LSTM at T = 50, D = 32 and the
iterations per second are set against the trainer alone in the same run. JSON lines.

    python benchmarks/play_and_train.py [--seconds S] [--iterations N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from driver import Key, close, lstm, open_window, press, settle, started
from PySide6 import QtCore, QtWidgets

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.session.training import Trainer


def play(seconds: float) -> None:
    window = open_window(lstm(20, 1024), panels=True)
    window.speed.setValue(30)  # steps a second
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000.0)
        last[0] = now

    probe = QtCore.QTimer()
    probe.timeout.connect(tick)
    probe.start(10)
    press(window, Key.Key_Space)
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        if not window.player.playing:  # it pauses at the end of an iteration: go on
            press(window, Key.Key_Space)
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    probe.stop()
    press(window, Key.Key_Space)
    settle(window)
    freezes = sorted(gaps)
    emit("play_lstm_T20_D1024_panels_open_event_loop_gap", statistics.median(freezes),
         p95_ms=round(statistics.quantiles(freezes, n=20)[-1], 1), max_ms=round(freezes[-1], 1),
         over_100ms=sum(g > 100 for g in freezes), seconds=seconds)
    close(window)


def train(iterations: int) -> None:
    config = Config(task="adding-problem", cell="lstm", timesteps=50, n_features=2, n_classes=1,
                    mode="many-to-one", loss="mse", n_hidden=32, batch_size=8, optimiser="adam",
                    learning_rate=0.01, clipping="norm", clip_threshold=1.0)
    window = open_window(config, panels=True)
    window.training_panel.iterations.setValue(iterations)
    press(window, Key.Key_T)
    started(window)  # T, one letter, acts after LETTER_WAIT_MS (a word may be being typed): not timed
    start = time.perf_counter()
    settle(window)
    ui = iterations / (time.perf_counter() - start)
    trainer = Trainer(Session(config))
    start = time.perf_counter()
    trainer.train(iterations)
    alone = iterations / (time.perf_counter() - start)
    emit("train_key_lstm_T50_D32_B8_panels_open", 1000.0 / ui, iterations_per_second=round(ui, 1),
         trainer_alone_per_second=round(alone, 1), ratio=round(alone / ui, 2), iterations=iterations)
    close(window)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    play(args.seconds)
    train(args.iterations)


if __name__ == "__main__":
    main()
