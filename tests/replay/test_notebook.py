"""The replay inline in a notebook: the page itself, escaped into an iframe's srcdoc."""

import html
import re

from unrolled.replay.notebook import Replay
from unrolled.replay.page import page_html
from unrolled.replay.record import record
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def test_repr_html_is_the_page_in_a_sandboxed_iframe():
    session = Session(get_preset("seed-pos-tagging").config)
    shown = Replay(session, "seed-pos-tagging", height=600)._repr_html_()
    match = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="([^"]*)" title="[^"]*"></iframe>',
                         shown)
    assert match is not None
    assert html.unescape(match.group(1)) == page_html([record(session, "seed-pos-tagging")],
                                                      "seed-pos-tagging: backpropagation through time")
    assert "height: 600px" in match.group(2)


def test_a_stepped_session_opens_at_its_step():
    session = Session(get_preset("seed-pos-tagging").config)
    session.advance(5)
    page = html.unescape(Replay(session)._repr_html_())
    assert '"start":5,' in page


def test_a_session_shows_itself_in_jupyter_as_the_player():
    from unrolled import Session as Exported  # a notebook's spelling

    session = Exported.from_preset("vanishing-rnn")
    shown = session._repr_html_()
    assert shown == Replay(session)._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "window.unrolled = api" in html.unescape(shown)


def test_an_opened_models_replay_is_titled_by_its_file_and_names_no_task(tmp_path):
    from support.state_dicts import save_model_and_data

    weights, data = save_model_and_data(tmp_path, "real")
    session = Session.from_torch(weights, data)
    replay = Replay(session)
    assert replay.title == "unrolled: m.npz"
    assert "<title>unrolled: m.npz: backpropagation through time</title>" in replay.page
    assert "pos-tagging" not in replay.page and '"task":"your model: m.npz"' in replay.page
