"""A user's own model: a trained PyTorch RNN, LSTM or GRU (a weights file, a state dict or an
nn.Module, none of whose code runs) and, optionally, their own sequences, as a session steps
through them (`Session.from_torch`, `unrolled --weights`).

What the weights cannot tell comes from the data or the caller: the loss from the targets
(integer classes: cross-entropy; floats: MSE), the mode from their shape ([N, T]
many-to-many, [N] many-to-one), an nn.RNN's nonlinearity from `activation` (tanh unless
told). Without data the input is random, of the model's shape; without targets they are the
model's own predictions at the weights of the moment (`OwnModel.notes` says so, for a
window to show). A new sample walks through the file's samples, B at a time. Token ids are
held as X (B, T, 1), one id as each step's input, so every view of X (B, T, F) shows them.
No Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..engine import Network, make_optimiser, with_spectral_radius
from ..engine.losses import check_targets
from ..engine.quoting import one_line
from ..engine.tasks import Task
from .building import build, memory_limit
from .config import IN_MEMORY, WEIGHTS_FIELDS, Config, ConfigError
from .iteration import IterationState

if TYPE_CHECKING:  # the readers are imported when a model is opened: the first window needs neither
    from .data import OwnData
    from .weights import OpenedWeights

OPENING = ("rnn", "readout", "embedding", "activation", "sample", "batch", "vocab")  # open_model's keywords
DEFAULT_T = 8  # timesteps of a random input, when no data is given
PathLike = str | Path


@dataclass(frozen=True)
class OwnModel:
    """Opened weights, and the data (every sample of it) with the rows of the first batch.

    weights_name / data_name: the files the config records ("" for a model or arrays from
    memory). vocabulary: a word per token id, or None."""

    weights: OpenedWeights
    data: OwnData | None
    first: tuple[int, ...]
    activation: str
    weights_name: str
    data_name: str
    vocabulary: tuple[str, ...] | None = None
    fresh: bool = False  # weights of the app's drawing, of the file's shape (a comparison's B)

    @property
    def title(self) -> str:
        return self.weights_name or self.weights.layout.path

    @property
    def notes(self) -> str:
        """What the window says about where the input and the targets come from."""
        if self.data is None:
            return "No data given: a random input of the model's shape; the targets are its own predictions."
        if self.data.Y is None:
            return f"{self.data_name or 'The data'} has no Y: the targets are the model's own predictions."
        return ""

    def input_said(self, timesteps: int, batch_size: int) -> str:
        """Where the input comes from, in a line: the data file and its samples, or random."""
        data = self.data
        if data is None:
            return f"random input of the model's shape (T = {timesteps})"
        name = Path(self.data_name).name if self.data_name else "the arrays given"
        kind = "token ids" if data.token_ids else "sequences"
        return f"{name}: {data.n_samples} {kind} of T = {data.timesteps}, stepped {batch_size} at a time"

    def targets_said(self) -> str:
        """Where the targets come from, in a line."""
        data = self.data
        if data is None or data.Y is None:
            return "the model's own predictions (no Y given)"
        kind = "classes: cross-entropy" if data.loss == "cross-entropy" else "real values: MSE"
        return f"Y of {Path(self.data_name).name if self.data_name else 'the arrays given'} ({kind})"

    def fixed(self) -> dict:
        """The config fields the weights and the data fix."""
        layout = self.weights.layout
        fields: dict = {"cell": layout.cell, "n_features": layout.n_features, "n_hidden": layout.n_hidden,
                        "n_classes": layout.n_classes, "layers": layout.layers, "bidirectional": layout.bidirectional,
                        "weights": self.weights_name or layout.path, "data": self.data_name}
        if self.data is not None:
            fields["timesteps"] = self.data.timesteps
            if self.data.Y is not None:
                fields.update(mode=self.data.mode, loss=self.data.loss)
        return fields

    def config(self, **options) -> Config:
        """The config of a session on this model; options: other settings (learning_rate, mode
        and loss without targets, batch_size without data, ...). A setting the model fixes
        otherwise is refused in one line."""
        fixed = self.fixed()
        clashes = [f"{name} = {options[name]!r} (it is {fixed[name]!r})" for name in fixed
                   if name in options and options[name] != fixed[name]]
        if clashes:
            by_y = all(name in ("mode", "loss") for name in options if name in fixed and options[name] != fixed[name])
            source = f"the Y of {Path(self.data_name).name or 'the data'}" if by_y else self.title
            raise ValueError(f"{source} fixes {', '.join(clashes)}")
        if "activation" in options and options["activation"] != self.activation:
            raise ValueError(f"{self.title}: the activation was read as {self.activation!r}, not "
                             f"{options['activation']!r}")
        values = {"timesteps": DEFAULT_T, **options, **fixed, "activation": self.activation}
        if self.data is not None:
            values["batch_size"] = len(self.first)
        return Config(**values).validated()

    def fresh_copy(self) -> OwnModel:
        """This model with weights of the app's drawing in place of the file's (see `network`)."""
        return replace(self, fresh=True)

    def network(self, config: Config) -> Network:
        """The model's network, holding its weights, with the config's mode, loss and truncation,
        and, when the config's rho is not 0, its recurrent weights at that spectral radius (a
        comparison's "another U scale"); of a fresh copy, weights drawn as the config's init,
        rho, seed and forget bias say."""
        wrong = [f"{name} = {getattr(config, name)!r}" for name in WEIGHTS_FIELDS
                 if getattr(config, name) != self.fixed()[name]]
        if wrong:
            raise ValueError(f"{self.title} fixes the model's shape: {', '.join(wrong)} does not fit it")
        activation = config.activation if config.cell == "rnn" else "tanh"
        if self.fresh:
            return self.weights.layout.network(mode=config.mode, loss=config.loss, truncation=config.truncation,
                                               activation=activation, seed=config.seed, rho=config.rho or None,
                                               forget_bias=config.forget_bias, init=config.init)
        net = self.weights.network(mode=config.mode, loss=config.loss, truncation=config.truncation,
                                   activation=activation)
        if config.rho:  # every recurrent U rescaled to spectral radius rho; 0: the file's own
            for name in net.recurrent_param_names():
                net.params[name] = with_spectral_radius(net.params[name], config.rho)
        return net


class OwnTask(Task):
    """The data as a task's stream: B samples at a time, in the file's order, round again
    after the last; without data random inputs; without targets the network's predictions."""

    name = "own-model"
    title = "Your own model"

    def __init__(self, model: OwnModel, net: Network, mode: str, loss: str):
        self.model, self.net = model, net
        self.mode, self.loss = mode, loss
        self.description = model.notes or f"The weights of {model.title} on {model.data_name or 'the data given'}."
        self._next = (model.first[-1] + 1) if model.first else 0

    def _sample(self, T, F, C, B, rng):
        data = self.model.data
        if data is None:
            V = self.net.vocab_size
            X = rng.integers(0, V, size=(B, T, 1)) if V is not None else rng.standard_normal((B, T, F))
            return X, self.predicted(X)
        rows = [(self._next + i) % data.n_samples for i in range(B)]
        self._next = (rows[-1] + 1) % data.n_samples
        return self.rows(rows)

    def rows(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """(X, Y) of the data's samples `rows`; Y predicted when the data has none."""
        data = self.model.data
        assert data is not None
        X = data.X[list(rows)].copy()
        X = X[..., None] if data.token_ids else X
        return X, (data.Y[list(rows)].copy() if data.Y is not None else self.predicted(X))

    def predicted(self, X: np.ndarray) -> np.ndarray:
        """The network's outputs for X as targets: its classes (argmax), or its values (MSE)."""
        y = self.net.forward(X).y
        return np.argmax(y, axis=-1) if self.loss == "cross-entropy" else np.array(y)

    def input_labels(self, X: np.ndarray) -> list[str] | None:
        if not self.model.weights.layout.embedding:  # features, not token ids (T, 1)
            return None
        words = self.model.vocabulary
        ids = np.asarray(X, dtype=int).reshape(-1)
        return [words[i] if words is not None and i < len(words) else f"#{i}" for i in ids]

    def target_labels(self, Y: np.ndarray) -> list[str] | None:
        words = self.model.vocabulary
        if words is None or self.loss != "cross-entropy" or len(words) != self.net.n_classes:
            return None
        return [words[int(k)] for k in np.ravel(Y)]


def locked_fields(config: Config, model: OwnModel | None) -> dict[str, str]:
    """`Config.locked_fields`, with the mode and the loss locked when the model's data has
    targets Y (their dtype and shape tell them); without Y they are the user's to choose."""
    locked = config.locked_fields()
    if model is not None and model.data is not None and model.data.Y is not None:
        name = Path(model.data_name).name if model.data_name else "the arrays given"
        locked.update(mode=f"the targets Y of {name} fix it", loss=f"the targets Y of {name} fix it")
    return locked


def model_said(config: Config) -> str:
    """What the model is, in a few words for a label: "task pos-tagging" or "your model m.pt"."""
    return f"your model {config.weights_name()}" if config.weights else f"task {config.task}"


def build_session(config: Config, batch, model: OwnModel | None):
    """(the model, what `building.build` gives): of a task's session, or of the own model given
    or named in the config."""
    if model is None and config.weights:
        model = model_of_config(config)
    return model, (build(config, batch) if model is None else build_own(config, batch, model))


def build_own(config: Config, batch, model: OwnModel):
    """What `building.build` gives, for an own model: (config, task, network, optimiser, rng,
    (X, Y), the first iteration's state). batch: (X, Y) to step through instead of the first."""
    needed, limit = config.estimated_trace_bytes(), memory_limit()
    if needed > limit:
        raise MemoryError(f"one iteration needs about {needed / 2**30:.1f} GB; at most {limit / 2**30:.1f} GB "
                          "is allowed: choose a smaller batch")
    net = model.network(config)
    task = OwnTask(model, net, config.mode, config.loss)
    rng = np.random.default_rng(config.seed)
    if batch is not None:
        X, Y = np.array(batch[0]), np.array(batch[1])
    elif model.data is not None:
        N, start = model.data.n_samples, model.first[0]
        X, Y = task.rows(model.first if config.batch_size == len(model.first)
                         else [(start + i) % N for i in range(config.batch_size)])
    else:
        X, Y = task.sample(config.timesteps, config.n_features, config.n_classes, config.batch_size, rng)
    current = IterationState(net.begin_forward(X))
    check_targets(Y, current.fwd.y.shape)
    optimiser = make_optimiser(config.optimiser, config.learning_rate, config.momentum)
    return config, task, net, optimiser, rng, (X, Y), current


# -- opening -----------------------------------------------------------------------------
def state_dict_arrays(model) -> tuple[dict[str, np.ndarray], str]:
    """(name -> NumPy array, what to call it in messages) of an nn.Module (its state_dict(),
    none of its code run beyond that) or a mapping of tensors or arrays. Torch is not
    imported: a tensor is anything with `detach`."""
    from .weights import WeightsError

    where = f"{IN_MEMORY}state dict"
    if not isinstance(model, Mapping) and callable(getattr(model, "state_dict", None)):
        where = f"{IN_MEMORY}model ({type(model).__name__})"
        model = model.state_dict()
    if not isinstance(model, Mapping):
        raise WeightsError(f"expected an nn.Module, a state dict or a weights file, got {type(model).__name__}")
    arrays = {}
    for name, value in model.items():
        arrays[str(name)] = _array(value, f"{where}: {one_line(str(name))}")
    return arrays, where


def _array(value, what: str) -> np.ndarray:
    from .weights import WeightsError

    if hasattr(value, "detach"):  # a torch tensor: on the CPU, bfloat16 as float32 (NumPy has none)
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        return value.numpy()
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as error:
        raise WeightsError(f"{what} is not an array ({one_line(str(error), 60)})") from error


def read_vocabulary(path: PathLike) -> tuple[str, ...]:
    """A vocabulary file: one token a line, the line's number its id."""
    from .data import DataError
    from .file_access import check_regular_file, decoded_text

    path = Path(path)
    check_regular_file(path, 64 * 2**20, "a vocabulary file", DataError)
    return tuple(decoded_text(path.read_bytes(), str(path), "a vocabulary file", DataError).splitlines())


def open_model(model, X=None, Y=None, *, rnn: str | None = None, readout: str | None = None,
               embedding: str | None = None, activation: str = "tanh", sample: int | None = None,
               batch: int | None = None, vocab: PathLike | None = None) -> OwnModel:
    """The model (a weights file's path, a state dict or an nn.Module) on the data: X a data
    file's path, or arrays X and Y (Y optional), or nothing. rnn / readout / embedding: the
    modules' prefixes when the weights hold several candidates; sample K or the first batch
    N samples. WeightsError or DataError say in one line what is wrong."""
    from .data import check_fits, from_arrays, read_data, select
    from .weights import WeightsError, interpret, read_weights

    if isinstance(model, (str, Path)):
        weights = read_weights(model, rnn, readout, embedding)
        weights_name = str(Path(model).resolve())  # what a saved session reopens from any folder
    else:
        arrays, where = state_dict_arrays(model)
        weights, weights_name = interpret(arrays, where, rnn, readout, embedding), ""
    if activation not in ("tanh", "relu"):
        raise WeightsError(f"activation: got {activation!r}; torch.nn.RNN's nonlinearity is tanh or relu")
    if activation != "tanh" and weights.layout.cell != "rnn":
        raise WeightsError(f"{weights.layout.path}: activation {activation}: only an nn.RNN has a choice of "
                           f"nonlinearity; this model's nn.{weights.layout.cell.upper()} has none")
    data, data_name, first = None, "", tuple[int, ...]()
    if X is not None:
        if isinstance(X, (str, Path)):
            if Y is not None:
                raise ValueError(f"{X}: a data file holds its own Y; give Y only with an array X")
            data, data_name = read_data(X), str(Path(X).resolve())
        else:
            data = from_arrays("X", _array(X, "X"), None if Y is None else _array(Y, "Y"))
        chosen = select(data, sample, batch if batch is not None or sample is not None else 1)
        layout = weights.layout
        check_fits(data, layout.n_features, layout.n_classes, layout.embedding[0] if layout.embedding else None)
        first = chosen.rows
    vocabulary = read_vocabulary(vocab) if vocab is not None else None
    return OwnModel(weights, data, first, activation, weights_name, data_name, vocabulary)


def model_of_config(config: Config) -> OwnModel:
    """The model a config names (its `weights` and `data` files), for a session or lesson
    that names them; the first config.batch_size samples."""
    from .weights import WeightsError

    if config.weights.startswith(IN_MEMORY) and not Path(config.weights).exists():
        raise WeightsError(f"{config.weights} was given from Python, not a file, so it cannot be opened again here: "
                           "save its state dict (safetensors.torch.save_file(model.state_dict(), path)) and open that")
    data = config.data or None
    model = open_model(config.weights, data, activation=config.activation if config.cell == "rnn" else "tanh")
    if model.data is not None:
        model = OwnModel(model.weights, model.data, tuple(range(min(config.batch_size, model.data.n_samples))),
                         model.activation, model.weights_name, model.data_name)
    return model


def config_on_model(data: dict, folder: PathLike | None = None) -> Config:
    """The config a file's settings describe (`Config.from_dict`), its weights and data named
    relative to `folder`; when it names weights, the fields they and the data fix are read
    from them, as a task's are from the task, so a config file or a lesson's stop need name
    only the files. A setting given otherwise than the files say, or a file that cannot be
    opened, is a ConfigError naming it."""
    config = Config.from_dict(data)
    config = config.relative_to(folder) if folder is not None else config
    if not config.weights:
        return config
    from .data import DataError

    try:
        opened = model_of_config(config)
    except ValueError as error:  # WeightsError, DataError: one line naming the file
        raise ConfigError({"data" if isinstance(error, DataError) else "weights": str(error)}) from error
    fixed = {name: value for name, value in opened.fixed().items() if name not in ("weights", "data")}
    clashes = [f"{name} (got {data[name]!r}, the files say {fixed[name]!r})" for name in data
               if name in fixed and data[name] != fixed[name]]
    if clashes:
        raise ConfigError({"weights": f"{config.weights_name()} fixes {', '.join(clashes)}"})
    return config.replace(**fixed).validated()
