"""carry_state: consecutive windows of a char-lm text, each starting from the previous
window's final state, in training, in stepping, and across saving and opening."""

import numpy as np
import pytest

from unrolled.session.config import Config, ConfigError
from unrolled.session.files import load_session, save_session
from unrolled.session.stepper import Session
from unrolled.session.training import Trainer

TEXT = "the cat sat on the mat; the dog sat on the log. " * 6  # 288 characters


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "cat.txt"
    path.write_text(TEXT, encoding="utf-8")
    return str(path)


def char_config(text, **changes) -> Config:
    settings = {"task": "char-lm", "text": text, "cell": "lstm", "timesteps": 5, "n_hidden": 6, "batch_size": 2,
                "layers": 2, "optimiser": "adam", "learning_rate": 0.01}
    return Config.from_dict({**settings, **changes})


def test_the_default_carries_for_char_lm_in_one_direction_only(text_file):
    assert char_config(text_file).carries_state
    assert not char_config(text_file, carry_state=False).carries_state
    assert not char_config(text_file, bidirectional=True).carries_state
    assert not Config().carries_state
    assert "carry_state" not in Config().to_dict() and "carry_state" not in char_config(text_file).to_dict()
    assert char_config(text_file, carry_state=False).to_dict()["carry_state"] is False


@pytest.mark.parametrize(("settings", "message"), [
    ({"task": "pos-tagging", "carry_state": True}, "carry_state: only the task char-lm carries a state"),
    ({"carry_state": "yes"}, "carry_state: got 'yes', expected true or false"),
    ({"bidirectional": True, "carry_state": True}, "carry_state: a bidirectional network cannot carry a state"),
    ({"batch_size": 60, "timesteps": 5}, "B = 60 stretches of T \\+ 1 = 6 side by side need 360"),
])
def test_a_carry_state_that_cannot_work_is_refused_in_one_line(text_file, settings, message):
    if settings.get("task") == "pos-tagging":
        make = lambda: Config.from_dict(settings)  # noqa: E731
    else:
        make = lambda: char_config(text_file, **settings)  # noqa: E731
    with pytest.raises(ConfigError, match=message) as error:
        make()
    assert "\n" not in str(error.value)


def test_training_reads_consecutive_windows_from_the_previous_final_state(text_file):
    session = Session(char_config(text_file))
    net, seen = session.net, []
    begin, final = net.begin_forward, net.final_state

    def recording_begin(X, initial_state=None):
        seen.append(("begin", X, initial_state))
        return begin(X, initial_state)

    def recording_final(fwd):
        state = final(fwd)
        seen.append(("final", state))
        return state

    net.begin_forward, net.final_state = recording_begin, recording_final  # type: ignore[method-assign]
    Trainer(session).train(4)
    # each iteration begins the trainer's pass, then the session's own batch afresh
    starts = [entry for entry in seen if entry[0] == "begin"][::2]
    finals = [entry[1] for entry in seen if entry[0] == "final"]
    ids, stretch = session.task.text().ids, len(TEXT) // 2
    for n, (_, X, initial) in enumerate(starts):
        # the session's own batch is window 0; training reads windows 1, 2, ... of both
        # stretches: characters (n + 1) T .. (n + 2) T - 1 of each, one-hot
        expected = ids[np.arange(2)[:, None] * stretch + (n + 1) * 5 + np.arange(5)[None]]
        np.testing.assert_array_equal(np.argmax(X, axis=-1), expected)
        if n == 0:
            assert initial is None
        else:  # exactly the previous window's final state: every layer, h and c
            for layer in range(2):
                for name in ("h", "c"):
                    np.testing.assert_array_equal(initial[layer][name], finals[n - 1][layer][name])


def test_the_stream_starts_over_from_zeros_at_the_end_of_its_stretch(text_file):
    session = Session(char_config(text_file, batch_size=1, timesteps=50))
    windows = []
    for _ in range(6):  # a stretch of 288 characters holds 5 windows of 50 and their targets
        X, _ = session.training_batch()
        windows.append((np.argmax(X[0, 0]), session.carried_state))
        session.end_window(session.net.final_state(session.net.forward(X, session.carried_state)))
    # the session's batch was window 0; training read windows 1 to 4, then starts over
    assert [w[0] for w in windows] == list(session.task.text().ids[[50, 100, 150, 200, 0, 50]])
    assert windows[4][1] is None and windows[3][1] is not None and windows[5][1] is not None


def test_stepping_carries_the_state_into_the_next_sample_and_undoes_exactly(text_file):
    session = Session(char_config(text_file))
    assert session.initial_state is None
    old_X = session.X
    expected = session.net.final_state(session.net.forward(old_X))
    session.new_sample()
    for layer in range(2):
        np.testing.assert_array_equal(session.initial_state[layer]["c"], expected[layer]["c"])
    np.testing.assert_array_equal(np.argmax(session.X, axis=-1)[:, 0],
                                  session.task.text().ids[[5, len(TEXT) // 2 + 5]])
    session.advance(session.order.steps_per_pass)
    whole = session.net.forward(session.X, session.initial_state)
    np.testing.assert_array_equal(session.fwd.h, whole.h)
    for _ in range(session.order.steps_per_pass):
        session.step_back()
    session.advance(session.steps_per_iteration)
    np.testing.assert_array_equal(session.fwd.h, whole.h)


@pytest.mark.parametrize("optimiser", ["adam", "adagrad"])
def test_saving_and_opening_keeps_the_carried_state(text_file, tmp_path, optimiser):
    session = Session(char_config(text_file, optimiser=optimiser))
    Trainer(session).train(2)
    session.new_sample()
    session.new_sample()
    session.advance(7)
    save_session(session, tmp_path / "s.json")
    opened = load_session(tmp_path / "s.json")
    np.testing.assert_array_equal(opened.fwd.h, session.fwd.h)
    for layer in range(2):
        np.testing.assert_array_equal(opened.initial_state[layer]["h"], session.initial_state[layer]["h"])
    opened.new_sample()
    session.new_sample()
    np.testing.assert_array_equal(opened.X, session.X)
    np.testing.assert_array_equal(opened.initial_state[1]["c"], session.initial_state[1]["c"])
    opened.run_iteration()
    session.run_iteration()
    for name, value in session.net.params.items():  # the optimiser's state came back too
        np.testing.assert_array_equal(opened.net.params[name], value)


@pytest.mark.slow
def test_carrying_the_state_learns_what_lies_beyond_one_window(tmp_path):
    """A text whose next character depends on one 12 characters back: a window of T = 4
    cannot see it from a zero state, a carried state can."""
    rng = np.random.default_rng(0)
    block = "".join(rng.choice(list("abcdefgh"), 12))
    path = tmp_path / "period.txt"
    path.write_text(block * 40, encoding="utf-8")
    losses = {}
    for carry in (True, False):
        session = Session(Config.from_dict({"task": "char-lm", "text": str(path), "cell": "lstm", "timesteps": 4,
                                            "n_hidden": 32, "batch_size": 4, "optimiser": "adam",
                                            "learning_rate": 0.02, "carry_state": carry}))
        steps = Trainer(session).train(300)
        losses[carry] = np.mean([s.loss for s in steps[-30:]])
    assert losses[True] < 0.5 * losses[False]


def test_both_networks_of_a_comparison_train_on_the_same_windows(text_file):
    from unrolled.session.compare import Comparison

    comparison = Comparison(char_config(text_file), {"cell": "gru"})
    a, b = comparison.sessions
    np.testing.assert_array_equal(a.X, b.X)
    for _ in range(3):
        np.testing.assert_array_equal(a.training_batch()[0], b.training_batch()[0])


def test_the_trace_holds_the_carried_state_as_torch_takes_it(text_file):
    from unrolled.session.figure_data import trace_arrays

    session = Session(char_config(text_file))
    assert "h0" not in trace_arrays(session)
    session.new_sample()
    arrays = trace_arrays(session)
    assert arrays["h0"].shape == arrays["c0"].shape == (2, 2, 6)  # (layers, B, D), torch's h_0
    np.testing.assert_array_equal(arrays["c0"][1], session.initial_state[1]["c"])
