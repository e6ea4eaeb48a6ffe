"""A stack of layers (and directions) steps through the window's keys: Right through a whole
iteration, Left back to the start exactly, Ctrl+Right to the update; the status bar and the
overflow banner follow every step and say where values first overflowed."""

import numpy as np
import pytest
from PySide6 import QtCore

from unrolled.session.config import Config
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Phase

Key = QtCore.Qt.Key
Mod = QtCore.Qt.KeyboardModifier


def press(qtbot, window, key, modifier=Mod.NoModifier):
    qtbot.keyClick(window.diagram, key, modifier)
    window.redraw()


def arrays(session) -> dict[str, np.ndarray]:
    """Copies of what every view reads: each (layer, direction)'s states and gradients."""
    out = {f"h{key}": h for key, h in session.layer_hidden_states().items()}
    out.update({f"c{key}": c for key, c in session.layer_cell_states().items()})
    out.update({f"dh{key}": dh for key, dh in (session.layer_gradients() or {}).items()})
    return {name: np.array(a, copy=True) for name, a in out.items()}


def assert_same(got, expected):
    assert got.keys() == expected.keys()
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


STACKS = {
    # D = 7: a search that counts a stack's steps as timesteps cannot even reshape the top layer's output
    "lstm-2-bidirectional": Config(cell="lstm", layers=2, bidirectional=True, timesteps=5, n_hidden=7),
    "deep-vanishing": get_preset("deep-vanishing").config.replace(timesteps=8),
}


@pytest.mark.parametrize("name", list(STACKS))
def test_right_left_and_ctrl_right_step_a_stack_through_the_window(qtbot, make_window, name):
    window = make_window(STACKS[name])
    s = window.session
    n = s.steps_per_iteration
    seen = [arrays(s)]
    for _ in range(n):
        press(qtbot, window, Key.Key_Right)
        seen.append(arrays(s))
        assert f"Iteration 1 | {s.phase.value.capitalize()}" in window.status.phase.text()
        assert not window.status.banner.isVisible()
    assert s.phase is Phase.UPDATE and s.position == n
    for back in range(n, 0, -1):  # every step undone exactly, across layers and directions
        press(qtbot, window, Key.Key_Left)
        assert s.position == back - 1
        assert_same(arrays(s), seen[back - 1])
    assert s.phase is Phase.READY
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        press(qtbot, window, Key.Key_Right, Mod.ControlModifier)
    window.redraw()
    assert s.phase is Phase.UPDATE and len(s.loss_history) == 1
    assert "Update" in window.status.phase.text()


def test_the_banner_names_where_a_lower_layer_overflowed(qtbot, make_window):
    window = make_window(Config(cell="rnn", activation="relu", layers=2, timesteps=6, rho=1.0))
    s = window.session
    U1 = s.net.params["U1"]  # the bottom layer's recurrent weights (the top layer's are "U1_l1")
    s.set_weights({"U1": np.full_like(U1, 1e200)})
    for _ in range(6):  # the bottom layer's forward direction overflows (h_1 is finite: U1 waits for h_2)
        press(qtbot, window, Key.Key_Right)
    place = s.nonfinite_place()
    assert place is not None and place.layer == 0 and place.t > 1
    assert window.status.nonfinite_from.place(s) == place
    assert window.status.banner.isVisible() and f"from layer 1, t = {place.t} on" in window.status.banner.text()
    for _ in range(6):  # into the top layer, whose input is already inf: still the bottom layer's step
        press(qtbot, window, Key.Key_Right)
    assert window.status.nonfinite_from.place(s) == s.nonfinite_place() == place
    for _ in range(12):
        press(qtbot, window, Key.Key_Left)
    assert window.status.nonfinite_from.place(s) is None and not window.status.banner.isVisible()


# (T, readout scale): the top layer's forward direction overflows at t = 151; the loss
# overflows and the gradient with it from the first backward step
OVERFLOWING = {"forward in layer 2": (160, 1.0), "backward from the start": (60, 1e250)}


@pytest.mark.parametrize("name", list(OVERFLOWING))
def test_the_incremental_overflow_search_agrees_with_the_session_in_a_stack(name):
    from unrolled.session.overflow_watch import OverflowWatch
    from unrolled.session.stepper import Session

    T, scale = OVERFLOWING[name]
    session = Session(Config(activation="linear", rho=10.0, timesteps=T, layers=2, bidirectional=True))
    session.set_weights({"W2": session.net.params["W2"] * scale})
    watch = OverflowWatch()
    places = []
    for _ in range(session.steps_per_iteration - 1):
        session.step()
        assert watch.place(session) == session.nonfinite_place()
        assert watch(session) == session.nonfinite_from()
        places.append(watch.place(session))
    assert places[-1] is not None and places[-1].layer == 1
    for _ in range(session.steps_per_iteration // 2):
        session.step_back()
        assert watch.place(session) == session.nonfinite_place()


def test_the_status_bar_names_the_layer_and_direction_of_a_step(qtbot, make_window):
    window = make_window(Config(cell="gru", layers=3, bidirectional=True, timesteps=4))
    s = window.session
    seen = []
    for _ in range(s.steps_per_iteration):
        press(qtbot, window, Key.Key_Right)
        seen.append(window.status.phase.text().split(" | ")[-1])
    assert seen[:9] == ["layer 1 forward, t = 1 of 4", "layer 1 forward, t = 2 of 4", "layer 1 forward, t = 3 of 4",
                        "layer 1 forward, t = 4 of 4", "layer 1 reverse, t = 4 of 4", "layer 1 reverse, t = 3 of 4",
                        "layer 1 reverse, t = 2 of 4", "layer 1 reverse, t = 1 of 4", "layer 2 forward, t = 1 of 4"]
    assert seen[24] == "T = 4"  # the loss
    assert seen[25:27] == ["layer 3 reverse, t = 1 of 4", "layer 3 reverse, t = 2 of 4"]
    assert seen[-2] == "layer 1 forward, t = 1 of 4" and seen[-1] == "T = 4"


def test_one_direction_of_a_stack_is_named_by_its_layer_alone_and_one_layer_as_before(qtbot, make_window):
    window = make_window(Config(layers=2, timesteps=3))
    s = window.session
    s.advance(5)
    window.redraw()
    assert window.status.phase.text() == "Iteration 1 | Forward | layer 2, t = 2 of 3"
    s.reconfigure(layers=1)
    s.advance(2)
    window.redraw()
    assert window.status.phase.text() == "Iteration 1 | Forward | t = 2 of 3"


def test_shift_right_finishes_the_layer_of_a_stack_and_the_phase_of_one_layer(qtbot, make_window):
    window = make_window(Config(cell="lstm", layers=3, bidirectional=True, timesteps=5))
    s = window.session
    assert window.act_finish_layer.isEnabled()
    assert window.act_finish_layer.shortcut().toString() == "Shift+Right"
    assert window.act_finish.shortcut().toString() == "Ctrl+Shift+Right"
    assert window.act_finish_layer in window.menus[1].actions()  # the Run menu
    assert "(Shift+Right)" in window.act_finish_layer.toolTip()
    ends = []
    for _ in range(3):  # the forward pass, a layer (both directions) at a time
        with qtbot.waitSignal(window.runner.finished, timeout=10000):
            press(qtbot, window, Key.Key_Right, Mod.ShiftModifier)
        ends.append((s.position, s.place.layer))
    assert ends == [(10, 0), (20, 1), (30, 2)]
    with qtbot.waitSignal(window.runner.finished, timeout=10000):  # the loss: as Finish phase, one step
        press(qtbot, window, Key.Key_Right, Mod.ShiftModifier)
    assert s.phase is Phase.LOSS
    with qtbot.waitSignal(window.runner.finished, timeout=10000):  # the top layer's backward steps
        press(qtbot, window, Key.Key_Right, Mod.ShiftModifier)
    assert (s.position, s.place.layer, s.place.direction, s.place.t) == (41, 2, 0, 1)
    assert "layer 3 forward, t = 1 of 5" in window.status.phase.text()
    with qtbot.waitSignal(window.runner.finished, timeout=10000):  # Ctrl+Shift+Right: the rest of the phase
        press(qtbot, window, Key.Key_Right, Mod.ControlModifier | Mod.ShiftModifier)
    assert s.position == 61 and s.phase is Phase.BACKWARD

    s.reconfigure(layers=1, bidirectional=False)
    window.redraw()
    assert not window.act_finish_layer.isEnabled()
    assert window.act_finish.shortcut().toString() == "Shift+Right"
    with qtbot.waitSignal(window.runner.finished, timeout=10000):
        press(qtbot, window, Key.Key_Right, Mod.ShiftModifier)
    assert s.position == 5 and s.phase is Phase.FORWARD
