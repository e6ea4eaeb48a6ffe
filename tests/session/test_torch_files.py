"""The session in torch's layout, without torch: weights.safetensors holds torch's names and
shapes, and the trace's `loss` and `grad/<torch name>` are the session's own, from the pass
they belong to. Parity with torch itself: tests/cli/test_app.py."""

import numpy as np
import pytest

from unrolled.engine.torch_layout import from_torch, grads_to_torch, torch_shapes
from unrolled.session.config import Config
from unrolled.session.figure_data import trace_arrays
from unrolled.session.stepper import Session
from unrolled.session.torch_files import pass_weights, safetensors_bytes, torch_refusal, torch_trace_arrays

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def session_before_update(**config) -> Session:
    session = Session(Config(timesteps=5, batch_size=2, optimiser="adam", learning_rate=0.05, **config))
    session.run_iteration()  # nonzero biases and, for the GRU, c_n: their split is in the file
    session.advance(session.steps_to("iteration") - 1)  # what export does: stopped before the update
    return session


@pytest.mark.parametrize("cell,activation", [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")])
def test_the_safetensors_file_has_torchs_names_and_shapes_and_the_weights_now(cell, activation):
    session = session_before_update(cell=cell, activation=activation)
    loaded = safetensors_numpy.load(safetensors_bytes(session))
    assert {name: value.shape for name, value in loaded.items()} == torch_shapes(session.net)
    assert all(value.dtype == np.float64 for value in loaded.values())
    back = from_torch(session.net, loaded)
    for name, value in session.net.params.items():
        np.testing.assert_array_equal(back[name], value, err_msg=name)


def test_the_trace_holds_the_sessions_loss_and_its_gradients_in_torchs_layout():
    session = session_before_update(cell="gru")
    arrays = torch_trace_arrays(session)
    assert arrays["loss"] == session.loss and arrays["loss"].shape == ()
    expected = grads_to_torch(session.net, session.bwd.grads)
    assert set(arrays) == {"loss", *(f"grad/{name}" for name in torch_shapes(session.net))}
    for name, value in expected.items():
        np.testing.assert_array_equal(arrays[f"grad/{name}"], value, err_msg=name)


def test_partial_gradients_are_left_out_and_before_the_loss_the_loss_too():
    session = Session(Config(timesteps=4))
    session.advance(4)  # the forward pass only
    assert torch_trace_arrays(session) == {}
    session.advance(2)  # the loss and one backward step: a partial sum, not torch's gradient
    assert list(torch_trace_arrays(session)) == ["loss"]


def test_after_the_update_the_trace_keeps_the_weights_its_pass_used():
    session = session_before_update(cell="lstm")
    before = {name: value.copy() for name, value in session.net.params.items()}
    loss, grads = session.loss, torch_trace_arrays(session)
    session.step()  # the update: the session's weights are now the next iteration's
    assert not np.array_equal(session.net.params["W_f"], before["W_f"])
    arrays = trace_arrays(session)
    for name, value in before.items():
        np.testing.assert_array_equal(pass_weights(session)[name], value)
        np.testing.assert_array_equal(arrays[name], value, err_msg=name)
        np.testing.assert_array_equal(arrays[f"param_{name}"], value, err_msg=name)
    assert arrays["loss"] == loss
    for name, value in grads.items():
        np.testing.assert_array_equal(arrays[name], value, err_msg=name)


@pytest.mark.parametrize("activation", ["sigmoid", "linear"])
def test_an_rnn_torch_lacks_is_refused_in_one_sentence_and_its_trace_has_no_gradients(activation):
    session = session_before_update(cell="rnn", activation=activation)
    refusal = f"torch.nn.RNN has no {activation} nonlinearity; torch has lstm, gru and rnn with tanh or relu"
    assert torch_refusal(session) == refusal
    with pytest.raises(ValueError, match=f"^{refusal}$"):
        safetensors_bytes(session)
    assert list(torch_trace_arrays(session)) == ["loss"]
