"""`unrolled export --format html`: the HTML replay (unrolled.replay) of the exported
session's iteration (a preset's or config's, --text's, or --weights' own model), or with
--lesson of every stop as a deck. The file is named after what it replays, as a figure is
named after the figure: the preset (vanishing-rnn.html), the config, text or weights file's
stem, the lesson (rnn-part-2.html); so two exports into one folder never overwrite each
other unless they replay the same thing."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..replay.deck import write_lesson_deck
from ..replay.page import write_replay
from ..session.atomic import unwritable_folder
from ..session.lessons import LessonError
from .lessons import load

if TYPE_CHECKING:
    from ..session.stepper import Session

HTML = "html"


def asks_html(args: argparse.Namespace) -> bool:
    return HTML in [f.strip().lower() for f in args.format.split(",")]


def replay_file_name(args: argparse.Namespace) -> str:
    """NAME.html after what is replayed: --text's, --weights' or --config's file stem, else
    the preset's name."""
    for option in ("text", "weights", "config"):
        value = getattr(args, option, None)
        if value is not None:
            return f"{Path(value).stem or option}.html"
    return f"{args.preset or 'char-rnn'}.html"


def write_replay_file(folder: str, name: str, session: Session, title: str, description: str,
                      accuracy: list[float | None] | None = None) -> Path:
    """`name` in `folder` (made and checked writable already): the session's current
    iteration, every step; its progress on stderr, a line per tenth. OSError with the
    system's reason."""
    return write_replay(Path(folder) / name, session, title, description, progress=_progress(name),
                        accuracy=accuracy)


PROGRESS_AFTER_S = 1.0  # a recording shorter than this prints nothing


def _progress(name: str):
    """A line on stderr per tenth of the recording once PROGRESS_AFTER_S have passed: a
    short export prints nothing, a long one (a deep net at T = 5000) says how far it has got."""
    started = time.perf_counter()
    told = [0]

    def progress(done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if tenth > told[0] and time.perf_counter() - started > PROGRESS_AFTER_S:
            told[0] = tenth
            print(f"{name}: {10 * tenth}% recorded ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return progress


def export_deck(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`unrolled export --lesson NAME --format html --out DIR`: DIR/NAME.html, every stop."""
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if formats != [HTML]:
        parser.exit(2, f"{parser.prog}: error: --format: got {args.format!r}; a lesson's deck is html alone "
                       "(the handout: pdf, png)\n")
    lesson = load(args.lesson, parser)
    folder = Path(args.out)
    refusal = unwritable_folder(folder)
    if refusal is not None:  # before any stop is recorded, as the other exports refuse a folder
        parser.exit(2, f"{parser.prog}: error: {refusal}\n")
    try:
        started = time.perf_counter()

        def progress(number: int, total: int) -> None:
            print(f"stop {number}/{total} recorded ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

        path = write_lesson_deck(folder / f"{lesson.name}.html", lesson, progress)
    except LessonError as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")
    except OSError as error:
        parser.exit(1, f"{parser.prog}: error: cannot write to {folder}: {error.strerror or error}\n")
    print(os.fspath(path))
    return 0

