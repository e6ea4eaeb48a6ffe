"""Setting up each stop of the built-in lessons, as the lecturer reaches it: Ctrl+PgDown
(Next stop) in the window, timed from the key press to the window idle and painted, and
the stop's own set-up time (`last_build_seconds`). A stop whose set-up passes
SHOW_PROGRESS_AFTER shows a progress dialog in the lecture. JSON lines: per lesson, the
median and the slowest stop over the repeats.

    python benchmarks/lesson_stops.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from driver import Key, Modifier, close, open_window, press, settle

from unrolled.session.config import Config
from unrolled.session.lessons import get_lesson, lesson_names
from unrolled.ui.lessons.stop_progress import SHOW_PROGRESS_AFTER


def walk(name: str) -> tuple[list[float], list[float]]:
    """Each stop after the first, reached by Ctrl+PgDown: (key to idle ms, set-up ms)."""
    window = open_window(Config(), panels=False)
    window.lessons.start(get_lesson(name))
    settle(window)
    to_idle, set_up = [], []
    for _ in range(len(window.lessons.lesson.stops) - 1):
        start = time.perf_counter()
        press(window, Key.Key_PageDown, Modifier.ControlModifier)
        settle(window)
        to_idle.append((time.perf_counter() - start) * 1000.0)
        set_up.append(window.lessons.last_build_seconds * 1000.0)
    close(window)
    return to_idle, set_up


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for name in lesson_names():
        rounds = [walk(name) for _ in range(args.repeats)]
        per_stop = [statistics.median(times) for times in zip(*(r[1] for r in rounds), strict=True)]
        to_idle = [statistics.median(times) for times in zip(*(r[0] for r in rounds), strict=True)]
        slowest = max(range(len(per_stop)), key=per_stop.__getitem__)
        emit(f"lesson_stops_{name}", statistics.median(per_stop), slowest_stop=slowest + 2,
             slowest_set_up_ms=round(per_stop[slowest], 1), slowest_key_to_idle_ms=round(max(to_idle), 1),
             over_progress_threshold=sum(ms > SHOW_PROGRESS_AFTER * 1000 for ms in per_stop),
             stops=len(per_stop) + 1, repeats=args.repeats)


if __name__ == "__main__":
    main()
