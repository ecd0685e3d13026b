"""Turn any text into a plain, comparable form. Patterns and questions go through the same function."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Contractions are expanded so that "can't breathe", "cant breathe" and "cannot breathe" read
# alike, both for matching and for the red-flag rules. The apostrophe-less forms are listed
# because patients often type them.
_CONTRACTIONS = {
    "can't": "can not", "cant": "can not", "cannot": "can not", "won't": "will not",
    "wont": "will not", "shan't": "shall not", "ain't": "is not", "let's": "let us",
    "i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'd": "i would",
    "i'll": "i will", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "havent": "have not", "hasnt": "has not", "hadnt": "had not", "couldnt": "could not",
    "shouldnt": "should not", "wouldnt": "would not", "whats": "what is", "thats": "that is",
    "theres": "there is", "hows": "how is", "wheres": "where is", "whos": "who is",
    "youre": "you are", "theyre": "they are", "ill": "ill",
}
_SUFFIXES = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"),
             ("'d", " would"), ("'m", " am"), ("'s", " is"))

_APOSTROPHES = {"\u2019", "\u2018", "\u02bc", "`", "\u00b4"}
# Terminal escape sequences (colours, cursor moves, titles) are removed whole, not left as "31m".
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
# After _WordChars: a number keeps its decimal point (fever 38.5); a word keeps inner apostrophes.
_WORD = re.compile(r"\d+(?:\.\d+)?|[^\s'.]+(?:'[^\s'.]+)*")


class _WordChars(dict):
    """str.translate table: letters, digits and combining marks stay; invisible format characters
    go (a zero-width space inside "brea\u200bthe" must not split the word); everything else is a
    space.

    Filled on demand, because a full table of Unicode would be large and mostly unused.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES:
            kept = "'"
        elif unicodedata.category(ch) == "Cf":
            kept = ""  # invisible: zero-width spaces and joiners, soft hyphens, BOM, bidi marks
        elif ch in "'." or unicodedata.category(ch)[0] in "LNM":
            kept = ch
        else:
            kept = " "
        self[code] = kept
        return kept


_WORD_CHARS = _WordChars()


def _strip_latin_accents(text: str) -> str:
    """Drop accents from Latin letters (é -> e); marks on other scripts carry meaning and stay."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = ch.isascii() and ch.isalpha()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _expand(word: str) -> str:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if "'" in word:
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix):
                stem = word[: -len(suffix)]
                if suffix == "n't":
                    stem = {"ca": "can", "wo": "will", "sha": "shall"}.get(stem, stem)
                return stem + replacement
        return word.replace("'", "")
    return word


def expands(word: str) -> bool:
    """Whether a lower-case word typed without its apostrophe stands for more than one word.

    >>> expands("cant"), expands("chemo")
    (True, False)
    """
    return word in _CONTRACTIONS and _CONTRACTIONS[word] != word


def words(text: str) -> list[str]:
    """Split text into normalised words.

    >>> words("What's a Recurrence?? I can't breathe ")
    ['what', 'is', 'a', 'recurrence', 'i', 'can', 'not', 'breathe']
    """
    if len(text) <= _CACHED_LENGTH:
        return list(_short_words(text))
    return _words(text)


# Patterns are read several times while a knowledge base loads, and questions repeat; only
# short texts are remembered, so a long paste never sits in memory. The cache holds every text
# of the shipped base (about 17,000) with room to spare: read in a cycle, a cache smaller than
# that misses every time.
_CACHED_LENGTH = 300


@lru_cache(maxsize=65536)
def _short_words(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _words(text: str) -> list[str]:
    text = _ESCAPES.sub(" ", text)
    if text.isascii():  # most text: NFKC and accent stripping leave ASCII as it is
        text = text.lower().translate(_WORD_CHARS)
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = _strip_latin_accents(text).translate(_WORD_CHARS)
    out: list[str] = []
    for match in _WORD.finditer(text):
        out.extend(_expand(match.group()).split())
    return out


def normalise(text: str) -> str:
    """The canonical form of a text: NFKC, casefolded, Latin accents stripped, contractions
    expanded, punctuation, symbols and control characters removed, whitespace collapsed.

    >>> normalise("  Tumour  came BACK — after   surgery?! 😟")
    'tumour came back after surgery'
    """
    return " ".join(words(text))
