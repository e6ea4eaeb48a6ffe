"""`--text FILE` beside a preset or a config: that network on the text; bad texts and a very
large file."""

import dataclasses
import json

import pytest

from unrolled.session import char_text
from unrolled.session.config import ConfigError
from unrolled.session.presets import get_preset, load_file
from unrolled.session.text_preset import text_preset

TEXT = "the cat sat on the mat. " * 30


def test_a_text_beside_a_config_keeps_its_network_and_learns_the_text(tmp_path):
    (tmp_path / "cat.txt").write_text(TEXT, encoding="utf-8")
    config_file = tmp_path / "c.json"
    config_file.write_text(json.dumps({"task": "pos-tagging", "cell": "gru", "timesteps": 12, "n_hidden": 16,
                                       "layers": 2}), encoding="utf-8")
    preset = text_preset(str(tmp_path / "cat.txt"), load_file(str(config_file)))
    config = preset.config
    assert (config.task, config.cell, config.timesteps, config.n_hidden, config.layers) == ("char-lm", "gru", 12, 16, 2)
    assert config.n_features == config.n_classes == len(set(TEXT)) and config.carries_state


def test_a_text_beside_a_preset_drops_what_the_text_decides(tmp_path):
    (tmp_path / "cat.txt").write_text(TEXT, encoding="utf-8")
    base = get_preset("vanishing-rnn")
    preset = text_preset(str(tmp_path / "cat.txt"), base)
    assert preset.config.task == "char-lm" and preset.config.mode == "many-to-many"
    assert preset.config.cell == base.config.cell and preset.config.n_hidden == base.config.n_hidden
    assert "n_features" not in preset.compare and "task" not in preset.compare


def test_a_very_large_file_is_read_up_to_its_limit_and_cut_at_a_character(tmp_path, monkeypatch):
    monkeypatch.setattr(char_text, "MAX_BYTES", 101)
    path = tmp_path / "big.txt"
    path.write_text("é" * 1000, encoding="utf-8")  # two bytes each: byte 101 is half of one
    text = char_text.read_text(path)
    assert len(text) == 50 and text.decode(text.ids) == "é" * 50
    assert text.source == f"{path} (its first 101 bytes)"  # said wherever the text is named


def test_weights_and_a_text_are_refused_in_one_line_naming_the_file(tmp_path):
    base = get_preset("char-rnn")
    with_weights = dataclasses.replace(base, config=dataclasses.replace(base.config, weights="/x/model.pt"))
    with pytest.raises(ConfigError, match=r"cat\.txt: char-rnn opens the weights /x/model\.pt") as error:
        text_preset(str(tmp_path / "cat.txt"), with_weights)
    assert "\n" not in str(error.value)
