"""Training speed with the plots live: an LSTM at T = 50, D = 32 trains in the window's
Training panel (the main plots and the training plots redrawing at up to 60 Hz). JSON lines.

    QT_QPA_PLATFORM=offscreen python benchmarks/train_speed.py [--iterations N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from PySide6 import QtCore

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.main_window import MainWindow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=600)
    args = parser.parse_args()
    app = make_application()
    for B in (1, 32):
        config = Config(task="adding-problem", cell="lstm", timesteps=50, n_features=2, n_classes=1,
                        mode="many-to-one", loss="mse", n_hidden=32, batch_size=B, optimiser="adam",
                        learning_rate=0.01, clipping="norm", clip_threshold=1.0)
        window = MainWindow(Session(config))
        window.resize(1600, 1000)
        window.show()
        app.processEvents()
        panel = window.training_panel
        panel.iterations.setValue(args.iterations)
        loop = QtCore.QEventLoop()
        panel.runner.finished.connect(loop.quit)
        start = time.perf_counter()
        window.train()
        loop.exec()
        seconds = time.perf_counter() - start
        rate = args.iterations / seconds
        emit(f"train_lstm_T50_D32_B{B}_plots_live", 1000.0 / rate, iterations_per_second=round(rate, 1),
             iterations=args.iterations)
        window.close()


if __name__ == "__main__":
    main()
