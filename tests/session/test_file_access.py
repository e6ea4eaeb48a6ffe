import io
import os

import numpy as np
import pytest

from unrolled.session.file_access import check_regular_file, checked_suffix, decoded_text, npy_header


class Refused(ValueError):
    pass


def test_a_suffix_outside_the_kind_is_named_with_the_allowed_ones(tmp_path):
    assert checked_suffix(tmp_path / "x.NPZ", (".npz", ".csv"), "a data file", Refused) == ".npz"
    with pytest.raises(Refused) as caught:
        checked_suffix(tmp_path / "x", (".npz", ".csv"), "a data file", Refused)
    assert str(caught.value) == f"{tmp_path / 'x'}: a data file is .npz, .csv, not no suffix"


def test_a_missing_file_a_pipe_and_a_file_too_large_are_refused_before_reading(tmp_path):
    with pytest.raises(Refused, match=r"cannot read .*: No such file"):
        check_regular_file(tmp_path / "gone.npz", 100, "a data file", Refused)
    os.mkfifo(tmp_path / "pipe.npz")
    with pytest.raises(Refused, match=r"pipe\.npz is not a regular file"):
        check_regular_file(tmp_path / "pipe.npz", 100, "a data file", Refused)
    (tmp_path / "big.npz").write_bytes(b"0" * 1001)
    with pytest.raises(Refused) as caught:
        check_regular_file(tmp_path / "big.npz", 1000, "a weights file", Refused)
    assert str(caught.value) == f"{tmp_path / 'big.npz'} is 1,001 bytes; a weights file is at most 1,000"
    check_regular_file(tmp_path / "big.npz", 1001, "a weights file", Refused)


def test_text_is_utf8_with_or_without_a_byte_order_mark():
    assert decoded_text("\ufeffcafé".encode(), "f.json", "a config", Refused) == "café"
    with pytest.raises(Refused) as caught:
        decoded_text(b"caf\xe9", "f.json", "a config", Refused)
    assert str(caught.value) == "f.json is not UTF-8 text (byte 3): is it a config?"


def test_an_npy_header_tells_shape_and_dtype_without_the_data():
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((3, 4), dtype=np.float32))
    header = io.BytesIO(buffer.getvalue()[:128])  # the header alone: no data follows
    assert npy_header(header) == ((3, 4), np.dtype(np.float32))
    with pytest.raises(ValueError):
        npy_header(io.BytesIO(b"not an array"))
