"""The table, category 5: the Python API (`Config`, `Session`, `Network`) with bad
arguments. Each row: ValueError (ConfigError is one) or MemoryError with one line naming the
argument, the value and what is allowed; a session asked to change is left exactly as it was."""

from __future__ import annotations

import numpy as np
import pytest

from unrolled.engine import Network
from unrolled.session.config import Config, ConfigError
from unrolled.session.stepper import Session

BIG = {"timesteps": 5000, "n_hidden": 1024, "batch_size": 512}
NAN = float("nan")


def _one_line(error: BaseException, fragments) -> None:
    message = str(error)
    assert "\n" not in message and message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


CONFIG_ROWS = [
    (lambda: Config(n_hidden=0).validated(), ConfigError, ["n_hidden", "got 0", "1 to 1024"]),
    (lambda: Config(rho=NAN).validated(), ConfigError, ["rho", "got nan", "finite"]),
    (lambda: Config(cell="cnn").validated(), ConfigError, ["cell", "'cnn'", "rnn, lstm, gru"]),
    (lambda: Config(seed="0").validated(), ConfigError, ["seed", "'0'", "number"]),
    (lambda: Config().replace(hiden=8), ConfigError, ["hiden", "no such setting", "n_hidden"]),
    (lambda: Config(task="nope").resolved(), ConfigError, ["task", "'nope'", "pos-tagging"]),
    (lambda: Config.from_dict([]), ConfigError, ["config", "object of settings", "list"]),
    (lambda: Config.from_dict({"T": 8}), ConfigError, ["T", "no such setting", "timesteps"]),
    (lambda: Config.from_dict({"n_hidden": 8, "mode": "many-to-one"}), ConfigError, ["mode"]),
    (lambda: Session(Config(n_hidden=0)), ConfigError, ["n_hidden", "got 0"]),
    (lambda: Session(Config(batch_size=2.5)), ConfigError, ["batch_size", "2.5", "whole number"]),
    (lambda: Session(Config(**BIG)), MemoryError, ["GB", "at most"]),
    (lambda: Session(Config(), batch=(np.zeros((1, 3, 14)), np.zeros((1, 4), int))), ValueError,
     ["X", "(1, 3, 14)", "(1, 4, 14)"]),
    (lambda: Session(Config(), batch=(np.zeros((1, 4, 14)), np.full((1, 4), 9))), ValueError,
     ["Y", "class indices", "0..4"]),
    (lambda: Session(Config(), batch=(np.zeros((1, 4, 14)), np.zeros((2, 4), int))), ValueError,
     ["Y", "shape", "(2, 4)"]),
]


@pytest.mark.parametrize("call,kind,fragments", CONFIG_ROWS, ids=range(len(CONFIG_ROWS)))
def test_config_and_session_construction_refuse(call, kind, fragments):
    with pytest.raises(kind) as info:
        call()
    _one_line(info.value, fragments)


def _snapshot(s: Session):
    return (s.config, s.iteration, s.position, s.weights_version, len(s.history),
            {k: v.copy() for k, v in s.net.params.items()}, s.X.copy())


SESSION_ROWS = [
    (lambda s: s.reconfigure(n_hidden=0), ConfigError, ["n_hidden", "got 0"]),
    (lambda s: s.reconfigure(hidden=8), ConfigError, ["hidden", "no such setting", "n_hidden"]),
    (lambda s: s.reconfigure(task="nope"), ConfigError, ["task", "'nope'"]),
    (lambda s: s.reconfigure(cell="cnn"), ConfigError, ["cell", "'cnn'"]),
    (lambda s: s.reconfigure(rho=NAN), ConfigError, ["rho", "nan"]),
    (lambda s: s.reconfigure(n_features=3), ConfigError, ["n_features", "3"]),
    (lambda s: s.reconfigure(mode="many-to-one"), ConfigError, ["mode"]),
    (lambda s: s.reconfigure(notes=5), ConfigError, ["notes", "text"]),
    (lambda s: s.reconfigure(**BIG), ConfigError, ["not enough memory", "GB"]),
    (lambda s: s.set_spectral_radius(NAN), ConfigError, ["rho", "nan", "> 0"]),
    (lambda s: s.set_spectral_radius(-1.0), ConfigError, ["rho", "-1.0", "> 0"]),
    (lambda s: s.set_spectral_radius(float("inf")), ConfigError, ["rho", "inf", "> 0"]),
    (lambda s: s.set_weights({"W1": np.zeros((3, 3))}), ValueError, ["W1", "(3, 3)", "(14, 8)"]),
    (lambda s: s.set_weights({"W9": np.zeros(3)}), ValueError, ["W9", "rnn parameters"]),
    (lambda s: s.steps_to("epoch"), ValueError, ["target", "'epoch'", "'phase' or 'iteration'"]),
    (lambda s: Session(Config()).step_back(), ValueError, ["step_back", "nothing to undo"]),
]


@pytest.mark.parametrize("call,kind,fragments", SESSION_ROWS, ids=range(len(SESSION_ROWS)))
def test_a_refused_call_leaves_the_session_as_it_was(call, kind, fragments):
    s = Session()
    s.run_iteration()
    s.advance(5)
    heard = []
    s.changed.connect(heard.append)
    before = _snapshot(s)
    with pytest.raises(kind) as info:
        call(s)
    _one_line(info.value, fragments)
    after = _snapshot(s)
    assert after[:5] == before[:5] and not heard
    for name, value in before[5].items():
        np.testing.assert_array_equal(after[5][name], value)
    np.testing.assert_array_equal(after[6], before[6])
    s.step()  # and it still steps
    assert s.position == before[2] + 1


NETWORK_ROWS = [
    ({"cell": "cnn"}, ["cell", "'cnn'", "rnn, lstm, gru"]),
    ({"n_hidden": 0}, ["n_hidden", "got 0", ">= 1"]),
    ({"n_hidden": 2.5}, ["n_hidden", "2.5", "whole number"]),
    ({"n_hidden": True}, ["n_hidden", "True", "whole number"]),
    ({"n_features": "3"}, ["n_features", "'3'", "whole number"]),
    ({"n_classes": -2}, ["n_classes", "-2"]),
    ({"mode": "one-to-many"}, ["mode", "'one-to-many'", "many-to-many"]),
    ({"activation": "swish"}, ["activation", "'swish'", "tanh"]),
    ({"loss": "hinge"}, ["loss", "'hinge'", "mse"]),
    ({"rho": -1.0}, ["rho", "-1.0", "> 0"]),
    ({"rho": NAN}, ["rho", "nan", "> 0"]),
    ({"rho": float("inf")}, ["rho", "inf", "> 0"]),
    ({"rho": "big"}, ["rho", "'big'", "> 0"]),
    ({"seed": -1}, ["seed", "-1", ">= 0"]),
]


@pytest.mark.parametrize("kwargs,fragments", NETWORK_ROWS,
                         ids=[str(r[0] if isinstance(r, tuple) else r.values[0]) for r in NETWORK_ROWS])
def test_network_refuses(kwargs, fragments):
    args = {"cell": "rnn", "n_features": 3, "n_hidden": 4, "n_classes": 2} | kwargs
    with pytest.raises(ValueError) as info:
        Network(**args)
    _one_line(info.value, fragments)


CALL_ROWS = [
    (lambda net: net.forward(np.zeros((4, 3))), ["X", "(4, 3)", "(B, T, F)"]),
    (lambda net: net.forward(np.zeros((1, 4, 5))), ["X", "(1, 4, 5)", "n_features = 3"]),
    (lambda net: net.forward(np.zeros((0, 4, 3))), ["X", "(0, 4, 3)", "B >= 1"]),
    (lambda net: net.loss(net.forward(np.zeros((1, 4, 3))), np.zeros((1, 5), int)), ["Y", "(1, 5)", "(1, 4)"]),
    (lambda net: net.loss(net.forward(np.zeros((1, 4, 3))), np.full((1, 4), 7)), ["Y", "class indices", "0..1"]),
    (lambda net: net.forward("abc"), ["X", "'abc'"]),
]


@pytest.mark.parametrize("call,fragments", CALL_ROWS, ids=range(len(CALL_ROWS)))
def test_network_calls_refuse(call, fragments):
    net = Network("rnn", n_features=3, n_hidden=4, n_classes=2)
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError) as info:
        call(net)
    _one_line(info.value, fragments)
    for name, value in before.items():
        np.testing.assert_array_equal(net.params[name], value)
