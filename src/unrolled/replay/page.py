"""One self-contained HTML file: the player's script and style and the recorded numbers,
all inline; nothing is fetched, so the file opens from a USB stick or an e-mail. No Qt."""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from ..session.atomic import write_bytes_atomically
from ..session.stepper import Session
from .record import Progress, default_title, record

# the scripts are inlined in this order: each uses the ones before it
PLAYER_FILES = ("player.css", "draw.js", "tables.js", "player.js")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    """JSON inside <script>: "</" would end the element, and U+2028/9 end a JS line."""
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page_html(replays: list[dict[str, Any]], title: str) -> str:
    """The page for one replay, or a deck of them (a lesson: one per stop)."""
    scripts = "\n".join(_asset(name) for name in PLAYER_FILES if name.endswith(".js"))
    data = _script_safe(json.dumps({"replays": replays}, allow_nan=False, separators=(",", ":")))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{_asset('player.css')}</style>\n</head>\n"
        "<body>\n<main id=\"player\"></main>\n"
        f"<script type=\"application/json\" id=\"unrolled-data\">{data}</script>\n"
        f"<script>\n{scripts}</script>\n</body>\n</html>\n"
    )


def write_replay(path: str | os.PathLike[str], session: Session, title: str = "", description: str = "",
                 at: int | None = None, progress: Progress | None = None,
                 accuracy: list[float | None] | None = None) -> Path:
    """The session's current iteration as one .html file at `path`, written whole or not
    at all, opening at position `at` (default: the start); progress and accuracy as `record`'s."""
    name = title or default_title(session)
    replay = record(session, name, description, at, progress, accuracy)
    text = page_html([replay], f"{name}: backpropagation through time")
    return _write(path, text)


def write_deck(path: str | os.PathLike[str], replays: list[dict[str, Any]], title: str) -> Path:
    """Replays already recorded (a lesson's stops, each with its title and text) as one deck."""
    return _write(path, page_html(replays, title))


def _write(path: str | os.PathLike[str], text: str) -> Path:
    target = Path(path)
    write_bytes_atomically(target, text.encode("utf-8"))
    return target
