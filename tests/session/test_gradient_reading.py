"""What the status line says of the gradient ratio: truncation is not vanishing, and a
ratio far from 1 is shown with the factor per step that compounds to it."""

import numpy as np
import pytest

from unrolled.engine.init import init_params, orthogonal, spectral_radius
from unrolled.session.gradient_reading import ratio_reading
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session


def after_backward(config) -> Session:
    session = Session(config)
    session.advance(session.steps_to("iteration") - 1)  # up to the update: the backward pass done
    return session


def test_truncation_reads_as_cut_not_vanishing():
    session = after_backward(get_preset("truncated-bptt").config)
    assert session.gradient_ratio() == 0
    reading, why = ratio_reading(session, 0.0)
    assert reading == "0: cut by truncation (k = 10)"
    assert "vanish" not in reading and "t = 21 only" in why


def test_an_exploding_lstm_at_large_d_says_the_factor_per_step_and_the_forget_gates():
    """lstm-long-memory at D = 256, T = 1000 (the 2.95e+09 a lecturer saw): every U is
    orthogonal, rho(U) = 1; the forget bias 3 keeps f near 0.95 and the step's factor is
    about 1.022, compounded over 999 steps."""
    config = get_preset("lstm-long-memory").config.replace(n_hidden=256, timesteps=1000)
    session = after_backward(config)
    ratio = session.gradient_ratio()
    assert ratio == pytest.approx(2.95e9, rel=0.01)
    for name in session.net.recurrent_param_names():
        assert spectral_radius(session.net.params[name]) == pytest.approx(1.0)
    reading, why = ratio_reading(session, ratio)
    assert reading == "2.95e+09: exploding (×1.02 a step)"
    assert "2.95e+09 = 1.022^999" in why
    assert "forget gates average 0.95 (b_f 3 on average)" in why


def test_a_vanishing_rnn_reads_rho_as_its_factor_per_step():
    session = after_backward(get_preset("vanishing-rnn").config)
    reading, _ = ratio_reading(session, session.gradient_ratio())
    assert reading == "2.12e-07: vanishing (×0.731 a step)"


def test_the_default_u_keeps_rho_1_at_every_d_and_torchs_uniform_about_0_58():
    """The default U (rho = 0: orthogonal) does not grow with D; torch's U(-1/sqrt(D),
    1/sqrt(D)) has rho near 1/sqrt(3) (the circular law), also at every D."""
    from unrolled.engine import cell_class

    rng = np.random.default_rng(0)
    for D in (16, 64, 256):
        params = init_params(cell_class("lstm"), 8, D, 2, np.random.default_rng(D))
        for name in ("U_i", "U_f", "U_g", "U_o"):
            assert spectral_radius(params[name]) == pytest.approx(1.0)
            assert np.linalg.norm(params[name], 2) == pytest.approx(1.0)
        assert spectral_radius(orthogonal(rng, D)) == pytest.approx(1.0)
    torch_like = rng.uniform(-1 / 16, 1 / 16, (256, 256))
    assert spectral_radius(torch_like) == pytest.approx(1 / np.sqrt(3), abs=0.05)
