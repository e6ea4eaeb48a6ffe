"""The configuration of a session: every field a lecturer can set, with its range, its
tooltip and its validation. A task may fix some fields (F, C, mode, loss); `Config.resolved`
applies what the task fixes and `locked_fields` says which and why."""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import (
    ACTIVATIONS,
    CELLS,
    CLIPPING,
    INITS,
    LOSSES,
    MAX_LAYERS,
    MODES,
    OPTIMISERS,
    TASKS,
    cell_class,
)
from ..engine.cells import Cell
from ..engine.quoting import cut, quoted
from ..engine.tasks import Task
from .char_text import task_for


class ConfigError(ValueError):
    """One or more fields are invalid; `problems` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class FieldSpec:
    label: str
    tooltip: str
    minimum: float = 0.0  # the range of a number; unused when there are choices
    maximum: float = 0.0
    choices: Sequence[str] | None = None
    text: bool = False  # free text (a typed sentence) rather than a number or a choice
    flag: bool = False  # true or false


def _one_of(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def _cells_sentence() -> str:
    """ "Vanilla RNN, LSTM (Hochreiter and Schmidhuber 1997) or GRU (Cho et al. 2014)." """
    cells = [cell_class(name) for name in CELLS]
    text = _one_of([c.title + (f" ({c.reference})" if c.reference else "") for c in cells])
    return text[:1].upper() + text[1:] + "."


def _only_the(has: Callable[[type[Cell]], bool]) -> str:
    """ "only the LSTM": the titles of the cells for which has(cell class) is true."""
    return "only the " + _one_of([cell_class(name).title for name in CELLS if has(cell_class(name))])


FIELDS: dict[str, FieldSpec] = {
    "task": FieldSpec("Task", "What the network learns; it may fix F, C, the mode and the loss.", choices=tuple(TASKS)),
    "cell": FieldSpec("Cell", _cells_sentence(), choices=CELLS),
    "activation": FieldSpec("Activation", "The vanilla RNN's nonlinearity: h_t = act(x_t W1 + h_{t-1} U1 + b1).",
                            choices=ACTIVATIONS),
    "timesteps": FieldSpec("T (timesteps)", "Sequence length: how many times the cell is unrolled.", 1, 5000),
    "n_features": FieldSpec("F (features)", "Size of each input x_t.", 1, 4096),
    "n_hidden": FieldSpec("D (hidden units)", "Size of the hidden state h_t.", 1, 1024),
    "n_classes": FieldSpec("C (classes)", "Size of each output y_t.", 1, 4096),
    "layers": FieldSpec("Layers", "Recurrent layers stacked: layer l reads the hidden states of layer l - 1; "
                        "the readout reads the top layer (torch's num_layers).", 1, MAX_LAYERS),
    "bidirectional": FieldSpec("Bidirectional", "A second direction in every layer that reads the sequence "
                               "from t = T down to 1; a layer's output is both directions' h_t side by side.",
                               flag=True),
    "mode": FieldSpec("Mode", "many-to-many: an output at every step (POS tagging); "
                      "many-to-one: at the last step only (sentence classification).", choices=MODES),
    "loss": FieldSpec("Loss", "Softmax cross-entropy for classes, mean squared error for real targets.",
                      choices=LOSSES),
    "batch_size": FieldSpec("B (sequences)", "Sequences per batch; the seed uses B = 1.", 1, 512),
    "rho": FieldSpec("rho(U)", "Spectral radius of every recurrent matrix U at initialisation. "
                     "0 means orthogonal (all singular values 1). "
                     "Below 1 gradients tend to vanish, above 1 to explode.", 0.0, 10.0),
    "init": FieldSpec("Init of U", "How every recurrent U starts. "
                      "spectral-radius: a random U with spectral radius rho (rho = 0: orthogonal); "
                      "scaled-orthogonal: ρ × orthogonal, so σ_max(U) = ρ and the bound "
                      "(γ σ_max)ᵀ⁻ᵗ tracks the gradient; "
                      "identity: rho x I (rho = 0: I), with a ReLU the IRNN of Le, Jaitly and Hinton 2015.",
                      choices=INITS),
    "truncation": FieldSpec("Truncation k", "Truncated BPTT: each loss term's gradient flows back at most "
                            "k timesteps (dL_s/dh_t = 0 for t <= s - k). 0 = full BPTT.", 0, 5000),
    "input": FieldSpec("Sentence", "A sentence typed from the word task's vocabulary, stepped through instead "
                       "of a sample: T follows its length, B = 1. Empty: samples from the task.", text=True),
    "text": FieldSpec("Text", "char-lm: a UTF-8 text file to learn from (in a config, relative to its folder); "
                      "empty: the standard library's docstrings.", text=True),
    "forget_bias": FieldSpec("Forget bias", "LSTM only: the forget gate's initial bias; 1 keeps memory from the start.",
                             -10.0, 10.0),
    "seed": FieldSpec("Seed", "Random seed for the weights and the sample.", 0, 2**31 - 1),
    "optimiser": FieldSpec("Optimiser", "SGD (with momentum) or Adam.", choices=OPTIMISERS),
    "learning_rate": FieldSpec("Learning rate", "Step size of the weight update.", 1e-6, 100.0),
    "momentum": FieldSpec("Momentum", "SGD only: heavy-ball momentum (0 = plain SGD).", 0.0, 0.999),
    "clipping": FieldSpec("Clipping", "none, norm (rescale all gradients when their global norm exceeds the "
                          "threshold; Pascanu et al. 2013) or value (clamp each element, as min-char-rnn).",
                          choices=CLIPPING),
    "clip_threshold": FieldSpec("Clip threshold", "The norm or value limit for clipping.", 1e-6, 1e6),
}


INTEGER_FIELDS = frozenset({"timesteps", "n_features", "n_hidden", "n_classes", "batch_size", "seed", "truncation",
                            "layers"})
# counts the engine, like torch's num_layers, takes as an int alone: 2.0 is refused as 2.5 is
# (a size such as T = 8.0 is read as the whole number it is)
STRICT_WHOLE_FIELDS = frozenset({"layers"})
# fields a dict of the config leaves out at their default, so the files of a one-layer,
# one-direction network read exactly as they did before the fields existed
OMITTED_AT_DEFAULT = ("layers", "bidirectional", "weights", "data", "text")
# what opened weights fix (session/own_model.py), and what their data fixes besides
WEIGHTS_FIELDS = ("cell", "n_features", "n_hidden", "n_classes", "layers", "bidirectional")
DATA_FIELDS = ("timesteps", "mode", "loss")
# the fields a task decides, by the names the task's check gives them
TASK_FIELDS = {"T": "timesteps", "F": "n_features", "C": "n_classes", "mode": "mode", "loss": "loss"}


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
            locked["activation"] = _only_the(lambda c: c.takes_activation) + " has a choice of activation"
        if cell.forget_bias_param is None:
            locked["forget_bias"] = _only_the(lambda c: c.forget_bias_param is not None) + " has a forget gate"
        if self.optimiser != "sgd":
            locked["momentum"] = "only SGD takes momentum"
        if self.weights:
            locked.update(dict.fromkeys(WEIGHTS_FIELDS, f"the weights {self.weights} fix it"))
            if self.data:
                locked.update(dict.fromkeys(DATA_FIELDS, f"the data {self.data} fixes it"))
        return locked

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
        if not problems and self.input and not self.weights:
            try:
                task.encode(self.input, self.n_features, self.n_classes)
            except ValueError as error:
                problems["input"] = str(error)
        return problems

    def _field_problems(self) -> dict[str, str]:
        """Each field on its own: its type, its range or its choices."""
        problems = {}
        for name, spec in FIELDS.items():
            value = getattr(self, name)
            if (self.weights and name in WEIGHTS_FIELDS and type(value) is int and value >= spec.minimum):
                continue  # the weights file's own sizes, which may exceed the form's range
            problem = _value_problem(name, spec, value)
            if problem:
                problems[name] = problem
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
