"""Correct typos in words the knowledge base does not know ("surgury" -> "surgery")."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5


def max_edits(word: str) -> int:
    """How many typos a word of this length may carry and still be recognised.

    Short words get none: "bak" is as close to "back" as to "bag".
    """
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) < 9 else 2


class SpellingCorrector:
    """Maps an unknown word to the closest known word within a few edits.

    Distance is optimal string alignment (a swapped pair of letters is one edit). Ties go to
    the candidate with the same first letter, then to the more frequent word.

    >>> SpellingCorrector({"surgery": 3, "survey": 1}).correct("surgury")
    'surgery'
    """

    def __init__(self, known: Mapping[str, int]) -> None:
        self._known = dict(known)
        self._choices = sorted(self._known)
        # Bounded memo: typed words repeat (patients misspell the same words), and a huge
        # paste of junk must not grow memory without limit.
        self.correct = lru_cache(maxsize=8192)(self._correct)  # type: ignore[method-assign]

    def _correct(self, word: str) -> str:
        limit = max_edits(word)
        if limit == 0 or word in self._known or not word.isalpha():
            return word
        candidates = process.extract(
            word, self._choices, scorer=OSA.distance, processor=None, score_cutoff=limit, limit=8
        )
        if not candidates:
            return word
        best = min(
            candidates,
            key=lambda c: (c[1], c[0][0] != word[0], -self._known[c[0]], c[0]),
        )
        return best[0]
