"""A user's own sequences read from .npz, .npy and .csv: the arrays, the loss and mode their
targets imply, a sample or a batch of them, checked against a model's F, C and V; and one
line for every file that cannot be used, sizes refused before anything is allocated."""

import io
import zipfile

import numpy as np
import pytest

from unrolled.session.data import MAX_DATA_BYTES, DataError, check_fits, read_data, select

rng = np.random.default_rng(0)
N, T, F, C = 4, 5, 3, 2


def one_line_error(call, *args, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("Y,loss,mode", [
    (rng.integers(0, C, size=(N, T)), "cross-entropy", "many-to-many"),
    (rng.integers(0, C, size=N).astype(np.int32), "cross-entropy", "many-to-one"),
    (rng.normal(size=(N, T, C)), "mse", "many-to-many"),
    (rng.normal(size=(N, C)).astype(np.float32), "mse", "many-to-one"),
    (None, None, None),
])
def test_the_targets_tell_the_loss_and_the_mode(tmp_path, Y, loss, mode):
    X = rng.normal(size=(N, T, F)).astype(np.float32)
    np.savez(tmp_path / "d.npz", X=X, **({"Y": Y} if Y is not None else {}))
    data = read_data(tmp_path / "d.npz")
    assert (data.loss, data.mode, data.token_ids, data.n_features, data.n_samples, data.timesteps) == (
        loss, mode, False, F, N, T)
    assert data.X.dtype == np.float64 and np.array_equal(data.X, X)
    if Y is None:
        assert data.Y is None
    else:
        assert np.array_equal(data.Y, Y) and data.Y.dtype in (np.int64, np.float64)
    check_fits(data, n_features=F, n_classes=C)


def test_token_ids_and_an_npy_of_x_alone(tmp_path):
    ids = rng.integers(0, 9, size=(N, T)).astype(np.uint16)
    np.save(tmp_path / "ids.npy", ids)
    data = read_data(tmp_path / "ids.npy")
    assert data.token_ids and data.n_features is None and data.Y is None and data.X.dtype == np.int64
    check_fits(data, vocab_size=9)
    assert one_line_error(check_fits, data, vocab_size=5).startswith(
        f"{tmp_path / 'ids.npy'}: token id {ids.max()} (sample ")
    assert "the model has no embedding" in one_line_error(check_fits, data, n_features=3)


def test_a_csv_with_classes_and_one_with_real_targets(tmp_path):
    lines = ["sample,t,x0,x1,y"] + [f"{s},{t},{s + 0.5},{t * 2},{(s + t) % 2}" for s in (7, 3) for t in (2, 0, 1)]
    (tmp_path / "c.csv").write_text("\n".join(lines) + "\n")
    data = read_data(tmp_path / "c.csv")
    assert data.X.shape == (2, 3, 2) and data.loss == "cross-entropy" and data.mode == "many-to-many"
    np.testing.assert_array_equal(data.X[1, :, 1], [0, 2, 4])  # ordered by t; samples as they first come
    np.testing.assert_array_equal(data.Y, [[1, 0, 1], [1, 0, 1]])
    (tmp_path / "r.csv").write_text("sample,t,x0\n0,0,1\n0,1,2\n")
    assert read_data(tmp_path / "r.csv").Y is None
    (tmp_path / "m.csv").write_text("\ufeffsample,t,x0,y\n0,0,1,0.5\n0,1,2,-1\n")  # a byte order mark is fine
    real = read_data(tmp_path / "m.csv")
    assert real.loss == "mse" and real.Y.shape == (1, 2, 1)


def test_a_sample_or_the_first_samples_as_one_batch(tmp_path):
    X, Y = rng.normal(size=(N, T, F)), rng.integers(0, C, size=N)
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    one = read_data(tmp_path / "d.npz", sample=2)
    assert one.rows == (2,) and np.array_equal(one.X, X[2:3]) and np.array_equal(one.Y, Y[2:3])
    batch = read_data(tmp_path / "d.npz", batch=3)
    assert batch.rows == (0, 1, 2) and np.array_equal(batch.X, X[:3])
    where = tmp_path / "d.npz"
    assert one_line_error(read_data, where, sample=4) == f"{where}: sample 4: it holds samples 0 to 3"
    assert one_line_error(read_data, where, batch=0) == f"{where}: batch 0: it holds 4 samples, so 1 to 4"
    assert "not both" in one_line_error(select, batch, sample=0, batch=1)


def test_data_that_does_not_fit_the_model_is_named(tmp_path):
    X, Y = rng.normal(size=(N, T, F)), np.full((N, T), 1)
    Y[2, 3] = 6
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    data = read_data(tmp_path / "d.npz")
    where = tmp_path / "d.npz"
    assert one_line_error(check_fits, data, n_features=4) == (
        f"{where}: X has F = 3 features per step; the model reads 4")
    assert one_line_error(check_fits, data, n_features=3, n_classes=5) == (
        f"{where}: class 6 in Y (sample 2, t = 3) but the model has C = 5 classes (0 to 4)")
    assert "but the model has an embedding" in one_line_error(check_fits, data, vocab_size=10)
    np.savez(tmp_path / "m.npz", X=X, Y=rng.normal(size=(N, T, 3)))
    assert one_line_error(check_fits, read_data(tmp_path / "m.npz"), n_classes=2) == (
        f"{tmp_path / 'm.npz'}: Y has 3 outputs per target; the model has C = 2")


def huge_npy_header(shape) -> bytes:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return header.getvalue() + b"\0" * 64


def test_a_header_claiming_terabytes_is_refused_before_loading(tmp_path):
    (tmp_path / "x.npy").write_bytes(huge_npy_header((10**6, 10**4, 10**3)))
    assert one_line_error(read_data, tmp_path / "x.npy") == (
        f"{tmp_path / 'x.npy'}: X [1000000, 10000, 1000] would take 80,000,000,000,000 bytes; "
        f"data is at most {MAX_DATA_BYTES:,}")
    with zipfile.ZipFile(tmp_path / "z.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("X.npy", huge_npy_header((10**9, 100, 2)))
    assert "X [1000000000, 100, 2] would take 1,600,000,000,000 bytes" in one_line_error(read_data,
                                                                                          tmp_path / "z.npz")


def test_a_file_beyond_the_limit_is_refused_by_its_size(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((2, 3, 4)))
    size = (tmp_path / "x.npy").stat().st_size
    assert one_line_error(read_data, tmp_path / "x.npy", max_bytes=100) == (
        f"{tmp_path / 'x.npy'} is {size:,} bytes; a data file is at most 100")


@pytest.mark.parametrize("name,content,expected", [
    ("d.txt", b"1,2", ": a data file is .npz, .npy, .csv, not .txt"),
    ("d.csv", "sample,t,x0\n0,0,caf\xe9\n".encode("latin-1"), " is not UTF-8 text (byte 19): is it a .csv?"),
    ("d.csv", b"a,b,c\n1,2,3\n", ": the header is 'a,b,c'; expected sample,t,x0,...,x<F-1> and optionally y"),
    ("d.csv", b"sample,t,x0\n0,0,1\n0,2,1\n", ": sample 0 has t = 0, 2; t counts up one by one"),
    ("d.csv", b"sample,t,x0\n0,0,1\n0,1,1\n1,0,1\n", ": sample 1 has t = 0; sample 0 has t = 0, 1"),
    ("d.csv", b"sample,t,x0\n0,0,1\n0,0,1\n", ": line 3: sample 0 has t = 0 twice"),
    ("d.npz", b"PK\x03\x04 not really", " is not an .npz archive that can be read ("),
    ("d.npy", b"\x93NUMPY garbage", ": X is not a NumPy array ("),
])
def test_a_corrupt_or_wrong_kind_of_file_says_so(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    message = one_line_error(read_data, tmp_path / name)
    assert message.startswith(f"{tmp_path / name}{expected}")


@pytest.mark.parametrize("arrays,expected", [
    ({"Y": np.zeros(4, dtype=int)}, "has no array X (it holds Y)"),
    ({"X": rng.normal(size=(N, T))}, "X is [4, 5] floats; features are (N, T, F) (F = 1: X[..., None]) and token "
                                     "ids (N, T) are integers"),
    ({"X": np.array(["a", "b"])}, "X has dtype <U1; expected real numbers"),
    ({"X": np.full((1, 2, 1), np.nan)}, "X holds nan or inf (sample 0, t = 0)"),
    ({"X": -np.ones((2, 3), dtype=int)}, "X holds the token id -1; ids are 0 or more"),
    ({"X": np.zeros((N, T, F)), "Y": np.zeros(3, dtype=int)}, "Y is [3] but X has N = 4 samples"),
    ({"X": np.zeros((N, T, F)), "Y": np.zeros((N, 2), dtype=int)}, "Y is [4, 2] integers; classes are (4, 5) or (4,)"),
    ({"X": np.zeros((N, T, F)), "Y": np.zeros((N, 2, 1))}, "Y is [4, 2, 1] but X has T = 5 steps"),
    ({"X": np.zeros((N, T, F)), "Y": np.zeros(N)}, "Y is [4] floats; MSE targets are (4, 5, C) or (4, C), "
                                                   "and classes are integers"),
    ({"X": np.zeros((N, T, F)), "Y": -np.ones(N, dtype=int)}, "Y holds the class -1; classes are 0 or more"),
])
def test_arrays_that_cannot_be_sequences_are_named(tmp_path, arrays, expected):
    np.savez(tmp_path / "d.npz", **arrays)
    assert one_line_error(read_data, tmp_path / "d.npz") == f"{tmp_path / 'd.npz'}: {expected}".replace(
        f"{tmp_path / 'd.npz'}: has no", f"{tmp_path / 'd.npz'} has no")


def test_an_array_of_python_objects_is_refused_unloaded(tmp_path):
    np.save(tmp_path / "o.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert one_line_error(read_data, tmp_path / "o.npy") == (
        f"{tmp_path / 'o.npy'}: X holds Python objects; data is arrays of numbers")
