"""The replay's page as a student sees it at 1366 x 768 and on a projector: controls that
stay under the mouse, labels drawn whole, notes not cut, the description shown, the heatmap
on the layer being stepped. Headless Chromium (support/browser.py)."""

import numpy as np
import pytest

from unrolled.replay.page import write_replay
from unrolled.session.config import Config
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session

from support.browser import needs_chromium, open_page, start, state

pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[test]'")
pytestmark = [needs_chromium(), pytest.mark.slow]


def _page(tmp_path, session, name, description="", at=None):
    return write_replay(tmp_path / f"{name}.html", session, name, description, at=at)


def _at_end(session):
    session.advance(session.steps_to("iteration") - 1)
    return session


def _x_of_buttons(browser, steps):
    """Per step, the left edges of the header's buttons."""
    return [browser.execute_script(f"unrolled.go({step}); return [...document.querySelectorAll('header button')]"
                                   ".map((b) => b.getBoundingClientRect().x)") for step in steps]


@pytest.mark.parametrize("preset", ["vanishing-rnn", "deep-vanishing"])
def test_the_header_buttons_stay_put_while_stepping(browser, tmp_path, preset):
    session = _at_end(Session(get_preset(preset).config))
    open_page(browser, _page(tmp_path, session, preset))
    S = session.steps_per_iteration
    places = _x_of_buttons(browser, [0, 1, 5, S // 2, S // 2 + 1, S - 1, S])
    assert all(x == places[0] for x in places), places
    browser.execute_script("document.querySelector('[data-do=play]').click()")  # play and pause: one width
    playing = _x_of_buttons(browser, [3])[0]
    browser.execute_script("document.querySelector('[data-do=play]').click()")
    assert playing == places[0]


def test_the_colour_bar_labels_are_the_scale_whole(browser, tmp_path):
    session = Session.from_preset("exploding-rnn", timesteps=100)
    open_page(browser, _page(tmp_path, session, "exploding", at=150))
    drawn = browser.execute_script("return unrolled.drawn.heatmap")
    top, bottom = drawn["labels"]
    h = _at_end(session).fwd.h[0].astype(np.float32)  # the heatmap's values, as the file holds them
    scale = float(np.max(np.abs(h)))
    assert scale > 1e4  # the exponent is where a cut label lied
    assert float(top) == pytest.approx(scale, rel=1e-3) and float(bottom) == pytest.approx(-scale, rel=1e-3)
    # the room reserved is the labels' measured width, and it lies inside the canvas
    widths = browser.execute_script(
        "const c = document.createElement('canvas').getContext('2d');"
        "c.font = `${unrolled.drawn.fontPx}px system-ui, 'DejaVu Sans', sans-serif`;"
        "return arguments[0].map((t) => c.measureText(t).width)", drawn["labels"])
    assert max(widths) <= drawn["labelRoom"]
    assert drawn["labelX"] + drawn["labelRoom"] <= drawn["canvasWidth"]


def test_a_single_replay_shows_its_description(browser, tmp_path):
    preset = get_preset("vanishing-rnn")
    open_page(browser, _page(tmp_path, Session(preset.config), preset.name, preset.description))
    about = browser.find_element("css selector", ".about")
    assert about.is_displayed() and about.get_attribute("textContent") == preset.description


def test_the_heatmap_follows_the_layer_being_stepped_and_the_buttons_still_choose(browser, tmp_path):
    session = _at_end(Session(get_preset("deep-vanishing").config))
    open_page(browser, _page(tmp_path, session, "deep"))
    N = session.order.steps_per_pass
    T = session.T
    pressed = "return document.querySelector('[data-key][aria-pressed=true]').textContent"
    inspected = "return document.querySelector('.predictions .table .eq').textContent"
    now = browser.execute_script(f"return unrolled.go({T + 3})")  # layer 2's forward pass
    assert (now["phase"], now["layer"]) == ("forward", 1)
    assert browser.execute_script(pressed) == "L2"
    assert "layer 2" in browser.execute_script(inspected)
    browser.execute_script("document.querySelector('[data-key=\"0\"]').click()")  # the student chooses L1
    assert browser.execute_script(pressed) == "L1" and "layer 1" in browser.execute_script(inspected)
    browser.execute_script(f"unrolled.go({N + 2})")  # a backward step of the top layer: followed again
    assert browser.execute_script(pressed) == "L4"
    assert browser.get_log("browser") == []


def test_gradients_of_exactly_zero_are_said_on_the_plot(browser, tmp_path):
    session = Session.from_preset("exploding-rnn", timesteps=100)
    open_page(browser, _page(tmp_path, session, "zeros", at=150))
    shown = [v for v in state(browser)["dh_norm"] if v is not None]
    assert shown and all(v == 0 for v in shown)  # the engine's own zeros (a saturated output)
    assert "exactly 0" in browser.execute_script("return unrolled.drawn.gradientNote")


def _layout(browser) -> dict:
    """What a reader of the page would find cut or wrapped."""
    return browser.execute_script("""
      const cut = (e) => e.scrollWidth > e.clientWidth + 1;
      const lines = (e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight));
      const view = document.querySelector('.view.diagram'), canvas = view.querySelector('canvas');
      return {
        headings: [...document.querySelectorAll('.view h3')].filter((h) => h.offsetParent).map(lines),
        cutNotes: [...document.querySelectorAll('.view .sub')].filter(cut).map((e) => e.textContent),
        diagramInside: canvas.getBoundingClientRect().bottom <= view.getBoundingClientRect().bottom + 0.5,
        viewsInside: [...document.querySelectorAll('.view')].every(
          (v) => v.getBoundingClientRect().bottom <= innerHeight),
        legendLines: lines(document.querySelector('.gradient .legend')),
        rowLabels: unrolled.drawn.diagramRowLabels,
        fontPx: unrolled.drawn.fontPx,
      };""")


def test_a_three_layer_bidirectional_net_is_readable_at_1366_by_768(browser, tmp_path):
    config = Config().replace(cell="lstm", timesteps=20, n_hidden=16, layers=3, bidirectional=True).validated()
    session = _at_end(Session(config))
    open_page(browser, _page(tmp_path, session, "bi3"))
    for step in (5, session.steps_per_iteration // 2, session.steps_per_iteration - 1):
        browser.execute_script(f"unrolled.go({step})")
        layout = _layout(browser)
        assert layout["headings"] == [1] * len(layout["headings"]), layout  # "Hidden state h" on one line
        assert layout["cutNotes"] == [] and layout["diagramInside"] and layout["viewsInside"], layout
        assert layout["legendLines"] == 1, layout
        assert layout["rowLabels"] is False  # six row pairs: "h above dL/dh" said once in the note, not overprinted


def test_canvas_text_grows_on_a_projector(tmp_path):
    session = Session(get_preset("vanishing-rnn").config)
    path = _page(tmp_path, session, "vanishing-rnn")
    sizes = {}
    for width, height in ((1366, 768), (1920, 1080)):
        driver = start(width, height)
        try:
            open_page(driver, path)
            sizes[width] = driver.execute_script("return unrolled.drawn.fontPx")
            assert _layout(driver)["cutNotes"] == []
        finally:
            driver.quit()
    assert sizes[1366] == 11 and sizes[1920] >= 14
