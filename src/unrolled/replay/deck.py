"""A lesson as a deck of replays: every stop's model built, trained and stepped as the
lesson mode builds it (`session.lessons.build_stop`), its iteration recorded, with the
stop's title and text beside it. No Qt.

A stop with a comparison is replayed for its own model (network A); the page says so."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..session.lesson_text import text_html
from ..session.lessons import Lesson, Stop, build_stop
from .page import write_deck
from .record import record

# controls a stop's text may name that exist only in the app: what the page says instead
APP_ONLY = {
    "Theory panel": "the Theory panel (U's eigenvalues, rescaling ρ)",
    "Model panel": "the Model panel",
    "Return to stop": "Return to stop",
    "press T": "T (training)",
}


def app_only_note(text: str) -> str:
    """A line under a stop's text that names the app's controls it mentions, which a page
    without the app cannot offer; empty when it names none."""
    named = [what for phrase, what in APP_ONLY.items() if phrase in text]
    if not named:
        return ""
    return (f"<p class='app-only'>In the app: {', '.join(named)}. This page replays the stop's iteration; "
            "those controls are the app's.</p>")


def _stop_replay(lesson: Lesson, stop: Stop) -> dict[str, Any]:
    session = build_stop(stop, lesson=lesson.name)
    replay = record(session, lesson.title, lesson.description)
    last = len(replay["positions"]["phase"]) - 1
    note = ("<p><i>In the app this stop compares two networks; the replay shows the first, the stop's "
            "own model.</i></p>") if stop.compare is not None else ""
    # at and until count steps into the iteration after the training: the replay's positions
    text = text_html(stop.text) + note + app_only_note(stop.text)
    replay["stop"] = {"number": stop.number, "title": stop.title, "html": text,
                      "at": min(stop.at, last), "until": min(max(stop.until, stop.at), last)}
    return replay


def write_lesson_deck(path: str | os.PathLike[str], lesson: Lesson,
                      progress: Callable[[int, int], object] | None = None) -> Path:
    """The lesson as one .html deck at `path`; progress(number, total) after each stop.
    LessonError (one line) when a stop cannot be built."""
    replays = []
    for stop in lesson.stops:
        replays.append(_stop_replay(lesson, stop))
        if progress is not None:
            progress(stop.number, len(lesson.stops))
    return write_deck(path, replays, lesson.title)
