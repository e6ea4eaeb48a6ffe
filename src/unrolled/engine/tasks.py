"""Tasks that make (X, Y) for given T, F, C, B and a np.random.Generator.

X: (B, T, F) float64. Y: class indices (B, T) (many-to-many) or (B,) (many-to-one), or real
targets (B, C) for regression. A task that fixes F or C says so (`n_features`, `n_classes`
not None), so the app can lock those fields and say why.
"""

from __future__ import annotations

import numpy as np

from .checks import check_size
from .losses import one_hot


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


# -- POS tagging ---------------------------------------------------------------------------
TAGS = ("DET", "ADJ", "NOUN", "VERB", "ADV")
WORDS_BY_TAG = {
    "DET": ("the", "a"),
    "ADJ": ("big", "small", "red"),
    "NOUN": ("cat", "dog", "ball", "play", "watch"),
    "VERB": ("sees", "likes", "play", "watch"),
    "ADV": ("quickly", "slowly"),
}
# Tag transitions of a toy English grammar; "END" starts a new sentence with DET.
GRAMMAR = {
    "DET": (("ADJ", 0.3), ("NOUN", 0.7)),
    "ADJ": (("ADJ", 0.2), ("NOUN", 0.8)),
    "NOUN": (("VERB", 0.8), ("DET", 0.2)),
    "VERB": (("DET", 0.6), ("ADV", 0.4)),
    "ADV": (("DET", 1.0),),
}
VOCAB = tuple(dict.fromkeys(w for words in WORDS_BY_TAG.values() for w in words))


class PosTagging(Task):
    name = "pos-tagging"
    title = "Part-of-speech tagging"
    description = (
        "Tag every word of a sentence from a toy grammar (DET ADJ NOUN VERB ADV). 'play' and "
        "'watch' are nouns after 'the' and verbs after a noun: the tag depends on context."
    )
    mode = "many-to-many"
    n_features = len(VOCAB)
    n_classes = len(TAGS)
    fixed_reason = f"F is the vocabulary size ({len(VOCAB)} words), C the number of tags ({len(TAGS)})"

    def _sample(self, T, F, C, B, rng):
        words = np.empty((B, T), dtype=np.int64)
        tags = np.empty((B, T), dtype=np.int64)
        for b in range(B):
            tag = "DET"
            for t in range(T):
                word = WORDS_BY_TAG[tag][rng.integers(len(WORDS_BY_TAG[tag]))]
                words[b, t] = VOCAB.index(word)
                tags[b, t] = TAGS.index(tag)
                nexts, probs = zip(*GRAMMAR[tag])
                tag = nexts[rng.choice(len(nexts), p=probs)]
        return one_hot(words, F), tags

    def input_labels(self, X):
        return [VOCAB[i] for i in np.argmax(X, axis=-1)]

    def target_labels(self, Y):
        return [TAGS[i] for i in np.asarray(Y).ravel()]


# -- sentence classification ---------------------------------------------------------------
class ToxicWord(Task):
    name = "toxic-word"
    title = "Sentence classification: a toxic word anywhere"
    description = (
        "Random sentences over F words; the label is 1 when word 0 (the 'toxic' word) occurs "
        "anywhere. Early occurrences must be remembered until the last step."
    )
    mode = "many-to-one"
    n_classes = 2
    min_features = 2
    fixed_reason = "C = 2: the sentence is toxic or not"

    def _sample(self, T, F, C, B, rng):
        words = rng.integers(1, F, size=(B, T))
        labels = rng.integers(0, 2, size=B)
        for b in np.flatnonzero(labels):
            words[b, rng.integers(T)] = 0
        return one_hot(words, F), labels

    def input_labels(self, X):
        return ["TOXIC" if i == 0 else f"w{i}" for i in np.argmax(X, axis=-1)]

    def target_labels(self, Y):
        return ["toxic" if int(np.ravel(Y)[0]) else "clean"]


# -- next-word prediction ------------------------------------------------------------------
CORPUS = (
    "the cat sat on the mat . the dog sat on the log . the cat saw the dog . "
    "the dog saw the cat on the mat . a bird sat on the dog ."
).split()
CORPUS_VOCAB = tuple(dict.fromkeys(CORPUS))


class NextWord(Task):
    name = "next-word"
    title = "Next-word prediction"
    description = "Predict each next word of a tiny nursery corpus, from a random starting point."
    mode = "many-to-many"
    n_features = len(CORPUS_VOCAB)
    n_classes = len(CORPUS_VOCAB)
    fixed_reason = f"F and C are the vocabulary size ({len(CORPUS_VOCAB)} words)"

    def _sample(self, T, F, C, B, rng):
        ids = np.array([CORPUS_VOCAB.index(w) for w in CORPUS])
        text = np.tile(ids, T // len(ids) + 2)  # long enough for any T
        starts = rng.integers(0, len(ids), size=B)
        windows = np.stack([text[s : s + T + 1] for s in starts])
        return one_hot(windows[:, :-1], F), windows[:, 1:]

    def input_labels(self, X):
        return [CORPUS_VOCAB[i] for i in np.argmax(X, axis=-1)]

    def target_labels(self, Y):
        return [CORPUS_VOCAB[i] for i in np.asarray(Y).ravel()]


# -- anomaly detection ---------------------------------------------------------------------
class SineAnomaly(Task):
    name = "sine-anomaly"
    title = "Anomaly in a noisy sine"
    description = (
        "A noisy sine wave, with a spike or a flat stretch hidden somewhere in half of the "
        "sequences; the label says whether there is one."
    )
    mode = "many-to-one"
    n_features = 1
    n_classes = 2
    min_T = 4
    fixed_reason = "F = 1 (one reading per step), C = 2 (normal or anomalous)"

    def _sample(self, T, F, C, B, rng):
        t = np.arange(T)
        period = rng.uniform(8, 16, size=(B, 1))
        phase = rng.uniform(0, 2 * np.pi, size=(B, 1))
        x = np.sin(2 * np.pi * t / period + phase) + 0.1 * rng.standard_normal((B, T))
        labels = rng.integers(0, 2, size=B)
        for b in np.flatnonzero(labels):
            at = rng.integers(T)
            if rng.random() < 0.5:
                x[b, at] += rng.choice([-1, 1]) * rng.uniform(1.5, 2.5)
            else:
                width = max(2, T // 6)
                start = min(at, T - width)
                x[b, start : start + width] = x[b, start]
        return x[:, :, None], labels


# -- images read row by row ----------------------------------------------------------------
SHAPES = ("square", "disc", "triangle")


class ShapesByRow(Task):
    name = "shapes-by-row"
    title = "Image classification, one row per step"
    description = (
        "Small noisy images of a square, a disc or a triangle, read one row per timestep "
        "(T = rows, F = columns); the label is the shape."
    )
    mode = "many-to-one"
    n_classes = len(SHAPES)
    min_T = 6
    min_features = 6
    fixed_reason = "C = 3 shapes"

    def _sample(self, T, F, C, B, rng):
        rows, cols = np.mgrid[0:T, 0:F]
        images = np.zeros((B, T, F))
        labels = rng.integers(0, C, size=B)
        for b, label in enumerate(labels):
            size = rng.uniform(0.5, 0.8) * min(T, F)
            r0 = rng.uniform(0, T - size)
            c0 = rng.uniform(0, F - size)
            u, v = (rows - r0) / size, (cols - c0) / size  # 0..1 inside the bounding box
            inside = (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
            if label == 1:
                inside &= (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25
            elif label == 2:
                inside &= np.abs(v - 0.5) <= 0.5 * u
            images[b] = inside
        images += 0.05 * rng.standard_normal(images.shape)
        return images, labels

    def target_labels(self, Y):
        return [SHAPES[int(np.ravel(Y)[0])]]


# -- the adding problem --------------------------------------------------------------------
class AddingProblem(Task):
    name = "adding-problem"
    title = "The adding problem"
    description = (
        "Each step carries a random value and a marker; two steps are marked, one in each half. "
        "The target is the sum of the two marked values (Hochreiter and Schmidhuber 1997). "
        "Predicting 1 always gives MSE about 0.167."
    )
    mode = "many-to-one"
    loss = "mse"
    n_features = 2
    n_classes = 1
    min_T = 2
    fixed_reason = "F = 2 (value, marker), C = 1 (the sum)"

    def _sample(self, T, F, C, B, rng):
        values = rng.uniform(0, 1, size=(B, T))
        markers = np.zeros((B, T))
        half = T // 2
        first = rng.integers(0, half, size=B)
        second = rng.integers(half, T, size=B)
        markers[np.arange(B), first] = 1.0
        markers[np.arange(B), second] = 1.0
        X = np.stack([values, markers], axis=-1)
        Y = (values[np.arange(B), first] + values[np.arange(B), second])[:, None]
        return X, Y


# -- copy with a delay ---------------------------------------------------------------------
COPY_SYMBOLS = 4


class CopyDelay(Task):
    name = "copy-delay"
    title = "Copy after a delay"
    description = (
        "Up to three symbols come first, then blanks; at the 'go' marker the network must "
        "recall them in order. The delay grows with T."
    )
    mode = "many-to-many"
    n_features = COPY_SYMBOLS + 2  # the symbols, blank, go
    n_classes = COPY_SYMBOLS + 1  # the symbols, blank
    min_T = 3
    fixed_reason = f"F = {COPY_SYMBOLS} symbols + blank + go; C = {COPY_SYMBOLS} symbols + blank"

    def _sample(self, T, F, C, B, rng):
        blank, go = COPY_SYMBOLS, COPY_SYMBOLS + 1
        k = min(3, (T - 1) // 2)
        symbols = rng.integers(0, COPY_SYMBOLS, size=(B, k))
        inputs = np.full((B, T), blank)
        targets = np.full((B, T), blank)
        inputs[:, :k] = symbols
        inputs[:, T - k - 1] = go
        targets[:, T - k :] = symbols
        return one_hot(inputs, F), targets

    def input_labels(self, X):
        names = [str(i) for i in range(COPY_SYMBOLS)] + ["_", "GO"]
        return [names[i] for i in np.argmax(X, axis=-1)]


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        PosTagging(),
        ToxicWord(),
        NextWord(),
        SineAnomaly(),
        ShapesByRow(),
        AddingProblem(),
        CopyDelay(),
    )
}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"task: got {name!r}, expected one of {', '.join(TASKS)}")
    return TASKS[name]
