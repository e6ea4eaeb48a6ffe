"""torch's zip format read without torch: every tensor equal to torch.load's, whatever its
dtype, strides or shared storage; a module, a crafted pickle or a tensor reaching outside its
storage refused in one line, nothing run; torch not imported on the way."""

import os
import pickle
import subprocess
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

from unrolled.session.torch_zip import read_torch_zip
from unrolled.session.weights import WeightsError, read_weights

torch = pytest.importorskip("torch")


def one_line_error(path) -> str:
    with pytest.raises(WeightsError) as caught:
        read_weights(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64,
                                   torch.int32, torch.bool])
def test_every_tensor_equals_torch_load_whatever_its_strides_and_sharing(tmp_path, dtype):
    base = (torch.arange(24, dtype=torch.float64).reshape(4, 6) / 7 - 1).to(dtype)
    state = OrderedDict([
        ("plain", base), ("transposed", base.t()), ("slice", base[1:3, ::2]), ("row", base[2]),
        ("shared", base.view(-1)[5:17]), ("scalar", base[0, 1].clone()), ("empty", base[:0]),
        ("expanded", base[0, :1].expand(3, 2)),  # stride 0
    ])
    torch.save(state, tmp_path / "t.pt")
    read = read_torch_zip(tmp_path / "t.pt")
    loaded = torch.load(tmp_path / "t.pt", weights_only=True)
    assert list(read) == list(loaded)
    for name, tensor in loaded.items():
        expected = (tensor.float() if dtype == torch.bfloat16 else tensor).numpy()
        assert read[name].dtype == expected.dtype and read[name].shape == expected.shape, name
        np.testing.assert_array_equal(read[name], expected, err_msg=name)
        assert read[name].flags.writeable and read[name].base is None, name  # a copy of its own


def test_a_checkpoint_and_a_models_state_dict_read_as_torch_loads_them(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.ModuleDict({"rnn": torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True),
                                 "fc": torch.nn.Linear(8, 2)})
    torch.save({"epoch": 7, "model": model.state_dict(), "best": 0.5}, tmp_path / "ckpt.pt")
    read = read_torch_zip(tmp_path / "ckpt.pt")
    assert read["epoch"] == 7 and read["best"] == 0.5
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(read["model"][name], value.numpy())
    layout = read_weights(tmp_path / "ckpt.pt").layout
    assert layout.bidirectional and layout.layers == 2 and layout.rnn_prefix == "model.rnn"


@pytest.mark.parametrize("installed", [True, False])
def test_a_pt_file_is_read_without_importing_torch(tmp_path, installed):
    torch.save(torch.nn.ModuleDict({"rnn": torch.nn.GRU(2, 3), "fc": torch.nn.Linear(3, 2)}).state_dict(),
               tmp_path / "m.pt")
    absent = "" if installed else "sys.modules['torch'] = None; "  # import torch raises ImportError
    code = (f"import sys; {absent}from unrolled.session.weights import read_weights; "
            f"opened = read_weights({str(tmp_path / 'm.pt')!r}); "
            "print(opened.layout.cell, sys.modules.get('torch') is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.split() == ["gru", "False"]


class RunsCode:
    """Unpickling this calls os.system."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_module_or_a_pickle_that_runs_code_is_refused_by_name_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    torch.save({"rnn.weight_ih_l0": RunsCode(marker)}, tmp_path / "evil.pt")
    message = one_line_error(tmp_path / "evil.pt")
    assert not marker.exists() and "needs code to load (posix.system" in message
    torch.save(torch.nn.Linear(2, 3), tmp_path / "module.pt")
    assert "needs code to load (torch.nn.modules.linear.Linear" in one_line_error(tmp_path / "module.pt")


def _crafted(path, size, stride, offset=0, storage=bytes(16), byteorder="little"):
    """A zip as torch writes it, its one tensor `w` of `size` and `stride` over the float32
    `storage` bytes in `byteorder` (a tensor may claim more than its storage holds)."""
    class Storage:
        pass

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("storage", torch.FloatStorage, "0", "cpu", len(storage) // 4) if obj is marker else None

    class Tensor:
        def __reduce__(self):
            return torch._utils._rebuild_tensor_v2, (marker, offset, size, stride, False, OrderedDict())

    marker = Storage()
    import io

    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump({"w": Tensor()})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("m/data.pkl", buffer.getvalue())
        archive.writestr("m/byteorder", byteorder)
        archive.writestr("m/data/0", storage)


@pytest.mark.parametrize(("size", "stride", "offset", "found"), [
    ((100,), (1,), 0, "a tensor reaching element 99 of a storage of 4"),
    ((2, 2), (1, 2), 1, "a tensor reaching element 4 of a storage of 4"),
    ((2,), (-1,), 0, "not counts"),
])
def test_a_tensor_reaching_outside_its_storage_is_refused(tmp_path, size, stride, offset, found):
    _crafted(tmp_path / "big.pt", size, stride, offset)
    message = one_line_error(tmp_path / "big.pt")
    assert message.startswith(f"{tmp_path / 'big.pt'} is not a PyTorch file that can be read (") and found in message


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_a_cut_short_zip_is_one_line(tmp_path, keep):
    torch.save(torch.nn.LSTM(3, 4).state_dict(), tmp_path / "m.pt")
    data = (tmp_path / "m.pt").read_bytes()
    (tmp_path / "m.pt").write_bytes(data[: int(len(data) * keep)])
    assert one_line_error(tmp_path / "m.pt").startswith(f"{tmp_path / 'm.pt'} is not a PyTorch file that can be read (")


@pytest.mark.parametrize(("tensor", "found"), [
    (lambda: torch.eye(3).to_sparse(), "a kind of tensor the app does not read (_rebuild_sparse_tensor)"),
    (lambda: torch.zeros(2, dtype=torch.complex64), "tensors of ComplexFloatStorage, which the app does not read"),
])
def test_a_tensor_the_app_does_not_read_is_named_as_such_not_as_code(tmp_path, tensor, found):
    torch.save({"rnn.weight_ih_l0": tensor()}, tmp_path / "odd.pt")
    message = one_line_error(tmp_path / "odd.pt")
    assert found in message and "needs code" not in message


def test_a_big_endian_file_reads_in_the_machines_order(tmp_path):
    _crafted(tmp_path / "big.pt", (2, 2), (1, 2), storage=np.arange(4, dtype=">f4").tobytes(), byteorder="big")
    read = read_torch_zip(tmp_path / "big.pt")["w"]
    assert read.dtype == np.float32 and read.dtype.isnative
    np.testing.assert_array_equal(read, [[0, 2], [1, 3]])
