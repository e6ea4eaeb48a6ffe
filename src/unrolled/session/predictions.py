"""Predictions against targets: per timestep (many-to-many) or at T (many-to-one), the
predicted class in words where the task has words, its probability, the target, and
whether it is right. Read from the forward trace (y) with the engine's softmax. No Qt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.functions import softmax
from .inspect import class_label, input_words, target_class
from .stepper import Session

HEADER = ["t", "input", "target", "predicted", "p_predicted", "p_target"]


@dataclass(frozen=True)
class Prediction:
    t: int  # 1-based; T for many-to-one
    input: str  # x_t in words, or its values
    target: str  # "" where the timestep carries no target
    predicted: str  # "" while y_t is not computed yet, or for a regression
    p_predicted: float  # NaN where not applicable
    p_target: float

    @property
    def right(self) -> bool | None:
        if not self.target or not self.predicted or np.isnan(self.p_target):
            return None
        return self.target == self.predicted


def _input_text(session: Session, sequence: int, i: int, words: list[str] | None) -> str:
    if words is not None:
        return words[i]
    return " ".join(f"{v:.3g}" for v in session.X[sequence, i])


def predictions(session: Session, sequence: int = 0) -> list[Prediction]:
    """One row per timestep with an output: every t (many-to-many) or T (many-to-one)."""
    fwd, T = session.fwd, session.T
    many = session.config.mode == "many-to-many"
    Y = np.asarray(session.Y)[sequence]
    words = input_words(session, sequence)
    classify = session.config.loss == "cross-entropy"
    out = []
    for i in range(T) if many else [T - 1]:
        y = fwd.y[sequence, i] if many else fwd.y[sequence]
        target = Y[i] if many else Y
        computed = bool(np.all(np.isfinite(y))) and fwd.steps_done > i
        if classify:
            wanted = target_class(target)
            target_text = class_label(session, wanted) if wanted is not None else ""
            if computed:
                p = softmax(y)
                predicted = int(np.argmax(p))
                p_target = float(p[wanted]) if wanted is not None else np.nan
                row = Prediction(i + 1, _input_text(session, sequence, i, words), target_text,
                                 class_label(session, predicted), float(p[predicted]), p_target)
            else:
                row = Prediction(i + 1, _input_text(session, sequence, i, words), target_text, "", np.nan, np.nan)
        else:  # regression: the output against the target, no probabilities
            target_text = " ".join(f"{v:.4g}" for v in np.atleast_1d(target))
            predicted_text = " ".join(f"{v:.4g}" for v in np.atleast_1d(y)) if computed else ""
            row = Prediction(i + 1, _input_text(session, sequence, i, words), target_text, predicted_text,
                             np.nan, np.nan)
        out.append(row)
    return out


def predictions_table(session: Session, sequence: int = 0) -> tuple[list[str], list[list[str]]]:
    """(header, rows) t, input, target, predicted, p_predicted, p_target as text, for
    predictions.csv; probabilities at full precision, empty where not applicable."""
    def number(value: float) -> str:
        return "" if np.isnan(value) else repr(float(value))

    rows = [[str(p.t), p.input, p.target, p.predicted, number(p.p_predicted), number(p.p_target)]
            for p in predictions(session, sequence)]
    return list(HEADER), rows
