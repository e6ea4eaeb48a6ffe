"""The step inspector in the replay: at every step, the equations and values the session's
own inspector shows at that step, read once at the end of the backward pass. No Qt."""

import pytest

from unrolled.replay import inspector
from unrolled.replay.inspector import inspector_rows
from unrolled.session.config import Config
from unrolled.session.inspector_data import inspect_step
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def _end(config: Config) -> Session:
    session = Session(config)
    session.advance(session.steps_to("iteration") - 1)
    return session


STACK = Config().replace(cell="gru", layers=2, bidirectional=True, timesteps=5, n_hidden=3).validated()


@pytest.mark.parametrize("config", [get_preset(name).config for name in
                                    ("vanishing-rnn", "lstm-long-memory", "seed-pos-tagging")] + [STACK],
                         ids=["vanishing-rnn", "lstm-long-memory", "seed-pos-tagging", "2-layer-bidirectional-gru"])
def test_each_step_shows_what_the_inspector_shows_when_the_step_is_taken(config):
    session = _end(config)
    rows = inspector_rows(session)
    keys = session.layer_keys()
    assert rows is not None and [len(r) for r in rows] == [session.T] * len(keys)
    checked = 0
    for stepped in session.replay_iteration():
        place = stepped.place
        if place.t is None:
            continue
        side = "forward" if stepped.phase.value == "forward" else "backward"
        inspection = inspect_step(stepped, place.t, layer=place.layer, direction=place.direction)
        lines = getattr(inspection, side)
        recorded = rows[keys.index((place.layer, place.direction))][place.t - 1][side]
        assert [(r["title"], r["formula"], r["note"]) for r in recorded] == \
            [(x.title, x.formula, x.note) for x in lines]
        for r, x in zip(recorded, lines):
            assert [q["norm"] for q in r["quantities"]] == [q.norm for q in x.quantities]
            assert [q["symbol"] for q in r["quantities"]] == [q.symbol for q in x.quantities]
        checked += 1
    assert checked == 2 * session.order.steps_per_pass


def test_short_rows_are_written_whole():
    session = _end(get_preset("vanishing-rnn").config)  # C = 2: y_T and dL/dy_T
    rows = inspector_rows(session)
    readout = next(line for line in rows[0][-1]["forward"] if line["title"] == "readout")
    (y,) = readout["quantities"]
    assert y["values"] == list(session.fwd.y[0])


def test_left_out_beyond_its_work_limit(monkeypatch):
    session = _end(Config().replace(timesteps=4, n_hidden=3).validated())
    monkeypatch.setattr(inspector, "MAX_WORK", 4 * 3**2 - 1)
    assert inspector_rows(session) is None
