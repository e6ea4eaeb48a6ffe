"""The task interface: what every task makes and declares (see the package `tasks`)."""

from __future__ import annotations

import numpy as np

from ..checks import check_size
from ..losses import one_hot
from .sentences import word_indices


class Task:
    name = ""
    title = ""
    description = ""
    mode = "many-to-many"
    loss = "cross-entropy"
    n_features: int | None = None  # fixed F, or None if the user chooses
    n_classes: int | None = None  # fixed C, or None
    min_T = 1
    min_features = 1
    min_classes = 1
    fixed_reason = ""  # why F or C are fixed, shown beside the locked fields

    def sample(self, T: int, F: int, C: int, B: int, rng: np.random.Generator):
        """(X, Y) for B sequences of length T."""
        T = check_size("T", T)
        B = check_size("B", B)
        F = check_size("F", F)
        C = check_size("C", C)
        problems = self.problems(T, F, C)
        if problems:
            size, problem = next(iter(problems.items()))
            raise ValueError(f"{size}: {problem}")
        return self._sample(T, F, C, B, rng)

    def problems(self, T: int, F: int, C: int, mode: str | None = None, loss: str | None = None) -> dict[str, str]:
        """What of T, F, C (and the mode and loss, when given) breaks what this task fixes:
        "T", "F", "C", "mode" or "loss" -> what is wrong; empty when everything fits."""
        problems = {}
        if self.min_T > T:
            problems["T"] = f"got {T}, but the task {self.name} needs T >= {self.min_T}"
        for size, value, fixed, least in (
            ("F", F, self.n_features, self.min_features),
            ("C", C, self.n_classes, self.min_classes),
        ):
            if fixed is not None and value != fixed:
                problems[size] = f"got {value}, but the task {self.name} fixes {size} = {fixed}"
            elif value < least:
                problems[size] = f"got {value}, but the task {self.name} needs {size} >= {least}"
        if mode is not None and mode != self.mode:
            problems["mode"] = f"got {mode}, but the task {self.name} is {self.mode}"
        if loss is not None and loss != self.loss:
            problems["loss"] = f"got {loss}, but the task {self.name} uses {self.loss}"
        return problems

    def fitted(self, T: int, F: int, C: int) -> tuple[int, int, int]:
        """The sizes nearest to T, F, C that this task accepts: its fixed F and C, and at
        least its minimum T, F and C."""
        return (
            max(T, self.min_T),
            self.n_features if self.n_features is not None else max(F, self.min_features),
            self.n_classes if self.n_classes is not None else max(C, self.min_classes),
        )

    def _sample(self, T, F, C, B, rng):
        raise NotImplementedError

    def input_labels(self, X: np.ndarray) -> list[str] | None:
        """Readable names of the inputs of one sequence X (T, F), e.g. its words."""
        return None

    def target_labels(self, Y: np.ndarray) -> list[str] | None:
        return None

    # a clip of frames, each (rows, columns) read as F = rows * columns pixels; None otherwise
    frame_shape: tuple[int, int] | None = None

    def vocabulary(self, F: int) -> tuple[str, ...] | None:
        """The words a sentence for this task may use (with F features), or None when the
        task takes no typed sentence."""
        return None

    def encode(self, text: str, F: int, C: int) -> tuple[np.ndarray, np.ndarray]:
        """(X (1, T, F), Y) for a sentence of T words typed from `vocabulary(F)`; ValueError
        names the unknown words and lists the vocabulary."""
        vocabulary = self.vocabulary(F)
        if vocabulary is None:
            raise ValueError(f"the task {self.name} takes no typed sentence")
        ids = word_indices(text, vocabulary)
        problems = self.problems(len(ids), F, C)
        if problems:
            raise ValueError("; ".join(problems.values()))
        return one_hot(ids[None], F), np.asarray(self._sentence_targets(ids, C))[None]

    def _sentence_targets(self, ids: np.ndarray, C: int):
        raise NotImplementedError
