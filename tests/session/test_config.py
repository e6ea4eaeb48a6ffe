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
        ({"task": "shapes-by-row", "n_classes": 3, "n_features": 8, "mode": "many-to-one", "timesteps": 3},
         "timesteps", "needs T >= 6"),
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
    for spec in FIELDS.values():
        assert spec.tooltip and spec.label
        assert spec.choices is not None or (spec.minimum is not None and spec.maximum is not None)


def test_memory_estimate_grows_with_every_size():
    small = Config(cell="lstm", timesteps=100, n_hidden=64).estimated_trace_bytes()
    assert Config(cell="lstm", timesteps=1000, n_hidden=64).estimated_trace_bytes() == 10 * small
    assert Config(cell="lstm", timesteps=5000, n_hidden=1024, batch_size=64).estimated_trace_bytes() > 1e9


@pytest.mark.parametrize("task", list(TASKS))
def test_a_bare_config_follows_its_task(task):
    """{"task": ...} alone is a whole config (the README's bare config): what the task
    decides follows it."""
    c = Config.from_dict({"task": task})
    spec = TASKS[task]
    assert c == Config(task=task).resolved()
    assert (c.mode, c.loss) == (spec.mode, spec.loss)
    assert c.n_features == (spec.n_features or Config.n_features)
    assert c.timesteps >= spec.min_T


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"task": "next-word", "n_features": 3}, "n_features", "the task next-word fixes F = 11"),
        ({"task": "next-word", "n_classes": 5}, "n_classes", "fixes C = 11"),
        ({"task": "pos-tagging", "mode": "many-to-one"}, "mode", "the task pos-tagging is many-to-many"),
        ({"task": "adding-problem", "loss": "cross-entropy"}, "loss", "the task adding-problem uses mse"),
        ({"task": "shapes-by-row", "timesteps": 3}, "timesteps", "needs T >= 6"),
        ({"task": "toxic-word", "n_features": 1}, "n_features", "needs F >= 2"),
    ],
)
def test_a_written_clash_with_the_task_is_still_refused(data, field, message):
    with pytest.raises(ConfigError) as info:
        Config.from_dict(data)
    assert message in info.value.problems[field]


def test_the_tasks_least_number_of_classes_is_checked(monkeypatch):
    monkeypatch.setattr(TASKS["toxic-word"], "min_classes", 3)
    monkeypatch.setattr(TASKS["toxic-word"], "n_classes", None)
    config = Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one")
    assert "needs C >= 3" in config.problems()["n_classes"]
    assert config.resolved().n_classes == 3


@pytest.mark.parametrize("field", ["timesteps", "n_hidden", "seed", "rho", "learning_rate"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_refused_clearly(field, value):
    """JSON allows NaN and Infinity; int(nan) must not escape as a traceback."""
    with pytest.raises(ConfigError) as info:
        Config.from_dict({field: value})
    assert info.value.problems == {field: f"got {value!r}, expected a finite number"}


def test_the_cell_decides_which_fields_it_locks():
    assert Config(cell="lstm").locked_fields()["activation"] == "only the vanilla RNN has a choice of activation"
    assert Config(cell="gru").locked_fields()["forget_bias"] == "only the LSTM has a forget gate"
    assert "activation" not in Config(cell="rnn").locked_fields()
    assert "forget_bias" not in Config(cell="lstm").locked_fields()
    assert FIELDS["cell"].tooltip == "Vanilla RNN, LSTM (Hochreiter and Schmidhuber 1997) or GRU (Cho et al. 2014)."


def test_memory_estimate_follows_the_cells_blocks():
    sizes = {"timesteps": 10, "n_hidden": 4}
    estimates = {cell: Config(cell=cell, **sizes).estimated_trace_bytes() for cell in ("rnn", "lstm", "gru")}
    assert estimates == {cell: 8 * 10 * 4 * (6 * k + 12) for cell, k in (("rnn", 1), ("lstm", 4), ("gru", 3))}


def test_unused_fields_name_the_cell_or_optimiser_that_ignores_them():
    from unrolled.session.config import Config

    assert Config(cell="lstm", activation="relu", optimiser="sgd").unused_fields() == {
        "activation": "not used by the LSTM"}
    assert Config(cell="rnn", optimiser="sgd").unused_fields() == {"forget_bias": "not used by the vanilla RNN"}
    assert Config(cell="gru", optimiser="adam").unused_fields() == {
        "activation": "not used by the GRU", "forget_bias": "not used by the GRU", "momentum": "not used by Adam"}


def test_layers_and_direction_are_settings_with_one_line_for_a_bad_value():
    config = Config.from_dict({"cell": "lstm", "layers": 3, "bidirectional": True})
    assert (config.layers, config.bidirectional) == (3, True)
    assert Config.from_dict(config.to_dict()) == config
    for bad, line in (({"layers": 0}, "layers: got 0, expected a whole number from 1 to 8"),
                      ({"layers": 2.5}, "layers: got 2.5, expected a whole number from 1 to 8"),
                      ({"layers": 2.0}, "layers: got 2.0, expected a whole number from 1 to 8"),  # as the engine
                      ({"layers": "two"}, "layers: got 'two', expected a whole number from 1 to 8"),
                      ({"bidirectional": "yes"}, "bidirectional: got 'yes', expected true or false"),
                      ({"bidirectional": 1}, "bidirectional: got 1, expected true or false")):
        with pytest.raises(ConfigError) as caught:
            Config.from_dict(bad)
        assert str(caught.value) == line
        with pytest.raises(ConfigError) as caught:  # a config made in Python: the same line
            Config(**bad).validated()
        assert str(caught.value) == line


def test_one_layer_in_one_direction_leaves_the_dict_as_it_was():
    """A config's dict (what sessions, exports and torch files save) names layers and
    bidirectional only when they are not the defaults, so the files of every existing
    network stay byte for byte as they were."""
    plain = Config(cell="gru", n_hidden=12).to_dict()
    assert "layers" not in plain and "bidirectional" not in plain
    assert Config.from_dict(plain) == Config(cell="gru", n_hidden=12)
    deep = Config(layers=2).to_dict()
    assert deep["layers"] == 2 and "bidirectional" not in deep
    assert Config(bidirectional=True).to_dict()["bidirectional"] is True


def test_the_memory_estimate_counts_every_layer_and_direction():
    one = Config(cell="lstm", timesteps=100, n_hidden=64).estimated_trace_bytes()
    deep = Config(cell="lstm", timesteps=100, n_hidden=64, layers=3, bidirectional=True)
    assert deep.estimated_trace_bytes() == 6 * one
