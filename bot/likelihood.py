"""A second reading for close calls: which intent's patterns make a question's words most likely.

The matcher asks how much of a question one intent explains, so two related intents can come out
almost level ("how do I get on a clinical trial": what trials are, or how to find one?), and a
long message, most of it story, scores low for every intent. A multinomial naive Bayes model over
the same features (terms and adjacent pairs, each weighted by its rarity, as the matcher weighs
them) reads the question another way: each word counts for the intents whose patterns use it
often and against those that never do. Words the knowledge base has never seen tell it nothing,
so it cannot say whether a question is on topic at all, only which intent fits best; the
engine uses it to confirm the matcher's choice, never to override it (see decide.Policy).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .analysis import Analysis
from .matcher import Matcher, analysis_features


@dataclass(frozen=True)
class Opinion:
    """The intent the likelihood model prefers, and its probability among all intents."""

    intent: str
    probability: float


class Likelihood:
    """Naive Bayes over the patterns: P(intent | question words), with equal priors.

    ``smoothing`` is the pseudo-count every feature gets in every intent (Laplace is 1); more
    smoothing makes the model less sure of itself.

    >>> from bot import Bot
    >>> bot = Bot.load()
    >>> likelihood = Likelihood.from_matcher(bot.matcher)
    >>> likelihood.opinion(bot.analyzer.analyse("where can i find a clinical trial near me")).intent
    'finding_trials'
    """

    def __init__(self, counts: Mapping[str, Mapping[str, int]], weights: Mapping[str, float],
                 smoothing: float = 2.0) -> None:
        self.intents = tuple(counts)
        self._weights = dict(weights)
        vocabulary = len({f for features in counts.values() for f in features})
        # log P(f | intent) = log(count + s) - log(total + s * V). The log(s) every intent shares
        # cancels out of the comparison, which leaves, per intent, one denominator for the whole
        # question and a bonus for each feature its patterns actually use.
        self._denominator = [math.log(sum(features.values()) + smoothing * vocabulary)
                             for features in counts.values()]
        bonus: dict[str, list[tuple[int, float]]] = defaultdict(list)
        # Most features are used by one or two patterns of an intent: work each log out once.
        log_of: dict[int, float] = {}
        for number, features in enumerate(counts.values()):
            for feature, count in features.items():
                value = log_of.get(count)
                if value is None:
                    value = log_of[count] = math.log1p(count / smoothing)
                bonus[feature].append((number, value))
        self._bonus = dict(bonus)

    @classmethod
    def from_matcher(cls, matcher: Matcher, smoothing: float = 2.0) -> "Likelihood":
        """The model of the matcher's intents, patterns and feature weights."""
        counts = dict(matcher.feature_counts())
        weights = {f: matcher.weight(f) for features in counts.values() for f in features}
        return cls(counts, weights, smoothing)

    def probabilities(self, features: Iterable[str]) -> list[tuple[str, float]]:
        """Every intent's probability for these features, most likely first; empty when the
        knowledge base knows none of them."""
        known = [f for f in dict.fromkeys(features) if f in self._bonus]
        if not known:
            return []
        total = sum(self._weights[f] for f in known)
        scores = [-total * d for d in self._denominator]
        for feature in known:
            weight = self._weights[feature]
            for number, bonus in self._bonus[feature]:
                scores[number] += weight * bonus
        best = max(scores)
        exps = [math.exp(s - best) for s in scores]
        norm = sum(exps)
        ranked = sorted(zip(self.intents, exps), key=lambda item: -item[1])
        return [(intent, e / norm) for intent, e in ranked]

    def opinion(self, analysis: Analysis) -> Opinion | None:
        """The most likely intent for an analysed question, or None if no word is known."""
        ranked = self.probabilities(analysis_features(analysis))
        return Opinion(*ranked[0]) if ranked else None
