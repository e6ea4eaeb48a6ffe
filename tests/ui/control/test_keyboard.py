"""The keyboard always steps: after every command, a stepping key delivered to
whatever has focus in the window acts on the session, exactly once; a field being edited
keeps its own keys until Enter hands the keyboard back."""

import pytest
from PySide6 import QtCore, QtWidgets
from PySide6.QtTest import QTest

from unrolled.session.stepper import Phase

Key = QtCore.Qt.Key
Mod = QtCore.Qt.KeyboardModifier


def focused(window):
    return QtWidgets.QApplication.focusWidget() or window


def key(window, k, modifier=Mod.NoModifier):
    """A key press as a user makes it: to the widget that has focus (the window if none)."""
    QTest.keyClick(focused(window), k, modifier)


def steps_once(window) -> bool:
    before = window.session.position
    key(window, Key.Key_Right)
    return window.session.position == before + 1


def close_the_dialog_when_shown():
    def attempt():
        dialog = QtWidgets.QApplication.activeModalWidget()
        if dialog is None:
            QtCore.QTimer.singleShot(20, attempt)
        else:
            dialog.close()

    QtCore.QTimer.singleShot(0, attempt)


COMMANDS = {
    "F5": lambda w: key(w, Key.Key_F5),
    "F11": lambda w: key(w, Key.Key_F11),
    "Ctrl+T": lambda w: key(w, Key.Key_T, Mod.ControlModifier),
    "dark theme": lambda w: key(w, Key.Key_D, Mod.ControlModifier | Mod.ShiftModifier),
    "Model panel": lambda w: w.docks.toggles[0].trigger(),
    "Training panel": lambda w: w.docks.toggles[1].trigger(),
    "Theory panel": lambda w: w.docks.toggles[2].trigger(),
    "Diagram": lambda w: w.panel_actions["diagram"].trigger(),
    "Heatmaps": lambda w: w.panel_actions["heatmaps"].trigger(),
    "Gradients": lambda w: w.panel_actions["gradients"].trigger(),
    "Loss": lambda w: w.panel_actions["loss"].trigger(),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_right_steps_once_after_every_view_command(qtbot, make_window, command):
    window = make_window(timesteps=12)
    for _ in range(2):  # on, then off again
        COMMANDS[command](window)
        QtWidgets.QApplication.processEvents()
        assert steps_once(window), f"after {command}, focus on {focused(window)}"


def test_after_the_rebuild_of_f5_the_keyboard_is_with_the_new_diagram(qtbot, make_window):
    window = make_window()
    key(window, Key.Key_F5)
    assert window.act_presentation.isChecked()
    assert window.diagram.hasFocus()
    key(window, Key.Key_F5)
    assert not window.act_presentation.isChecked()


def test_every_stepping_key_acts_from_the_speed_box(qtbot, make_window):
    window = make_window(timesteps=6)
    s = window.session
    window.speed.setFocus()  # as a rebuild left it: focus landed there, nobody typed
    assert window.speed.hasFocus()
    for k, modifier, expected in ((Key.Key_Right, Mod.NoModifier, 1), (Key.Key_Right, Mod.NoModifier, 2),
                                  (Key.Key_Left, Mod.NoModifier, 1), (Key.Key_PageDown, Mod.NoModifier, 2),
                                  (Key.Key_PageUp, Mod.NoModifier, 1)):
        QTest.keyClick(window.speed, k, modifier)
        assert s.position == expected, (k, modifier)
    with qtbot.waitSignal(window.runner.finished, timeout=10000):
        QTest.keyClick(window.speed, Key.Key_Right, Mod.ShiftModifier)
    assert (s.phase, s.t) == (Phase.FORWARD, 6)
    with qtbot.waitSignal(window.runner.finished, timeout=10000):
        QTest.keyClick(window.speed, Key.Key_Right, Mod.ControlModifier)
    assert s.phase is Phase.UPDATE
    with qtbot.waitSignal(window.player.playing_changed, timeout=2000) as playing:
        QTest.keyClick(window.speed, Key.Key_Space)
    assert playing.args == [True]
    with qtbot.waitSignal(window.player.playing_changed, timeout=2000) as playing:
        QTest.keyClick(window.speed, Key.Key_Escape)
    assert playing.args == [False]
    assert window.speed.value() == 4.0  # the box itself was never changed
    X, position = s.X.copy(), s.position
    QTest.keyClick(window.speed, Key.Key_N)  # a one-letter key is the box's to type: no new sample
    QTest.keyClick(window.speed, Key.Key_R)
    assert s.position == position and (s.X == X).all()


def test_page_down_and_page_up_are_a_presenter_remotes_step_and_step_back(qtbot, window):
    key(window, Key.Key_PageDown)
    key(window, Key.Key_PageDown)
    assert window.session.position == 2
    key(window, Key.Key_PageUp)
    assert window.session.position == 1


def test_a_field_being_edited_keeps_its_keys_then_enter_hands_them_back(qtbot, make_window):
    window = make_window(timesteps=6)
    editor = window.model_panel.editors["n_hidden"]
    line = editor.lineEdit()
    QTest.mouseClick(line, QtCore.Qt.MouseButton.LeftButton)  # the lecturer clicks into the field
    assert editor.hasFocus()
    line.setCursorPosition(0)
    QTest.keyClick(focused(window), Key.Key_Right)  # moves the text cursor, does not step
    assert line.cursorPosition() == 1 and window.session.position == 0
    line.selectAll()
    QTest.keyClicks(line, "12")
    QTest.keyClick(line, Key.Key_Left)
    assert window.session.position == 0
    QTest.keyClick(line, Key.Key_Return)
    assert window.session.config.n_hidden == 12
    assert steps_once(window)


def _click_up_arrow(box: QtWidgets.QAbstractSpinBox) -> None:
    option = QtWidgets.QStyleOptionSpinBox()
    box.initStyleOption(option)
    up = box.style().subControlRect(QtWidgets.QStyle.ComplexControl.CC_SpinBox, option,
                                    QtWidgets.QStyle.SubControl.SC_SpinBoxUp, box)
    QTest.mouseClick(box, QtCore.Qt.MouseButton.LeftButton, pos=up.center())


@pytest.mark.parametrize("field", ["speed", "learning_rate", "rho"])
def test_a_click_on_a_spin_boxs_arrows_leaves_the_keys_stepping(qtbot, make_window, field):
    """The arrows change the value; they do not start editing the text: Right steps and
    Space plays after them (the Speed box ate Space and became ' steps/s')."""
    window = make_window(timesteps=6)
    if field == "rho":
        window.theory_dock.show()
        box = window.theory_panel.rho_box
    else:
        box = window.speed if field == "speed" else window.model_panel.editors[field]
    before = box.value()
    _click_up_arrow(box)
    assert box.value() > before and box.hasFocus()
    assert steps_once(window)
    key(window, Key.Key_Space)
    assert window.player.playing
    key(window, Key.Key_Space)
    assert not window.player.playing and box.value() > before


def test_the_wheel_turns_a_model_field_only_once_it_has_the_keyboard(qtbot, make_window):
    """A wheel notch over Cell while scrolling the panel rebuilt the model as an LSTM."""
    from PySide6 import QtGui

    window = make_window(timesteps=6)
    cell = window.model_panel.editors["cell"]
    T = window.model_panel.editors["timesteps"]

    def notch(widget):
        centre = QtCore.QPointF(widget.rect().center())
        event = QtGui.QWheelEvent(centre, QtCore.QPointF(widget.mapToGlobal(centre.toPoint())), QtCore.QPoint(0, 0),
                                  QtCore.QPoint(0, -120), QtCore.Qt.MouseButton.NoButton, Mod.NoModifier,
                                  QtCore.Qt.ScrollPhase.NoScrollPhase, False)
        QtWidgets.QApplication.sendEvent(widget, event)

    notch(cell)
    notch(T)
    assert cell.currentData() == "rnn" and T.value() == 6 and window.session.config.cell == "rnn"
    T.setFocus()
    notch(T)
    assert T.value() == 5


def test_a_field_given_focus_by_tab_steps_until_typed_into(qtbot, make_window):
    window = make_window()
    editor = window.model_panel.editors["seed"]
    editor.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
    assert steps_once(window)
    QTest.keyClicks(editor.lineEdit(), "7")  # now it is being edited
    before = window.session.position
    QTest.keyClick(editor.lineEdit(), Key.Key_Left)
    assert window.session.position == before


def test_after_a_dialog_and_after_opening_a_session_right_still_steps(qtbot, make_window, tmp_path):
    window = make_window()
    close_the_dialog_when_shown()
    key(window, Key.Key_F1)
    with qtbot.waitActive(window):  # what the window manager does when a dialog closes
        window.activateWindow()
    assert steps_once(window)
    assert window.files.save_to(str(tmp_path / "demo.json"))
    assert window.files.open_session(str(tmp_path / "demo.json"))
    assert steps_once(window)


def test_the_shortcut_list_is_made_from_the_actions(window):
    text = window.shortcuts_html()
    with_keys = [a for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(with_keys) >= 20
    for action in with_keys:
        assert action.shortcut().toString() in text, action.text()
        assert action.whatsThis() in text
    for keys in ("Ctrl+Shift+D", "Ctrl+Shift+S", "Ctrl+Q", "F1", "Ctrl+T", "PgDown", "PgUp", "Esc", "F5", "F11"):
        assert f"<b>{keys}" in text or f" or {keys}</b>" in text, keys
    assert "Theory" in text


def test_the_compare_windows_keys_step_both_from_its_fields(qtbot):
    from unrolled.session.config import Config

    from ..conftest import show_compare_window

    window = show_compare_window(qtbot, Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one",
                                               timesteps=5))
    window.rho.setFocus()
    QTest.keyClick(window.rho, Key.Key_Right)
    QTest.keyClick(window.rho, Key.Key_PageDown)
    assert window.comparison.a.position == window.comparison.b.position == 2
    QTest.keyClick(window.iterations, Key.Key_PageUp)
    assert window.comparison.in_lockstep and window.comparison.a.position == 1


def test_check_gradients_leaves_the_keyboard_with_the_window(qtbot, make_window):
    """The check's results stand beside the window: PageDown from a remote still steps."""
    window = make_window()
    window.act_gradcheck.trigger()
    qtbot.addWidget(window.gradcheck_dialog)
    assert window.gradcheck_dialog.isVisible()
    QtWidgets.QApplication.processEvents()
    assert QtWidgets.QApplication.activeWindow() is window
    before = window.session.position
    key(window, Key.Key_PageDown)
    assert window.session.position == before + 1
    window.gradcheck_dialog.close()


def test_ctrl_t_brings_the_theory_panel_forward_before_it_closes_it(qtbot, make_window):
    """Open behind the Training tab, the toggle closed it; now Ctrl+T brings it to the front,
    and only once in front closes it."""
    window = make_window(timesteps=6)
    window.theory_dock.show()
    window.docks.show_training()  # in front of the Theory panel's tab
    qtbot.waitUntil(lambda: window.theory_dock.visibleRegion().isEmpty())
    key(window, Key.Key_T, Mod.ControlModifier)
    qtbot.waitUntil(lambda: not window.theory_dock.visibleRegion().isEmpty())
    assert not window.theory_dock.isHidden()
    key(window, Key.Key_T, Mod.ControlModifier)
    assert window.theory_dock.isHidden()
    key(window, Key.Key_T, Mod.ControlModifier)
    assert not window.theory_dock.isHidden()
    assert steps_once(window)


# -- typing never runs a command ----------------------------------------------------------

def click_at(window, widget, offset=None, at=None):
    """A mouse press as the window system delivers it: to the window, at a point in it."""
    local = at if at is not None else widget.rect().center()
    point = widget.mapTo(window, local) + (offset or QtCore.QPoint(0, 0))
    QTest.mouseClick(window.windowHandle(), QtCore.Qt.MouseButton.LeftButton, Mod.NoModifier, point)
    QtWidgets.QApplication.processEvents()


def typed(window, text):
    QTest.keyClicks(focused(window), text)
    QtWidgets.QApplication.processEvents()


def untouched(window, position=0):
    s = window.session
    return (s.position == position and not window.training.busy and not window.runner.busy
            and not window.player.playing)


def test_a_click_beside_the_sentence_field_then_typing_runs_nothing(qtbot, make_window):
    """A click that misses the field by a few pixels, then a sentence: T, R, N and the
    spaces between the words start nothing."""
    window = make_window()  # the seed's sentence, with its field
    s = window.session
    s.step()
    X, weights = s.X.copy(), {k: v.copy() for k, v in s.net.params.items()}
    field = window.model_panel.sample_view.sentence
    assert field.isVisible()
    click_at(window, field, at=QtCore.QPoint(field.width() // 2, field.height() + 3))  # just below it
    assert not field.hasFocus()
    typed(window, "the professor runs now")
    assert untouched(window, position=1)
    assert (s.X == X).all() and all((s.net.params[k] == v).all() for k, v in weights.items())
    assert "ran nothing" in window.status.notice.text()
    assert steps_once(window)  # the stepping keys still step


def test_typing_into_the_sentence_field_starts_nothing(qtbot, make_window):
    window = make_window()  # the seed's sentence, with its field
    field = window.model_panel.sample_view.sentence
    field.clear()
    click_at(window, field)
    assert field.hasFocus()
    typed(window, "the dog sees a ball")
    assert field.text() == "the dog sees a ball"
    assert untouched(window)


def test_a_click_in_the_training_panel_turns_the_letters_off_and_the_plots_turn_them_back_on(qtbot, make_window):
    window = make_window(timesteps=5)
    window.training_dock.show()
    QtWidgets.QApplication.processEvents()
    panel = window.training_panel
    click_at(window, panel, at=QtCore.QPoint(2, panel.height() - 2))  # the panel's background
    typed(window, "rnt")
    assert untouched(window)
    click_at(window, window.diagram)
    assert window.keys.letters_allowed()
    window.session.step()
    typed(window, "r")  # R now resets, once no character follows it
    qtbot.waitUntil(lambda: window.session.position == 0)


def test_a_click_beside_the_speed_box_turns_the_letters_off_and_a_button_turns_them_on(qtbot, make_window):
    window = make_window(timesteps=5)
    window.session.step()
    click_at(window, window.speed, offset=QtCore.QPoint(window.speed.width() // 2 + 6, 0))
    typed(window, "r")
    assert window.session.position == 1
    step_button = window.findChild(QtWidgets.QToolBar, "transport").widgetForAction(window.act_step)
    click_at(window, step_button)
    assert window.session.position == 2 and window.keys.letters_allowed()
    typed(window, "r")
    qtbot.waitUntil(lambda: window.session.position == 0)


def test_a_stepping_key_or_esc_gives_the_letters_back(qtbot, make_window):
    window = make_window(timesteps=5)
    target = window.model_panel.editors["timesteps"]
    click_at(window, target, offset=QtCore.QPoint(0, target.height()))
    assert not window.keys.letters_allowed()
    key(window, Key.Key_Escape)
    assert window.keys.letters_allowed()
    click_at(window, target, offset=QtCore.QPoint(0, target.height()))
    key(window, Key.Key_Right)
    assert window.keys.letters_allowed()


def test_a_text_field_with_the_keyboard_takes_letters_even_before_it_is_edited(qtbot, make_window):
    """Focus that landed on a field by itself: Right steps, but R and N are typed there."""
    window = make_window(timesteps=6)
    window.speed.setFocus()
    assert steps_once(window)
    QTest.keyClick(window.speed, Key.Key_R)
    QTest.keyClick(window.speed, Key.Key_N)
    assert window.session.position == 1


def test_space_right_after_typed_letters_does_not_play(qtbot, make_window):
    window = make_window(timesteps=6)
    typed(window, "a b")  # on the plots: letters that are no command, and a space between them
    assert not window.player.playing
    window.keys._typed_at -= 10  # long after the typing: Space plays again
    key(window, Key.Key_Space)
    assert window.player.playing
    key(window, Key.Key_Space)


def test_the_rule_is_stated_in_the_shortcut_list_and_the_tooltips(window):
    from unrolled.ui.control.actions import LETTER_KEY_TIP, LETTER_KEYS_RULE

    assert LETTER_KEYS_RULE in window.shortcuts_html()
    for action in (window.act_train, window.act_reset, window.act_new_sample):
        assert LETTER_KEY_TIP in action.toolTip()
    assert LETTER_KEY_TIP not in window.act_step.toolTip()


def test_the_compare_window_keeps_the_same_rule(qtbot):
    from unrolled.session.config import Config

    from ..conftest import show_compare_window

    window = show_compare_window(qtbot, Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one",
                                               timesteps=5))
    window.graphics.setFocus()
    click_at(window, window.rho, offset=QtCore.QPoint(0, window.rho.height() // 2 + 8))
    QTest.keyClicks(focused(window), "the")
    QtWidgets.QApplication.processEvents()
    assert not window.trainer_runner.busy and window.comparison.a.iteration == 0


def test_a_letter_command_followed_by_more_letters_is_a_word_being_typed(qtbot, make_window):
    """With no field near (the plots have the keyboard), "the" typed quickly runs no T: the
    command waits for the next character, which shows that a word is being typed."""
    window = make_window(timesteps=5)
    window.session.step()
    assert window.keys.letters_allowed()
    typed(window, "the professor")
    assert not window.keys._wait.isActive()  # no command left waiting to act
    assert untouched(window, position=1)
    assert "ran nothing" in window.status.notice.text() and not window.keys.letters_allowed()
    click_at(window, window.diagram)  # the plots take the letters back; R alone acts after its wait
    typed(window, "r")
    assert window.session.position == 1
    qtbot.waitUntil(lambda: window.session.position == 0)
