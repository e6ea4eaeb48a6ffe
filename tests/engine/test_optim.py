import numpy as np
import pytest

from unrolled.engine.optim import (
    SGD,
    Adagrad,
    Adam,
    clip,
    clip_by_global_norm,
    clip_by_value,
    global_norm,
    make_optimiser,
)


def grads():
    return {"a": np.array([3.0, 0.0]), "b": np.array([[0.0, 4.0]])}  # global norm 5


def test_clip_by_global_norm_rescales_together_and_reports_both_norms():
    result = clip_by_global_norm(grads(), 1.0)
    assert result.norm_before == pytest.approx(5.0)
    assert result.norm_after == pytest.approx(1.0)
    np.testing.assert_allclose(result.grads["a"], [0.6, 0.0])
    np.testing.assert_allclose(result.grads["b"], [[0.0, 0.8]])
    unchanged = clip_by_global_norm(grads(), 10.0)
    assert unchanged.norm_before == unchanged.norm_after == pytest.approx(5.0)


def test_clip_by_value_clamps_each_element():
    result = clip_by_value(grads(), 2.0)
    np.testing.assert_array_equal(result.grads["a"], [2.0, 0.0])
    np.testing.assert_array_equal(result.grads["b"], [[0.0, 2.0]])
    assert result.norm_after == pytest.approx(np.sqrt(8.0))


def test_clip_dispatch_and_bad_thresholds():
    assert clip(grads(), "none", 0).norm_after == pytest.approx(5.0)
    with pytest.raises(ValueError, match="clipping: got 'sideways'"):
        clip(grads(), "sideways", 1.0)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm(grads(), 0.0)
    with pytest.raises(ValueError, match="limit"):
        clip_by_value(grads(), -1.0)


def test_clipping_an_infinite_gradient_reports_it_without_raising():
    with np.errstate(all="raise"):
        result = clip_by_global_norm({"a": np.array([np.inf, 1.0])}, 1.0)
    assert result.norm_before == np.inf


def test_sgd_with_and_without_momentum():
    params = {"w": np.array([1.0, 2.0])}
    SGD(lr=0.5).step(params, {"w": np.array([2.0, -2.0])})
    np.testing.assert_allclose(params["w"], [0.0, 3.0])
    opt = SGD(lr=1.0, momentum=0.5)
    params = {"w": np.zeros(1)}
    opt.step(params, {"w": np.ones(1)})  # v = 1
    opt.step(params, {"w": np.ones(1)})  # v = 1.5
    np.testing.assert_allclose(params["w"], [-2.5])


def test_adam_first_step_moves_each_weight_by_lr():
    params = {"w": np.array([1.0, 1.0])}
    Adam(lr=0.1).step(params, {"w": np.array([5.0, -0.001])})
    np.testing.assert_allclose(params["w"], [0.9, 1.1], rtol=1e-6)


def test_adagrad_divides_by_the_root_of_the_summed_squares_as_torch():
    torch = pytest.importorskip("torch")
    params = {"w": np.array([1.0, -2.0, 0.5])}
    steps = [np.array([0.3, -1.0, 2.0]), np.array([-0.5, 0.2, 0.0]), np.array([1.0, 1.0, -3.0])]
    optimiser = Adagrad(lr=0.1)
    weight = torch.tensor(params["w"], requires_grad=True)
    theirs = torch.optim.Adagrad([weight], lr=0.1)
    for g in steps:
        optimiser.step(params, {"w": g})
        weight.grad = torch.tensor(g)
        theirs.step()
    np.testing.assert_allclose(params["w"], weight.detach().numpy(), rtol=1e-14, atol=1e-15)
    # by hand: the first step moves each weight with a gradient by lr (|g| / sqrt(g^2))
    first = {"w": np.array([1.0, 1.0])}
    Adagrad(lr=0.1).step(first, {"w": np.array([5.0, -0.001])})
    np.testing.assert_allclose(first["w"], [0.9, 1.1], rtol=1e-6)


@pytest.mark.parametrize("name", ["adam", "adagrad"])
def test_optimiser_state_round_trip_makes_an_update_repeatable(name):
    opt = make_optimiser(name, 0.01)
    params = {"w": np.array([1.0])}
    opt.step(params, {"w": np.array([1.0])})
    saved_state, saved_params = opt.state_dict(), {k: v.copy() for k, v in params.items()}
    opt.step(params, {"w": np.array([2.0])})
    first = params["w"].copy()
    opt.load_state_dict(saved_state)
    params = saved_params
    opt.step(params, {"w": np.array([2.0])})
    np.testing.assert_array_equal(params["w"], first)


def test_bad_optimiser_arguments():
    with pytest.raises(ValueError, match="optimiser: got 'rmsprop'"):
        make_optimiser("rmsprop", 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(lr=0.0)
    with pytest.raises(ValueError, match="momentum"):
        SGD(lr=0.1, momentum=1.0)


def test_global_norm():
    assert global_norm(grads()) == pytest.approx(5.0)


@pytest.mark.parametrize("optimiser", [SGD(0.1, momentum=0.9), Adam(0.01)])
def test_a_step_puts_new_arrays_and_never_writes_into_the_old(optimiser):
    """Undo keeps the arrays from before an update instead of copying them: no step may
    write into a weight or a state array it replaces, and the result is the in-place
    arithmetic's, bit for bit."""
    params = {"a": np.array([1.0, -2.0]), "b": np.array([[0.5, 0.25]])}
    kept = dict(params)
    values = {k: v.copy() for k, v in params.items()}
    for _ in range(3):
        state = optimiser.state_dict()
        state_values = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in _flat(state).items()}
        optimiser.step(params, grads())
        for k, v in _flat(state).items():
            np.testing.assert_array_equal(v, state_values[k])
    for name in kept:
        np.testing.assert_array_equal(kept[name], values[name])
        assert params[name] is not kept[name]
    expected = {k: v.copy() for k, v in values.items()}
    twin = type(optimiser)(optimiser.lr, **({"momentum": 0.9} if isinstance(optimiser, SGD) else {}))
    m, v, velocity = {}, {}, {}
    for t in range(1, 4):  # the textbook in-place updates
        for name, g in grads().items():
            if isinstance(twin, Adam):
                m.setdefault(name, np.zeros_like(g))
                v.setdefault(name, np.zeros_like(g))
                m[name] *= twin.beta1
                m[name] += (1.0 - twin.beta1) * g
                v[name] *= twin.beta2
                v[name] += (1.0 - twin.beta2) * g * g
                m_hat = m[name] / (1.0 - twin.beta1**t)
                v_hat = v[name] / (1.0 - twin.beta2**t)
                expected[name] -= twin.lr * m_hat / (np.sqrt(v_hat) + twin.eps)
            else:
                velocity.setdefault(name, np.zeros_like(g))
                velocity[name] *= 0.9
                velocity[name] += g
                expected[name] -= twin.lr * velocity[name]
    for name in params:
        np.testing.assert_array_equal(params[name], expected[name])


def _flat(state: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in state.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out
