"""Correct typos in words the knowledge base does not know ("surgury" -> "surgery")."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5
TOP_CANDIDATES = 8
"""How many of the closest known words (fewest edits, then alphabetical) are ranked."""


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

    Every message can bring hundreds of new words (a 2,000-character paste of junk), so the
    search is kept cheap without changing its result: a word that may carry one typo (most of
    them) is looked up in an index of the known words with one letter deleted, since two words
    one edit apart always share such a form ("surgury" and "surgery" both give "surgry"); a
    longer word is compared only with known words of a length two edits can reach.

    >>> SpellingCorrector({"surgery": 3, "survey": 1}).correct("surgury")
    'surgery'
    """

    def __init__(self, known: Mapping[str, int]) -> None:
        self._known = dict(known)
        self._choices = sorted(self._known)
        self._by_length: dict[int, list[str]] = {}
        for choice in self._choices:  # each list stays alphabetical, as ties are broken
            self._by_length.setdefault(len(choice), []).append(choice)
        self._pools: dict[int, list[str]] = {}  # word length -> the known words two edits can reach
        self._deletions: dict[str, list[str]] | None = None  # built on first use: most loads never need it
        self._deletions_lock = threading.Lock()
        # Bounded memo: typed words repeat (patients misspell the same words), and a huge
        # paste of junk must not grow memory without limit.
        self.correct = lru_cache(maxsize=8192)(self._correct)  # type: ignore[method-assign]

    def _correct(self, word: str) -> str:
        limit = max_edits(word)
        if limit == 0 or word in self._known or not word.isalpha():
            return word
        candidates = self._one_edit_away(word) if limit == 1 else self._two_edits_away(word)
        if not candidates:
            return word
        best = min(
            candidates,
            key=lambda c: (c[1], c[0][0] != word[0], -self._known[c[0]], c[0]),
        )
        return best[0]

    def _one_edit_away(self, word: str) -> list[tuple[str, int]]:
        """The TOP_CANDIDATES known words at one edit from ``word``, alphabetical."""
        deletions = self._deletions or self._index_deletions()
        found: set[str] = set()
        for form in (word, *(word[:i] + word[i + 1:] for i in range(len(word)))):
            found.update(deletions.get(form, ()))
        close = sorted(c for c in found if OSA.distance(word, c, score_cutoff=1) <= 1)
        return [(c, 1) for c in close[:TOP_CANDIDATES]]

    def _two_edits_away(self, word: str) -> list[tuple[str, int]]:
        """The TOP_CANDIDATES known words within two edits of ``word``, fewest edits first."""
        size = len(word)
        pool = self._pools.get(size)
        if pool is None:
            pool = self._pools[size] = [c for length in range(size - 2, size + 3)
                                        for c in self._by_length.get(length, ())]
        found = process.extract(word, pool, scorer=OSA.distance, processor=None, score_cutoff=2,
                                limit=TOP_CANDIDATES)
        return [(choice, int(distance)) for choice, distance, _ in found]

    def _index_deletions(self) -> dict[str, list[str]]:
        """Every known word that a one-edit word could be (lengths MIN_LENGTH - 1 to 9), under
        itself and under each form with one letter deleted."""
        with self._deletions_lock:
            if self._deletions is None:
                index: dict[str, list[str]] = {}
                for choice in self._choices:
                    if MIN_LENGTH - 1 <= len(choice) <= 9:
                        for form in {choice, *(choice[:i] + choice[i + 1:] for i in range(len(choice)))}:
                            index.setdefault(form, []).append(choice)
                self._deletions = index
            return self._deletions
