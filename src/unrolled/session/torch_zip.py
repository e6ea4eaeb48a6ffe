"""Reading a state dict from torch's zip format (what torch.save writes since torch 1.6)
without torch, nothing in the file run:

    <name>/data.pkl     the pickle of the dict; each tensor a call of
                        torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)
                        whose storage is a persistent id ("storage", torch.FloatStorage,
                        key, location, numel)
    <name>/data/<key>   each storage's raw bytes
    <name>/byteorder    "little" or "big" (absent in older files, which are little-endian)

The unpickler knows only those names and Python's OrderedDict; any other global (a pickled
module, a function a crafted file would call) is refused by name before anything is built
from it. Each tensor is a copy of a strided view of its storage, its extent checked inside
the storage first. Importing torch costs seconds; this costs milliseconds. No Qt.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

# torch's storage types as numpy dtypes; bfloat16 (which numpy lacks) is widened to float32
STORAGES = {
    "DoubleStorage": np.float64, "FloatStorage": np.float32, "HalfStorage": np.float16,
    "BFloat16Storage": np.uint16, "LongStorage": np.int64, "IntStorage": np.int32,
    "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class NeedsCode(Exception):
    """The pickle names a global beyond tensors and dicts: `name` is what it would call."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class NotReadable(Exception):
    """The archive is not a state dict this reader can read: the reason, in a few words."""


class _StorageType:
    def __init__(self, name: str):
        self.name, self.dtype = name, np.dtype(STORAGES[name])


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, storage):
        super().__init__(io.BytesIO(data))
        self._storage = storage

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in STORAGES:
            return _StorageType(name)
        if module == "torch._utils" and name.startswith("_rebuild_"):  # sparse, quantized, on a device
            raise NotReadable(f"a kind of tensor the app does not read ({name}): save dense tensors")
        if module == "torch" and name.endswith("Storage"):
            raise NotReadable(f"tensors of {name}, which the app does not read: save float32 or float64")
        raise NeedsCode(f"{module}.{name}")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str)):
            raise NotReadable(f"a persistent id {str(pid)[:60]} that is no tensor storage")
        _, kind, key, _location, _numel = pid  # the storage's own bytes tell its size
        return self._storage(kind, key)


def _rebuild_tensor(storage, offset, size, stride, *_rest) -> np.ndarray:
    """The tensor over `storage` (a flat array) at `offset` with `size` and `stride` (in
    elements), copied; NotReadable when it would reach outside the storage."""
    if not (isinstance(storage, np.ndarray) and isinstance(offset, int) and isinstance(size, tuple)
            and isinstance(stride, tuple) and len(size) == len(stride)
            and all(isinstance(n, int) and n >= 0 for n in (offset, *size, *stride))):
        raise NotReadable("a tensor whose offset, size or stride are not counts")
    if 0 not in size:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= storage.size:
            raise NotReadable(f"a tensor reaching element {last} of a storage of {storage.size}")
    elif offset > storage.size:
        raise NotReadable(f"a tensor at offset {offset} of a storage of {storage.size}")
    strides = tuple(s * storage.itemsize for s in stride)
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=size, strides=strides, writeable=False)
    return np.array(view)


def _rebuild_parameter(data, _requires_grad=False, _hooks=None) -> np.ndarray:
    if not isinstance(data, np.ndarray):
        raise NotReadable("a parameter that holds no tensor")
    return data


def read_torch_zip(path: Path):
    """What the pickle in torch's zip archive at `path` holds, tensors as numpy arrays
    (bfloat16 widened to float32). NeedsCode names a global it would call; NotReadable and
    zipfile.BadZipFile say what else is wrong."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise NotReadable("no <name>/data.pkl: not a file torch.save wrote")
        root = pickles[0][: -len("data.pkl")]
        order = "little"  # older files have no byteorder member
        if root + "byteorder" in names:
            order = archive.read(root + "byteorder").decode("ascii", "replace")
        if order not in ("little", "big"):
            raise NotReadable(f"byteorder {order[:20]!r}")
        storages: dict[str, np.ndarray] = {}

        def storage(kind: _StorageType, key: str) -> np.ndarray:
            if key in storages and storages[key].dtype != (np.float32 if kind.name == "BFloat16Storage"
                                                           else kind.dtype):
                raise NotReadable(f"storage {key[:40]!r} read as two types")
            if key not in storages:
                member = f"{root}data/{key}"
                if member not in names:
                    raise NotReadable(f"no storage {key[:40]!r} in the archive")
                raw = archive.read(member)
                dtype = kind.dtype.newbyteorder("<" if order == "little" else ">")
                if len(raw) % dtype.itemsize:
                    raise NotReadable(f"storage {key[:40]!r} of {len(raw)} bytes, not whole {kind.name} elements")
                flat = np.frombuffer(raw, dtype=dtype).astype(kind.dtype.newbyteorder("="), copy=False)
                if kind.name == "BFloat16Storage":  # the top half of a float32's bits
                    flat = (flat.astype(np.uint32) << 16).view(np.float32)
                storages[key] = flat
            return storages[key]

        return _Unpickler(archive.read(pickles[0]), storage).load()
