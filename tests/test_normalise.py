"""Normalisation: one canonical form for patterns and questions alike."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.normalise import normalise
from bot.stemmer import stem

any_text = st.text(alphabet=st.characters(codec=None, categories=None), max_size=200)


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("What's a RECURRENCE??", "what is a recurrence"),
        ("I can't breathe", "i can not breathe"),
        ("i cant breathe", "i can not breathe"),
        ("I cannot breathe", "i can not breathe"),
        ("It\u2019s back", "it is back"),
        ("tumour   came\tback\n", "tumour came back"),
        ("Café naïve", "cafe naive"),
        ("temp 38.5 on chemo.", "temp 38.5 on chemo"),
        ("follow-up", "follow up"),
        ("\x1b[31mred\x1b[0m alert\x07", "red alert"),
        ("😟 scared 🙏", "scared"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
        ("zero\u200bwidth", "zerowidth"),  # an invisible character inside a word joins it
        ("", ""),
    ],
)
def test_examples(typed: str, normal: str) -> None:
    assert normalise(typed) == normal


def test_marks_of_other_scripts_are_kept() -> None:
    assert normalise("नमस्ते") == "नमस्ते"


@settings(max_examples=300)
@given(any_text)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300)
@given(any_text)
def test_output_is_plain_words_separated_by_single_spaces(text: str) -> None:
    out = normalise(text)
    assert out == out.strip()
    assert "  " not in out
    assert out == out.casefold()
    assert not any(unicodedata.category(ch)[0] in "CPSZ" and ch not in " '." for ch in out)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=20))
def test_stems_are_never_longer_than_the_word(word: str) -> None:
    assert 0 < len(stem(word)) <= len(word)


@pytest.mark.parametrize(("word", "expected"), [("recurring", "recur"), ("treatments", "treatment"),
                                                ("breathing", "breath"), ("breathe", "breath")])
def test_word_forms_meet_at_one_stem(word: str, expected: str) -> None:
    assert stem(word) == expected
