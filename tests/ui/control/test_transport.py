"""The transport drives anything with the Steppable interface: a fake one here, so the
busy guard, Stop and the halt on a rebuild are tested without a session or a window."""

from PySide6 import QtWidgets

from unrolled.session.events import Change, Signal
from unrolled.session.stepper import Phase
from unrolled.ui.control.transport import Transport


class Counter:
    """A Steppable that counts: position goes up by step and advance, down by step_back."""

    def __init__(self):
        self.changed = Signal()
        self.position, self.resets, self.samples = 0, 0, 0
        self.phase = Phase.READY

    @property
    def can_step_back(self) -> bool:
        return self.position > 0

    def step(self) -> None:
        self.advance(1)

    def advance(self, n: int) -> None:
        self.position += n
        self.changed.emit(Change.STEP)

    def step_back(self) -> None:
        self.position -= 1
        self.changed.emit(Change.STEP)

    def steps_to(self, target: str) -> int:
        return {"phase": 100_000, "iteration": 12}[target]  # a long phase: more than a chunk

    def reset(self) -> None:
        self.position, self.resets = 0, self.resets + 1
        self.changed.emit(Change.ALL)

    def new_sample(self) -> None:
        self.position, self.samples = 0, self.samples + 1
        self.changed.emit(Change.REBUILT)


def make(qtbot, **options):
    host = QtWidgets.QWidget()
    qtbot.addWidget(host)
    target = Counter()
    transport = Transport(target, host, **options)
    transport.host = host  # the host owns the actions: keep it alive as long as the test runs
    return target, transport


def test_the_commands_step_the_target_and_step_back_follows_what_can_be_undone(qtbot):
    target, transport = make(qtbot)
    assert [a.shortcut().toString() for a in transport.actions.values()] == [
        "Left", "Right", "Space", "Shift+Right", "Ctrl+Right", "R", "N", "Esc"]
    assert [s.toString() for s in transport.actions["step"].shortcuts()] == ["Right", "PgDown"]
    transport.actions["step"].trigger()
    transport.actions["step"].trigger()
    transport.actions["step_back"].trigger()
    assert target.position == 1 and transport.actions["step_back"].isEnabled()
    transport.actions["step_back"].trigger()
    assert target.position == 0 and not transport.actions["step_back"].isEnabled()
    with qtbot.waitSignal(transport.runner.finished, timeout=5000):
        transport.actions["iteration"].trigger()
    assert target.position == 12
    transport.actions["new_sample"].trigger()
    transport.actions["reset"].trigger()
    assert (target.position, target.samples, target.resets) == (0, 1, 1)


def test_while_busy_the_stepping_commands_wait_and_stop_ends_it(qtbot):
    training = {"busy": True, "stopped": 0}

    def stop():
        training["busy"], training["stopped"] = False, training["stopped"] + 1

    target, transport = make(qtbot, busy=lambda: training["busy"], stops=stop)
    for name in ("step", "finish", "iteration", "play"):
        transport.actions[name].trigger()
    assert target.position == 0 and not transport.runner.busy and not transport.player.playing
    transport.actions["stop"].trigger()
    assert training == {"busy": False, "stopped": 1}
    transport.actions["step"].trigger()
    assert target.position == 1


def test_a_rebuild_halts_a_long_run_and_play(qtbot):
    target, transport = make(qtbot)
    transport.toggle_play()
    transport.run_to("phase")
    assert transport.runner.busy and transport.player.playing
    assert transport.actions["play"].text() == "Pause"
    target.changed.emit(Change.REBUILT)
    assert not transport.runner.busy and not transport.player.playing
    assert transport.actions["play"].text() == "Play"


def test_a_window_offers_only_the_commands_its_target_supports(qtbot):
    target, transport = make(qtbot, commands=("step_back", "step", "stop", "reset"), tip_suffix="; both")
    assert list(transport.actions) == ["step_back", "step", "stop", "reset"] and transport.player is None
    tip = transport.actions["step"].toolTip()
    assert tip.startswith("Take one step") and "; both" in tip
    transport.toggle_play()  # no player: nothing happens
    transport.detach()
    target.step()
    assert not transport.actions["step_back"].isEnabled()  # no longer listening


def test_the_windows_training_is_the_busy_guard_and_stop_ends_it_without_a_panel(qtbot):
    """The window's control layer owns training: the transport asks it whether it is busy
    and Stop stops it; no Training panel is involved."""
    from unrolled.session.config import Config
    from unrolled.session.stepper import Session
    from unrolled.ui.control.training import Training

    session = Session(Config(task="adding-problem", cell="lstm", timesteps=200, n_features=2, n_classes=1,
                             mode="many-to-one", loss="mse", n_hidden=16))
    host = QtWidgets.QWidget()
    qtbot.addWidget(host)
    training = Training(session, host)
    transport = Transport(session, host, busy=lambda: training.busy, stops=training.stop)
    training.start(100_000)
    assert transport.busy
    position = session.position
    transport.actions["step"].trigger()
    assert session.position == position  # stepping waits for training
    with qtbot.waitSignal(training.finished, timeout=5000) as finished:
        transport.actions["stop"].trigger()
    assert "Stopped by you" in finished.args[0] and not transport.busy
    training.forget()
    assert training.trainer.steps == []


def test_the_training_panel_imports_nothing_of_the_control_layer():
    import ast
    import pathlib

    import unrolled.ui.panels as panels

    for path in pathlib.Path(panels.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert "control" not in (node.module or ""), (path.name, node.module)
