"""Saving and opening a session, so a demonstration resumes exactly where it was.

A session is two files side by side: NAME.json, a readable and versioned config with the
step position, and NAME.npz, the weights and optimiser state at the start of the current
iteration, the batch and the loss history. Opening replays the steps of the current
iteration from those weights, which reproduces every array bit for bit. Each file is
written to a temporary name first and the JSON is replaced last, the old weights kept under a
second name until it is (`_switch`): a crash never leaves half a file, and a fault at any
point of a save leaves the previous save opening as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.quoting import quoted
from .atomic import discard, partial_name, write_atomically
from .config import Config, ConfigError
from .file_checks import (
    FileProblem,
    check_arrays,
    check_claims,
    check_sha256,
    complete_optimiser_state,
    whole_number,
)
from .iteration import Checkpoint, IterationRecord
from .json_file import JsonFileError, parse_json, read_json
from .own_files import own_arrays, own_model_of
from .presets import MAX_FILE_BYTES
from .step_order import steps_per_iteration
from .stepper import Session, memory_limit
from .work import work_problem

SESSION_FORMAT = "unrolled-session"
SESSION_VERSION = 1
# a session's JSON is about a kilobyte (the arrays are in the NPZ), but its config may carry
# a preset's notes, and a preset may be as large as presets.MAX_FILE_BYTES
MAX_DOCUMENT_BYTES = MAX_FILE_BYTES + 64 * 1024
DOCUMENT_FIELDS_BYTES = 4096  # what a session file holds besides its config, indented


class SessionFileError(ValueError):
    """The file is corrupt, truncated, foreign or from a newer version; says which."""


def _flatten_optimiser(state: dict) -> dict[str, np.ndarray]:
    out = {}
    for key, value in state.items():
        if isinstance(value, dict):
            out.update({f"opt.{key}.{k}": v for k, v in value.items()})
        else:
            out[f"opt.{key}"] = np.asarray(value)
    return out


def _unflatten_optimiser(arrays: dict) -> dict:
    state: dict = {}
    for name, value in arrays.items():
        parts = name.split(".")
        if len(parts) == 3:
            state.setdefault(parts[1], {})[parts[2]] = np.array(value)
        else:
            state[parts[1]] = value.item() if value.ndim == 0 else np.array(value)
    return state


def save_session(session: Session, path: str | Path) -> tuple[Path, Path]:
    """Write NAME.json and NAME.npz; returns both paths."""
    path = Path(path).with_suffix(".json")
    weights = path.with_suffix(".npz")
    start = session.iteration_start()  # replaying the steps needs the weights the iteration began from
    params, optimiser, history = start.params, start.optimiser_state, session.history[:start.history_length]
    arrays: dict[str, Any] = {f"param.{k}": v for k, v in params.items()}
    arrays.update(_flatten_optimiser(optimiser))
    arrays["X"], arrays["Y"] = session.X, np.asarray(session.Y)
    arrays.update(session.windows_arrays())
    arrays.update(own_arrays(session.own_model))  # reopens when the files it came from have moved
    arrays["history.loss"] = np.array([r.loss for r in history], dtype=float)
    arrays["history.norm_before"] = np.array([r.norm_before for r in history], dtype=float)
    arrays["history.norm_after"] = np.array([r.norm_after for r in history], dtype=float)
    arrays["history.applied"] = np.array([r.applied for r in history], dtype=bool)

    _check_reopens(session, path)
    npz_tmp, json_tmp = partial_name(weights), partial_name(path)
    try:
        with open(npz_tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        document = {
            "format": SESSION_FORMAT,
            "version": SESSION_VERSION,
            "config": session.config.to_dict(),
            "iteration": start.iteration,
            "position": session.position,
            "phase": session.phase.value,
            "weights": weights.name,
            "weights_sha256": hashlib.sha256(npz_tmp.read_bytes()).hexdigest(),
        }
        # not ASCII-escaped: the settings take no more room than in the preset they came from
        json_tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _switch(npz_tmp, weights, json_tmp, path)
    except (OSError, MemoryError) as error:
        discard(npz_tmp)
        discard(json_tmp)
        why = "not enough memory" if isinstance(error, MemoryError) else error.strerror or str(error)
        raise SessionFileError(f"cannot write {path}: {why}; the previous save is kept") from error
    return path, weights


def _check_reopens(session: Session, path: Path) -> None:
    """Refuse to save what `load_session` would refuse to open: the config is checked by the
    rules a file's config is (a session only ever holds a valid config; this keeps it so)."""
    text = json.dumps(session.config.to_dict(), ensure_ascii=False)
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES - DOCUMENT_FIELDS_BYTES:
        raise SessionFileError(f"cannot save {path}: its settings take more than {MAX_DOCUMENT_BYTES} bytes, "
                               "the most a session file may hold (its notes or sentence are too long)")
    try:
        Config.from_dict(parse_json(text, path.name))
    except (ConfigError, JsonFileError) as error:
        raise SessionFileError(f"cannot save {path}: it would not open again: {error}") from error


def _switch(npz_tmp: Path, weights: Path, json_tmp: Path, path: Path) -> None:
    """Put both written files in place so that NAME.json always opens: the old weights are
    kept as `.NAME.npz.previous` (a second name for the same file, never a move), the new
    NPZ goes in, then the new JSON; only then is the old NPZ let go. If the JSON cannot be
    replaced, the old weights go back; if even that fails, the old JSON still opens through
    `.previous` (its checksum finds them)."""
    previous = weights.with_name(f".{weights.name}.previous")
    discard(previous)
    if weights.exists():
        try:
            os.link(weights, previous)
        except OSError:  # a file system without hard links: a copy, written whole or not at all
            write_atomically(previous, lambda tmp: shutil.copyfile(weights, tmp))
    try:
        os.replace(npz_tmp, weights)
    except OSError:
        discard(previous)
        raise
    try:
        os.replace(json_tmp, path)
    except OSError:
        if previous.exists():
            with contextlib.suppress(OSError):  # failing, the old JSON finds its weights in .previous
                os.replace(previous, weights)
        raise
    discard(previous)


def _read_document(path: Path) -> dict:
    try:
        document = read_json(path, MAX_DOCUMENT_BYTES, "a session file")
    except JsonFileError as error:
        raise SessionFileError(str(error)) from error
    if not isinstance(document, dict) or document.get("format") != SESSION_FORMAT:
        raise SessionFileError(f"{path.name} is not an unrolled session file")
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SESSION_VERSION:
        raise SessionFileError(
            f"{path.name} is session format version {version}; this unrolled reads up to {SESSION_VERSION}"
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionFileError(f"{path.name} has session format version {quoted(version)}; "
                               f"expected a whole number from 1 to {SESSION_VERSION}")
    for key in ("config", "iteration", "position", "weights"):
        if key not in document:
            raise SessionFileError(f"{path.name} is incomplete: '{key}' is missing")
    link = document["weights"]
    if not isinstance(link, str) or not Path(link).name or Path(link).suffix != ".npz":
        raise SessionFileError(f"{path.name} names its weights file as {quoted(link)}; "
                               "expected a file name ending in .npz")
    try:
        check_sha256(document.get("weights_sha256"))
        whole_number("iteration", document["iteration"])
        if isinstance(document["position"], bool) or not isinstance(document["position"], int):
            raise FileProblem(f"position: got {quoted(document['position'])}, expected a whole number")
    except FileProblem as problem:
        raise SessionFileError(f"{path.name}: {problem}") from problem
    return document


def load_session(path: str | Path) -> Session:
    """Open a saved session; SessionFileError says what is wrong, and nothing is changed."""
    path = Path(path)
    document = _read_document(path)
    weights = path.with_name(Path(document["weights"]).name)
    try:
        blob = weights.read_bytes()
    except OSError as error:
        raise SessionFileError(f"cannot read the weights {weights.name}: {error.strerror or error}") from error
    expected = document.get("weights_sha256")
    if expected and hashlib.sha256(blob).hexdigest() != expected:
        blob = _previous_weights(weights, expected) or blob  # a save cut off between its two renames
    if expected and hashlib.sha256(blob).hexdigest() != expected:
        raise SessionFileError(f"{weights.name} does not belong to {path.name} (it was changed or replaced)")
    try:
        config = Config.from_dict(document["config"])
    except (ConfigError, TypeError) as error:
        raise SessionFileError(f"{path.name} holds an invalid config: {error}") from error
    if config.estimated_trace_bytes() > memory_limit():
        raise SessionFileError(f"{path.name} needs more memory than this computer has (T, D or B too large): "
                               f"about {config.estimated_trace_bytes() / 2**30:.1f} GB")
    _check_replay(config, document["position"], path.name)
    arrays = _read_arrays(blob, config, weights.name)
    try:
        check_arrays(arrays, config, document["iteration"])
        optimiser = complete_optimiser_state(
            _unflatten_optimiser({k: v for k, v in arrays.items() if k.startswith("opt.")}), config)
    except FileProblem as problem:
        raise SessionFileError(f"{weights.name} does not fit {path.name}: {problem}") from problem
    try:
        return _rebuild(config, document, arrays, optimiser, own_model_of(config, arrays))
    except (KeyError, ValueError, TypeError) as error:  # WeightsError, DataError: a ValueError naming the file
        raise SessionFileError(f"{path.name} does not fit its own config: {error}") from error
    except MemoryError as error:
        raise SessionFileError(f"{path.name} needs more memory than this computer has (T, D or B too large)") from error


def _check_replay(config: Config, position: int, name: str) -> None:
    """Opening replays `position` steps of the saved iteration: refused before it starts
    when that would take too long (a position outside the iteration is _rebuild's to name)."""
    problem = work_problem(config, steps=position) if 0 <= position <= steps_per_iteration(config) else None
    if problem:
        raise SessionFileError(f"{name} is saved {position} steps into an iteration; replaying them: {problem}")


def _read_arrays(blob: bytes, config: Config, name: str) -> dict[str, np.ndarray]:
    """The NPZ's arrays, never unpickling: claims beyond what `config` needs are refused
    before anything is allocated."""
    try:
        check_claims(blob, config, name)
        arrays = {}
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            for key in data.files:
                try:
                    arrays[key] = data[key]
                except ValueError as error:
                    if "allow_pickle" not in str(error):
                        raise
                    raise FileProblem(f"{name} holds Python objects in {key}, which are never loaded "
                                      "(a session holds only arrays of numbers)") from error
    except FileProblem as problem:
        raise SessionFileError(str(problem)) from problem
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, MemoryError, KeyError) as error:
        raise SessionFileError(
            f"{name} is corrupt or truncated: {error or 'an array claims more memory than there is'}"
        ) from error
    return arrays


def _previous_weights(weights: Path, sha256: str) -> bytes | None:
    """The weights a save was replacing, if it stopped before the JSON was replaced."""
    try:
        blob = weights.with_name(f".{weights.name}.previous").read_bytes()
    except OSError:
        return None
    return blob if hashlib.sha256(blob).hexdigest() == sha256 else None


def _rebuild(config: Config, document: dict, arrays: dict, optimiser: dict, model) -> Session:
    params = {k[len("param."):]: v for k, v in arrays.items() if k.startswith("param.")}
    losses = arrays["history.loss"]
    applied = arrays.get("history.applied", np.ones(len(losses), dtype=bool))  # version 1 files before it
    history = [
        IterationRecord(float(loss), float(before), float(after), bool(done))
        for loss, before, after, done in zip(
            losses, arrays["history.norm_before"], arrays["history.norm_after"], applied
        )
    ]
    iteration, position = document["iteration"], document["position"]
    steps = steps_per_iteration(config)
    if not 0 <= position <= steps:
        raise ValueError(f"position: got {position}, expected 0..{steps}")
    start = Checkpoint(params, optimiser, len(history), iteration)
    carried = {k: v for k, v in arrays.items() if k.startswith("carry.")}
    return Session.resume(config, start, (arrays["X"], arrays["Y"]), history, position, model, carried=carried)
