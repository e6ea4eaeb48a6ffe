import pytest

from unrolled.engine import TASKS
from unrolled.session.config import FIELDS, Config, ConfigError


def test_default_is_the_seed_example():
    c = Config().validated()
    assert (c.task, c.cell, c.timesteps, c.batch_size, c.mode) == ("pos-tagging", "rnn", 4, 1, "many-to-many")


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"timesteps": 0}, "timesteps", "got 0, expected 1 to 5000"),
        ({"n_hidden": 2.5}, "n_hidden", "expected a whole number"),
        ({"cell": "transformer"}, "cell", "expected one of rnn, lstm, gru"),
        ({"learning_rate": 0.0}, "learning_rate", "expected 1e-06 to 100"),
        ({"n_features": 3}, "n_features", "the task pos-tagging fixes F = 14"),
        ({"task": "shapes-by-row", "n_classes": 3, "n_features": 8, "mode": "many-to-one", "timesteps": 3}, "timesteps", "needs T >= 6"),
        ({"seed": "x"}, "seed", "expected a number"),
    ],
)
def test_every_problem_names_the_field(changes, field, message):
    config = Config().replace(**changes)
    assert message in config.problems()[field]
    with pytest.raises(ConfigError) as info:
        config.validated()
    assert field in info.value.problems


def test_unknown_settings_are_refused():
    with pytest.raises(ConfigError, match="colour: no such setting"):
        Config().replace(colour="red")
    with pytest.raises(ConfigError, match="colour: no such setting"):
        Config.from_dict({"colour": "red"})


@pytest.mark.parametrize("task", list(TASKS))
def test_resolved_applies_what_each_task_fixes(task):
    c = Config(task=task).resolved().validated()
    spec = TASKS[task]
    assert c.mode == spec.mode and c.loss == spec.loss
    locked = c.locked_fields()
    assert "mode" in locked and "loss" in locked
    assert ("n_features" in locked) == (spec.n_features is not None)


def test_round_trip_through_a_dict():
    c = Config(cell="lstm", n_hidden=32, rho=1.5)
    assert Config.from_dict(c.to_dict()) == c


def test_every_field_has_a_tooltip_and_a_range_or_choices():
    for name, spec in FIELDS.items():
        assert spec.tooltip and spec.label
        assert spec.choices is not None or (spec.minimum is not None and spec.maximum is not None)


def test_memory_estimate_grows_with_every_size():
    small = Config(cell="lstm", timesteps=100, n_hidden=64).estimated_trace_bytes()
    assert Config(cell="lstm", timesteps=1000, n_hidden=64).estimated_trace_bytes() == 10 * small
    assert Config(cell="lstm", timesteps=5000, n_hidden=1024, batch_size=64).estimated_trace_bytes() > 1e9
