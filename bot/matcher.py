"""Rank intents for a question: weighted term overlap, then a character-level re-rank.

How a question is scored against an intent:

1. Terms (stems, synonyms folded) and adjacent-term pairs are weighted by inverse document
   frequency over intents, so "nasopharyngeal" or "tamoxifen" count for far more than "what",
   "my" or "cancer". Words the knowledge base has never seen weigh as much as the rarest term:
   a question that is mostly about something else does not match confidently.
2. Candidates come from an inverted index (term -> intents). ``coverage`` is the share of the
   question's weight that the intent's patterns explain, each term counted by how many of the
   intent's patterns use it.
3. For the best candidates, ``best pattern``: the weighted Dice overlap with the closest single
   pattern, which rewards a question that says what one pattern says and nothing else.
4. rapidfuzz compares the raw normalised strings of the closest patterns, which catches what the
   term view misses (word order, split or joined words).
5. Subjects (the vocabulary's ``context`` terms, such as lung or breast) must agree: an intent
   whose patterns are about one subject loses score when the question names another, and a
   little when the question names none, so "why did my cancer come back" reaches the general
   answer and "follow-up after lung surgery" the lung one. A general intent's patterns may
   name sites in passing ("scared my breast cancer will come back"); those mentions count only
   a little towards how common a subject term is, so it keeps its weight for the site intents.

The confidence is a weighted blend of the three, in 0..1; an exact restatement of a pattern
scores 1.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .analysis import Analysis, Analyzer
from .lexicon import CONCEPT_PREFIX, MATCHED_KINDS, Lexicon
from .model import Intent, Match


@dataclass(frozen=True)
class Tuning:
    """The matcher's weights, chosen by measurement (see benchmarks/ and tests/data/questions)."""

    pattern_weight: float = 0.3
    """Share of the score from the best single pattern (the rest from intent coverage)."""
    coverage_power: float = 0.5
    """How strongly coverage favours terms used by many of an intent's patterns (0 = any use)."""
    bigram_weight: float = 0.5
    """Weight of adjacent-term pairs relative to single terms."""
    unknown_weight: float = 1.0
    """Weight of a word the knowledge base never uses, as a share of the rarest term's weight."""
    char_weight: float = 0.15
    """Share of the score from rapidfuzz's string similarity to the closest patterns."""
    char_scorer: Callable[..., float] = fuzz.token_sort_ratio
    other_subject_penalty: float = 0.4
    """Share of the score lost when the question names a subject the intent is not about."""
    no_subject_penalty: float = 0.15
    """Share lost by a subject-specific intent when the question names no subject."""
    general_penalty: float = 0.075
    """Share lost by a general intent when the question names a subject (not by one that covers
    general ones for a subject of its own, a treatment or a cancer: it is not general)."""
    incidental_share: float = 0.25
    """How much a general intent's passing mention of a subject makes that subject's term common
    (1 = as much as any other use; 0 = not at all)."""
    concept_weight: float = 0.5
    """Weight of a lexicon concept the question names (hormone therapy, ear pain), as a share of
    its rarity: on top of the words that name it, so an unseen drug name still counts."""
    type_bonus: float = 0.05
    """Share of the score gained by an intent that says it answers the question's type (``asks:``).
    The type of a question is its form, not its subject: it tips a close call but never makes a
    match on its own, and an intent is never marked down for it (many answer more than one kind
    of question: measured, a penalty for another type changed nothing overall)."""
    candidates: int = 12
    """How many intents reach the detailed scoring."""
    max_postings: int = 512
    """Index entries kept per term (the heaviest); bounds the cost of very common terms."""


@dataclass
class _IntentIndex:
    intent: Intent
    subjects: frozenset[str]              # context terms most of its patterns name
    texts: list[str]                      # normalised pattern strings, for rapidfuzz
    totals: list[float]                   # per pattern: sum of its features' weights
    postings: dict[str, list[int]]        # feature -> patterns (local index) using it
    shortest: tuple[int, ...] = ()        # the two shortest patterns, for the string comparison
    declared: frozenset[str] = frozenset()  # the concepts and question type it says it answers
    on_topic: float = 0.0                 # the share of its patterns that use a topic word (cancer, chemo...)


def features_of(terms: Sequence[str]) -> list[str]:
    """Terms and adjacent pairs: ["lung", "surgeri"] -> ["lung", "surgeri", "lung surgeri"]."""
    unique = list(dict.fromkeys(terms))
    pairs = [f"{a} {b}" for a, b in zip(terms, terms[1:])]
    return unique + [p for p in dict.fromkeys(pairs)]


def analysis_features(analysis: Analysis) -> list[str]:
    """What matching compares for a text: its terms and adjacent pairs, and the lexicon concepts
    it names ("@hormone_therapy")."""
    return features_of(analysis.terms) + [CONCEPT_PREFIX + c for c in analysis.matched_concepts]


def declared_features(intent: Intent, lexicon: Lexicon) -> list[str]:
    """The concepts an intent says it answers (``about:``); life topics and people are left to
    its patterns' words (see lexicon.MATCHED_KINDS)."""
    return [CONCEPT_PREFIX + c for c in intent.about if lexicon.kind(c) in MATCHED_KINDS]


class Matcher:
    """Ranks the matchable intents (all but red flags) for an analysed question."""

    def __init__(self, intents: Sequence[Intent], analyzer: Analyzer, tuning: Tuning = Tuning()) -> None:
        self.tuning = tuning
        self.analyzer = analyzer
        self.intents = [i for i in intents if i.type != "red_flag"]
        analysed = [[analyzer.analyse(p) for p in intent.patterns] for intent in self.intents]
        pattern_features = [[analysis_features(a) for a in patterns] for patterns in analysed]
        # What an intent says it answers (about:, asks:) counts for its coverage as if every one
        # of its patterns used it, but not for how closely a single pattern restates a question.
        declared = [frozenset(declared_features(intent, analyzer.lexicon)) for intent in self.intents]

        count = len(self.intents)
        subjects_of = [self._subjects_named(analyzer, patterns) for patterns in analysed]
        # A subject term (lung, breast...) is what tells the site-specific intents apart. General
        # intents mention sites in passing ("scared my breast cancer will come back"), and if
        # those mentions counted in full they would make the term common and weak.
        document_frequency: dict[str, float] = defaultdict(float)
        named: dict[str, tuple[str, ...]] = {}
        for features, subjects, own in zip(pattern_features, subjects_of, declared):
            for feature in {f for pattern in features for f in pattern} | own:
                if feature not in named:
                    named[feature] = analyzer.context_terms(feature.split(" "))
                passing = bool(named[feature]) and not subjects.intersection(named[feature])
                document_frequency[feature] += tuning.incidental_share if passing else 1.0
        self.max_idf = math.log((count + 1) / 0.5)
        self.idf = {f: math.log((count + 1) / (df + 0.5)) for f, df in document_frequency.items()}

        # Every feature of the patterns is in document_frequency: weigh each once, not per use.
        weight_of = {f: self.weight(f) for f in document_frequency}

        self.index: list[_IntentIndex] = []
        postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for number, (intent, patterns, features) in enumerate(zip(self.intents, analysed, pattern_features)):
            entry = _IntentIndex(intent, subjects_of[number], [" ".join(a.words) for a in patterns], [],
                                 defaultdict(list), declared=declared[number],
                                 on_topic=sum(map(analyzer.on_topic, patterns)) / len(patterns) if patterns else 0.0)
            for local, pattern in enumerate(features):  # features_of lists each feature once
                entry.totals.append(sum(weight_of[f] for f in pattern))
                for feature in pattern:
                    entry.postings[feature].append(local)
            entry.postings = dict(entry.postings)
            entry.shortest = tuple(sorted(range(len(entry.texts)), key=lambda i: len(entry.texts[i]))[:2])
            for feature, users in entry.postings.items():
                share = 1.0 if feature in entry.declared else (len(users) / len(patterns)) ** tuning.coverage_power
                postings[feature].append((share, number))
            for feature in entry.declared - entry.postings.keys():
                postings[feature].append((1.0, number))
            self.index.append(entry)
        self.postings: dict[str, tuple[tuple[int, float], ...]] = {
            feature: ((entries[0][1], entries[0][0]),) if len(entries) == 1 else
            tuple([(n, s) for s, n in sorted(entries, reverse=True)[: tuning.max_postings]])
            for feature, entries in postings.items()
        }
        self._derive()

    def _derive(self) -> None:
        """The lookups computed from the index, after building it or restoring it."""
        self._all_texts = [(text, n) for n, e in enumerate(self.index) for text in e.texts]
        self._by_id = {e.intent.id: e for e in self.index}
        # General intent -> the narrower intents that answer it for their own subject (covers:).
        self._narrower: dict[str, list[Intent]] = defaultdict(list)
        for entry in self.index:
            for general in entry.intent.covers:
                self._narrower[general].append(entry.intent)

    STATE_VERSION = 3

    def state(self) -> dict[str, object]:
        """The built index as plain values (numbers, strings, lists, tuples, dicts, sets), which
        ``from_state`` turns back into a Matcher without the work of building it."""
        return {
            "version": self.STATE_VERSION,
            "intents": [e.intent.id for e in self.index],
            "max_idf": self.max_idf,
            "idf": self.idf,
            "postings": self.postings,
            "index": [(e.subjects, e.texts, e.totals, e.postings, e.shortest, e.declared, e.on_topic)
                      for e in self.index],
        }

    @classmethod
    def from_state(cls, intents: Sequence[Intent], analyzer: Analyzer, tuning: Tuning,
                   state: dict[str, object]) -> "Matcher":
        """A Matcher from ``state()`` of one built for the same intents, analyzer and tuning.

        Raises ValueError when the state does not belong to these intents."""
        matcher = cls.__new__(cls)
        matcher.tuning = tuning
        matcher.analyzer = analyzer
        matcher.intents = [i for i in intents if i.type != "red_flag"]
        if state.get("version") != cls.STATE_VERSION or state.get("intents") != [i.id for i in matcher.intents]:
            raise ValueError("the saved index belongs to other intents or another version")
        if not (isinstance(state["idf"], dict) and isinstance(state["postings"], dict)
                and isinstance(state["max_idf"], float) and isinstance(state["index"], list)):
            raise ValueError("the saved index is damaged")
        matcher.max_idf = state["max_idf"]  # type: ignore[assignment]
        matcher.idf = state["idf"]  # type: ignore[assignment]
        matcher.postings = state["postings"]  # type: ignore[assignment]
        entries = state["index"]
        matcher.index = [_IntentIndex(intent, subjects, texts, totals, postings, shortest, declared, on_topic)
                         for intent, (subjects, texts, totals, postings, shortest, declared, on_topic)
                         in zip(matcher.intents, entries, strict=True)]  # type: ignore[call-overload]
        matcher._derive()
        return matcher

    @staticmethod
    def _subjects_named(analyzer: Analyzer, patterns: Sequence[Analysis]) -> frozenset[str]:
        """The subjects at least half of an intent's patterns name."""
        named = [set(analyzer.context_terms(a.terms)) for a in patterns]
        return frozenset(t for t in set().union(*named) if sum(t in n for n in named) * 2 >= len(named))

    def weight(self, feature: str) -> float:
        idf = self.idf.get(feature)
        if " " in feature:
            return self.tuning.bigram_weight * idf if idf is not None else 0.0
        if feature[:1] == CONCEPT_PREFIX:
            # A concept no intent uses says nothing about which one fits.
            return self.tuning.concept_weight * idf if idf is not None else 0.0
        if idf is None:
            return self.tuning.unknown_weight * self.max_idf
        return idf

    def query(self, analysis: Analysis) -> dict[str, float]:
        """The features of an analysed question with their weights. A word the patterns never
        use weighs like the rarest word (the question is about something else), unless it is a
        lexicon term: its concept carries its meaning ("arimidex" is hormone therapy)."""
        covered = {analysis.terms[i] for i in analysis.covered}
        return {f: 0.0 if f in covered and f not in self.idf else self.weight(f) for f in analysis_features(analysis)}

    def rank(self, analysis: Analysis, text: str | None = None, *, limit: int = 5) -> list[Match]:
        """The best intents for an analysed question, best first (at most ``limit``)."""
        query = self.query(analysis)
        query_total = sum(query.values())
        if query_total <= 0:
            return []
        coverage: dict[int, float] = defaultdict(float)
        for feature, weight in query.items():
            if weight <= 0:
                continue
            for number, share in self.postings.get(feature, ()):
                coverage[number] += weight * share
        normalised = text if text is not None else " ".join(analysis.words)
        if not coverage:
            return self._nearest_string(normalised, limit)

        top = sorted(coverage.items(), key=lambda item: (-item[1], item[0]))[: self.tuning.candidates]
        t = self.tuning
        asked_about = frozenset(self.analyzer.context_terms(analysis.terms))
        scored: list[tuple[float, int, int]] = []
        for number, covered in top:
            entry = self.index[number]
            dice, best = self._best_pattern(entry, query, query_total)
            # The string comparison looks at the best pattern and the two shortest, which is
            # where a near-restatement of the question usually is.
            closest = dict.fromkeys((best, *entry.shortest))
            strings = max(
                (t.char_scorer(normalised, entry.texts[i], processor=None) for i in closest), default=0.0
            ) / 100.0
            score = (1 - t.char_weight) * (
                t.pattern_weight * dice + (1 - t.pattern_weight) * covered / query_total
            ) + t.char_weight * strings
            # An answer with a subject of its own (a treatment or a cancer it covers general
            # answers for) is no general answer: naming a site does not make it less apt ("my
            # lung cancer is back and they offer immunotherapy, how does it work?").
            if not (entry.intent.covers and not entry.subjects):
                score *= 1 - self._subject_penalty(asked_about, entry.subjects)
            if analysis.question_type and entry.intent.asks == analysis.question_type:
                score *= 1 + t.type_bonus
            if dice >= 0.999:
                score = 1.0
            scored.append((min(1.0, score), number, best))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [self._match(number, score, best) for score, number, best in scored[:limit]]

    def narrower(self, intent_id: str, analysis: Analysis) -> Intent | None:
        """The intent that answers a general one for the message's own subject (its ``covers``):
        for "can melanoma come back?", melanoma_recurrence in place of recurrence_chances. Only
        when the message names that subject and nothing of its kind outside it (another cancer
        site, another treatment), and one intent fits."""
        fits = [intent for intent in self._narrower.get(intent_id, ()) if self._speaks_for(intent, analysis)]
        return fits[0] if len(fits) == 1 else None

    def narrowed(self, matches: Sequence[Match], analysis: Analysis) -> tuple[Match, ...]:
        """Ranked matches, with a general best match given way to its narrower answer for what
        ``analysis`` (the whole message) names (see ``narrower``), which takes its score and
        place. The general answers the best one covers for that subject leave the list, and so
        do the answers about other subjects (a cancer, a treatment, a site such as lung or
        breast) that the message does not name: they are not a close second to the answer about
        the one it does name."""
        if not matches:
            return ()
        lead, rest = matches[0], matches[1:]
        narrow = self.narrower(lead.intent, analysis)
        if narrow is not None:
            own = next((m for m in matches if m.intent == narrow.id), None)
            line = narrow.pattern_lines[0] if narrow.pattern_lines else narrow.line
            lead = Match(intent=narrow.id, confidence=lead.confidence,
                         pattern=own.pattern if own else narrow.patterns[0], path=narrow.path,
                         line=own.line if own else line)
        elif not self._speaks_for(self._by_id[lead.intent].intent, analysis):
            return tuple(matches)
        covered = set(self._by_id[lead.intent].intent.covers)
        return (lead, *(m for m in rest if m.intent != lead.intent and m.intent not in covered
                        and not self._about_another(self._by_id[m.intent].intent, analysis)))

    def _about_another(self, intent: Intent, analysis: Analysis) -> bool:
        """Whether an intent about one subject is about a subject the message does not name: one
        that covers general ones, or one whose patterns are about a subject (lung, breast)."""
        if intent.covers:
            return not set(analysis.concepts) & set(intent.about)
        subjects = self._by_id[intent.id].subjects
        return bool(subjects) and not subjects & set(self.analyzer.context_terms(analysis.terms))

    def _speaks_for(self, intent: Intent, analysis: Analysis) -> bool:
        """Whether an intent that covers general ones is the answer for what the message names:
        its subject, and nothing of the same kind (or a cancer site) outside it: "chemo or
        immunotherapy?" is not a question for the immunotherapy answer alone."""
        if not intent.covers:
            return False
        lexicon = self.analyzer.lexicon
        named = set(analysis.concepts)
        about = set(intent.about)
        kinds = {lexicon.kind(c) for c in about} | {"site"}
        broader = set(lexicon.expand(list(about)))
        return bool(named & about) and all(
            c in broader or set(lexicon.expand([c])) & about for c in named if lexicon.kind(c) in kinds)

    def _best_pattern(self, entry: _IntentIndex, query: dict[str, float], query_total: float
                      ) -> tuple[float, int]:
        overlap: dict[int, float] = defaultdict(float)
        for feature, weight in query.items():
            for local in entry.postings.get(feature, ()):
                overlap[local] += weight
        best_score, best = 0.0, 0
        for local, shared in overlap.items():
            score = 2 * shared / (query_total + entry.totals[local])
            if score > best_score or (score == best_score and local < best):
                best_score, best = score, local
        return best_score, best

    def _subject_penalty(self, asked_about: frozenset[str], subjects: frozenset[str]) -> float:
        if not subjects:
            return self.tuning.general_penalty if asked_about else 0.0
        if not asked_about:
            return self.tuning.no_subject_penalty
        return 0.0 if asked_about & subjects else self.tuning.other_subject_penalty

    def _nearest_string(self, text: str, limit: int) -> list[Match]:
        """No shared term at all: fall back to plain string similarity (short questions only),
        so that even then there is a best candidate to offer."""
        if not text or len(text) > 120:
            return []
        found = process.extract(text, [t for t, _ in self._all_texts], scorer=fuzz.ratio,
                                processor=None, limit=limit * 4)
        seen: dict[int, tuple[float, int]] = {}
        for _, score, position in found:
            number = self._all_texts[position][1]
            if number not in seen:
                local = self.index[number].texts.index(self._all_texts[position][0])
                seen[number] = (self.tuning.char_weight * score / 100.0, local)
        ranked = sorted(seen.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [self._match(number, score, local) for number, (score, local) in ranked]

    def _match(self, number: int, score: float, local: int) -> Match:
        intent = self.index[number].intent
        line = intent.pattern_lines[local] if local < len(intent.pattern_lines) else intent.line
        return Match(intent=intent.id, confidence=round(score, 6), pattern=intent.patterns[local],
                     path=intent.path, line=line)

    def feature_counts(self) -> Iterator[tuple[str, dict[str, int]]]:
        """For each intent, how many of its patterns use each feature (what it says it answers
        counts as used by all of them)."""
        for entry in self.index:
            counts = {f: len(patterns) for f, patterns in entry.postings.items()}
            counts.update(dict.fromkeys(entry.declared, len(entry.texts)))
            yield entry.intent.id, counts

    def talks_about(self, intent_id: str, concepts: Iterable[str]) -> bool:
        """Whether an intent says it answers (``about:``) or has a pattern naming any of these
        concepts."""
        entry = self._by_id[intent_id]
        return any(CONCEPT_PREFIX + c in entry.declared or CONCEPT_PREFIX + c in entry.postings for c in concepts)

    def on_topic_share(self, intent_id: str) -> float:
        """The share of an intent's patterns that use one of the vocabulary's topic words: 1.0 for
        an answer whose every pattern is about cancer ("adjuvant therapy after surgery")."""
        return self._by_id[intent_id].on_topic

    def subjects(self, intent_id: str) -> frozenset[str]:
        """The subjects (context terms) an intent is about; empty for a general intent."""
        entry = self._by_id.get(intent_id)
        return entry.subjects if entry is not None else frozenset()
