"""Every public method of the session sends exactly one event when it changes something,
and says PARAMS only when the weights changed; queries send none."""

import inspect

import numpy as np
import pytest

from unrolled.engine.torch_layout import to_torch
from unrolled.session.config import Config
from unrolled.session.events import Change
from unrolled.session.stepper import Session, UpdateRejected


def recorder(session: Session) -> list[Change]:
    events: list[Change] = []
    session.changed.connect(events.append)
    return events


def stepped(n: int = 0, **config) -> Session:
    s = Session(Config(**config))
    s.advance(n)
    return s


# method -> (how to call it on a fresh session, the event it must send; None: no event)
CALLS = {
    "reconfigure": (lambda s: s.reconfigure(n_hidden=5), Change.ALL),
    "adopt": (lambda s: s.adopt(stepped(3)), Change.ALL),
    "reset": (lambda s: s.reset(), Change.ALL),
    "from_torch": (lambda s: s.from_torch(to_torch(s.net)), None),  # a new session: this one is untouched
    "new_sample": (lambda s: s.new_sample(), Change.STEP | Change.REBUILT),
    "use_sentence": (lambda s: s.use_sentence("the dog sees a ball"), Change.STEP | Change.REBUILT),
    "step": (lambda s: s.step(), Change.STEP),
    "step_back": (lambda s: (s._step(), s.step_back()), Change.STEP),
    "advance": (lambda s: s.advance(3), Change.STEP),
    "finish_phase": (lambda s: s.finish_phase(), Change.STEP),
    "finish_layer": (lambda s: s.finish_layer(), Change.STEP),
    "run_iteration": (lambda s: s.run_iteration(), Change.STEP | Change.PARAMS | Change.HISTORY),
    "set_spectral_radius": (lambda s: s.set_spectral_radius(0.9, keep_position=True), Change.STEP | Change.PARAMS),
    "set_weights": (lambda s: s.set_weights({"b1": np.ones(8)}), Change.STEP | Change.PARAMS),
    "restore": (lambda s: s.restore(s.checkpoint()), Change.STEP | Change.PARAMS | Change.HISTORY),
    "apply_update": (lambda s: s.apply_update({k: np.ones_like(v) for k, v in s.net.params.items()}, 1.0),
                     Change.STEP | Change.PARAMS | Change.HISTORY),
    # queries: they change nothing a view shows
    "steps_to": (lambda s: s.steps_to("phase"), None),
    "rebuilt": (lambda s: s.rebuilt(n_hidden=5), None),
    "checkpoint": (lambda s: s.checkpoint(), None),
    "iteration_start": (lambda s: s.iteration_start(), None),
    "training_batch": (lambda s: s.training_batch(), None),
    "end_window": (lambda s: s.end_window(s.net.final_state(s.net.forward(s.X))), None),
    "windows_arrays": (lambda s: s.windows_arrays(), None),
    "replay_iteration": (lambda s: list(s.replay_iteration()), None),
    "resume": (lambda s: Session.resume(s.config, s.checkpoint(), (s.X, s.Y), [], 2), None),
    "from_preset": (lambda s: Session.from_preset("vanishing-rnn"), None),  # a new session
    "from_config": (lambda s: Session.from_config(s.config, timesteps=4), None),
    "gradient_curve": (lambda s: s.gradient_curve(), None),
    "gradient_ratio": (lambda s: s.gradient_ratio(), None),
    "theory_curve": (lambda s: s.theory_curve(), None),
    "theory_label": (lambda s: s.theory_label(), None),
    "nonfinite_from": (lambda s: s.nonfinite_from(), None),
    "nonfinite_place": (lambda s: s.nonfinite_place(), None),
    "truncation_window": (lambda s: s.truncation_window(), None),
    "vocabulary": (lambda s: s.vocabulary(), None),
    "layer_keys": (lambda s: s.layer_keys(), None),
    "layer_hidden_states": (lambda s: s.layer_hidden_states(), None),
    "layer_cell_states": (lambda s: s.layer_cell_states(), None),
    "layer_gates": (lambda s: s.layer_gates(), None),
    "layer_gradients": (lambda s: s.layer_gradients(), None),
    "layer_gradient_norms": (lambda s: s.layer_gradient_norms(), None),
}


def public_methods() -> set[str]:
    return {name for name, member in inspect.getmembers(Session)
            if not name.startswith("_") and callable(member) and not isinstance(member, property)}


def test_every_public_method_is_covered():
    assert public_methods() == set(CALLS), "add the new method to CALLS with the event it sends"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_public_method_sends_exactly_one_event(name):
    call, expected = CALLS[name]
    s = Session()
    events = recorder(s)
    call(s)
    assert events == ([] if expected is None else [expected])


def test_steps_that_do_not_update_do_not_say_the_weights_changed():
    s = Session()
    events = recorder(s)
    for _ in range(s.steps_per_iteration - 1):
        s.step()
    assert all(e == Change.STEP for e in events)
    s.step()  # the update
    assert events[-1] == Change.STEP | Change.PARAMS | Change.HISTORY
    s.step()  # into the next iteration: no weights change
    assert events[-1] == Change.STEP
    s.step_back()  # back across the boundary: the weights are those after the update still
    assert events[-1] == Change.STEP
    s.step_back()  # undo the update
    assert events[-1] == Change.STEP | Change.PARAMS | Change.HISTORY


def test_a_rejected_update_changes_nothing_and_sends_nothing():
    s = stepped(3)
    before = {k: v.copy() for k, v in s.net.params.items()}
    events = recorder(s)
    with pytest.raises(UpdateRejected, match="inf or nan"):
        s.apply_update({k: np.full_like(v, np.inf) for k, v in s.net.params.items()}, 1.0)
    assert events == [] and s.history == [] and s.position == 3
    for k, v in s.net.params.items():
        np.testing.assert_array_equal(v, before[k])


def test_an_update_that_overflows_the_weights_is_rolled_back(monkeypatch):
    s = Session()
    before = {k: v.copy() for k, v in s.net.params.items()}
    optimiser_before = s.optimiser.state_dict()

    def overflowing_step(params, grads):
        # as an update with a huge learning rate would; like every optimiser, into a new
        # array (engine/optim.py: an update never writes into the arrays it replaces)
        params["U1"] = params["U1"].copy()
        params["U1"][0, 0] = np.inf

    monkeypatch.setattr(s.optimiser, "step", overflowing_step)
    with pytest.raises(UpdateRejected, match="overflowed"):
        s.apply_update({k: np.ones_like(v) for k, v in s.net.params.items()}, 1.0)
    assert s.optimiser.state_dict() == optimiser_before and s.history == []
    for k, v in s.net.params.items():
        np.testing.assert_array_equal(v, before[k])


def test_the_weights_version_moves_only_with_the_weights():
    s = Session()
    version = s.weights_version
    s.advance(s.steps_per_iteration - 1)
    assert s.weights_version == version
    s.step()
    assert s.weights_version == version + 1
    s.step_back()
    assert s.weights_version == version + 2  # a new version, equal in value to the first
