"""The command line's lesson options, called from app.py and export.py: `unrolled
--list-lessons`, `unrolled --lesson NAME` and `unrolled export --lesson NAME --out DIR
--format pdf,png`."""

from __future__ import annotations

import argparse
import os
import sys
import time

from ..engine.quoting import one_line
from ..session.lessons import Lesson, LessonError, get_lesson, list_lessons

HANDOUT_FORMATS = ("pdf", "png")


def print_lessons() -> int:
    """One line each, starting with the name."""
    for lesson in list_lessons():
        print(f"{lesson.name:<28}{len(lesson.stops):>3} stops  {lesson.title}")
    return 0


def load(name: str, parser: argparse.ArgumentParser) -> Lesson:
    """The lesson NAME (built in, or a .json file), or exit 2 with the one-line reason."""
    try:
        return get_lesson(name)
    except LessonError as error:
        parser.exit(2, f"{parser.prog}: error: --lesson: {error}\n")


def export_handout(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`unrolled export --lesson NAME --out DIR [--format pdf,png] [--dpi N]`: the handout."""
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in HANDOUT_FORMATS for f in formats):
        parser.exit(2, f"{parser.prog}: error: --format: got {args.format!r}; a lesson's handout is pdf, png or both\n")
    if not 30 <= args.dpi <= 1200:
        parser.exit(2, f"{parser.prog}: error: --dpi: got {args.dpi}, expected 30 to 1200\n")
    lesson = load(args.lesson, parser)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no window, with or without a display
    from ..ui.app import make_application, quiet_qt_noise
    from ..ui.export.handout import write_handout
    from ..ui.export.writers import ExportError

    quiet_qt_noise()
    make_application()
    progress = StopProgress(lesson)
    try:
        written = write_handout(lesson, args.out, tuple(formats), args.dpi, progress=progress)
    except (ExportError, LessonError) as error:
        parser.exit(1, f"{progress.line_break}{parser.prog}: error: {error}\n")
    except KeyboardInterrupt:
        # every file is written under a temporary name and renamed when whole (session/atomic.py),
        # and the interrupt passes through those writers, which remove their temporary file
        parser.exit(130, f"{progress.line_break}{parser.prog}: interrupted: the handout is incomplete, "
                         "and no file is half-written\n")
    for path in written:
        print(path)
    return 0


class StopProgress:
    """A handout's progress callback (called once a stop's page is done) that keeps one line
    on stderr per stop: "stop 3/14: The POS-tagging example ... (1.2 s)". A stop's line is
    begun before its work, so a long stop shows which one is running; Ctrl+C stops it. An
    error or an interrupt meanwhile ends the open line first (`line_break`), so its own
    message is a line of its own."""

    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self.started = time.perf_counter()
        self.line_open = False
        self._begin(1)

    def _begin(self, number: int) -> None:
        title = one_line(self.lesson.stops[number - 1].title)
        # marked open before it is printed: a Ctrl+C right after the print must still end the line
        self.line_open = True
        print(f"stop {number}/{len(self.lesson.stops)}: {title} ...", end="", file=sys.stderr, flush=True)

    def __call__(self, number: int, _total: int) -> None:
        now = time.perf_counter()
        print(f" ({now - self.started:.1f} s)", file=sys.stderr, flush=True)
        self.line_open = False
        self.started = now
        if number < len(self.lesson.stops):
            self._begin(number + 1)

    @property
    def line_break(self) -> str:
        return "\n" if self.line_open else ""
