"""The command line's lesson commands, called from cli.py: `unrolled --list-lessons`,
`unrolled --lesson NAME` and `unrolled export --lesson NAME --out DIR --format pdf,png`."""

from __future__ import annotations

import argparse
import os

from .session.lessons import Lesson, LessonError, get_lesson, list_lessons

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
    from .ui.app import make_application, quiet_qt_noise
    from .ui.export import ExportError
    from .ui.handout import write_handout

    quiet_qt_noise()
    make_application()
    try:
        written = write_handout(lesson, args.out, tuple(formats), args.dpi)
    except (ExportError, LessonError) as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")
    for path in written:
        print(path)
    return 0
