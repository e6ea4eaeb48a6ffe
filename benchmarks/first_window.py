"""Time from launching a fresh Python process to the first painted main window, as the
`unrolled` command does it (import, QApplication, window, first paint). JSON lines. Beside
the wall-clock median, the median CPU time of the whole child process (to its exit): on a
machine others share it moves far less than the wall clock does.

An installed app runs from compiled bytecode; a source tree under PYTHONDONTWRITEBYTECODE
would be compiled anew by every run (about a tenth of a second). So the children write and
read their bytecode under one cache folder outside the tree, warmed by a first, untimed run.

    python benchmarks/first_window.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit

_CHILD = r"""
import sys, time
from PySide6 import QtCore, QtWidgets
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.window.main_window import MainWindow
from unrolled.process import set_up_process

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Type.Paint:
            print(time.time(), flush=True)
            QtCore.QTimer.singleShot(0, QtWidgets.QApplication.quit)
            obj.removeEventFilter(self)
        return False

set_up_process()
app = make_application()
window = MainWindow(SESSION)
spy = FirstPaint()
window.diagram.installEventFilter(spy)
window.show()
app.exec()
"""


def child_script(session: str) -> str:
    """The child's program: import, QApplication, a window on `session` (a Python
    expression over `Session` and `sys`), and the wall-clock time of its first paint."""
    return _CHILD.replace("SESSION", session)


CHILD = child_script("Session()")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "unrolled-benchmark-bytecode"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", CHILD], capture_output=True, env=env, check=True)  # warms the cache
    times, cpu = [], []
    for _ in range(args.repeats):
        used = _children_cpu_s()
        start = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
        painted = float(out.stdout.strip().splitlines()[-1])
        times.append((painted - start) * 1000.0)
        cpu.append((_children_cpu_s() - used) * 1000.0)
    emit("first_window_painted", statistics.median(times), max_ms=round(max(times), 1),
         cpu_ms=round(statistics.median(cpu), 1), repeats=args.repeats)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
