"""From text to terms: normalise, fix misspellings, stem, and fold synonyms into one term.

The same Analyzer reads patterns when the knowledge base loads and questions when they are
asked, so both sides always agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .normalise import words as normalised_words
from .spelling import SpellingCorrector
from .stemmer import stem
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Analysis:
    """A text read three ways: corrected words, their stems, and matching terms
    (stems with synonym phrases folded into their canonical term)."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    terms: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()
    """For each term, the slice of ``words`` it was read from."""

    def words_of(self, wanted: set[str]) -> list[tuple[int, int]]:
        """The word slices of the terms in ``wanted``."""
        return [span for term, span in zip(self.terms, self.spans) if term in wanted]


def canonical_term(phrase: str) -> str:
    """The single term a synonym group's first entry becomes ("head and neck" -> "head_and_neck")."""
    return "_".join(stem(w) for w in normalised_words(phrase))


class Analyzer:
    """Reads text the way the knowledge base was read.

    >>> vocab = Vocabulary(synonyms=(("recur", "come back", "relapse"),))
    >>> Analyzer(vocab, ["why", "did", "my", "cancer", "come", "back"]).analyse("Why did it relapse?").terms
    ('why', 'did', 'it', 'recur')
    """

    def __init__(self, vocabulary: Vocabulary, known_words: Iterable[str]) -> None:
        self.vocabulary = vocabulary
        self._misspellings: dict[str, tuple[str, ...]] = {}
        for typed, meant in vocabulary.misspellings.items():
            self._misspellings[" ".join(normalised_words(typed))] = tuple(normalised_words(meant))

        known = Counter(known_words)
        known.update(vocabulary.words())
        for meant in self._misspellings.values():
            known.update(meant)
        # A misspelling must stay unknown, or the corrector would accept it as a real word.
        for typed in self._misspellings:
            known.pop(typed, None)
        self.speller = SpellingCorrector(known)

        # Synonym phrases, matched on stems so "coming back" and "comes back" meet "come back";
        # by first stem, then by length (longest first), so a word costs one lookup per length.
        by_first: dict[str, dict[int, dict[tuple[str, ...], str]]] = {}
        for group in vocabulary.synonyms:
            canonical = canonical_term(group[0])
            for entry in group:
                stems = tuple(stem(w) for w in normalised_words(entry))
                if stems:
                    by_first.setdefault(stems[0], {}).setdefault(len(stems), {}).setdefault(stems, canonical)
        self._phrases: dict[str, tuple[tuple[int, dict[tuple[str, ...], str]], ...]] = {
            first: tuple(sorted(lengths.items(), reverse=True)) for first, lengths in by_first.items()}
        self._context = {canonical_term(c) for c in vocabulary.context}
        self._topic = {self.analyse(t).terms for t in vocabulary.topic} - {()}

    def correct(self, raw_words: Iterable[str]) -> list[str]:
        out: list[str] = []
        for word in raw_words:
            if word in self._misspellings:
                out.extend(self._misspellings[word])
            else:
                out.append(self.speller.correct(word))
        return out

    def fold(self, stems: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
        """Replace synonym phrases by their canonical term, longest phrase first; also return
        the slice of stems each term covers."""
        terms: list[str] = []
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(stems):
            for length, phrases in self._phrases.get(stems[i], ()):
                canonical = phrases.get(stems[i : i + length])
                if canonical is not None:
                    terms.append(canonical)
                    spans.append((i, i + length))
                    i += length
                    break
            else:
                terms.append(stems[i])
                spans.append((i, i + 1))
                i += 1
        return tuple(terms), tuple(spans)

    def analyse(self, text: str) -> Analysis:
        corrected = tuple(self.correct(normalised_words(text)))
        stems = tuple(stem(w) for w in corrected)
        terms, spans = self.fold(stems)
        return Analysis(words=corrected, stems=stems, terms=terms, spans=spans)

    def on_topic(self, analysis: Analysis) -> bool:
        """Whether a text uses one of the vocabulary's ``topic`` words or phrases, even inside a
        synonym phrase ("the cancer is back" is one term, recur, but it names cancer).

        >>> vocab = Vocabulary(synonyms=(("chemotherapy", "chemo"),), topic=("chemotherapy", "side effect"))
        >>> analyzer = Analyzer(vocab, ["side", "effect"])
        >>> analyzer.on_topic(analyzer.analyse("my chemo made me tired"))
        True
        >>> analyzer.on_topic(analyzer.analyse("what are the side effects of the new phone"))
        True
        >>> analyzer.on_topic(analyzer.analyse("how do I tell my boss I'm leaving"))
        False
        >>> vocab = Vocabulary(synonyms=(("recur", "cancer is back"),), topic=("cancer",))
        >>> Analyzer(vocab, []).on_topic(Analyzer(vocab, []).analyse("the cancer is back"))
        True
        """
        present = set(analysis.terms) | set(analysis.stems)
        return any(present.issuperset(topic) for topic in self._topic)

    def context_terms(self, terms: Iterable[str]) -> tuple[str, ...]:
        """The conversation subjects (vocabulary ``context``) among these terms."""
        return tuple(t for t in dict.fromkeys(terms) if t in self._context)
