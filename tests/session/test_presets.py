import json

import numpy as np
import pytest

from unrolled.session.config import ConfigError
from unrolled.session.presets import get_preset, list_presets, load_file, preset_menu
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
    assert len(presets) == 13
    for p in presets:
        assert p.description and p.config.validated()


def test_the_menu_lists_every_preset_by_name_and_description_without_building_it():
    assert preset_menu() == [(p.name, p.description) for p in list_presets()]


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


def test_deep_vanishing_fades_back_in_time_and_down_the_layers():
    """What its description says: in every layer the gradient at t = 1 is far below t = T;
    at t = T it falls from the top layer down (0.77, 0.47, 0.40, 0.34)."""
    s = Session(get_preset("deep-vanishing").config)
    assert (s.config.layers, s.config.cell, s.config.activation) == (4, "rnn", "tanh")
    s.advance(s.steps_to("iteration") - 1)
    norms = s.layer_gradient_norms()
    at_T = [norms[(layer, 0)][-1] for layer in range(4)]
    assert at_T == sorted(at_T) and at_T[0] < 0.5 * at_T[3]
    assert [round(float(n), 2) for n in at_T] == [0.34, 0.40, 0.47, 0.77]
    assert all(norms[key][0] < 1e-2 * norms[key][-1] for key in norms)
    assert norms[(3, 0)][0] == pytest.approx(6e-6, rel=0.2)


@pytest.mark.slow
def test_bidirectional_tagging_learns_what_one_direction_cannot():
    """Its description's numbers: 200 iterations take the bidirectional GRU to a loss near 0
    with every tag right; the same GRU reading forward only stays at chance, ln 4."""
    from unrolled.session.training import Trainer

    config = get_preset("bidirectional-tagging").config
    results = {}
    for bidirectional in (True, False):
        steps = Trainer(Session(config.replace(bidirectional=bidirectional))).train(200)
        results[bidirectional] = (np.mean([x.loss for x in steps[-20:]]), np.mean([x.accuracy for x in steps[-20:]]))
    assert results[True][0] < 0.05 and results[True][1] > 0.99
    assert abs(results[False][0] - np.log(4)) < 0.05 and results[False][1] < 0.35


@pytest.mark.parametrize("name", ["deep-vanishing", "bidirectional-tagging"])
def test_the_depth_presets_step_forward_and_back_exactly(name):
    s = Session(get_preset(name).config)
    before = {k: v.copy() for k, v in s.layer_hidden_states().items()}
    n = s.steps_per_iteration - 1
    s.advance(n)
    after = ({k: v.copy() for k, v in s.layer_gradients().items()}, s.place)
    s.step()
    s.step_back()
    assert s.place == after[1]
    for key, dh in after[0].items():
        np.testing.assert_array_equal(s.layer_gradients()[key], dh)
    for _ in range(n):
        s.step_back()
    for key, h in before.items():
        np.testing.assert_array_equal(s.layer_hidden_states()[key], h)


def _one_layer_configs():
    from unrolled.session.lessons import list_lessons

    configs = [(p.name, p.config) for p in list_presets()]
    configs += [(f"{lesson.name}:{n}", stop.config) for lesson in list_lessons() for n, stop in enumerate(lesson.stops)]
    deep = ("deep-vanishing", "bidirectional-tagging")  # and the lesson built on them
    return [(name, config) for name, config in configs
            if name not in deep and not name.startswith("depth-and-direction:")]


@pytest.mark.parametrize("name,config", _one_layer_configs(), ids=[n for n, _ in _one_layer_configs()])
def test_every_other_preset_and_lesson_steps_as_the_one_layer_network(name, config):
    """Layers and direction at their defaults: no new key in the config's dict, and every
    step of an iteration is the one-layer network's own, built without them, bit for bit."""
    from unrolled.engine import Network

    assert "layers" not in config.to_dict() and "bidirectional" not in config.to_dict()
    s = Session(config)
    assert s.net.stack is None and s.steps_per_iteration == 2 * s.T + 2
    c = s.config
    net = Network(c.cell, n_features=c.n_features, n_hidden=c.n_hidden, n_classes=c.n_classes, mode=c.mode,
                  activation=c.activation, loss=c.loss, seed=c.seed, rho=c.rho or None, forget_bias=c.forget_bias,
                  init=c.init, truncation=c.truncation)
    fwd = net.begin_forward(s.X)
    for _ in range(s.T):
        s.step()
        net.forward_step(fwd)
        np.testing.assert_array_equal(s.fwd.h, fwd.h)
        np.testing.assert_array_equal(s.fwd.y, fwd.y)
    s.step()
    bwd = net.begin_backward(fwd, s.Y, track_last_step=c.mode == "many-to-many")
    for _ in range(s.T):
        s.step()
        net.backward_step(bwd, fwd)
        np.testing.assert_array_equal(s.bwd.dh, bwd.dh)
    for k, grad in bwd.grads.items():
        np.testing.assert_array_equal(s.bwd.grads[k], grad, err_msg=k)


def test_a_config_file_naming_weights_and_data_takes_the_model_from_them(tmp_path):
    import json

    from unrolled.session.presets import load_file
    from unrolled.session.stepper import Session

    from support.state_dicts import save_model_and_data

    save_model_and_data(tmp_path, "classes", C=3)
    (tmp_path / "mine.json").write_text(json.dumps({"weights": "m.npz", "data": "d.npz", "learning_rate": 0.05}))
    config = load_file(str(tmp_path / "mine.json")).config
    assert (config.cell, config.n_hidden, config.n_classes, config.mode, config.loss) == \
        ("lstm", 4, 3, "many-to-one", "cross-entropy")
    assert config.weights == str(tmp_path / "m.npz") and config.learning_rate == 0.05
    assert Session(config).own_model is not None


def test_a_config_naming_weights_that_cannot_be_opened_is_a_config_error_naming_the_file(tmp_path):
    from unrolled.session.config import ConfigError
    from unrolled.session.presets import load_file

    (tmp_path / "mine.json").write_text('{"weights": "gone.pt"}')
    with pytest.raises(ConfigError) as caught:
        load_file(str(tmp_path / "mine.json"))
    assert caught.value.problems == {"weights": f"cannot read {tmp_path / 'gone.pt'}: No such file or directory"}
