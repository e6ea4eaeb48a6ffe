"""Connectivity: a T x T image of ||d y_k / d x_t||_F (rows k, the prediction; columns t,
the input), log colour, for the sequence chosen: which inputs each prediction used. Drawn
as the itemized gradients are, from `session.connectivity`."""

from __future__ import annotations

import numpy as np

from ...session.connectivity import CONNECTIVITY, prediction_steps, session_connectivity
from ...session.stepper import Session
from .itemized import ItemizedGradients


class ConnectivityMap(ItemizedGradients):
    title, formula, bar_label = "Which inputs each prediction used", CONNECTIVITY, "log10 ||dy_k/dx_t||"
    columns_label, rows_label, one_row_label = "t (the input)", "k (the prediction)", "k = T (the only prediction)"
    waiting_note = ""

    def data(self, session: Session) -> tuple[np.ndarray | None, list[int]]:
        return session_connectivity(session, self.sequence), prediction_steps(session)
