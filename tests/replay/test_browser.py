"""The replay in a real browser: headless Chromium driven by selenium, as a student's
browser opens the file. Keys step, End shows trace.npz's gradient norms, nothing is
requested over the network and nothing is logged to the console.

Needs Debian's chromium and chromium-driver (.ci/run installs them) and selenium (the
test extra); skipped, saying which is missing, without them."""

import io

import numpy as np
import pytest

from unrolled.replay.deck import write_lesson_deck
from unrolled.replay.page import write_replay
from unrolled.session.config import Config
from unrolled.session.figure_data import write_trace_npz
from unrolled.session.lessons import get_lesson
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session

from support.browser import (
    needs_chromium,
    open_page as _open,
    press as _press,
    requests as _requests,
    state as _state,
)

pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[test]'")
pytestmark = [needs_chromium(), pytest.mark.slow]  # a browser's start and a round trip per key


@pytest.fixture(scope="module")
def vanishing(tmp_path_factory):
    session = Session(get_preset("vanishing-rnn").config)
    session.advance(session.steps_to("iteration") - 1)
    buffer = io.BytesIO()
    write_trace_npz(buffer, session)
    buffer.seek(0)
    trace = dict(np.load(buffer))
    path = write_replay(tmp_path_factory.mktemp("browser") / "replay.html", session, "vanishing-rnn")
    return session, trace, path


def test_keys_step_and_end_shows_trace_npz_gradient_norms(browser, vanishing):
    from selenium.webdriver.common.keys import Keys

    session, trace, path = vanishing
    T = session.T
    _open(browser, path)
    assert _state(browser) == {"step": 0, "phase": "ready", "t": None, "dh_norm": [None] * T, "stop": 0}
    _press(browser, Keys.ARROW_RIGHT, 3)
    assert (_state(browser)["step"], _state(browser)["phase"], _state(browser)["t"]) == (3, "forward", 3)
    _press(browser, Keys.ARROW_LEFT)
    _press(browser, Keys.PAGE_DOWN, 2)
    assert _state(browser)["step"] == 4
    _press(browser, Keys.END)
    end = _state(browser)
    assert (end["step"], end["phase"], end["t"]) == (2 * T + 1, "backward", 1)
    np.testing.assert_array_equal(np.array(end["dh_norm"], dtype=float), trace["dh_norm"])
    _press(browser, Keys.HOME)
    assert _state(browser)["step"] == 0
    assert browser.execute_script("return window.unrolled.timings.length") == 8  # one per key
    assert _requests(browser) == [path.as_uri()]
    assert browser.get_log("browser") == []


def test_go_moves_and_the_backward_pass_fills_dh_norm_from_t_equals_T(browser, vanishing):
    session, trace, path = vanishing
    T = session.T
    _open(browser, path)
    state = browser.execute_script(f"return window.unrolled.go({T + 1 + 5})")  # five backward steps
    assert (state["phase"], state["t"]) == ("backward", T - 4)
    assert state["dh_norm"][: T - 5] == [None] * (T - 5)
    np.testing.assert_array_equal(np.array(state["dh_norm"][T - 5:], dtype=float), trace["dh_norm"][T - 5:])
    assert browser.execute_script("try { window.unrolled.go(1.5); return 'moved' } catch (e) { return e.name }") == \
        "TypeError"
    assert browser.get_log("browser") == []


def test_every_cell_draws_without_a_console_error(browser, tmp_path):
    for cell in ("lstm", "gru"):
        session = Session(Config().replace(cell=cell, timesteps=12, n_hidden=6).validated())
        session.advance(session.steps_to("iteration") - 1)
        path = write_replay(tmp_path / f"{cell}.html", session, cell)
        _open(browser, path)
        for name, panel in zip(["h", "c", *session.fwd.gates], ["predictions", "inspector"] * 5):
            if name == "c" and cell != "lstm":
                continue
            # every heatmap and both bottom panels, at every phase
            browser.execute_script(f"document.querySelector('[data-map={name}]').click();"
                                   f"document.querySelector('[data-panel={panel}]').click()")
            for step in (0, 5, 13, 20, session.steps_per_iteration):
                browser.execute_script(f"window.unrolled.go({step})")
        assert browser.get_log("browser") == [], cell


def test_the_step_inspector_shows_the_current_timestep(browser, vanishing):
    session, _, path = vanishing
    _open(browser, path)
    browser.execute_script("window.unrolled.go(7)")
    text = browser.find_element("css selector", ".predictions .table").text
    assert text.startswith(f"t = 7 of T = {session.T}") and "FORWARD" in text and "BACKWARD" not in text
    browser.execute_script(f"window.unrolled.go({session.T + 2})")  # the first backward step: t = T
    text = browser.find_element("css selector", ".predictions .table").text
    assert text.startswith(f"t = {session.T} of T") and "two paths into h_t" in text
    assert browser.get_log("browser") == []


def test_a_lesson_deck_pages_through_every_stop(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    lesson = get_lesson("vanishing-in-five-minutes")
    path = write_lesson_deck(tmp_path / "deck.html", lesson)
    _open(browser, path)
    stops = []
    for _ in range(400):
        stops.append(_state(browser)["stop"])
        _press(browser, Keys.PAGE_DOWN)
    assert sorted(set(stops)) == list(range(len(lesson.stops)))
    assert stops == sorted(stops)  # in order, never back
    assert browser.find_element("css selector", ".stop h2").text == lesson.stops[-1].title
    assert browser.get_log("browser") == []


def test_every_preset_plays_without_a_console_error(browser, tmp_path):
    from unrolled.session.presets import list_presets

    for preset in list_presets():
        name = preset.name
        session = Session(preset.config)
        session.advance(session.steps_to("iteration") - 1)
        _open(browser, write_replay(tmp_path / f"{name}.html", session, name))
        steps = browser.execute_script("return window.unrolled.steps()")
        assert steps == session.steps_per_iteration
        for panel in ("predictions", "inspector"):
            browser.execute_script(f"document.querySelector('[data-panel={panel}]').click()")
            for step in range(0, steps + 1, max(1, steps // 10)):
                browser.execute_script(f"window.unrolled.go({step})")
        assert browser.get_log("browser") == [], name


def test_hovering_a_plot_shows_its_value(browser, vanishing):
    from selenium.webdriver.common.action_chains import ActionChains

    session, trace, path = vanishing
    _open(browser, path)
    browser.execute_script(f"window.unrolled.go({session.steps_per_iteration - 1})")
    canvas = browser.find_element("css selector", ".gradient canvas")
    left, width = 46, canvas.size["width"] - 46 - 20  # the plot's margins in player.js
    ActionChains(browser).move_to_element_with_offset(canvas, left + width - canvas.size["width"] // 2, 0).perform()
    tip = browser.find_element("css selector", ".tip")
    assert tip.is_displayed()
    lines = tip.text.splitlines()
    assert lines[0] == f"t = {session.T}"
    assert lines[1] == f"‖dL/dh_t‖ = {float(trace['dh_norm'][-1]):.4g}"


def test_the_notebook_iframe_plays_on_its_own(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    from unrolled.replay.notebook import Replay

    session = Session(get_preset("seed-pos-tagging").config)
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body><h1>a notebook</h1>{Replay(session)._repr_html_()}</body></html>",
                    encoding="utf-8")
    _open(browser, host)
    assert browser.execute_script("return window.unrolled === undefined")  # the notebook's own window is untouched
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        browser.find_element("css selector", ".view.heatmap canvas").click()  # the keys go to the focused frame
        _press(browser, Keys.ARROW_RIGHT, 2)
        assert (_state(browser)["step"], _state(browser)["phase"]) == (2, "forward")
    finally:
        browser.switch_to.default_content()
    assert browser.get_log("browser") == []


def test_a_two_layer_bidirectional_lstm_steps_in_the_engines_order_and_ends_on_trace_npz(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    config = Config().replace(cell="lstm", layers=2, bidirectional=True, timesteps=9, n_hidden=6).validated()
    session = Session(config)
    session.advance(session.steps_to("iteration") - 1)
    buffer = io.BytesIO()
    write_trace_npz(buffer, session)
    buffer.seek(0)
    trace = dict(np.load(buffer))
    path = write_replay(tmp_path / "stack.html", session, "stack")
    T, N = session.T, session.order.steps_per_pass
    _open(browser, path)
    _press(browser, Keys.ARROW_RIGHT, 3)
    state = _state(browser)
    assert (state["layer"], state["direction"], state["t"]) == (0, 0, 3)
    state = browser.execute_script(f"return window.unrolled.go({T + 2})")  # layer 1's reverse direction, second step
    assert (state["phase"], state["layer"], state["direction"], state["t"]) == ("forward", 0, 1, T - 1)
    _press(browser, Keys.END)
    end = _state(browser)
    assert (end["step"], end["phase"], end["layer"], end["direction"], end["t"]) == (2 * N + 1, "backward", 0, 0, 1)
    np.testing.assert_array_equal(np.array(end["dh_norm"], dtype=float), trace["dh_norm"])
    norms = session.layer_gradient_norms()
    assert end["keys"] == [list(key) for key in session.layer_keys()]
    for key, drawn in zip(session.layer_keys(), end["layer_dh_norm"]):
        np.testing.assert_array_equal(np.array(drawn, dtype=float), norms[key])
    # halfway through the backward pass: the top layer is done, layer 1 not yet
    half = browser.execute_script(f"return window.unrolled.go({N + 1 + N // 2})")
    assert half["layer_dh_norm"][0] == [None] * T and None not in half["layer_dh_norm"][3]
    for k in range(4):  # every layer's heatmaps, every panel
        for name in ("h", "c", "f"):
            browser.execute_script(f"document.querySelector('[data-key=\"{k}\"]').click();"
                                   f"document.querySelector('[data-map={name}]').click()")
            for step in (0, 5, N, N + 3, 2 * N + 2):
                browser.execute_script(f"window.unrolled.go({step})")
    assert browser.get_log("browser") == []


def test_a_replay_written_at_a_step_opens_there(browser, tmp_path):
    session = Session(Config().replace(timesteps=6, n_hidden=3).validated())
    session.advance(9)  # the loss, then backward t = 6 .. 5
    _open(browser, write_replay(tmp_path / "at.html", session, "at", at=session.position))
    state = _state(browser)
    assert (state["step"], state["phase"], state["t"]) == (9, "backward", 5)
    np.testing.assert_array_equal(np.array(state["dh_norm"][4:], dtype=float), session.bwd.dh_norm[4:])
    assert browser.get_log("browser") == []
