"""Consecutive windows of a text with the state carried from each to the next (config
`carry_state`), as min-char-rnn trains. No Qt.

The text of N characters is cut into B stretches of S = N // B characters, one per sequence
of the batch (char-rnn's layout); window n of sequence b is characters b S + n T .. b S + (n+1) T
and its targets one character on. When the next window would run past its stretch, the
stream starts over at offset 0 from a zero state (min-char-rnn: `p = 0; hprev = 0`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.carried import CarriedState
from ..engine.tasks.char_lm import CharLM


@dataclass
class TextStream:
    """Where the next window starts (`offset` into every stretch) and the state it starts
    from (`state`, None: zeros). `window_state` is the state the window last handed out
    starts from."""

    task: CharLM
    T: int
    B: int
    offset: int = 0
    state: CarriedState | None = None
    window_state: CarriedState | None = field(default=None)
    windows: int = 0  # windows handed out

    @property
    def stretch(self) -> int:
        """S: characters in each sequence's stretch of the text."""
        return len(self.task.text()) // self.B

    def next_window(self) -> tuple[np.ndarray, np.ndarray]:
        """(X (B, T, F) one-hot, Y (B, T)) of the next window; its initial state is then
        `window_state`. The stretch's last character is a target only: offset + T <= S - 1."""
        if self.offset + self.T > self.stretch - 1:
            self.offset, self.state = 0, None
        starts = np.arange(self.B) * self.stretch + self.offset
        self.window_state = self.state
        self.offset += self.T
        self.windows += 1
        return self.task.windows(starts, self.T)

    def end_window(self, final: CarriedState) -> None:
        """The state the window last handed out ended in: the next window starts from it."""
        self.state = final
