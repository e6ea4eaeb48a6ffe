"""The word tasks: POS tagging, a toxic word anywhere, next-word prediction. Each also takes
a sentence typed from its vocabulary (`Task.encode`)."""

from __future__ import annotations

import numpy as np

from ..losses import IGNORE_INDEX, one_hot
from .base import Task
from .sentences import most_probable_tags

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
        return [TAGS[i] if i >= 0 else "-" for i in np.asarray(Y).ravel()]

    def vocabulary(self, F):
        return VOCAB

    def _sentence_targets(self, ids, C):
        """The most probable tags under the grammar the samples come from: 'the play' is
        DET NOUN, 'the dog play' DET NOUN VERB (see `sentences.most_probable_tags`)."""
        return most_probable_tags([VOCAB[i] for i in ids], TAGS, WORDS_BY_TAG, GRAMMAR, first="DET")


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

    def vocabulary(self, F):
        return ("TOXIC", *(f"w{i}" for i in range(1, F)))

    def _sentence_targets(self, ids, C):
        return int(np.any(ids == 0))

    def target_labels(self, Y):
        return ["toxic" if int(np.ravel(Y)[0]) else "clean"]


# -- next-word prediction ------------------------------------------------------------------
CORPUS_TEXT = (
    "the cat sat on the mat . the dog sat on the log . the cat saw the dog . "
    "the dog saw the cat on the mat . a bird sat on the dog ."
)
CORPUS = CORPUS_TEXT.split()
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
        return [CORPUS_VOCAB[i] if i >= 0 else "-" for i in np.asarray(Y).ravel()]

    def vocabulary(self, F):
        return CORPUS_VOCAB

    def _sentence_targets(self, ids, C):
        """Each next word of the sentence; the last word has no target (the sentence does
        not say what follows it), so it adds nothing to the loss."""
        return np.append(ids[1:], IGNORE_INDEX)
