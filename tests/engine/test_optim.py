import numpy as np
import pytest

from unrolled.engine.optim import SGD, Adam, clip, clip_by_global_norm, clip_by_value, global_norm, make_optimiser


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


def test_optimiser_state_round_trip_makes_an_update_repeatable():
    opt = make_optimiser("adam", 0.01)
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
