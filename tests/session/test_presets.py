import json

import pytest

from unrolled.session.config import ConfigError
from unrolled.session.presets import get_preset, list_presets, load_file
from unrolled.session.stepper import Session


def ratio_after_backward(name):
    s = Session(get_preset(name).config)
    s.advance(s.steps_to("iteration") - 1)
    return s.gradient_ratio()


def test_the_three_gradient_presets_show_their_ratios():
    assert ratio_after_backward("vanishing-rnn") < 1e-3
    assert ratio_after_backward("exploding-rnn") > 1e3
    assert ratio_after_backward("lstm-long-memory") > 1e-2


def test_gradient_presets_share_T_and_are_many_to_one():
    configs = [get_preset(n).config for n in ("vanishing-rnn", "exploding-rnn", "lstm-long-memory")]
    assert len({c.timesteps for c in configs}) == 1
    assert all(c.mode == "many-to-one" for c in configs)


def test_every_preset_is_valid_and_described():
    presets = list_presets()
    assert len(presets) == 10
    for p in presets:
        assert p.description and p.config.validated()


def test_a_copied_preset_opens_as_a_file(tmp_path):
    path = tmp_path / "mine.json"
    data = {"format": "unrolled-preset", "name": "mine", "description": "edited",
            "config": get_preset("vanishing-rnn").config.to_dict() | {"timesteps": 20}}
    path.write_text(json.dumps(data))
    preset = load_file(path)
    assert preset.config.timesteps == 20 and preset.name == "mine"


def test_unknown_preset_names_the_choices():
    with pytest.raises(ConfigError, match=r"expected one of .*vanishing-rnn"):
        get_preset("nope")
