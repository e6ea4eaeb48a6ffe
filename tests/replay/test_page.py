"""The replay's page is one self-contained file: every script, style and number inline,
nothing fetched, and its embedded numbers the recorded ones. No Qt, no browser."""

import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from unrolled.replay import page
from unrolled.replay.page import PLAYER_FILES, page_html, write_replay
from unrolled.replay.record import record
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session

ROOT = Path(__file__).resolve().parents[2]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _session() -> Session:
    session = Session(get_preset("vanishing-rnn").config)
    session.advance(session.steps_to("iteration") - 1)
    return session


def _embedded(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="unrolled-data">(.*?)</script>', text, re.S)
    assert match is not None
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Session, str]:
    session = _session()
    path = write_replay(tmp_path_factory.mktemp("replay") / "replay.html", session, "vanishing-rnn", "A tanh RNN")
    return session, path.read_text(encoding="utf-8")


def test_the_page_fetches_nothing(written):
    _, text = written
    assert not re.search(r"https?://", text, re.I)
    elements = _Elements()
    elements.feed(text)
    assert not [(tag, attrs) for tag, attrs in elements.tags if "src" in attrs or "href" in attrs]
    assert [tag for tag, _ in elements.tags].count("script") == 2  # the data and the player, inline
    assert "@import" not in text and "url(" not in text


def test_the_embedded_numbers_are_the_recorded_ones(written):
    session, text = written
    assert _embedded(text) == {"replays": [record(session, "vanishing-rnn", "A tanh RNN")]}


def test_text_cannot_close_the_data_script():
    replay = record(_session(), "a </script><script>alert(1)</script> title")
    text = page_html([replay], "t")
    assert text.count("</script>") == 2
    assert _embedded(text)["replays"][0]["title"] == replay["title"]


def test_the_player_ships_with_the_package():
    """pyproject's package-data names the player's files, which the page reads at export."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["unrolled"]
    sources = Path(page.__file__).parent
    for name in PLAYER_FILES:
        assert (sources / name).is_file()
        assert any(Path("replay", name).match(pattern) for pattern in patterns), name


def test_a_failed_write_leaves_no_file(tmp_path):
    session = _session()
    missing = tmp_path / "no such folder" / "replay.html"
    with pytest.raises(OSError):
        write_replay(missing, session)
    assert not missing.parent.exists()


def test_export_a_preset_at_t_50_in_well_under_the_size_limit(written):
    _, text = written
    assert len(text.encode()) < 3 * 2**20  # the limit: 3 MB for a preset at T = 50
