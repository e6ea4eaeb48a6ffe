"""The registry of figures: each figure declared once, and every reader of names agreeing."""

import numpy as np
import pytest

from unrolled.session import formulas
from unrolled.session.config import Config
from unrolled.session.figure_registry import (
    FIGURES,
    SESSION_FIGURES,
    VIEWS,
    exported_figures,
    figure,
    figure_table,
    figures_for,
    view_figures,
)
from unrolled.session.lesson_file import PANELS
from unrolled.session.lessons import HIGHLIGHTS, LessonError, lesson_from_data
from unrolled.session.stepper import Session
from unrolled.session.training import Trainer


def _session(cell: str) -> Session:
    return Session(Config(task="toxic-word", cell=cell, n_features=5, n_classes=2, mode="many-to-one",
                          timesteps=6, n_hidden=4))


def test_every_figure_is_declared_once_under_its_own_name():
    assert all(name == spec.name for name, spec in FIGURES.items())
    assert len({spec.title for spec in FIGURES.values()}) == len(FIGURES)
    equations = {value for value in vars(formulas).values() if isinstance(value, str)}
    for spec in FIGURES.values():
        assert spec.title and spec.formula in equations  # its formula is one of formulas.py's
        width, height = spec.inches
        assert 1 < width <= 13.33 and 1 < height <= 7.5  # on a 16:9 slide at most
        assert spec.view is None or spec.view in VIEWS


def test_each_view_of_the_window_draws_registered_figures():
    # a lesson highlights one of the window's views, or a side panel the stop opens
    assert HIGHLIGHTS[: len(VIEWS)] == VIEWS and set(HIGHLIGHTS[len(VIEWS):]) <= set(PANELS)
    assert {view: view_figures(view) for view in VIEWS} == {
        "diagram": ("diagram",), "heatmaps": ("hidden_states", "gates"),
        "gradients": ("grad_norms", "depth_time_gradients"),
        "loss": ("loss",)}


# the figures of one layer in one direction on a task other than char-lm: all but the stack's and the text's
ONE_LAYER = tuple(name for name in SESSION_FIGURES if name not in ("depth_time_gradients", "unit_activations"))


def test_the_figures_a_session_has_follow_its_cell():
    rnn, lstm = _session("rnn"), _session("lstm")
    assert figures_for(lstm) == ONE_LAYER
    assert figures_for(rnn) == tuple(name for name in ONE_LAYER if name != "gates")
    assert not {"training_loss", "clip_norms", "accuracy"} & set(SESSION_FIGURES)


def test_a_figure_some_networks_lack_says_which_have_it():
    lacking = [name for name in SESSION_FIGURES if name not in figures_for(_session("rnn"))]
    assert lacking == ["gates", "depth_time_gradients", "unit_activations"]
    assert [name for name, spec in FIGURES.items() if spec.drawn_for] == lacking


@pytest.mark.parametrize("depth", [{"layers": 2}, {"bidirectional": True}, {"layers": 3, "bidirectional": True}])
def test_a_stack_has_the_depth_time_figure_too(depth):
    session = Session(Config(task="toxic-word", cell="gru", n_features=5, n_classes=2, mode="many-to-one",
                             timesteps=6, n_hidden=4, **depth))
    assert figures_for(session) == tuple(n for n in SESSION_FIGURES if n != "unit_activations")
    assert "depth_time_gradients" in exported_figures(session)  # empty before the backward pass, as grad_norms


def test_an_export_writes_each_figure_once_its_data_says_something():
    session = _session("lstm")
    assert exported_figures(session) == ("dashboard", "diagram", "hidden_states", "gates", "grad_norms",
                                         "connectivity")
    session.run_iteration()
    session.advance(session.steps_to("iteration") - 1)  # the next iteration's whole backward pass
    assert exported_figures(session) == ONE_LAYER
    trainer = Trainer(session)
    trainer.train(2)
    assert "itemized_gradients" not in exported_figures(session, trainer.steps)  # a new iteration's
    session.advance(session.steps_to("iteration") - 1)  # as `unrolled export --iterations 2`
    # a classifier: accuracy too
    assert exported_figures(session, trainer.steps) == tuple(n for n in FIGURES
                                                             if n not in ("depth_time_gradients", "unit_activations"))
    without_accuracy = [step.__class__(**{**vars(step), "accuracy": None}) for step in trainer.steps]
    assert exported_figures(session, without_accuracy)[-2:] == ("training_loss", "clip_norms")


def test_every_figure_has_its_data_as_a_table():
    session = _session("lstm")
    session.run_iteration()
    session.advance(session.steps_to("iteration") - 1)
    trainer = Trainer(session)
    trainer.train(3)
    for name in FIGURES:
        header, rows = figure_table(name, session, trainer.steps)
        assert header and rows.shape[1] == len(header), name
        assert np.isfinite(rows[:, 0]).all(), name  # t, k or iteration: the first column is always known
    assert figure_table("accuracy", session, trainer.steps)[1].shape == (3, 2)
    assert figure_table("hidden_states", session)[0][:2] == ["t", "h_1"]


def test_an_unknown_figure_is_named_with_the_figures_there_are():
    with pytest.raises(ValueError, match="figure: got 'heatmap', expected one of dashboard, diagram"):
        figure("heatmap")
    with pytest.raises(ValueError, match="accuracy"):
        figure_table("heatmap", _session("rnn"))


def test_a_lesson_exports_the_figure_of_the_view_it_highlights():
    good = {"text": "x", "model": "seed-pos-tagging"}
    lesson = lesson_from_data({"title": "L", "stops": [
        {**good, "title": "a", "highlight": "gradients"},
        {**good, "title": "b", "highlight": "heatmaps"},
        {**good, "title": "c", "highlight": "loss", "compare": {"cell": "lstm"}},
        {**good, "title": "d", "figures": ["gates", "itemized_gradients"]}]}, "registry")
    assert [stop.figures for stop in lesson.stops] == [
        ("diagram", "grad_norms"), ("diagram", "hidden_states"), ("loss",), ("gates", "itemized_gradients")]
    with pytest.raises(LessonError, match=r"expected a list of figures from dashboard, .*, itemized_gradients$"):
        lesson_from_data({"title": "L", "stops": [{**good, "title": "a", "figures": ["training_loss"]}]}, "no")
