"""The second reading: naive Bayes over the patterns' words, used to confirm close calls."""

from __future__ import annotations

import math

from hypothesis import given, settings, strategies as st

from bot import Bot
from bot.likelihood import Likelihood


def test_words_an_intent_uses_often_point_to_it(shipped_bot: Bot) -> None:
    likelihood = Likelihood.from_matcher(shipped_bot.matcher)
    opinion = likelihood.opinion(shipped_bot.analyzer.analyse("where can i find a clinical trial near me"))
    assert opinion is not None and opinion.intent == "finding_trials"
    opinion = likelihood.opinion(shipped_bot.analyzer.analyse("what is it like to take part in a clinical trial"))
    assert opinion is not None and opinion.intent == "clinical_trials"


def test_a_question_of_unknown_words_has_no_opinion(shipped_bot: Bot) -> None:
    assert shipped_bot.likelihood.opinion(shipped_bot.analyzer.analyse("zxqv blorft")) is None


def test_a_small_model_prefers_the_intent_whose_patterns_use_the_words() -> None:
    counts = {"water": {"water": 3, "tomato": 2}, "prune": {"prune": 3, "tomato": 1}}
    likelihood = Likelihood(counts, {"water": 1.0, "tomato": 0.5, "prune": 1.0})
    ranked = likelihood.probabilities(["water", "tomato"])
    assert [intent for intent, _ in ranked] == ["water", "prune"]
    assert ranked[0][1] > 0.5


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_probabilities_of_any_text_sum_to_one_best_first(shipped_bot: Bot, text: str) -> None:
    from bot.matcher import features_of

    ranked = shipped_bot.likelihood.probabilities(features_of(shipped_bot.analyzer.analyse(text).terms))
    if ranked:
        assert math.isclose(sum(p for _, p in ranked), 1.0, rel_tol=1e-9)
        assert all(a[1] >= b[1] for a, b in zip(ranked, ranked[1:]))
