"""The transport: the stepping commands (step, step back, play, finish the phase, run the
iteration, reset, new sample, stop) as actions with their keys, the chunked runner and the
player that carry out the long ones, and the guard that makes a command wait while a long
run or training is going. The main window drives a Session with it, the compare window a
Comparison."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.events import Change, Signal
from .actions import make_action
from .runner import ChunkedRunner, Player


class Steppable(Protocol):
    """What the transport drives: a Session, or two in lockstep."""

    changed: Signal  # carries a Change

    @property
    def can_step_back(self) -> bool: ...

    def step(self) -> None: ...

    def step_back(self) -> None: ...

    def advance(self, n: int) -> None: ...

    def steps_to(self, target: str) -> int: ...

    def reset(self) -> None: ...


# name, text, keys (the first is shown; presenter remotes send PgDown / PgUp), what it does
COMMANDS = {
    "step_back": ("Step back", ("Left", "PgUp"), "Undo the last step exactly"),
    "step": ("Step", ("Right", "PgDown"),
             "Take one step: a timestep forward or backward, the loss, or the update"),
    "play": ("Play", ("Space",), "Play or pause; pauses at the end of an iteration"),
    "finish": ("Finish phase", ("Shift+Right",), "Go to the end of the phase"),
    "iteration": ("Run iteration", ("Ctrl+Right",), "Complete the iteration"),
    "reset": ("Reset", ("R",), "Fresh weights and sample from the seed"),
    "new_sample": ("New sample", ("N",), "Draw a new input sequence from the task"),
    "stop": ("Stop", ("Esc",), "Stop a long run or training"),
}


class Transport(QtCore.QObject):
    """The stepping commands of one window, bound to what it drives.

    host: the window; the actions are its own, so their keys work whatever has focus in it.
    commands: which of COMMANDS the window offers ("play" needs a target with a phase,
    "new_sample" one with new_sample()).
    busy: further reasons to wait (a training run); stops: what Stop stops besides the
    runner and the player.
    """

    def __init__(self, target: Steppable, host: QtWidgets.QWidget, commands: tuple[str, ...] = tuple(COMMANDS),
                 busy: Callable[[], bool] = lambda: False, stops: Callable[[], None] = lambda: None,
                 tip_suffix: str = ""):
        super().__init__(host)
        self.target = target
        self.runner = ChunkedRunner(target, self)  # type: ignore[arg-type]  # any Steppable
        self.player = Player(target, self) if "play" in commands else None  # type: ignore[arg-type]  # any Steppable
        self._busy, self._stops = busy, stops
        slots = {"step_back": self.step_back, "step": self.step, "play": self.toggle_play,
                 "finish": lambda: self.run_to("phase"), "iteration": lambda: self.run_to("iteration"),
                 "reset": self.reset, "new_sample": self.new_sample, "stop": self.stop}
        self.actions: dict[str, QtGui.QAction] = {}
        for name in commands:
            text, keys, tip = COMMANDS[name]
            self.actions[name] = make_action(host, text, keys, slots[name], tip + tip_suffix)
        if self.player is not None:
            self.player.playing_changed.connect(self._on_playing_changed)
        target.changed.connect(self._on_target_changed)
        self._on_target_changed(Change(0))

    def detach(self) -> None:
        """The window closes: stop everything and stop listening."""
        self.stop()
        self.target.changed.disconnect(self._on_target_changed)

    @property
    def busy(self) -> bool:
        """A long run or training is going: stepping commands wait for it."""
        return self.runner.busy or self._busy()

    # -- commands -----------------------------------------------------------------------
    def step(self) -> None:
        if not self.busy:
            self.target.step()

    def step_back(self) -> None:
        if not self.busy and self.target.can_step_back:
            self.pause()
            self.target.step_back()

    def run_to(self, where: str) -> None:
        """Finish the phase or the iteration, in chunks that keep the window live."""
        if not self.busy:
            self.runner.start(self.target.steps_to(where))

    def toggle_play(self) -> None:
        if self.player is not None and (self.player.playing or not self.busy):
            self.player.toggle()

    def pause(self) -> None:
        if self.player is not None:
            self.player.pause()

    def halt(self) -> None:
        """End a long run and play (training goes on)."""
        self.runner.cancel()
        self.pause()

    def stop(self) -> None:
        self.halt()
        self._stops()

    def reset(self) -> None:
        self.stop()
        self.target.reset()

    def new_sample(self) -> None:
        self.stop()
        self.target.new_sample()  # type: ignore[attr-defined]  # offered only for a Session

    # -- model -> view ------------------------------------------------------------------
    def _on_target_changed(self, change: Change) -> None:
        if change & Change.REBUILT:  # another model: a run or play must not step it
            self.halt()
        if "step_back" in self.actions:
            self.actions["step_back"].setEnabled(self.target.can_step_back)

    def _on_playing_changed(self, playing: bool) -> None:
        self.actions["play"].setText("Pause" if playing else "Play")
