"""The replay inline in a Jupyter notebook: the same page in an iframe (its own document,
so its keys and its `window.unrolled` do not meet the notebook's). No Qt.

    from unrolled.replay.notebook import Replay
    Replay(session)          # the last line of a cell: the iteration, every step
"""

from __future__ import annotations

import html

from ..session.stepper import Session
from .page import page_html
from .record import default_title, record


class Replay:
    """The session's current iteration recorded now, opening at the session's step; shown by
    Jupyter through `_repr_html_`."""

    def __init__(self, session: Session, title: str = "", height: int = 720):
        self.title = title or default_title(session)
        self.height = height
        replay = record(session, self.title, at=session.position)
        self.page = page_html([replay], f"{self.title}: backpropagation through time")

    def _repr_html_(self) -> str:
        # srcdoc keeps the file offline and self-contained; allow-scripts alone: the player
        # needs nothing else (no same origin, no forms, no pop-ups)
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {int(self.height)}px; border: 0" '
                f'title="{html.escape(self.title, quote=True)}: the HTML replay"></iframe>')
