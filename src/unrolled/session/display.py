"""How a session shows itself in Jupyter: a cell ending in `session` shows the HTML replay
of its iteration. The replay is a layer above the session (unrolled.replay), which the
session may not import, so the replay registers its drawing here; `unrolled/__init__`
registers it for every import of the package, without loading it until a notebook asks.
No Qt, and nothing but this module's own name imported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_draw_html: Callable[[Any], str] | None = None


def register_html(draw: Callable[[Any], str]) -> None:
    """`draw(session)` -> the HTML Jupyter shows for a session."""
    global _draw_html
    _draw_html = draw


class Displayed:
    """Session's `_repr_html_`: the registered drawing; None (Jupyter shows the text repr)
    when none is registered."""

    def _repr_html_(self) -> str | None:
        return None if _draw_html is None else _draw_html(self)
