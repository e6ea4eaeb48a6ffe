"""What the status line says of the gradient ratio ||dL_T/dh_1|| / ||dL_T/dh_T||: the
verdict (theory.gradient_verdict) with what it comes from. No Qt."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .theory import gradient_verdict

if TYPE_CHECKING:
    from .stepper import Session


def ratio_reading(session: Session, ratio: float) -> tuple[str, str]:
    """What the status line says of the gradient ratio ||dL_T/dh_1|| / ||dL_T/dh_T|| (after
    the "= "), and a sentence on why, for its tooltip (empty when there is nothing to add).

    Truncated BPTT cuts the gradient before t = 1: its ratio is 0 by construction. A ratio
    beyond the verdict's limits is written with its mean factor per step, ratio^(1/(T-1)):
    a factor near 1 compounded over many steps (an LSTM at D = 256, T = 1000 grows by
    1.022 a step to 3e9 with every U orthogonal, rho(U) = 1)."""
    window = session.truncation_window()
    if window is not None and window[0] > 1 and ratio == 0:
        k = window[1] - window[0] + 1
        return (f"0: cut by truncation (k = {k})",
                f"Truncated BPTT (k = {k}) carries dL_T/dh_t back to t = {window[0]} only: nothing reaches "
                "t = 1, so the ratio is 0 by construction, not because the gradient vanished.")
    verdict = gradient_verdict(ratio)
    steps = session.T - 1
    if verdict not in ("vanishing", "exploding") or steps < 1 or not ratio > 0:
        return f"{ratio:.3g}: {verdict}", ""
    per_step = float(np.exp(np.log(ratio) / steps))
    why = (f"{ratio:.3g} = {per_step:.4g}^{steps}: on average the gradient is multiplied by {per_step:.4g} "
           f"at each of the T - 1 = {steps} steps back, and that compounds.")
    bias = session.net.cell.forget_bias_param
    if bias is not None and session.fwd.gates:
        forget = session.fwd.gates[bias.split("_", 1)[1]]  # (B, T, D): b_f is the bias of gate f
        mean = float(np.mean(forget[:, : session.fwd.steps_done]))
        why += (f" The forget gates average {mean:.2f} (b_f {float(np.mean(session.net.params[bias])):.2g} on "
                f"average): the cell path alone would scale it by about {mean:.2f} a step; the rest of the "
                "factor comes through the gates' U matrices.")
    return f"{ratio:.3g}: {verdict} (×{per_step:.3g} a step)", why
