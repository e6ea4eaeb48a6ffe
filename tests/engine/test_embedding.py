"""An embedding before the first recurrent layer: token ids in, rows of E as x_t, and dL/dE
exact against central differences in float64 for every cell, depth, direction, mode and
loss; stepping and undo unchanged; bad ids refused in one line."""

import itertools

import numpy as np
import pytest

from unrolled.engine import Network
from unrolled.engine.embedding import check_token_ids, embedding_grad
from unrolled.engine.gradcheck import check_network_gradients, numerical_gradient

F, D, C, V = 3, 4, 3, 7


def token_batch(net, B=2, T=4, seed=1, real=False):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, net.vocab_size, size=(B, T))
    ids[0, 0] = ids[0, 2]  # a token twice: its rows' gradients add
    lead = (B, T) if net.mode == "many-to-many" else (B,)
    Y = rng.standard_normal((*lead, net.n_classes)) if real else rng.integers(0, net.n_classes, size=lead)
    return ids, Y


@pytest.mark.parametrize(("cell", "layers", "bidirectional", "mode"),
                         list(itertools.product(["rnn", "lstm", "gru"], [1, 2], [False, True],
                                                ["many-to-many", "many-to-one"])))
def test_every_gradient_with_an_embedding_equals_central_differences(cell, layers, bidirectional, mode):
    net = Network(cell, n_features=F, n_hidden=D, n_classes=C, mode=mode, seed=3, layers=layers,
                  bidirectional=bidirectional, vocab_size=V)
    ids, Y = token_batch(net)
    errors = check_network_gradients(net, ids, Y)
    assert set(errors) == set(net.params) and "E" in errors
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("truncation", [0, 2])
def test_the_embeddings_gradient_under_mse_and_truncation(truncation):
    net = Network("lstm", n_features=F, n_hidden=D, n_classes=C, loss="mse", seed=4, vocab_size=V,
                  truncation=truncation)
    ids, Y = token_batch(net, T=5, real=True)
    grad = net.backward(net.forward(ids), Y).grads["E"]
    if truncation == 0:
        numeric = numerical_gradient(lambda: net.loss(net.forward(ids), Y), net.params["E"])
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    unused = np.setdiff1d(np.arange(V), ids)
    assert unused.size and not np.any(grad[unused])  # a token not in the batch gets no gradient
    assert np.any(grad[ids[0, 0]])


def test_an_embedding_is_drawn_last_so_the_other_weights_are_the_same_network_s():
    plain = Network("gru", n_features=F, n_hidden=D, n_classes=C, seed=5, layers=2)
    embedded = Network("gru", n_features=F, n_hidden=D, n_classes=C, seed=5, layers=2, vocab_size=V)
    assert list(embedded.params) == [*plain.params, "E"]
    for name, value in plain.params.items():
        np.testing.assert_array_equal(embedded.params[name], value)
    assert embedded.param_shapes()["E"] == (V, F)
    ids, _ = token_batch(embedded)
    np.testing.assert_array_equal(embedded.forward(ids).h, plain.forward(embedded.params["E"][ids]).h)


def test_stepping_one_step_at_a_time_and_undoing_gives_the_whole_pass_s_numbers():
    net = Network("lstm", n_features=F, n_hidden=D, n_classes=C, seed=2, layers=2, bidirectional=True,
                  vocab_size=V)
    ids, Y = token_batch(net, T=3)
    whole = net.backward(net.forward(ids), Y)
    fwd = net.begin_forward(ids)
    for _ in range(fwd.n_steps):  # type: ignore[attr-defined]
        net.forward_step(fwd)
    bwd = net.begin_backward(fwd, Y)
    for _ in range(bwd.n_steps):  # type: ignore[attr-defined]
        net.backward_step(bwd, fwd)
    np.testing.assert_array_equal(bwd.grads["E"], whole.grads["E"])
    net.backward_unstep(bwd)
    assert bwd.grads == {}
    net.backward_step(bwd, fwd)
    np.testing.assert_array_equal(bwd.grads["E"], whole.grads["E"])


def test_embedding_grad_adds_the_rows_of_repeated_tokens():
    ids = np.array([[1, 1, 0]])
    dX = np.arange(9, dtype=float).reshape(1, 3, 3)
    np.testing.assert_array_equal(embedding_grad(ids, dX, 3), [[6, 7, 8], [3, 5, 7], [0, 0, 0]])


@pytest.mark.parametrize(("ids", "message"), [
    (np.array([[0, 7]]), "token id 7, but the embedding has V = 7 tokens (0 to 6)"),
    (np.array([[-1, 2]]), "token id -1"),
    (np.array([[0.5, 1.0]]), "expected token ids (B, T)"),
    (np.zeros((1, 2, 3), dtype=int), "got shape (1, 2, 3), expected token ids (B, T)"),
])
def test_bad_token_ids_are_one_line(ids, message):
    with pytest.raises(ValueError) as caught:
        check_token_ids(ids, V)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_whole_numbers_stored_as_floats_are_ids_and_one_id_per_step_is_accepted():
    np.testing.assert_array_equal(check_token_ids(np.array([[1.0, 2.0]]), V), [[1, 2]])
    np.testing.assert_array_equal(check_token_ids(np.array([[[1], [2]]]), V), [[1, 2]])


@pytest.mark.parametrize("layers", [1, 2])
def test_under_truncation_the_embeddings_gradient_is_that_of_the_truncated_objective(layers):
    from unrolled.engine.gradcheck import sampled_gradient_check

    net = Network("gru", n_features=F, n_hidden=D, n_classes=C, seed=6, vocab_size=V, truncation=2, layers=layers)
    ids, Y = token_batch(net, T=5)
    errors = sampled_gradient_check(net, ids, Y, entries=V * F)
    assert errors["E"][1] == V * F and max(e for e, _, _ in errors.values()) < 1e-7, errors
