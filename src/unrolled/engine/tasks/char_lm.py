"""The character-level language model (min-char-rnn, char-rnn): predict the next character
of a text. The vocabulary is the text's own characters, sorted; F = C = its size, one-hot
inputs; many-to-many, each sample a window of T characters at a random place, its targets
the same window moved on by one character.

Without a text of the user's: the docstrings of a fixed list of the standard library's
modules, read from the running Python when first asked (nothing of it is in this package).
"""

from __future__ import annotations

import functools
import importlib
import inspect

import numpy as np

from ..losses import one_hot
from .base import Task

# modules whose docstrings make the default text: prose about programming, in every Python
DOCSTRING_MODULES = ("textwrap", "string", "json", "csv", "difflib", "fractions", "heapq", "bisect",
                     "functools", "collections", "statistics", "calendar", "shlex", "fnmatch", "argparse")
# a character that reads as itself in a label, for those that would not
SHOWN = {"\n": "\\n", "\t": "\\t", " ": "␣"}


@functools.cache
def standard_library_text() -> str:
    """The docstrings of DOCSTRING_MODULES and of their public classes and functions, in
    order, separated by blank lines."""
    parts: list[str] = []
    for name in DOCSTRING_MODULES:
        module = importlib.import_module(name)
        parts.append(inspect.getdoc(module) or "")
        for member_name, member in sorted(vars(module).items()):
            defined_here = getattr(member, "__module__", None) == name
            documented = inspect.isclass(member) or inspect.isfunction(member)
            if not member_name.startswith("_") and defined_here and documented:
                parts.append(inspect.getdoc(member) or "")
    return "\n\n".join(p for p in parts if p)


def shown(character: str) -> str:
    return SHOWN.get(character, character)


class CharText:
    """A text as the model reads it: its characters `chars` (sorted, the vocabulary) and
    `ids` (N,), each character's index in `chars`. `source` names it in messages."""

    def __init__(self, text: str, source: str):
        if not text:
            raise ValueError(f"{source}: the text is empty")
        self.source = source
        self.chars: tuple[str, ...] = tuple(sorted(set(text)))
        lookup = {c: i for i, c in enumerate(self.chars)}
        self.ids = np.fromiter((lookup[c] for c in text), dtype=np.int64, count=len(text))

    def __len__(self) -> int:
        return len(self.ids)

    def decode(self, ids) -> str:
        return "".join(self.chars[i] for i in np.asarray(ids).ravel())


class CharLM(Task):
    """Next character of a text; `text()` is loaded when first needed, so the app's list of
    tasks costs nothing until this one is chosen."""

    name = "char-lm"
    title = "Character-level language model"
    description = ("Predict the next character of a text (min-char-rnn, char-rnn): F = C = the number of "
                   "different characters; each sample is a window of T characters.")
    mode = "many-to-many"
    min_T = 1

    def __init__(self, text: CharText | None = None):
        self._text = text

    def text(self) -> CharText:
        if self._text is None:
            self._text = CharText(standard_library_text(), "the standard library's docstrings")
        return self._text

    @property
    def n_features(self) -> int:  # type: ignore[override]  # the text decides F
        return len(self.text().chars)

    @property
    def n_classes(self) -> int:  # type: ignore[override]  # the text decides C
        return len(self.text().chars)

    @property
    def fixed_reason(self) -> str:  # type: ignore[override]  # names the text
        return f"F and C are the number of different characters in {self.text().source} ({self.n_features})"

    def problems(self, T: int, F: int, C: int, mode: str | None = None, loss: str | None = None) -> dict[str, str]:
        problems = super().problems(T, F, C, mode, loss)
        longest = len(self.text()) - 1  # a window of T inputs and its T targets, one character on
        if "T" not in problems and longest < T:
            problems["T"] = (f"got {T}, but {self.text().source} has {len(self.text())} characters: "
                             f"T needs T + 1 of them, so T <= {longest}")
        return problems

    def windows(self, starts: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray]:
        """(X (B, T, F) one-hot, Y (B, T) the next characters) of the windows at `starts` (B,)."""
        text = self.text()
        rows = starts[:, None] + np.arange(T)[None]
        return one_hot(text.ids[rows], len(text.chars)), text.ids[rows + 1]

    def _sample(self, T, F, C, B, rng):
        return self.windows(rng.integers(0, len(self.text()) - T, size=B), T)

    def input_labels(self, X):
        return [shown(self.text().chars[i]) for i in np.argmax(X, axis=-1)]

    def target_labels(self, Y):
        return [shown(self.text().chars[i]) for i in np.asarray(Y).ravel()]
