"""A sentence typed by the lecturer, for the word tasks: words to indices, and the most
probable tag sequence under a toy grammar (Viterbi), for the targets of POS tagging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..quoting import quoted

UNKNOWN_NAMED = 8  # unknown words a message names; a pasted paragraph has dozens
UNGRAMMATICAL = 1e-6  # the probability of a tag transition the grammar does not have


def word_indices(text: str, vocabulary: Sequence[str]) -> np.ndarray:
    """(T,) the index of each word of `text` in `vocabulary` (case ignored); ValueError names
    every unknown word and lists the vocabulary."""
    words = text.split()
    if not words:
        raise ValueError(f"type at least one word; the vocabulary is: {' '.join(vocabulary)}")
    lookup = {w.lower(): i for i, w in enumerate(vocabulary)}
    unknown = list(dict.fromkeys(w for w in words if w.lower() not in lookup))
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        named = ", ".join(quoted(w) for w in unknown[:UNKNOWN_NAMED])
        more = f" and {len(unknown) - UNKNOWN_NAMED} more" if len(unknown) > UNKNOWN_NAMED else ""
        raise ValueError(f"unknown word{plural} {named}{more}; "
                         f"the vocabulary is: {' '.join(vocabulary)}")
    return np.array([lookup[w.lower()] for w in words], dtype=np.int64)


def most_probable_tags(words: Sequence[str], tags: Sequence[str], words_by_tag: Mapping[str, Sequence[str]],
                       grammar: Mapping[str, Sequence[tuple[str, float]]], first: str) -> list[int]:
    """The tag indices of the most probable tag sequence for `words` (Viterbi): a sentence
    starts with the tag `first`, each tag follows the last as `grammar` says, and a tag
    emits each of its words with equal probability. A transition the grammar lacks has
    probability UNGRAMMATICAL, so a sentence the grammar cannot produce still gets the tags
    that break the fewest rules. Ties go to the tag listed first in `tags`."""
    n = len(tags)
    with np.errstate(divide="ignore"):
        start = np.log(np.where(np.array(tags) == first, 1.0, UNGRAMMATICAL))
        step = np.full((n, n), np.log(UNGRAMMATICAL))
        for i, tag in enumerate(tags):
            for nxt, p in grammar[tag]:
                step[i, tags.index(nxt)] = np.log(p)
        emit = np.array([[np.log(1.0 / len(words_by_tag[t])) if w in words_by_tag[t] else -np.inf for t in tags]
                         for w in words])
    score = start + emit[0]
    back = []
    for row in emit[1:]:
        total = score[:, None] + step  # (from, to)
        back.append(np.argmax(total, axis=0))
        score = total[back[-1], np.arange(n)] + row
    path = [int(np.argmax(score))]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]
