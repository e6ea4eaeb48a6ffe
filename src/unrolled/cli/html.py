"""`unrolled export --format html`: the HTML replay (unrolled.replay) of the exported
session's iteration (a preset's or config's, --text's, or --weights' own model) as
replay.html, or with --lesson of every stop as NAME.html, a deck."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..replay.deck import write_lesson_deck
from ..replay.page import write_replay
from ..session.lessons import LessonError
from .lessons import load

if TYPE_CHECKING:
    from ..session.stepper import Session

HTML = "html"
REPLAY_FILE = "replay.html"  # one file per export, as trace.npz and weights.safetensors


def asks_html(args: argparse.Namespace) -> bool:
    return HTML in [f.strip().lower() for f in args.format.split(",")]


def write_replay_file(folder: str, session: Session, title: str, description: str) -> Path:
    """replay.html in `folder` (made and checked writable already): the session's current
    iteration, every step. OSError with the system's reason."""
    return write_replay(Path(folder) / REPLAY_FILE, session, title, description)


def export_deck(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`unrolled export --lesson NAME --format html --out DIR`: DIR/NAME.html, every stop."""
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if formats != [HTML]:
        parser.exit(2, f"{parser.prog}: error: --format: got {args.format!r}; a lesson's deck is html alone "
                       "(the handout: pdf, png)\n")
    lesson = load(args.lesson, parser)
    folder = Path(args.out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
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
