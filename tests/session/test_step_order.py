import pytest

from unrolled.session.config import Config
from unrolled.session.iteration import Phase
from unrolled.session.step_order import Place, StepOrder, order_of, steps_per_iteration


def test_one_layer_in_one_direction_is_the_seeds_2T_plus_2():
    order = StepOrder(T=5)
    assert order.steps_per_pass == 5 and order.steps_per_iteration == 12
    assert [order.place(p).t for p in range(13)] == [None, 1, 2, 3, 4, 5, None, 5, 4, 3, 2, 1, None]
    assert order.place(0) == Place(Phase.READY) and order.place(12) == Place(Phase.UPDATE)


def test_places_follow_torch_layer_by_layer_forward_then_reverse():
    order = StepOrder(T=2, layers=2, directions=2)
    forward = [order.place(p) for p in range(1, 9)]
    assert [(p.layer, p.direction, p.t) for p in forward] == [
        (0, 0, 1), (0, 0, 2), (0, 1, 2), (0, 1, 1), (1, 0, 1), (1, 0, 2), (1, 1, 2), (1, 1, 1)]
    assert order.place(9) == Place(Phase.LOSS)
    backward = [order.place(p) for p in range(10, 18)]
    assert [(p.layer, p.direction, p.t) for p in backward] == [(p.layer, p.direction, p.t) for p in reversed(forward)]
    assert all(p.phase is Phase.BACKWARD for p in backward) and order.place(18) == Place(Phase.UPDATE)


@pytest.mark.parametrize("position,target,steps", [
    (0, "layer", 4), (2, "layer", 2), (4, "layer", 4), (8, "layer", 1), (9, "layer", 4), (13, "layer", 4),
    (17, "layer", 1), (18, "layer", 4), (0, "phase", 8), (5, "phase", 3), (9, "phase", 8), (17, "phase", 1),
    (0, "iteration", 18), (10, "iteration", 8), (18, "iteration", 18),
])
def test_steps_to_the_end_of_a_layer_a_phase_or_the_iteration(position, target, steps):
    assert StepOrder(T=2, layers=2, directions=2).steps_to(position, target) == steps


def test_the_order_of_a_config():
    config = Config(timesteps=7, layers=3, bidirectional=True)
    assert order_of(config) == StepOrder(7, 3, 2) and steps_per_iteration(config) == 2 * 42 + 2
    with pytest.raises(ValueError, match="target"):
        StepOrder(T=3).steps_to(0, "lesson")
