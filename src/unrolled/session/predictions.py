"""Predictions against targets: per timestep (many-to-many) or at T (many-to-one), the
predicted class in words where the task has words, its probability, the target, and
whether it is right. Read from the forward trace (y) with the engine's softmax. No Qt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.functions import softmax
from .inspector_data import class_label, input_words, target_class
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


def _labels(session: Session, classes: np.ndarray) -> list[str]:
    """Class names for many classes at once (one call to the task), else one by one."""
    labels = session.task.target_labels(classes)
    if labels is not None and len(labels) == len(classes):
        return list(labels)
    return [class_label(session, int(k)) for k in classes]


def predictions(session: Session, sequence: int = 0, limit: int | None = None) -> list[Prediction]:
    """One row per timestep with an output: every t (many-to-many) or T (many-to-one);
    the first `limit` rows only, when given (a window shows a few of T = 1000)."""
    fwd, T = session.fwd, session.T
    many = session.config.mode == "many-to-many"
    steps = list(range(T) if many else [T - 1])[:limit]
    Y = np.asarray(session.Y)[sequence]
    y = fwd.y[sequence, steps] if many else fwd.y[sequence][None]  # (n, C)
    targets = Y[steps] if many else Y[None]
    words = input_words(session, sequence)
    inputs = [_input_text(session, sequence, i, words) for i in steps]
    computed = np.all(np.isfinite(y), axis=-1) & (np.array(steps) < fwd.steps_done)
    if session.config.loss != "cross-entropy":  # regression: the output against the target
        def text(v) -> str:
            return " ".join(f"{x:.4g}" for x in np.atleast_1d(v))

        return [Prediction(i + 1, inputs[n], text(targets[n]), text(y[n]) if computed[n] else "", np.nan, np.nan)
                for n, i in enumerate(steps)]
    with np.errstate(invalid="ignore", over="ignore"):
        p = softmax(y)
    predicted = np.argmax(np.nan_to_num(p, nan=-1.0), axis=-1)
    wanted = [target_class(t) for t in targets]
    predicted_labels = _labels(session, predicted)
    known = [k for k in wanted if k is not None]
    target_labels = iter(_labels(session, np.array(known, dtype=int)) if known else [])
    out = []
    for n, i in enumerate(steps):
        target_text = next(target_labels) if wanted[n] is not None else ""
        if computed[n]:
            k = wanted[n]
            out.append(Prediction(i + 1, inputs[n], target_text, predicted_labels[n], float(p[n, predicted[n]]),
                                  float(p[n, k]) if k is not None else np.nan))
        else:
            out.append(Prediction(i + 1, inputs[n], target_text, "", np.nan, np.nan))
    return out


def predictions_table(session: Session, sequence: int = 0) -> tuple[list[str], list[list[str]]]:
    """(header, rows) t, input, target, predicted, p_predicted, p_target as text, for
    predictions.csv; probabilities at full precision, empty where not applicable."""
    def number(value: float) -> str:
        return "" if np.isnan(value) else repr(float(value))

    rows = [[str(p.t), p.input, p.target, p.predicted, number(p.p_predicted), number(p.p_target)]
            for p in predictions(session, sequence)]
    return list(HEADER), rows
