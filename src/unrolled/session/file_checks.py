"""What a saved session's two files must hold before any of it is used: the document's
fields, the claimed and actual arrays of the NPZ, and the optimiser state, each refused with
one line naming the field, the value and what is allowed. No Qt."""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np

from ..engine import cell_class, make_optimiser
from ..engine.cells import make_cell
from ..engine.quoting import quoted
from ..engine.stack import Stack
from .config import Config

HISTORY = ("history.loss", "history.norm_before", "history.norm_after")
MAX_OWN_BYTES = 2**30  # an own model's copied array (own_files.py): as MAX_WEIGHTS_BYTES, MAX_DATA_BYTES
SLACK_BYTES = 64 * 2**20  # beyond the arrays a config implies: a long loss history, headers


class FileProblem(ValueError):
    """One thing wrong in a session's files, said in one line."""


def whole_number(name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FileProblem(f"{name}: got {quoted(value)}, expected a whole number >= {minimum}")
    return value


def check_sha256(value) -> None:
    if value is None:
        return
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value.lower()):
        raise FileProblem(f"weights_sha256: got {quoted(value)}, expected 64 hexadecimal digits")


def param_shapes(config: Config) -> dict[str, tuple[int, ...]]:
    c = config
    if c.layers > 1 or c.bidirectional:
        stack = Stack(make_cell(c.cell, c.activation), c.n_features, c.n_hidden, c.n_classes, c.mode,
                      c.layers, 2 if c.bidirectional else 1)
        return stack.param_shapes()
    shapes = cell_class(c.cell).param_shapes(c.n_features, c.n_hidden)
    return {**shapes, "W2": (c.n_hidden, c.n_classes), "b2": (c.n_classes,)}


def _member_claims(blob: bytes) -> dict[str, int]:
    """Array name -> the bytes its .npy header claims, read without loading any array."""
    claims = {}
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, _, dtype = read(member)
            claims[info.filename.removesuffix(".npy")] = math.prod(shape) * max(dtype.itemsize, 1)
    return claims


def check_claims(blob: bytes, config: Config, name: str) -> None:
    """Refuse an NPZ whose arrays claim more memory than a session of `config` can need,
    before any is allocated (a crafted header may claim terabytes)."""
    c = config
    n_params = sum(math.prod(shape) for shape in param_shapes(c).values())
    budget = 8 * (c.batch_size * c.timesteps * (c.n_features + c.n_classes) + 3 * n_params) + SLACK_BYTES
    for array, claimed in _member_claims(blob).items():
        # an own model's copy (own_files.py) is bounded as the files it came from were
        if claimed > (MAX_OWN_BYTES if array.startswith("own.") else budget):
            raise FileProblem(f"{name}'s array {array} claims {claimed:,} bytes; a session of these sizes "
                              f"needs at most {budget:,}")


def _numbers(name: str, value: np.ndarray, finite: bool = True) -> None:
    if value.dtype == bool or not np.issubdtype(value.dtype, np.number):
        raise FileProblem(f"{name} has dtype {value.dtype}; expected numbers")
    if np.iscomplexobj(value):
        raise FileProblem(f"{name} holds complex values; expected real numbers")
    if finite and not np.all(np.isfinite(value)):
        raise FileProblem(f"{name} holds nan or inf values; a saved session's are always finite")


def check_arrays(arrays: dict[str, np.ndarray], config: Config, iteration: int) -> None:
    """Every array a session of `config` needs is there, of real numbers, finite where it
    must be; the history is one number per completed iteration."""
    needed = ["X", "Y", *(f"param.{p}" for p in param_shapes(config)), *HISTORY]
    for name in needed:
        if name not in arrays:
            raise FileProblem(f"lacks the array {name}")
    for name in needed:
        _numbers(name, arrays[name], finite=not name.startswith("history."))
    for name, shape in param_shapes(config).items():
        if arrays[f"param.{name}"].shape != shape:
            raise FileProblem(f"param.{name} has shape {arrays[f'param.{name}'].shape}; this config needs {shape}")
    lengths = {}
    for name in (*HISTORY, "history.applied"):
        if name in arrays:
            if arrays[name].ndim != 1:
                raise FileProblem(f"{name} has shape {arrays[name].shape}; expected one number per iteration")
            lengths[name] = len(arrays[name])
    if len(set(lengths.values())) > 1:
        raise FileProblem("the history arrays have different lengths: "
                          + ", ".join(f"{k} {v}" for k, v in lengths.items()))
    if iteration != lengths["history.loss"]:
        raise FileProblem(f"iteration: got {iteration}, but the weights file holds "
                          f"{lengths['history.loss']} iterations of loss history")


def complete_optimiser_state(state: dict, config: Config) -> dict:
    """The optimiser state as the optimiser of `config` expects it: what the file holds,
    checked against the parameter shapes, on top of a fresh optimiser's state (an Adam saved
    before its first update has empty m and v, which the file cannot hold)."""
    fresh = make_optimiser(config.optimiser, config.learning_rate, config.momentum).state_dict()
    shapes = param_shapes(config)
    where = f"the optimiser state does not fit {config.optimiser}"
    per_param = [("", state)] if config.optimiser == "sgd" else [
        (k, state.get(k, {})) for k in (("sum",) if config.optimiser == "adagrad" else ("m", "v"))]
    expected_keys = set(fresh) if config.optimiser != "sgd" else set()
    unexpected = sorted(set(state) - expected_keys - (set(shapes) if config.optimiser == "sgd" else set()))
    if unexpected:
        raise FileProblem(f"{where}: unexpected {', '.join(unexpected)}")
    if config.optimiser == "adam":
        if "t" not in state:
            raise FileProblem(f"{where}: it lacks t (the step count)")
        whole_number("the optimiser state's t", state["t"])
    for prefix, arrays in per_param:
        label = f"{prefix}." if prefix else ""
        if not isinstance(arrays, dict):
            raise FileProblem(f"{where}: {prefix} is not a set of arrays")
        if arrays and set(arrays) != set(shapes):
            missing = sorted(set(shapes) - set(arrays))
            raise FileProblem(f"{where}: it lacks {', '.join(label + m for m in missing)}")
        for name, value in arrays.items():
            if np.shape(value) != shapes[name]:
                raise FileProblem(f"{where}: {label}{name} has shape {np.shape(value)}, expected {shapes[name]}")
            _numbers(f"the optimiser state's {label}{name}", np.asarray(value))
    if config.optimiser == "adam" and state["t"] > 0 and not (state.get("m") and state.get("v")):
        raise FileProblem(f"{where}: t is {state['t']} but m and v are missing")
    return {**fresh, **state}
