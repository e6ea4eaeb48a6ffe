"""A trained PyTorch recurrent model's weights, read from a file without running any of it
(weights_files.py reads `.safetensors`, `.npz` and `.pt` / `.pth`), recognised as a model.

What the app reads, under any prefixes (torch's state-dict names, DESIGN.md's "Formats shared
with the outside"):

    [embedding]  nn.Embedding          E.weight (V, F): the inputs are token ids
    rnn          nn.RNN / LSTM / GRU   P.weight_ih_l<k>[_reverse] (G*D, F_k), P.weight_hh_l<k>[_reverse]
                                       (G*D, D), P.bias_ih_l<k>[_reverse], P.bias_hh_l<k>[_reverse] (G*D,)
    readout      nn.Linear             R.weight (C, dirs*D), R.bias (C,)

G, the number of gate blocks, tells the cell: 1 rnn, 4 lstm, 3 gru. F_0 = F, F_k = dirs*D. A
module built with bias=False has no bias entries: its biases are zeros. Whether an nn.RNN used
tanh or relu the weights cannot tell: the caller says (tanh by default).

Everything else in the file is refused by name (a projection, weight_hr_l<k>; another layer
between the recurrent one and the readout), except the candidates a choice of prefix set
aside. Every problem is one WeightsError line naming the file. NaN and inf weights are read
and reported in `WeightsLayout.nonfinite` (the app shows them as exploded values). No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine import Network
from ..engine.embedding import EMBEDDING
from ..engine.quoting import one_line
from ..engine.torch_layout import READOUT_PREFIX, RNN_PREFIX, from_torch, to_torch
from .weights_files import MAX_WEIGHTS_BYTES, SUFFIXES, WeightsError, read_state_dict

__all__ = ["MAX_WEIGHTS_BYTES", "SUFFIXES", "OpenedWeights", "WeightsError", "WeightsLayout", "file_state_dict",
           "interpret", "read_state_dict", "read_weights"]

CELL_BY_BLOCKS = {1: "rnn", 4: "lstm", 3: "gru"}

# prefix, part, layer, reverse: "encoder.rnn.weight_hh_l1_reverse"
_RECURRENT = re.compile(r"^(?P<prefix>(?:.*\.)?)(?P<part>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
                        r"_l(?P<layer>\d+)(?P<reverse>_reverse)?$")
_MAX_LISTED = 6  # of the keys or prefixes a message names


@dataclass(frozen=True)
class WeightsLayout:
    """What a weights file holds, as the engine's Network is built from it:
    `Network(cell, n_features, n_hidden, n_classes, layers=layers, bidirectional=bidirectional)`.

    Prefixes are the file's module names without the trailing dot ("" for the root module).
    keys: the file's own names of the parameters read, in torch's order (rnn, then readout;
    the embedding's last). nonfinite: those of them holding nan or inf."""

    path: str
    cell: str
    n_features: int  # F: the recurrent layer's input width (the embedding's dimension)
    n_hidden: int  # D
    n_classes: int  # C: the readout's outputs
    layers: int
    bidirectional: bool
    bias: bool  # False for an nn.RNN/LSTM/GRU(bias=False): its biases are zeros
    readout_bias: bool  # False for an nn.Linear(bias=False)
    embedding: tuple[int, int] | None  # (V, F), or None when the inputs are features
    rnn_prefix: str
    readout_prefix: str
    embedding_prefix: str | None
    keys: tuple[str, ...]
    nonfinite: tuple[str, ...]
    set_aside: tuple[str, ...]  # keys of the candidates a chosen prefix left out
    tied: bool = False  # the embedding's weight is the readout's (word-language-model's --tied): one parameter

    def network(self, **options) -> Network:
        """A Network of this shape, its embedding included, with weights of its own drawing
        (OpenedWeights.network holds the file's)."""
        return Network(self.cell, self.n_features, self.n_hidden, self.n_classes, layers=self.layers,
                       bidirectional=self.bidirectional,
                       vocab_size=self.embedding[0] if self.embedding is not None else None, **options)


@dataclass(frozen=True)
class OpenedWeights:
    """The weights of a file: the layout, the engine's parameters (float64, the engine's names,
    as `from_torch` gives them), the embedding matrix (V, F) float64 or None, and every array
    of the file as read (its own keys and dtypes), which `file_state_dict` writes back."""

    layout: WeightsLayout
    params: dict[str, np.ndarray]
    embedding: np.ndarray | None
    original: dict[str, np.ndarray]

    def network(self, **options) -> Network:
        """A Network of the file's shape holding its weights; options as Network's (activation:
        "relu" for an nn.RNN(nonlinearity="relu"), mode, loss, ...)."""
        net = _shape_network(self.layout, **options)
        net.tied = self.layout.tied  # E and W2 of equal values: the gradient of each sums both uses
        for name, value in self.params.items():
            net.params[name] = value.copy()
        if self.embedding is not None:
            net.params[EMBEDDING] = self.embedding.copy()
        return net


def read_weights(path: str | Path, rnn: str | None = None, readout: str | None = None,
                 embedding: str | None = None, max_bytes: int = MAX_WEIGHTS_BYTES) -> OpenedWeights:
    """The model in the weights file at `path`. `rnn`, `readout` and `embedding` name the
    modules (prefixes, with or without the trailing dot) when the file holds several
    candidates. WeightsError says, in one line, what is wrong."""
    path = Path(path)
    arrays = read_state_dict(path, max_bytes)
    return interpret(arrays, str(path), rnn, readout, embedding)


# -- recognising the model ---------------------------------------------------------------
def _show(prefix: str) -> str:
    return prefix.removesuffix(".") or "(the root module)"


def _listed(items) -> str:
    items = list(items)
    shown = ", ".join(one_line(str(i), 60) for i in items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def _dotted(prefix: str | None) -> str | None:
    if prefix is None:
        return None
    prefix = prefix.strip()
    return prefix if prefix == "" or prefix.endswith(".") else prefix + "."


def _choose(kind: str, flag: str, candidates: list[str], chosen: str | None, where: str) -> str:
    shown = _listed(_show(c) for c in candidates)
    if chosen is not None:
        if chosen not in candidates:
            raise WeightsError(f"{where}: no {kind} {_show(chosen)!r}; its candidates: {shown or 'none'}")
        return chosen
    if len(candidates) > 1:
        raise WeightsError(f"{where} holds {len(candidates)} {kind} candidates ({shown}): "
                           f"choose one with --{flag} PREFIX ({flag}= from Python)")
    return candidates[0]


def _shape(array: np.ndarray) -> str:
    return "[" + ", ".join(str(n) for n in array.shape) + "]"


def interpret(arrays: Mapping[str, np.ndarray], where: str, rnn: str | None = None, readout: str | None = None,
              embedding: str | None = None) -> OpenedWeights:
    """The model in a state dict (name -> array); `where` names its file in messages."""
    rnn, readout, embedding = _dotted(rnn), _dotted(readout), _dotted(embedding)
    _check_numbers(arrays, where)
    recurrent = _recurrent_modules(arrays, where)
    rnn_prefix = _choose("recurrent module", "rnn", list(recurrent), rnn, where)
    shape = _recurrent_shape(arrays, rnn_prefix, recurrent[rnn_prefix], where)
    cell, F, D, layers, dirs, bias = shape
    set_aside = [n for p, names in recurrent.items() if p != rnn_prefix for n in names]
    modules = _plain_modules(arrays, {*recurrent[rnn_prefix], *set_aside})

    readout_candidates = _readout_candidates(arrays, modules, dirs * D, readout is not None)
    if not readout_candidates:
        raise WeightsError(f"{where}: no nn.Linear readout reads the output of {_show(rnn_prefix)} "
                           f"(an nn.{cell.upper()}): "
                           f"expected a weight [C, {dirs * D}] (D = {D}{', two directions' if dirs == 2 else ''})")
    readout_prefix = _choose("readout (nn.Linear)", "readout", readout_candidates, readout, where)
    fits_embedding = [p for p, parts in modules.items() if parts == ["weight"] and p != readout_prefix
                      and arrays[p + "weight"].ndim == 2 and arrays[p + "weight"].shape[1] == F]
    embedding_prefix: str | None = None
    if embedding is not None or fits_embedding:
        embedding_prefix = _choose("embedding (nn.Embedding)", "embedding", fits_embedding, embedding, where)
    set_aside += [p + part for p in readout_candidates if p != readout_prefix for part in modules[p]]
    if embedding is not None:
        set_aside += [p + "weight" for p in fits_embedding if p != embedding_prefix]

    readout_keys = [readout_prefix + part for part in ("weight", "bias") if part in modules[readout_prefix]]
    embedding_keys = [embedding_prefix + "weight"] if embedding_prefix is not None else []
    used = [*_torch_order(recurrent[rnn_prefix]), *readout_keys, *embedding_keys]
    unread = [n for n in arrays if n not in used and n not in set_aside]
    if unread:
        raise WeightsError(f"{where}: {_listed(f'{n} {_shape(arrays[n])}' for n in unread)} belong to no part the "
                           f"app reads (one nn.Embedding, one nn.RNN/LSTM/GRU, one nn.Linear readout)")
    C = arrays[readout_prefix + "weight"].shape[0]
    V = arrays[embedding_prefix + "weight"].shape[0] if embedding_prefix is not None else None
    layout = WeightsLayout(
        path=where, cell=cell, n_features=F, n_hidden=D, n_classes=C, layers=layers, bidirectional=dirs == 2,
        bias=bias, readout_bias=len(readout_keys) == 2, embedding=(V, F) if V is not None else None,
        rnn_prefix=rnn_prefix.removesuffix("."), readout_prefix=readout_prefix.removesuffix("."),
        embedding_prefix=embedding_prefix.removesuffix(".") if embedding_prefix is not None else None,
        keys=tuple(used), nonfinite=tuple(n for n in used if not np.all(np.isfinite(arrays[n]))),
        set_aside=tuple(set_aside), tied=_tied(arrays, embedding_keys, readout_keys[0]))
    state = _engine_state(arrays, layout, recurrent[rnn_prefix], rnn_prefix, readout_prefix)
    with np.errstate(all="ignore"):  # inf + inf in a bias sum is the file's own explosion, reported above
        params = from_torch(_shape_network(layout), state)
    matrix = np.asarray(arrays[embedding_keys[0]], dtype=np.float64) if embedding_keys else None
    return OpenedWeights(layout, params, matrix, dict(arrays))


def _tied(arrays: Mapping[str, np.ndarray], embedding_keys: list[str], readout_key: str) -> bool:
    """Whether the embedding's weight is the readout's (word-language-model's --tied: decoder.weight
    is encoder.weight), one parameter whose gradient sums both uses (Network.tied). Equal values
    are taken as tied: a .pt saves the shared storage under both keys, and two trained
    matrices are never equal by chance."""
    if not embedding_keys:
        return False
    E, W = arrays[embedding_keys[0]], arrays[readout_key]
    return E.shape == W.shape and bool(np.array_equal(E, W))


def _check_numbers(arrays: Mapping[str, np.ndarray], where: str) -> None:
    for name, value in arrays.items():
        if not (np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer)):
            raise WeightsError(f"{where}: {one_line(name)} has dtype {value.dtype}; weights are numbers")


def _recurrent_modules(arrays: Mapping[str, np.ndarray], where: str) -> dict[str, list[str]]:
    """prefix -> its keys, for every prefix holding an nn.RNN/LSTM/GRU's parts; at least one."""
    recurrent: dict[str, list[str]] = {}
    for name in arrays:
        found = _RECURRENT.match(name)
        if found:
            recurrent.setdefault(found["prefix"], []).append(name)
    if not recurrent:
        tops = dict.fromkeys(name.split(".", 1)[0] if "." in name else "(the root module)" for name in arrays)
        cells = [n for n in arrays if re.search(r"(^|\.)weight_ih$", n)]
        hint = (f"; {cells[0]} is an nn.RNNCell/LSTMCell/GRUCell, which the app does not read: use nn.RNN/LSTM/GRU"
                if cells else "")
        raise WeightsError(f"{where} holds no nn.RNN, nn.LSTM or nn.GRU (no weight_ih_l0); its top-level "
                           f"prefixes: {_listed(tops) or 'none'}{hint}")
    return recurrent


def _plain_modules(arrays: Mapping[str, np.ndarray], skipped: set[str]) -> dict[str, list[str]]:
    """prefix -> its "weight" / "bias" parts, for every key outside `skipped`."""
    modules: dict[str, list[str]] = {}
    for name in arrays:
        if name in skipped:
            continue
        head, _, last = name.rpartition(".")
        if last in ("weight", "bias"):
            modules.setdefault(head + "." if head else "", []).append(last)
    return modules


def _readout_candidates(arrays: Mapping[str, np.ndarray], modules: dict[str, list[str]], width: int,
                        chosen: bool) -> list[str]:
    """The modules that can read `width` features as an nn.Linear; unless one is `chosen`,
    those with a bias when there are any."""
    fits = [p for p, parts in modules.items() if "weight" in parts
            and arrays[p + "weight"].ndim == 2 and arrays[p + "weight"].shape[1] == width
            and ("bias" not in parts or arrays[p + "bias"].shape == arrays[p + "weight"].shape[:1])]
    with_bias = [p for p in fits if "bias" in modules[p]]
    return fits if chosen else (with_bias or fits)


def _engine_state(arrays: Mapping[str, np.ndarray], layout: WeightsLayout, rnn_keys: list[str], rnn_prefix: str,
                  readout_prefix: str) -> dict[str, np.ndarray]:
    """torch's state dict under the names from_torch expects; biases a module lacks are zeros."""
    G, D = {"rnn": 1, "lstm": 4, "gru": 3}[layout.cell], layout.n_hidden
    state = {RNN_PREFIX + name[len(rnn_prefix):]: arrays[name] for name in rnn_keys}
    if not layout.bias:
        for layer in range(layout.layers):
            for d in range(2 if layout.bidirectional else 1):
                tail = f"_l{layer}" + ("_reverse" if d else "")
                state[f"{RNN_PREFIX}bias_ih{tail}"] = np.zeros(G * D)
                state[f"{RNN_PREFIX}bias_hh{tail}"] = np.zeros(G * D)
    state[READOUT_PREFIX + "weight"] = arrays[readout_prefix + "weight"]
    state[READOUT_PREFIX + "bias"] = (arrays[readout_prefix + "bias"] if layout.readout_bias
                                      else np.zeros(layout.n_classes))
    return state


def _torch_order(names: list[str]) -> list[str]:
    """The recurrent module's keys as torch lists them: by layer, direction, then part."""
    parts = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")

    def key(name: str):
        found = _RECURRENT.match(name)
        assert found is not None
        return int(found["layer"]), bool(found["reverse"]), parts.index(found["part"])

    return sorted(names, key=key)


def _recurrent_shape(arrays: Mapping[str, np.ndarray], prefix: str, names: list[str], where: str):
    """(cell, F, D, layers, dirs, bias) of the recurrent module under `prefix`, every shape checked."""
    shown = _show(prefix)
    parts = {}
    for name in names:
        found = _RECURRENT.match(name)
        assert found is not None
        if found["part"] == "weight_hr":
            raise WeightsError(f"{where}: {name} {_shape(arrays[name])} is an LSTM's projection (proj_size), "
                               f"which the app's cells do not have")
        parts[(found["part"], int(found["layer"]), bool(found["reverse"]))] = name
    own = [n for n in arrays if n.startswith(prefix) and "." not in n[len(prefix):] and n not in names]
    if own:
        raise WeightsError(f"{where}: {_listed(own)} in the recurrent module {shown} is not a part of nn.RNN/LSTM/GRU "
                           f"the app reads (weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>)")
    layers = max(layer for _, layer, _ in parts) + 1
    dirs = 2 if any(reverse for _, _, reverse in parts) else 1
    bias = any(part.startswith("bias") for part, _, _ in parts)
    expected = [(part, layer, bool(d)) for layer in range(layers) for d in range(dirs)
                for part in ("weight_ih", "weight_hh", *(("bias_ih", "bias_hh") if bias else ()))]
    missing = [prefix + f"{part}_l{layer}" + ("_reverse" if reverse else "")
               for part, layer, reverse in expected if (part, layer, reverse) not in parts]
    if missing:
        raise WeightsError(f"{where}: the recurrent module {shown} lacks {_listed(missing)}")
    hidden = arrays[parts[("weight_hh", 0, False)]]
    if hidden.ndim != 2 or hidden.shape[1] == 0 or hidden.shape[0] % hidden.shape[1]:
        raise WeightsError(f"{where}: {parts[('weight_hh', 0, False)]} is {_shape(hidden)}; "
                           f"a weight_hh is [G*D, D] with G = 1 (RNN), 3 (GRU) or 4 (LSTM)")
    D = hidden.shape[1]
    G = hidden.shape[0] // D
    if G not in CELL_BY_BLOCKS:
        raise WeightsError(f"{where}: {parts[('weight_hh', 0, False)]} is {_shape(hidden)}: {G}*D rows, "
                           f"but an RNN has 1*D, a GRU 3*D and an LSTM 4*D")
    first = arrays[parts[("weight_ih", 0, False)]]
    F = first.shape[1] if first.ndim == 2 else 0
    for (part, layer, _), name in parts.items():
        width = {"weight_ih": F if layer == 0 else dirs * D, "weight_hh": D}.get(part)
        want = (G * D, width) if width is not None else (G * D,)
        if arrays[name].shape != want:
            raise WeightsError(f"{where}: {name} is {_shape(arrays[name])} but the recurrent module's other "
                               f"weights make it [{', '.join(map(str, want))}] (D = {D}, "
                               f"{CELL_BY_BLOCKS[G]}{f', F = {F}' if F else ''})")
    if F == 0:
        raise WeightsError(f"{where}: {parts[('weight_ih', 0, False)]} is {_shape(first)}: no input features")
    return CELL_BY_BLOCKS[G], F, D, layers, dirs, bias


def _shape_network(layout: WeightsLayout, **options) -> Network:
    # its drawn weights are replaced: the identity draw is the cheapest (an LSTM of D = 512
    # draws its spectral-radius weights in seconds)
    return layout.network(init="identity", **options)


# -- writing back ------------------------------------------------------------------------
def file_state_dict(opened: OpenedWeights, params: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every array of the file under its own key, in its order, with the model's parameters
    replaced by `params` (the engine's names; opened.params unless given) as float64: what
    `model.load_state_dict` of the file's model takes. The engine's one bias per gate block
    is written as torch's bias_ih, beside the file's own bias_hh (the GRU's n block: c_n).
    ValueError when a module built without biases (bias=False) has gained nonzero ones."""
    layout = opened.layout
    params = opened.params if params is None else params
    net = _shape_network(layout)
    rnn_dot = layout.rnn_prefix + "." if layout.rnn_prefix else ""
    readout_dot = layout.readout_prefix + "." if layout.readout_prefix else ""
    torch_state = to_torch(net, dict(params), rnn_dot, readout_dot)
    out = {name: np.array(value) for name, value in opened.original.items()}
    if layout.embedding_prefix is not None and EMBEDDING in params:
        key = f"{layout.embedding_prefix}.weight" if layout.embedding_prefix else "weight"
        out[key] = np.array(params[EMBEDDING], dtype=np.float64)
    D, blocks = layout.n_hidden, net.cell.blocks
    for name, value in torch_state.items():
        if name in out:
            out[name] = value
            continue
        if not np.all(value == 0):  # a bias the file's module does not have
            raise ValueError(f"{layout.path}: {name} is not in the file (its module has bias=False) "
                             f"but the model's is no longer zero; it cannot be written back")
    if layout.bias:
        for name in list(torch_state):
            if "bias_ih" not in name:
                continue
            hh = name.replace("bias_ih", "bias_hh")
            kept = np.asarray(opened.original[hh], dtype=np.float64)
            b = torch_state[name]
            if layout.cell == "gru":  # the n block's bias_hh is c_n, inside the reset: to_torch wrote it
                kept = kept.copy()
                kept[2 * D:] = torch_state[hh][2 * D:]
                ih = b.copy()
                ih[: 2 * D] = b[: 2 * D] - kept[: 2 * D]
            else:
                ih = b - kept
            assert ih.shape == (blocks * D,)
            out[name], out[hh] = ih, kept
    return out
