"""A lesson stop's text as HTML, for the lesson pane, the handout and any page that shows
a stop: the lesson files' small markup (**strong**, *emphasis*, blank-line paragraphs)."""

from __future__ import annotations

import re
from html import escape

_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"\*(.+?)\*")


def text_html(text: str) -> str:
    """A stop's text as HTML: **strong**, *emphasis*, paragraphs at blank lines; the rest
    (inline math in plain Unicode) as written."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = []
    for paragraph in paragraphs:
        words = _EMPHASIS.sub(r"<i>\1</i>", _STRONG.sub(r"<b>\1</b>", escape(paragraph, quote=False)))
        html.append(f"<p>{words}</p>")
    return "".join(html)
