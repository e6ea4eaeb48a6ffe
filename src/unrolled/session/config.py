"""The configuration of a session: every field a lecturer can set, with its range, its
tooltip and its validation. A task may fix some fields (F, C, mode, loss); `Config.resolved`
applies what the task fixes and `locked_fields` says which and why."""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import (
    cell_class,
)
from ..engine.quoting import cut, quoted
from ..engine.tasks import Task
from ..engine.tasks.char_lm import CharLM
from .char_text import task_for
from .fields import FIELDS, FieldSpec, only_the

CARRYING_TASK = CharLM.name  # the task whose samples are consecutive windows of one text
ONLY_CHAR_LM_CARRIES = f"only the task {CARRYING_TASK} carries a state from one window of its text to the next"
BIDIRECTIONAL_CANNOT_CARRY = ("a bidirectional network cannot carry a state: its reverse direction starts at t = T, "
                              "from characters the next window has not read")


class ConfigError(ValueError):
    """One or more fields are invalid; `problems` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


INTEGER_FIELDS = frozenset({"timesteps", "n_features", "n_hidden", "n_classes", "batch_size", "seed", "truncation",
                            "layers"})
# counts the engine, like torch's num_layers, takes as an int alone: 2.0 is refused as 2.5 is
# (a size such as T = 8.0 is read as the whole number it is)
STRICT_WHOLE_FIELDS = frozenset({"layers"})
# fields a dict of the config leaves out at their default: a one-layer, one-direction
# network's file holds only the fields every version of the app reads
OMITTED_AT_DEFAULT = ("layers", "bidirectional", "weights", "data", "text", "carry_state")
# what opened weights fix (session/own_model.py)
WEIGHTS_FIELDS = ("cell", "n_features", "n_hidden", "n_classes", "layers", "bidirectional")
# the fields a task decides, by the names the task's check gives them
TASK_FIELDS = {"T": "timesteps", "F": "n_features", "C": "n_classes", "mode": "mode", "loss": "loss"}
IN_MEMORY = "the "  # how the names of weights given from Python begin: "the model (LSTMTagger)"
# a comparison's change of network B that is no setting: for opened weights, a model of their
# shape with weights of the app's drawing (init, rho, seed, forget bias), against the trained ones
FRESH = "fresh"
# what network B of a comparison may change: everything else (task, sizes, seed) is shared,
# so the input is the same (read by compare.py, presets and lessons)
COMPARABLE = ("cell", "activation", "rho", "init", "forget_bias", "optimiser", "learning_rate", "momentum",
              "clipping", "clip_threshold", "truncation", "layers", "bidirectional", FRESH)


def _refuse_unknown(settings) -> None:
    """ConfigError for names that are no setting, suggesting the nearest one."""
    names = [f.name for f in dataclasses.fields(Config)]
    unknown = sorted(str(name) for name in set(settings) - set(names))
    if not unknown:
        return
    problems = {}
    for name in unknown:
        near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        if not near and name.lower() in ("t", "f", "d", "c", "b"):
            letters = {"t": "timesteps", "f": "n_features", "d": "n_hidden", "c": "n_classes", "b": "batch_size"}
            near = [letters[name.lower()]]
        if not near:
            near = [n for n in names if name.lower() in n]
        hint = f"did you mean {near[0]!r}?" if near else "the settings are " + ", ".join(names)
        problems[cut(name)] = f"no such setting; {hint}"
    raise ConfigError(problems)


@dataclass(frozen=True)
class Config:
    task: str = "pos-tagging"
    cell: str = "rnn"
    activation: str = "tanh"
    timesteps: int = 4
    n_features: int = 14
    n_hidden: int = 8
    n_classes: int = 5
    layers: int = 1
    bidirectional: bool = False
    mode: str = "many-to-many"
    loss: str = "cross-entropy"
    batch_size: int = 1
    rho: float = 0.0  # 0: orthogonal U
    init: str = "spectral-radius"
    truncation: int = 0  # 0: full BPTT
    input: str = ""  # a typed sentence (word tasks); "": samples
    text: str = ""  # char-lm: a text file; "": the default text
    # char-lm: consecutive windows, each starting from the last one's final state (`carries_state`);
    # None: the task's default (true for char-lm in one direction)
    carry_state: bool | None = None
    forget_bias: float = 1.0
    seed: int = 0
    optimiser: str = "sgd"
    learning_rate: float = 0.1
    momentum: float = 0.0
    clipping: str = "none"
    clip_threshold: float = 5.0
    # fields not in the form: a preset's own note
    notes: str = field(default="", compare=False)
    # a user's own model (session/own_model.py): a weights file (.pt, .safetensors, .npz) and a data
    # file (.npz, .npy, .csv), relative to the config file that names them (`relative_to`)
    weights: str = ""
    data: str = ""

    def replace(self, **changes) -> Config:
        _refuse_unknown(changes)
        return dataclasses.replace(self, **changes)

    def task_spec(self) -> Task:
        """The task, with its text for char-lm; ConfigError naming the text file when it
        cannot be read."""
        try:
            return task_for(self.task, self.text)
        except ValueError as error:
            raise ConfigError({"text": str(error)}) from None

    @property
    def carries_state(self) -> bool:
        """Whether training reads consecutive windows of the text, each starting from the
        previous one's final state (min-char-rnn): carry_state, or by default char-lm in
        one direction."""
        if self.carry_state is not None:
            return bool(self.carry_state)
        return self.task == CARRYING_TASK and not self.bidirectional and not self.weights

    def locked_fields(self) -> dict[str, str]:
        """Fields the task or the cell fixes -> the reason, for the form to lock and explain."""
        task = self.task_spec()
        cell = cell_class(self.cell)
        locked = {}
        if task.n_features is not None:
            locked["n_features"] = task.fixed_reason
        if task.n_classes is not None:
            locked["n_classes"] = task.fixed_reason
        locked["mode"] = f"the task {task.name} is {task.mode}"
        locked["loss"] = f"the task {task.name} uses {task.loss}"
        if not cell.takes_activation:
            locked["activation"] = only_the(lambda c: c.takes_activation) + " has a choice of activation"
        if cell.forget_bias_param is None:
            locked["forget_bias"] = only_the(lambda c: c.forget_bias_param is not None) + " has a forget gate"
        if self.optimiser != "sgd":
            locked["momentum"] = "only SGD takes momentum"
        if self.task != CARRYING_TASK or self.weights:
            locked["carry_state"] = ONLY_CHAR_LM_CARRIES
        elif self.bidirectional:
            locked["carry_state"] = BIDIRECTIONAL_CANNOT_CARRY
        if self.weights:
            weights = self.weights_name()
            locked.update(dict.fromkeys(WEIGHTS_FIELDS, f"the weights {weights} fix it"))
            locked["task"] = f"the weights {weights} and their data replace a task"
            del locked["mode"], locked["loss"]  # no task: the data's Y fixes them (own_model.locked_fields)
            locked["init"] = f"the weights come from {weights}"
            if cell.forget_bias_param is not None:
                locked["forget_bias"] = f"the weights come from {weights}"
            if self.data:
                data = Path(self.data).name
                locked["timesteps"] = f"the data {data} fixes it"
                locked["seed"] = f"the input comes from {data}, not from a random draw"
        return locked

    def weights_name(self) -> str:
        """The opened weights' file name without its folder, or how a model from memory is called."""
        return self.weights if self.weights.startswith(IN_MEMORY) else Path(self.weights).name

    def unused_fields(self) -> dict[str, str]:
        """Fields this cell or optimiser does not read (their values mean nothing here) ->
        what the form says in their place."""
        cell = cell_class(self.cell)
        unused = {}
        if not cell.takes_activation:
            unused["activation"] = f"not used by the {cell.title}"
        if cell.forget_bias_param is None:
            unused["forget_bias"] = f"not used by the {cell.title}"
        if self.optimiser != "sgd":
            unused["momentum"] = f"not used by {self.optimiser.capitalize()}"
        if self.weights:
            unused["task"] = f"your model: {self.weights_name()}"
            unused["init"] = f"from {self.weights_name()}"
            if cell.forget_bias_param is not None:
                unused["forget_bias"] = f"from {self.weights_name()}"
        return unused

    def resolved(self) -> Config:
        """This config with what the task fixes applied (F, C, mode, loss, at least its T)."""
        problems = self._field_problems()  # a task cannot fit fields that are not numbers
        if problems:
            raise ConfigError(problems)
        task = self.task_spec()
        T, F, C = task.fitted(self.timesteps, self.n_features, self.n_classes)
        return self.replace(n_features=F, n_classes=C, mode=task.mode, loss=task.loss, timesteps=T)

    def problems(self) -> dict[str, str]:
        """Every invalid field -> what is wrong; empty when the config is valid."""
        problems = self._field_problems()
        if not problems and not self.weights:  # opened weights replace the task
            try:
                task = self.task_spec()
            except ConfigError as error:
                return error.problems
            clashes = task.problems(self.timesteps, self.n_features, self.n_classes, self.mode, self.loss)
            problems = {TASK_FIELDS[name]: problem for name, problem in clashes.items()}
        if not problems and (self.carry_state or self.carries_state):
            problem = self._carry_problem(task)
            if problem:
                problems["carry_state"] = problem
        if not problems and self.input and not self.weights:
            try:
                task.encode(self.input, self.n_features, self.n_classes)
            except ValueError as error:
                problems["input"] = str(error)
        return problems

    def _carry_problem(self, task: Task) -> str | None:
        if self.task != CARRYING_TASK or self.weights:
            return ONLY_CHAR_LM_CARRIES
        if self.bidirectional:
            return BIDIRECTIONAL_CANNOT_CARRY + "; set carry_state false"
        text = task.text() if isinstance(task, CharLM) else None
        if text is not None and len(text) // self.batch_size < self.timesteps + 1:
            return (f"{text.source} has {len(text)} characters: B = {self.batch_size} "
                    f"stretches of T + 1 = {self.timesteps + 1} side by side need "
                    f"{self.batch_size * (self.timesteps + 1)}; "
                    "lower B or T, or set carry_state false")
        return None

    def _field_problems(self) -> dict[str, str]:
        """Each field on its own: its type, its range or its choices."""
        problems = {}
        for name, spec in FIELDS.items():
            value = getattr(self, name)
            if name == "carry_state":
                continue  # None is valid (the task's default): checked below
            if (self.weights and name in WEIGHTS_FIELDS and type(value) is int and value >= spec.minimum):
                continue  # the weights file's own sizes, which may exceed the form's range
            problem = _value_problem(name, spec, value)
            if problem:
                problems[name] = problem
        if self.carry_state is not None and not isinstance(self.carry_state, bool):
            problems["carry_state"] = f"got {quoted(self.carry_state)}, expected true or false"
        for name in ("notes", "weights", "data"):
            if not isinstance(getattr(self, name), str):
                problems[name] = f"got {quoted(getattr(self, name))}, expected text"
        if self.data and not self.weights:
            problems["data"] = "data is read for opened weights: give weights too"
        return problems

    def relative_to(self, folder) -> Config:
        """This config with its weights and data paths, when relative, read from `folder`
        (the folder of the file that names them)."""
        joined: dict = {name: str(Path(folder).resolve() / value) for name in ("weights", "data")
                  if (value := getattr(self, name)) and not Path(value).is_absolute()}
        return dataclasses.replace(self, **joined) if joined else self

    def validated(self) -> Config:
        problems = self.problems()
        if problems:
            raise ConfigError(problems)
        return self

    def estimated_trace_bytes(self) -> int:
        """Memory the forward and backward traces of one iteration need, roughly: per
        (sequence, timestep, unit) of every layer and direction about 6K + 12 float64 values
        for a cell with K blocks."""
        cell = cell_class(self.cell)
        # truncated BPTT keeps the loss terms within reach apart: k of them (or 1) per state
        terms = (self.truncation if self.mode == "many-to-many" else 1) if 0 < self.truncation < self.timesteps else 0
        per_unit = 6 * cell.blocks + 12 + terms * len(cell.state_names)
        cells = self.layers * (2 if self.bidirectional else 1)
        return 8 * self.batch_size * self.timesteps * self.n_hidden * per_unit * cells

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in OMITTED_AT_DEFAULT:
            default = getattr(Config, name)
            if type(data[name]) is type(default) and data[name] == default:
                del data[name]
        if self.weights:  # opened weights replace a task: none is named (from_dict's default is unused)
            data.pop("task", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """The config `data` describes. What the task decides (F, C, mode, loss, its least
        T) follows the task unless `data` gives it, so {"task": "next-word"} is a whole
        config; a value `data` gives that clashes with the task is refused, naming it."""
        if not isinstance(data, dict):
            raise ConfigError({"config": f"expected an object of settings, got {type(data).__name__}"})
        _refuse_unknown(data)
        config = cls(**data)
        if not config._field_problems() and not config.weights:  # opened weights fix the sizes
            resolved = config.resolved()
            config = config.replace(**{
                name: getattr(resolved, name) for name in TASK_FIELDS.values() if name not in data
            })
        return config.validated()


def config_of_b(config: Config, changes: dict) -> Config:
    """Network B's config in a comparison: A's with the changes (FRESH, not a setting, aside).
    ConfigError when a fresh model is asked of a config without opened weights."""
    fresh = changes.get(FRESH, False)
    if not isinstance(fresh, bool):
        raise ConfigError({FRESH: f"got {fresh!r}, expected true or false"})
    if fresh and not config.weights:
        raise ConfigError({FRESH: "a fresh model of the same shape is compared with opened weights; "
                                  "this model is the app's own already"})
    return config.replace(**{name: value for name, value in changes.items() if name != FRESH})


def _value_problem(name: str, spec: FieldSpec, value) -> str | None:
    """What is wrong with one field's value on its own, or None."""
    if spec.text:
        return None if isinstance(value, str) else f"got {quoted(value)}, expected text"
    if spec.flag:
        return None if isinstance(value, bool) else f"got {quoted(value)}, expected true or false"
    if spec.choices is not None:
        return None if value in spec.choices else f"got {quoted(value)}, expected one of {', '.join(spec.choices)}"
    if name in STRICT_WHOLE_FIELDS:
        whole = isinstance(value, int) and not isinstance(value, bool) and spec.minimum <= value <= spec.maximum
        allowed = f"a whole number from {spec.minimum:g} to {spec.maximum:g}"
        return None if whole else f"got {quoted(value)}, expected {allowed}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"got {quoted(value)}, expected a number"
    if not math.isfinite(value):
        return f"got {quoted(value)}, expected a finite number"
    if name in INTEGER_FIELDS and int(value) != value:
        return f"got {quoted(value)}, expected a whole number"
    if not spec.minimum <= value <= spec.maximum:
        return f"got {quoted(value)}, expected {spec.minimum:g} to {spec.maximum:g}"
    return None
