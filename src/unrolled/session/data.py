"""A user's own sequences, read from a file (DESIGN.md's "Own data"):

    .npz   X (N, T, F) numbers, or (N, T) integer token ids (for a model with an embedding);
           optional Y: (N, T) or (N,) integer classes (cross-entropy), (N, T, C) or (N, C)
           floats (MSE). (N, T) targets are many-to-many, (N,) and (N, C) many-to-one.
    .npy   X only
    .csv   a header `sample,t,x0,...,x{F-1}` and optionally `y`; one row per (sample, t). A y
           column of whole numbers is classes, else one float per step (MSE, C = 1).

Without Y the targets are None: the caller uses the model's own predictions. Sizes are
bounded before anything is allocated: the file with stat, and each array by the shape its
.npy header declares (a header of a few bytes can claim terabytes). Every problem is one
DataError line naming the file. No Qt.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

import numpy as np

from ..engine.quoting import one_line
from .file_access import check_regular_file, checked_suffix, decoded_text, npy_header

MAX_DATA_BYTES = 2**30  # as float64 arrays; far beyond what a step-through shows
SUFFIXES = (".npz", ".npy", ".csv")


class DataError(ValueError):
    """A data file that cannot be used, said in one line naming the file."""


@dataclass(frozen=True)
class OwnData:
    """Sequences from a file. X: (N, T, F) float64, or (N, T) int64 token ids. Y: (N, T) / (N,)
    int64 classes, (N, T, C) / (N, C) float64, or None. loss and mode follow from Y (None
    without it). rows: which of the file's samples these are (after `sample=` / `batch=`)."""

    path: str
    X: np.ndarray
    Y: np.ndarray | None
    loss: str | None  # "cross-entropy" | "mse"
    mode: str | None  # "many-to-many" | "many-to-one"
    rows: tuple[int, ...]

    @property
    def token_ids(self) -> bool:
        return self.X.ndim == 2

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def timesteps(self) -> int:
        return self.X.shape[1]

    @property
    def n_features(self) -> int | None:
        """F, or None for token ids (the embedding gives F)."""
        return None if self.token_ids else self.X.shape[2]

    @property
    def n_classes(self) -> int | None:
        """C as the targets tell it: None for classes (any C above the largest) or without Y."""
        return self.Y.shape[-1] if self.Y is not None and self.loss == "mse" else None


def read_data(path: str | Path, sample: int | None = None, batch: int | None = None,
              max_bytes: int = MAX_DATA_BYTES) -> OwnData:
    """The data in the file at `path`, all of it, or sample K (`sample=K`, one sequence), or the
    first N samples as one batch (`batch=N`). DataError says, in one line, what is wrong."""
    path = Path(path)
    where = str(path)
    suffix = checked_suffix(path, SUFFIXES, "a data file", DataError)
    check_regular_file(path, max_bytes, "a data file", DataError)
    if suffix == ".csv":
        X, Y = _read_csv(path, where, max_bytes)
    elif suffix == ".npy":
        X, Y = _read_npy(path, where, max_bytes), None
    else:
        X, Y = _read_npz(path, where, max_bytes)
    data = _checked(where, X, Y)
    return select(data, sample, batch)


def from_arrays(where: str, X: np.ndarray, Y: np.ndarray | None = None) -> OwnData:
    """Arrays given in memory, checked as a file's would be; `where` names them in messages."""
    return _checked(where, np.asarray(X), None if Y is None else np.asarray(Y))


def select(data: OwnData, sample: int | None = None, batch: int | None = None) -> OwnData:
    """Sample K alone, or the first N samples; at most one of the two."""
    if sample is not None and batch is not None:
        raise DataError(f"{data.path}: choose a sample or a batch, not both")
    N = data.n_samples
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < N:
            raise DataError(f"{data.path}: sample {sample!r}: it holds samples 0 to {N - 1}")
        rows = slice(sample, sample + 1)
    elif batch is not None:
        if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= N:
            raise DataError(f"{data.path}: batch {batch!r}: it holds {N} samples, so 1 to {N}")
        rows = slice(0, batch)
    else:
        return data
    return replace(data, X=data.X[rows].copy(), Y=None if data.Y is None else data.Y[rows].copy(),
                   rows=data.rows[rows])


def check_fits(data: OwnData, n_features: int | None = None, n_classes: int | None = None,
               vocab_size: int | None = None) -> None:
    """DataError unless the data fits a model of F features (one without an embedding), C
    outputs and a vocabulary of V tokens (one with an embedding)."""
    where = data.path
    if data.token_ids:
        if vocab_size is None:
            raise DataError(f"{where}: X is token ids {list(data.X.shape)} but the model has no embedding: "
                            f"it reads features (N, T, {n_features if n_features is not None else 'F'})")
        top = int(data.X.max())
        if top >= vocab_size:
            n, t = np.unravel_index(np.argmax(data.X), data.X.shape)
            raise DataError(f"{where}: token id {top} (sample {data.rows[n]}, t = {t}) but the embedding "
                            f"has {vocab_size} tokens (0 to {vocab_size - 1})")
    else:
        if vocab_size is not None:
            raise DataError(f"{where}: X is features {list(data.X.shape)} but the model has an embedding: "
                            f"it reads token ids (N, T) below {vocab_size}")
        if n_features is not None and data.X.shape[2] != n_features:
            raise DataError(f"{where}: X has F = {data.X.shape[2]} features per step; the model reads {n_features}")
    if data.Y is None or n_classes is None:
        return
    if data.loss == "cross-entropy":
        top = int(data.Y.max())
        if top >= n_classes:
            at = np.unravel_index(np.argmax(data.Y), data.Y.shape)
            place = f"sample {data.rows[at[0]]}" + (f", t = {at[1]}" if len(at) > 1 else "")
            raise DataError(f"{where}: class {top} in Y ({place}) but the model has C = {n_classes} "
                            f"classes (0 to {n_classes - 1})")
    elif data.Y.shape[-1] != n_classes:
        raise DataError(f"{where}: Y has {data.Y.shape[-1]} outputs per target; the model has C = {n_classes}")


# -- the formats -------------------------------------------------------------------------
def _claim(member: IO[bytes], name: str, where: str, max_bytes: int) -> None:
    """Refuse an array whose .npy header declares more than max_bytes as float64."""
    try:
        shape, dtype = npy_header(member)
    except (ValueError, OSError, EOFError) as error:
        raise DataError(f"{where}: {name} is not a NumPy array ({one_line(str(error), 80)})") from error
    if dtype.hasobject:
        raise DataError(f"{where}: {name} holds Python objects; data is arrays of numbers")
    claimed = math.prod(shape) * max(dtype.itemsize, 8)
    if claimed > max_bytes:
        raise DataError(f"{where}: {name} {list(shape)} would take {claimed:,} bytes; data is at most {max_bytes:,}")


def _read_npy(path: Path, where: str, max_bytes: int) -> np.ndarray:
    with open(path, "rb") as handle:
        _claim(handle, "X", where, max_bytes)
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise DataError(f"{where} is not a NumPy array that can be read ({one_line(str(error), 80)})") from error


def _read_npz(path: Path, where: str, max_bytes: int) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename.removesuffix(".npy") for info in archive.infolist()]
            if "X" not in names:
                raise DataError(f"{where} has no array X (it holds {', '.join(map(one_line, names)) or 'nothing'})")
            for name in ("X", "Y"):
                if name in names:
                    with archive.open(name + ".npy") as member:
                        _claim(member, name, where, max_bytes)
        with np.load(path, allow_pickle=False) as archive:
            return archive["X"], archive["Y"] if "Y" in names else None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        if isinstance(error, DataError):
            raise
        raise DataError(f"{where} is not an .npz archive that can be read ({one_line(str(error), 80)})") from error


def _read_csv(path: Path, where: str, max_bytes: int) -> tuple[np.ndarray, np.ndarray | None]:
    text = decoded_text(path.read_bytes()[: max_bytes + 1], where, "a .csv", DataError)
    rows = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(rows, [])]
    F = len(header) - 2 - ("y" in header)
    expected = ["sample", "t", *(f"x{i}" for i in range(F)), *(["y"] if "y" in header else [])]
    if F < 1 or header != expected:
        raise DataError(f"{where}: the header is {one_line(','.join(header))!r}; expected sample,t,x0,...,x<F-1> "
                        f"and optionally y")
    samples = _csv_samples(rows, len(header), where)
    first = _csv_timesteps(samples, where)
    table = [[steps[t] for t in first] for steps in samples.values()]  # (N, T, F [+ 1])
    try:
        X = np.array([[[float(v) for v in step[:F]] for step in seq] for seq in table])
    except ValueError as error:
        raise DataError(f"{where}: a feature is not a number ({one_line(str(error), 60)})") from error
    if "y" not in header:
        return X, None
    return X, _csv_targets([step[F].strip() for seq in table for step in seq], len(table), len(first), where)


def _csv_samples(rows, columns: int, where: str) -> dict[int, dict[int, list[str]]]:
    """sample -> t -> the row's values after sample and t, from line 2 on."""
    samples: dict[int, dict[int, list[str]]] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != columns:
            raise DataError(f"{where}: line {line} has {len(row)} columns; the header has {columns}")
        try:
            key, t = int(row[0]), int(row[1])
        except ValueError as error:
            raise DataError(f"{where}: line {line}: sample and t are whole numbers "
                            f"({one_line(row[0], 20)!r}, {one_line(row[1], 20)!r})") from error
        steps = samples.setdefault(key, {})
        if t in steps:
            raise DataError(f"{where}: line {line}: sample {key} has t = {t} twice")
        steps[t] = row[2:]
    if not samples:
        raise DataError(f"{where} has a header but no rows")
    return samples


def _csv_timesteps(samples: dict[int, dict[int, list[str]]], where: str) -> list[int]:
    """The t values every sample has, counting up one by one."""
    first = sorted(next(iter(samples.values())))
    T = len(first)
    if first != list(range(first[0], first[0] + T)):
        raise DataError(f"{where}: sample {next(iter(samples))} has t = {_gaps(first)}; t counts up one by one")
    for key, steps in samples.items():
        if sorted(steps) != first:
            raise DataError(f"{where}: sample {key} has t = {_gaps(sorted(steps))}; "
                            f"sample {next(iter(samples))} has t = {_gaps(first)}")
    return first


def _csv_targets(column: list[str], N: int, T: int, where: str) -> np.ndarray:
    """The y column: classes (N, T) when every value is a whole number, else floats (N, T, 1)."""
    try:
        return np.array([int(v) for v in column], dtype=np.int64).reshape(N, T)
    except ValueError:
        try:
            return np.array([float(v) for v in column]).reshape(N, T, 1)
        except ValueError as error:
            raise DataError(f"{where}: a y is not a number ({one_line(str(error), 60)})") from error


def _gaps(ts: list[int]) -> str:
    return ", ".join(map(str, ts[:6])) + (", ..." if len(ts) > 6 else "")


# -- what the arrays mean ----------------------------------------------------------------
def _kind(array: np.ndarray) -> str:
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        return "other"
    return "int" if np.issubdtype(array.dtype, np.integer) else "float"


def _checked(where: str, X: np.ndarray, Y: np.ndarray | None) -> OwnData:
    X = _checked_inputs(where, X)
    rows = tuple(range(X.shape[0]))
    if Y is None:
        return OwnData(where, X, None, None, None, rows)
    kind = _kind(Y)
    if kind == "other":
        raise DataError(f"{where}: Y has dtype {Y.dtype}; expected integer classes or float targets")
    if Y.shape[:1] != (X.shape[0],):
        raise DataError(f"{where}: Y is {list(Y.shape)} but X has N = {X.shape[0]} samples")
    if kind == "int":
        return OwnData(where, X, _checked_classes(where, Y, X.shape[1]), "cross-entropy",
                       "many-to-many" if Y.ndim == 2 else "many-to-one", rows)
    Y = _checked_real_targets(where, Y, X.shape[1])
    return OwnData(where, X, Y, "mse", "many-to-many" if Y.ndim == 3 else "many-to-one", rows)


def _checked_inputs(where: str, X: np.ndarray) -> np.ndarray:
    """X as (N, T) int64 token ids or (N, T, F) finite float64 features."""
    kind = _kind(X)
    if kind == "other":
        raise DataError(f"{where}: X has dtype {X.dtype}; expected real numbers")
    if X.ndim == 2 and kind == "float":
        raise DataError(f"{where}: X is {list(X.shape)} floats; features are (N, T, F) (F = 1: X[..., None]) "
                        f"and token ids (N, T) are integers")
    if X.ndim not in (2, 3) or 0 in X.shape:
        raise DataError(f"{where}: X is {list(X.shape)}; expected (N, T, F) features or (N, T) token ids")
    if X.ndim == 2:
        if X.min() < 0:
            raise DataError(f"{where}: X holds the token id {int(X.min())}; ids are 0 or more")
        return X.astype(np.int64)
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        n, t, _ = np.argwhere(~np.isfinite(X))[0]
        raise DataError(f"{where}: X holds nan or inf (sample {n}, t = {t})")
    return X


def _checked_classes(where: str, Y: np.ndarray, T: int) -> np.ndarray:
    """Integer Y as (N, T) or (N,) int64 classes."""
    N = Y.shape[0]
    if Y.ndim not in (1, 2) or (Y.ndim == 2 and Y.shape[1] != T):
        raise DataError(f"{where}: Y is {list(Y.shape)} integers; classes are ({N}, {T}) or ({N},)")
    if Y.min() < 0:
        raise DataError(f"{where}: Y holds the class {int(Y.min())}; classes are 0 or more")
    return Y.astype(np.int64)


def _checked_real_targets(where: str, Y: np.ndarray, T: int) -> np.ndarray:
    """Float Y as (N, T, C) or (N, C) finite float64 MSE targets."""
    N = Y.shape[0]
    if Y.ndim == 3 and Y.shape[1] != T:
        raise DataError(f"{where}: Y is {list(Y.shape)} but X has T = {T} steps")
    if Y.ndim not in (2, 3) or Y.shape[-1] == 0:
        raise DataError(f"{where}: Y is {list(Y.shape)} floats; MSE targets are ({N}, {T}, C) or ({N}, C), "
                        f"and classes are integers")
    Y = Y.astype(np.float64)
    if not np.all(np.isfinite(Y)):
        raise DataError(f"{where}: Y holds nan or inf")
    return Y
