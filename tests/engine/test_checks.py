import numpy as np
import pytest

from unrolled.engine import Network


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"cell": "transformer"}, "cell: got 'transformer', expected one of rnn, lstm, gru"),
        ({"mode": "one-to-many"}, "mode: got 'one-to-many', expected one of many-to-many, many-to-one"),
        ({"activation": "gelu"}, "activation: got 'gelu', expected one of tanh, relu, sigmoid, linear"),
        ({"loss": "hinge"}, "loss: got 'hinge', expected one of cross-entropy, mse"),
        ({"n_features": 0}, "n_features: got 0, expected a whole number >= 1"),
        ({"n_hidden": -3}, "n_hidden: got -3, expected a whole number >= 1"),
        ({"n_classes": 2.5}, "n_classes: got 2.5, expected a whole number >= 1"),
        ({"rho": -1.0}, "rho: got -1.0"),
    ],
)
def test_bad_constructor_arguments_name_the_argument(kwargs, message):
    args = {"cell": "rnn", "n_features": 2, "n_hidden": 3, "n_classes": 2} | kwargs
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Network(**args)


def test_bad_input_shapes():
    net = Network("lstm", n_features=3, n_hidden=4, n_classes=2)
    for X in (np.zeros((1, 5, 2)), np.zeros((5, 3)), np.zeros((1, 0, 3))):
        with pytest.raises(ValueError, match=r"X: got shape .* expected \(B, T, F\).*F = n_features = 3"):
            net.forward(X)
    fwd = net.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"Y: got shape \(2, 4\)"):
        net.backward(fwd, np.zeros((2, 4), dtype=int))
    with pytest.raises(ValueError, match=r"class indices must lie in 0\.\.1"):
        net.backward(fwd, np.full((2, 5), 2))
    with pytest.raises(ValueError, match="k: got 7"):
        net.step_loss_gradient(fwd, np.zeros((2, 5), dtype=int), 7)
    with pytest.raises(ValueError, match="sequence: got 2"):
        net.jacobian_norms(fwd, sequence=2)
