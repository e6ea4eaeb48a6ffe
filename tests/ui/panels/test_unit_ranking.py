"""The Text panel's units ranking: the property picked ranks the units by |r| over a stretch
of the text (the session's `rank_units`), a click on one colours the text by it, and the
ranking is computed again only when the weights, the property or the state changed."""

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.session.unit_activations import rank_units, stretch_activations, text_property
from unrolled.ui.panels import unit_ranking
from unrolled.ui.panels.text_panel import TextPanel

TEXT = 'the cat (sat) on the mat.\n"a hat," said [the] cat. '


@pytest.fixture
def panel(qtbot, tmp_path):
    path = tmp_path / "cat.txt"
    path.write_text(TEXT * 20, encoding="utf-8")
    config = Config(task="char-lm", text=str(path), cell="lstm", timesteps=12, n_hidden=6, batch_size=2, seed=1,
                    layers=2).resolved()
    panel = TextPanel(Session(config))
    qtbot.addWidget(panel)
    panel.resize(520, 600)
    panel.show()
    qtbot.waitExposed(panel)
    panel.colouring.setCurrentIndex(panel.colouring.findData("unit"))
    return panel


def shown(panel):
    items = [panel.ranking.list.topLevelItem(i) for i in range(panel.ranking.list.topLevelItemCount())]
    return [(item.text(0), item.text(1), item.text(2), item.text(3)) for item in items]


def expected(session, prop, character=" ", state="h"):
    stretch = stretch_activations(session, state=state)
    return rank_units(stretch, text_property(stretch.text, prop, character))[: unit_ranking.SHOWN_UNITS]


def test_the_ranking_is_the_sessions_by_the_property_picked(qtbot, panel):
    assert panel.ranking.isVisible() and panel.ranking.chosen_property == "in_brackets"
    ranked = expected(panel.session, "in_brackets")
    assert shown(panel) == [(str(u.layer + 1), "forward", str(u.unit + 1), f"{r:+.2f}") for u, r in ranked]
    r = [abs(r) for _, r in ranked]
    assert r == sorted(r, reverse=True) and r[0] > 0.1
    assert not panel.ranking.character.isVisible()
    panel.ranking.property_box.setCurrentIndex(panel.ranking.property_box.findData("character"))
    assert panel.ranking.character.isVisible()
    qtbot.keyClicks(panel.ranking.character, "a")
    assert panel.ranking.ranking == expected(panel.session, "character", "a")
    assert panel.ranking.ranking != ranked


def test_a_click_on_a_ranked_unit_colours_the_text_by_it(qtbot, panel):
    session = panel.session
    session.finish_phase()  # the forward pass: every h_t computed
    panel.refresh()
    # a unit other than the one shown at first (the top layer's unit 1)
    target = next(i for i, (u, _) in enumerate(panel.ranking.ranking) if (u.layer, u.unit) != (1, 0))
    unit, _ = panel.ranking.ranking[target]
    item = panel.ranking.list.topLevelItem(target)
    panel.ranking.list.itemClicked.emit(item, 0)
    assert panel.layer.key == (unit.layer, unit.direction) and panel.unit.value() == unit.unit + 1
    np.testing.assert_array_equal(panel.values, session.layer_hidden_states()[(unit.layer, 0)][0, :, unit.unit])


def test_ranked_once_per_weights_version_and_only_while_seen(qtbot, panel, monkeypatch):
    ranked = []
    real = unit_ranking.stretch_activations
    monkeypatch.setattr(unit_ranking, "stretch_activations",
                        lambda session, **kw: ranked.append(session.weights_version) or real(session, **kw))
    panel.refresh()
    panel.refresh()
    assert ranked == []  # the weights have not changed since the panel ranked them
    panel.session.run_iteration()
    panel.refresh()
    panel.refresh()
    assert ranked == [panel.session.weights_version]
    panel.colouring.setCurrentIndex(panel.colouring.findData("connectivity"))
    assert not panel.ranking.isVisible()
    panel.session.run_iteration()
    panel.refresh()
    assert len(ranked) == 1  # not seen: not ranked
