"""Reading a weights file's arrays, nothing in it run: `.safetensors` (the safetensors
package's numpy API), `.npz` (no pickles) or `.pt` / `.pth` (torch's zip format read without
torch, torch_zip.py; a legacy bare pickle by torch.load with weights_only=True, when torch is
installed). Sizes are bounded before anything is unpacked.
weights.py recognises the model in them. No Qt.
"""

from __future__ import annotations

import math
import pickle
import pickletools
import re
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..engine.quoting import one_line
from .file_access import check_regular_file, checked_suffix, npy_header

# A model the app can step is far smaller: a 2-layer LSTM of D = 1500 over 33 000 words (the
# largest of PyTorch's word-language-model examples) is 300 MB in float32.
MAX_WEIGHTS_BYTES = 2**30
SUFFIXES = (".safetensors", ".pt", ".pth", ".npz")
SAVE_STATE_DICT = "save a state dict instead: torch.save(model.state_dict(), path)"
# what a state dict's pickle names: tensors and storages, Python's containers
_SAFE_GLOBALS = re.compile(r"torch\._utils\._rebuild_\w+|torch\.(?:storage\.)?\w*Storage"
                           r"|torch\.(?:device|Size|float\w*|int\w*|bool)|collections\.OrderedDict|_codecs\.encode")


class WeightsError(ValueError):
    """A weights file that cannot be read as a model, said in one line naming the file."""


def read_state_dict(path: Path, max_bytes: int = MAX_WEIGHTS_BYTES) -> dict[str, np.ndarray]:
    """Name -> array of the file, in its order, nothing in it run. WeightsError."""
    suffix = checked_suffix(path, SUFFIXES, "a weights file", WeightsError)
    check_regular_file(path, max_bytes, "a weights file", WeightsError)
    if suffix == ".safetensors":
        return _read_safetensors(path)
    if suffix == ".npz":
        return _read_npz(path, max_bytes)
    return _read_torch(path, max_bytes)


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return dict(load_file(path))
    except TypeError as error:  # numpy has no bfloat16: "data type 'bfloat16' not understood"
        raise WeightsError(f"{path}: {one_line(str(error), 80)}: save the tensors as float32 or float64") from error
    except (SafetensorError, OSError, ValueError) as error:
        raise WeightsError(f"{path} is not a safetensors file that can be read ({one_line(str(error), 80)})") from error


def _zip_claims(path: Path, max_bytes: int, what: str) -> None:
    """Refuse a zip whose members unpack to more than max_bytes, before unpacking any."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise WeightsError(f"{path} is not {what} ({one_line(str(error), 80)}: cut short or damaged?)") from error
    if total > max_bytes:
        raise WeightsError(f"{path} unpacks to {total:,} bytes; a weights file is at most {max_bytes:,}")


def _read_npz(path: Path, max_bytes: int) -> dict[str, np.ndarray]:
    _zip_claims(path, max_bytes, "an .npz archive")
    _check_npz_headers(path, max_bytes)
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise WeightsError(f"{path} is not an .npz of arrays that can be read ({one_line(str(error), 80)})") from error


def _check_npz_headers(path: Path, max_bytes: int) -> None:
    """The arrays' declared shapes, read from their .npy headers: a compressed member's header
    can claim terabytes in a few bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    shape, dtype = npy_header(member)
                claimed = math.prod(shape) * max(dtype.itemsize, 1)
                if claimed > max_bytes:
                    raise WeightsError(f"{path}: {info.filename} claims {claimed:,} bytes; "
                                       f"a weights file holds at most {max_bytes:,}")
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        if isinstance(error, WeightsError):
            raise
        raise WeightsError(f"{path} is not an .npz of arrays that can be read ({one_line(str(error), 80)})") from error


def _read_torch(path: Path, max_bytes: int) -> dict[str, np.ndarray]:
    """torch's zip format read here, without torch (torch_zip.py); the legacy format (a bare
    pickle, before torch 1.6) through torch.load."""
    with path.open("rb") as file:
        head = file.read(4)
    zipped = head == b"PK\x03\x04"  # a zip's first local header; a legacy file is a bare pickle
    if not head:
        raise WeightsError(f"{path} is empty, not a PyTorch file")
    if not zipped and not head.startswith(b"\x80"):  # torch.save's pickles are of protocol 2 or later
        raise WeightsError(f"{path} is not a PyTorch file: torch.save writes a zip archive or a pickle, and "
                           f"it begins as neither (its first bytes: {head.hex(' ')})")
    if zipped:
        _zip_claims(path, max_bytes, "a PyTorch file that can be read")
        loaded = _read_torch_zip(path)
        as_array = _numpy_array
    else:
        loaded, as_array = _read_torch_legacy(path)
    if not isinstance(loaded, Mapping):
        raise WeightsError(f"{path} holds a {type(loaded).__name__}, not a state dict; {SAVE_STATE_DICT}")
    arrays: dict[str, np.ndarray] = {}
    _flatten(loaded, "", arrays, as_array)
    return arrays


def _needs_code(path: Path, code: str) -> WeightsError:
    return WeightsError(f"{path} needs code to load ({one_line(code, 80)}: a pickled module or other object), "
                        f"which was not run; {SAVE_STATE_DICT}")


def _read_torch_zip(path: Path):
    from .torch_zip import NeedsCode, NotReadable, read_torch_zip

    try:
        return read_torch_zip(path)
    except NeedsCode as error:
        raise _needs_code(path, error.name) from error
    except (NotReadable, pickle.UnpicklingError, zipfile.BadZipFile, OSError, EOFError, ValueError, TypeError,
            AttributeError, IndexError, KeyError, RecursionError) as error:
        reason = str(error) if isinstance(error, NotReadable) else f"{type(error).__name__} {error}".strip()
        raise WeightsError(f"{path} is not a PyTorch file that can be read ({one_line(reason, 80)})") from error


def _read_torch_legacy(path: Path):
    """(what the file holds, a converter of its tensors to arrays), by torch.load."""
    try:
        import torch
    except ImportError as error:
        raise WeightsError(f"{path}: reading a .pt file needs torch: install torch, or save the state dict as "
                           f".safetensors (safetensors.torch.save_file(model.state_dict(), path))") from error
    try:
        # weights_only: torch's restricted unpickler, which refuses any global that is not a
        # tensor type, so nothing in the file is imported or called
        with warnings.catch_warnings():  # its notes on pickle protocols are not the user's concern
            warnings.simplefilter("ignore", UserWarning)
            loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError, EOFError, ...
        text = str(error)
        found = re.search(r"(?:Unsupported global: GLOBAL|unsupported GLOBAL) ([\w.]+)", text)
        code = found.group(1) if found else _pickled_code(path)
        if code is not None:
            raise _needs_code(path, code) from error
        reasons = [line for line in text.splitlines() if line.strip() and "documentation" not in line]
        reason = reasons[-1] if reasons else ""
        if " " not in reason:  # a bare KeyError's key says nothing alone
            reason = f"{type(error).__name__} {reason}".strip()
        raise WeightsError(f"{path} is not a PyTorch file that can be read ({one_line(reason, 80)})") from error

    def as_array(value) -> np.ndarray | None:
        if not isinstance(value, torch.Tensor):
            return None
        tensor = value.detach()
        if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16; float32 holds it exactly
            tensor = tensor.to(torch.float32)
        return tensor.numpy()  # the file's dtype: from_torch makes the engine's float64

    return loaded, as_array


def _numpy_array(value) -> np.ndarray | None:
    return value if isinstance(value, np.ndarray) else None


def _pickled_code(path: Path) -> str | None:
    """The first global a pickle names beyond torch's tensors and Python's containers (the
    function or class unpickling would call), found by reading its opcodes, running none;
    None when there is none or the bytes are no pickle. Torch's weights-only reader cannot
    parse some pickles (protocol 4 frames) far enough to name it itself."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = next((n for n in archive.namelist() if n.endswith("data.pkl")), None)
                if member is None:
                    return None
                data = archive.read(member)
        else:
            data = path.read_bytes()
        strings: list[str] = []
        for opcode, argument, _ in pickletools.genops(data):
            if opcode.name in ("GLOBAL", "INST"):
                name = str(argument).replace(" ", ".")
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                name = ".".join(strings[-2:])
            else:
                if isinstance(argument, str):
                    strings.append(argument)
                continue
            if not _SAFE_GLOBALS.fullmatch(name):
                return name
    except (ValueError, OSError, zipfile.BadZipFile, EOFError):
        return None
    return None


def _flatten(mapping: Mapping, prefix: str, out: dict[str, np.ndarray], as_array) -> None:
    """Tensors of a (nested) dict under dotted names: {"model": state_dict} gives "model.rnn...";
    numbers and strings beside them (a checkpoint's epoch) are not weights. as_array(value):
    the tensor's array, or None for what is no tensor."""
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, name + ".", out, as_array)
        elif (array := as_array(value)) is not None:
            out[name] = array
