import numpy as np
import pytest

from unrolled.engine import TASKS, Network, get_task
from unrolled.engine.losses import IGNORE_INDEX


def sizes(task, T=12, F=7, C=3):
    return T, task.n_features or F, task.n_classes or C


@pytest.mark.parametrize("name", list(TASKS))
def test_shapes_determinism_and_a_network_accepts_them(name):
    task = get_task(name)
    T, F, C = sizes(task)
    X, Y = task.sample(T, F, C, 5, np.random.default_rng(3))
    X2, Y2 = task.sample(T, F, C, 5, np.random.default_rng(3))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert X.shape == (5, T, F) and X.dtype == np.float64
    if task.loss == "mse":
        assert Y.shape == (5, C)
    else:
        assert Y.shape == ((5, T) if task.mode == "many-to-many" else (5,))
        carried = Y[Y != IGNORE_INDEX]  # a step with no target (look-ahead's last steps)
        assert carried.size > Y.size // 2 and carried.min() >= 0 and carried.max() < C
    net = Network("gru", n_features=F, n_hidden=4, n_classes=C, mode=task.mode, loss=task.loss)
    assert np.isfinite(net.loss(net.forward(X), Y))
    X3, _ = task.sample(T, F, C, 5, np.random.default_rng(4))
    assert not np.array_equal(X, X3)


@pytest.mark.parametrize("name", [n for n, t in TASKS.items() if t.n_features or t.n_classes])
def test_fixed_sizes_are_stated_and_enforced(name):
    task = get_task(name)
    assert task.fixed_reason
    T, F, C = sizes(task)
    arg, bad = ("F", (T, F + 1, C)) if task.n_features else ("C", (T, F, C + 1))
    with pytest.raises(ValueError, match=f"{arg}: got .* fixes {arg}"):
        task.sample(*bad, 1, np.random.default_rng(0))


def test_adding_problem_target_is_the_sum_of_the_marked_values():
    X, Y = get_task("adding-problem").sample(20, 2, 1, 8, np.random.default_rng(0))
    assert np.all(X[:, :, 1].sum(axis=1) == 2)
    assert np.all(X[:, :10, 1].sum(axis=1) == 1)  # one marker in each half
    np.testing.assert_allclose(Y[:, 0], np.sum(X[:, :, 0] * X[:, :, 1], axis=1))


def test_toxic_word_label_says_whether_word_zero_occurs():
    X, Y = get_task("toxic-word").sample(9, 5, 2, 50, np.random.default_rng(1))
    np.testing.assert_array_equal(Y, X[:, :, 0].max(axis=1).astype(int))
    assert 0 < Y.sum() < 50


def test_copy_task_targets_repeat_the_first_symbols_at_the_end():
    task = get_task("copy-delay")
    X, Y = task.sample(10, 6, 5, 4, np.random.default_rng(2))
    symbols = np.argmax(X[:, :3], axis=-1)
    np.testing.assert_array_equal(Y[:, -3:], symbols)
    assert np.all(Y[:, :-3] == 4)
    assert np.all(np.argmax(X[:, 6], axis=-1) == 5)  # the go marker at T - k - 1


def test_pos_tagging_seed_example_reads_as_words_and_tags():
    task = get_task("pos-tagging")
    X, Y = task.sample(4, task.n_features, task.n_classes, 1, np.random.default_rng(0))
    words = task.input_labels(X[0])
    tags = task.target_labels(Y[0])
    assert len(words) == len(tags) == 4 and tags[0] == "DET" and words[0] in ("the", "a")


def test_next_word_targets_are_the_inputs_shifted():
    task = get_task("next-word")
    X, Y = task.sample(15, task.n_features, task.n_classes, 3, np.random.default_rng(5))
    np.testing.assert_array_equal(np.argmax(X[:, 1:], axis=-1), Y[:, :-1])


def test_bad_task_arguments():
    with pytest.raises(ValueError, match="task: got 'chess'"):
        get_task("chess")
    with pytest.raises(ValueError, match="T: got 3, but the task shapes-by-row needs T >= 6"):
        get_task("shapes-by-row").sample(3, 8, 3, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="B: got 0"):
        get_task("adding-problem").sample(5, 2, 1, 0, np.random.default_rng(0))


def test_video_frames_show_a_moving_square_and_its_motion_needs_the_previous_frame():
    task = get_task("video-frames")
    X, Y = task.sample(10, task.n_features, task.n_classes, 20, np.random.default_rng(0))
    frames = X.reshape(20, 10, *task.frame_shape)
    assert np.all(frames.sum(axis=(2, 3)) == 4)  # a 2 x 2 square in every frame
    assert np.all(Y[:, 0] == 0)  # the first frame: nothing to compare with, "still"
    assert len(set(Y[:, 1:].ravel())) == 5  # every motion occurs
    # the class follows from two frames, never from one: the same frame has several classes
    tops = np.argmax(X.reshape(200, -1) > 0.5, axis=1)
    classes_by_frame: dict[int, set] = {}
    for frame, label in zip(tops, Y.ravel()):
        classes_by_frame.setdefault(int(frame), set()).add(int(label))
    assert max(len(c) for c in classes_by_frame.values()) > 1
    moves = {1: (0, -1), 2: (0, 1), 3: (-1, 0), 4: (1, 0), 0: (0, 0)}
    rows, cols = tops // 6, tops % 6
    rows, cols = rows.reshape(20, 10), cols.reshape(20, 10)
    for b in range(20):
        for t in range(1, 10):
            assert (rows[b, t] - rows[b, t - 1], cols[b, t] - cols[b, t - 1]) == moves[int(Y[b, t])]
    assert task.input_labels(X[0])[0].startswith("(") and task.target_labels(Y[0])[0] == "still"


def test_a_typed_pos_sentence_is_tagged_by_the_grammar():
    task = get_task("pos-tagging")
    X, Y = task.encode("the dog play the big ball", task.n_features, task.n_classes)
    assert X.shape == (1, 6, task.n_features)
    assert task.input_labels(X[0]) == ["the", "dog", "play", "the", "big", "ball"]
    assert task.target_labels(Y[0]) == ["DET", "NOUN", "VERB", "DET", "ADJ", "NOUN"]
    _, Y = task.encode("The play", task.n_features, task.n_classes)  # case ignored; 'play' after DET
    assert task.target_labels(Y[0]) == ["DET", "NOUN"]


def test_typed_sentences_for_the_other_word_tasks():
    toxic = get_task("toxic-word")
    X, Y = toxic.encode("w1 w3 TOXIC w2", 5, 2)
    assert X.shape == (1, 4, 5) and Y.tolist() == [1]
    assert toxic.encode("w1 w4", 5, 2)[1].tolist() == [0]
    nxt = get_task("next-word")
    X, Y = nxt.encode("the cat sat", nxt.n_features, nxt.n_classes)
    assert nxt.target_labels(Y[0]) == ["cat", "sat", "-"]  # what follows the last word is unknown


def test_unknown_words_are_named_and_the_vocabulary_shown():
    task = get_task("pos-tagging")
    with pytest.raises(ValueError, match=r"unknown words 'zebra', 'runs'; the vocabulary is: the a big"):
        task.encode("the zebra runs", task.n_features, task.n_classes)
    with pytest.raises(ValueError, match="takes no typed sentence"):
        get_task("adding-problem").encode("1 2", 2, 1)
    with pytest.raises(ValueError, match="type at least one word"):
        task.encode("   ", task.n_features, task.n_classes)


def test_look_ahead_tags_each_step_with_the_symbol_two_steps_later():
    task = get_task("look-ahead")
    X, Y = task.sample(6, 4, 4, 3, np.random.default_rng(0))
    symbols = np.argmax(X, axis=-1)
    np.testing.assert_array_equal(Y[:, :4], symbols[:, 2:])
    assert np.all(Y[:, 4:] == IGNORE_INDEX)
    assert task.target_labels(Y[:1])[-2:] == ["-", "-"]
