import numpy as np

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
    assert not np.array_equal(view.image.image, before)
    np.testing.assert_array_equal(view.image.image, window.session.X[0].T)
    assert f"{float(window.session.Y[0, 0]):.3f}" in view.text.text()
    seed = window.session.config.seed
    view.new_seed.click()
    assert window.session.config.seed != seed
    assert window.model_panel.editors["seed"].value() == window.session.config.seed
