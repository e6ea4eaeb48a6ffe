"""The task char-lm: bad texts refused in one line naming the file; the preset learns."""

import pytest

from unrolled.session.config import ConfigError
from unrolled.session.stepper import Session
from unrolled.session.text_preset import text_preset
from unrolled.session.training import Trainer


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"ab\x00cd" * 10, "a binary file \\(a zero byte at offset 2\\)"),
    (b"caf\xe9 au lait" * 5, "not UTF-8 text: byte 0xe9 at offset 3"),
    (b"abcdef", "has 6 characters: T needs T \\+ 1 of them, so T <= 5"),
])
def test_a_bad_text_is_refused_in_one_line_naming_the_file(tmp_path, content, message):
    path = tmp_path / "text.txt"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message) as error:
        text_preset(str(path))
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_on_a_short_repetitive_text_the_loss_halves_within_300_iterations(tmp_path):
    path = tmp_path / "cat.txt"
    path.write_text("the cat sat on the mat. " * 20, encoding="utf-8")
    session = Session(text_preset(str(path)).config)
    assert session.config.n_features == session.config.n_classes == len(set("the cat sat on the mat. "))
    trainer = Trainer(session)
    first = trainer.train(1)[0].loss
    for _ in range(30):
        if trainer.train(10)[-1].loss < first / 2:
            break
    assert trainer.steps[-1].loss < first / 2 and len(trainer.steps) <= 300
