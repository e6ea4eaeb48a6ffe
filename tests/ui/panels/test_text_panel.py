"""The Text panel: the sample's characters coloured by connectivity (the pointer over k
colours exactly t <= k, brighter where ||dy_k/dx_t|| is larger) or by a unit's activation
(the unit picked decides the colours), inside the main window's dock."""

import numpy as np
import pytest
from PySide6 import QtCore

from unrolled.session.config import Config
from unrolled.session.connectivity import session_connectivity
from unrolled.session.stepper import Session
from unrolled.ui.panels.text_panel import TextPanel

TEXT = 'the cat sat on the mat.\n"a hat," said the cat. '


@pytest.fixture
def char_config(tmp_path):
    path = tmp_path / "cat.txt"
    path.write_text(TEXT * 10, encoding="utf-8")
    return Config(task="char-lm", text=str(path), cell="lstm", timesteps=12, n_hidden=6, batch_size=2,
                  seed=1).resolved()


@pytest.fixture
def panel(qtbot, char_config):
    session = Session(char_config)
    panel = TextPanel(session)
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def hover(qtbot, panel, index):
    qtbot.mouseMove(panel.text, panel.text.token_rect(index).center())
    qtbot.waitUntil(lambda: panel.hovered_k == index + 1)


def luminance(colour):
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()


def test_the_text_is_the_samples_own_characters(panel):
    session = panel.session
    chars = session.task.text().chars
    assert "".join(panel.text.tokens) == "".join(chars[i] for i in np.argmax(session.X[0], axis=-1))
    assert len(panel.text.tokens) == 12


def test_hovering_k_colours_exactly_the_positions_up_to_k_by_their_norm(qtbot, panel):
    norms = session_connectivity(panel.session, 0)
    assert panel.k.value() == 12 and all(c is not None for c in panel.text.colours)  # until chosen, k = T
    for index in (0, 5, 11):
        hover(qtbot, panel, index)
        coloured = [c is not None for c in panel.text.colours]
        assert coloured == [t <= index for t in range(12)]
        assert panel.text.marked == index
    # viridis grows lighter with the value: the colours follow ||dy_k/dx_t|| in order
    row = norms[11]
    brightness = [luminance(c) for c in panel.text.colours]
    order = np.argsort(row)
    assert brightness[order[-1]] >= brightness[order[0]]
    assert np.corrcoef(np.log10(row), brightness)[0, 1] > 0.8


def test_a_click_chooses_k_and_leaving_returns_to_it(qtbot, panel):
    qtbot.mouseClick(panel.text, QtCore.Qt.MouseButton.LeftButton, pos=panel.text.token_rect(3).center())
    assert panel.k.value() == 4
    qtbot.mouseMove(panel.k)  # the pointer leaves the text
    qtbot.waitUntil(lambda: panel.hovered_k == 0)
    assert [c is not None for c in panel.text.colours] == [t <= 3 for t in range(12)]


def test_the_unit_picker_colours_by_that_units_activation(qtbot, panel):
    session = panel.session
    session.finish_phase()  # the forward pass: every h_t computed
    panel.refresh()
    panel.colouring.setCurrentIndex(panel.colouring.findData("unit"))
    assert panel.unit_row.isVisible() and not panel.k_row.isVisible()
    colours = {}
    for unit in (1, 2):
        panel.unit.setValue(unit)
        h = session.fwd.h[0, :, unit - 1]
        np.testing.assert_array_equal(panel.values, h)
        colours[unit] = [c.name() for c in panel.text.colours]
    assert colours[1] != colours[2]
    # the diverging map: blue below 0, red above
    for value, colour in zip(session.fwd.h[0, :, 1], panel.text.colours):
        if abs(value) > 0.05:
            assert (colour.redF() > colour.blueF()) == (value > 0)
    panel.state.setCurrentIndex(panel.state.findData("c"))
    np.testing.assert_array_equal(panel.values, session.fwd.c[0, :, 1])


def test_a_unit_not_yet_computed_is_not_coloured(qtbot, panel):
    panel.colouring.setCurrentIndex(panel.colouring.findData("unit"))
    assert "forward pass has not started: step (Right)" in panel.caption.text()  # nothing coloured, and why
    session = panel.session
    session.step()
    session.step()
    panel.refresh()
    assert [c is not None for c in panel.text.colours] == [t < 2 for t in range(12)]
    assert "has not started" not in panel.caption.text()


def test_the_text_dock_follows_the_session_through_the_windows_throttle(qtbot, make_window, char_config):
    window = make_window(char_config)
    assert "text" not in window.docks._panels  # built when first shown
    window.docks.show_text()
    panel = window.docks.text_panel
    qtbot.waitUntil(lambda: not window.redraws.is_stale(panel))
    panel.colouring.setCurrentIndex(panel.colouring.findData("unit"))
    assert all(c is None for c in panel.text.colours)
    window.act_finish.trigger()  # the forward pass
    qtbot.waitUntil(lambda: all(c is not None for c in panel.text.colours))
    np.testing.assert_array_equal(panel.values, window.session.fwd.h[0, :, 0])


def test_training_a_char_lm_shows_samples_bits_per_character_and_characters_per_second(qtbot, make_window,
                                                                                       char_config):
    from unrolled.session.char_samples import bits_per_character, sample_text

    window = make_window(char_config)
    panel = window.training_panel
    readout = panel.text_training
    assert not readout.isHidden() and readout.temperature.value() == 1.0
    panel.iterations.setValue(45)
    with qtbot.waitSignal(window.training.finished, timeout=30000):
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_T)
    assert readout.sampled_at == 45  # and one every SAMPLE_EVERY = 20 iterations before
    qtbot.waitUntil(lambda: not window.redraws.is_stale(panel))
    loss = panel.trainer.steps[-1].loss
    assert f"{bits_per_character(loss):.3f} bits per character" in readout.reading.text()
    # a run of 45 iterations reports its rate at least once before it ends
    qtbot.waitUntil(lambda: "characters per second" in readout.reading.text())
    assert readout.sample.toPlainText().endswith(sample_text(window.session, 160, 1.0, 0).replace("\n", "↵\n"))


def test_the_temperature_reaches_the_generator(qtbot, make_window, char_config, monkeypatch):
    from unrolled.ui.panels import text_training

    window = make_window(char_config)
    readout = window.training_panel.text_training
    asked = []
    real = text_training.sample_text

    def spy(session, length, temperature, seed):
        asked.append(temperature)
        return real(session, length, temperature, seed)

    monkeypatch.setattr(text_training, "sample_text", spy)
    before = readout.sample.toPlainText()
    readout.temperature.setValue(0.3)
    assert asked == [pytest.approx(0.3)]
    assert "temperature 0.3" in readout.sample.toPlainText() and readout.sample.toPlainText() != before


def test_the_training_panel_of_another_task_has_no_text_readout(make_window):
    window = make_window()
    assert window.training_panel.text_training.isHidden()


def test_a_word_task_shows_its_words_and_a_shorter_model_keeps_k_within_t(qtbot):
    session = Session(Config(task="pos-tagging", timesteps=4).resolved())
    panel = TextPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.text.tokens == session.task.input_labels(session.X[0]) and panel.text.spaced
    session.reconfigure(timesteps=3)
    panel.refresh()
    assert panel.k.maximum() == 3 and len(panel.text.colours) == 3


def test_the_keyboard_chooses_k_and_the_unit(qtbot, panel):
    panel.k.setFocus()
    qtbot.keyClick(panel.k, QtCore.Qt.Key.Key_Down)
    assert panel.k.value() == 11
    assert [c is not None for c in panel.text.colours] == [t <= 10 for t in range(12)]
    panel.colouring.setFocus()
    qtbot.keyClick(panel.colouring, QtCore.Qt.Key.Key_Down)
    assert panel.mode == "unit"
    panel.session.finish_phase()
    panel.refresh()
    panel.unit.setFocus()
    qtbot.keyClick(panel.unit, QtCore.Qt.Key.Key_Up)
    assert panel.unit.value() == 2
    np.testing.assert_array_equal(panel.values, panel.session.fwd.h[0, :, 1])
    tips = [w.toolTip() for w in (panel.colouring, panel.sequence, panel.k, panel.state, panel.unit, panel.text)]
    assert all(tips)


def test_while_training_the_connectivity_waits_for_the_run_to_end(qtbot, char_config, monkeypatch):
    from unrolled.session.training import Trainer
    from unrolled.ui.panels import text_panel

    session = Session(char_config)
    training = [False]
    panel = TextPanel(session, busy=lambda: training[0])
    qtbot.addWidget(panel)
    before = [c.name() for c in panel.text.colours]
    computed = []
    real = text_panel.session_connectivity_row
    monkeypatch.setattr(text_panel, "session_connectivity_row",
                        lambda s, k, q: computed.append((k, q)) or real(s, k, q))
    training[0] = True
    Trainer(session).train(3)
    panel.refresh()
    assert not computed and [c.name() for c in panel.text.colours] == before
    assert "when it stops" in panel.caption.text()
    training[0] = False
    panel.refresh()
    assert computed == [(12, 0)]  # one row: the prediction k chosen
    np.testing.assert_array_equal(panel.values, session_connectivity(session, 0)[11])


def test_the_dark_theme_keeps_what_was_chosen(qtbot, make_window, char_config):
    window = make_window(char_config)
    window.docks.show_text()
    panel = window.docks.text_panel
    panel.colouring.setCurrentIndex(panel.colouring.findData("unit"))
    panel.unit.setValue(3)
    window.act_dark.trigger()
    rebuilt = window.docks.text_panel
    assert rebuilt is not panel and rebuilt.mode == "unit" and rebuilt.unit.value() == 3


def test_the_painted_text_shows_the_colours(qtbot, panel):
    """The pixels, not only the list: a coloured token is painted in its colour, one after k
    on the panel's background."""
    panel.k.setValue(6)
    image = panel.text.grab().toImage()
    ratio = image.devicePixelRatio()

    def corner(index):  # inside the box, off the glyph
        rect = panel.text.token_rect(index)
        return image.pixelColor(int((rect.left() + 2) * ratio), int((rect.top() + 2) * ratio))

    for index in range(6):
        assert corner(index).name() == panel.text.colours[index].name()
    background = panel.text.palette().window().color().name()
    assert [corner(index).name() for index in range(6, 12)] == [background] * 6


def test_a_task_without_a_text_says_so_in_one_line(qtbot, make_window, char_config):
    window = make_window(Config(task="adding-problem").resolved())
    window.docks.show_text()
    panel = window.docks.text_panel
    window.redraws.run()
    assert panel.no_text.isVisible() and not panel.body.isVisible()
    assert panel.no_text.text().startswith("The task adding-problem has no text to show")
    window.session.reconfigure(**Config(task="pos-tagging").resolved().to_dict())
    window.redraws.run()
    assert not panel.no_text.isVisible() and panel.body.isVisible()
    labels = window.session.task.input_labels(window.session.X[0])
    assert panel.text.tokens == labels  # a word task's words
    window.session.reconfigure(**char_config.to_dict())
    window.redraws.run()
    assert panel.body.isVisible() and len(panel.text.tokens) == 12


def test_the_view_menu_offers_the_text_panel_only_for_a_text(qtbot, make_window, char_config):
    window = make_window(Config(task="adding-problem").resolved())
    toggle = window.docks.text.toggleViewAction()
    window.redraws.run()
    assert not toggle.isEnabled() and toggle.toolTip().startswith("The task adding-problem has no text to show")
    window.session.reconfigure(**char_config.to_dict())
    window.redraws.run()
    assert toggle.isEnabled() and "coloured by which inputs" in toggle.toolTip()
