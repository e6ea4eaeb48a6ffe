import numpy as np
from PySide6 import QtCore

from unrolled.session.config import Config


def test_shows_the_seed_examples_words_and_tags(make_window):
    window = make_window()
    view = window.model_panel.sample_view
    text = view.text.text()
    words = window.session.task.input_labels(window.session.X[0])
    assert " ".join(words) in text and "DET" in text
    np.testing.assert_array_equal(view.image.image, window.session.X[0].T)


def test_new_sample_and_new_seed_update_the_view(make_window):
    window = make_window(Config(task="adding-problem", n_features=2, n_classes=1, mode="many-to-one", loss="mse",
                                timesteps=10))
    view = window.model_panel.sample_view
    before = view.image.image.copy()
    view.new_sample.click()
    window.redraws.run()  # the window's redraw, which the event loop would run next
    assert not np.array_equal(view.image.image, before)
    np.testing.assert_array_equal(view.image.image, window.session.X[0].T)
    assert f"{float(window.session.Y[0, 0]):.3f}" in view.text.text()
    seed = window.session.config.seed
    view.new_seed.click()
    window.redraws.run()
    assert window.session.config.seed != seed
    assert window.model_panel.editors["seed"].value() == window.session.config.seed


def test_typing_a_sentence_retags_the_seed_example_on_screen(make_window, qtbot):
    window = make_window()
    view = window.model_panel.sample_view
    view.sentence.clear()
    qtbot.keyClicks(view.sentence, "the big dog sees a ball")
    qtbot.keyClick(view.sentence, QtCore.Qt.Key.Key_Return)
    window.redraws.run()
    assert window.session.T == 6 and window.session.config.input == "the big dog sees a ball"
    assert "the big dog sees a ball" in view.text.text()
    assert "DET ADJ NOUN VERB DET NOUN" in view.text.text()
    np.testing.assert_array_equal(view.image.image, window.session.X[0].T)
    window.session.run_iteration()  # forward, loss, gradients and the update follow
    assert window.session.bwd.dh.shape[1] == 6


def test_an_unknown_word_is_named_and_changes_nothing(make_window, qtbot):
    window = make_window()
    view = window.model_panel.sample_view
    X = window.session.X.copy()
    view.sentence.setText("the unicorn sees")
    qtbot.keyClick(view.sentence, QtCore.Qt.Key.Key_Return)
    assert "unknown word 'unicorn'" in view.sentence_note.text() and "quickly" in view.sentence_note.text()
    np.testing.assert_array_equal(window.session.X, X)


def test_the_session_sentence_shows_in_the_field(make_window):
    window = make_window()
    view = window.model_panel.sample_view
    window.session.use_sentence("a cat likes the red ball")
    window.redraws.run()
    assert view.sentence.text() == "a cat likes the red ball"
    window.session.reconfigure(task="adding-problem")
    window.redraws.run()
    assert view.sentence.isHidden()


def test_video_frames_show_as_a_strip_of_frames(make_window):
    window = make_window(Config.from_dict({"task": "video-frames", "timesteps": 5}))
    view = window.model_panel.sample_view
    image = view.image.image
    assert image.shape == (6, 5 * 7 - 1)
    np.testing.assert_array_equal(image[:, 7:13], window.session.X[0, 1].reshape(6, 6))
    assert np.all(np.isnan(image[:, 6])) and "still" in view.text.text()
