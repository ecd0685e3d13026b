"""From text to terms: normalise, mend the way people type, stem, fold synonyms, name concepts.

The same Analyzer reads patterns when the knowledge base loads and questions when they are
asked, so both sides always agree. Words the knowledge base does not know are mended before the
spelling corrector sees them, because distressed people type "i cant breathhh", "c4nt
br34the", "icantbreathe", "b-r-e-a-t-h-e" or hide a zero-width space inside a word: each kind of
writing is undone here once, for matching and red flags alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import MATCHED_KINDS, Lexicon
from .model import Intent
from .normalise import expands
from .normalise import words as normalised_words
from .spelling import SpellingCorrector
from .stemmer import stem
from .triggers import TriggerDetector
from .vocabulary import Vocabulary
from .wordlist import english_words


@dataclass(frozen=True)
class Analysis:
    """A text read several ways: mended and corrected words, their stems, matching terms
    (stems with synonym phrases folded into their canonical term), and the lexicon's concepts
    and question type."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    terms: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()
    """For each term, the slice of ``words`` it was read from."""
    concepts: tuple[str, ...] = ()
    """Lexicon concepts the text names, with the broader ones they belong to, first named first."""
    concept_spans: tuple[tuple[int, int], ...] = ()
    """The word slices that name the concepts."""
    matched_concepts: tuple[str, ...] = ()
    """The concepts matching counts: the ones the text names itself (not the broader ones, which
    every cancer question shares), of the kinds in lexicon.MATCHED_KINDS (not life topics or
    people)."""
    question_type: str | None = None
    """The first of the lexicon's question types whose rules fit the text."""
    covered: frozenset[int] = frozenset()
    """Terms (by position) that are a lexicon term of a concept we can talk about: such a word
    is not unknown even if no pattern uses it, because its concept carries its meaning."""
    safety_stems: tuple[str, ...] = field(default=(), repr=False)
    """The stems red flags are checked on: as ``stems``, except that a real English word is never
    replaced by a red-flag word the spelling corrector found near it ("religious" stays)."""

    def words_of(self, wanted: set[str]) -> list[tuple[int, int]]:
        """The word slices of the terms in ``wanted``."""
        return [span for term, span in zip(self.terms, self.spans) if term in wanted]


def canonical_term(phrase: str) -> str:
    """The single term a synonym group's first entry becomes ("head and neck" -> "head_and_neck")."""
    return "_".join(stem(w) for w in normalised_words(phrase))


# Letters from other alphabets that look like Latin ones ("сhest" with a Cyrillic с).
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ɡ": "g", "ɩ": "i", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w",
})
# Digits typed for letters ("bl00d", "c4nt", "d1e"); 1 may be i or l.
_DIGIT_LETTERS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"}
_DIGITS_AS_I = str.maketrans("0134578", "oieastb")
_DIGITS_AS_L = str.maketrans("0134578", "oleastb")
_RUN = re.compile(r"(.)\1+")
_LONG_RUN = re.compile(r"(.)\1\1")
_END_RUN = re.compile(r"(.)\1$")
_LETTERS_ONLY = re.compile(r"^[a-z]+$")
_SHORT_WORDS = frozenset("i a my me to of in is it on up no do so we he be at an or as by am us".split())
"""The only words of one or two letters a joined-up word is split into: "ya rd house" is no reading."""
MIN_SPLIT_LENGTH = 5
"""Joined words shorter than this are not split."""
MAX_SPLIT_LENGTH = 40
# An apostrophe typed as a space: "can t", "i m", "it s" read as "can't", "i'm", "it's". Each
# ending joins only the words it belongs to, so "vitamin d" stays vitamin d.
_PRONOUNS = frozenset({"i", "you", "we", "they", "he", "she", "it", "that", "who", "there"})
_CONTRACTION_TAILS: dict[str, frozenset[str]] = {
    "t": frozenset({"can", "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "wouldn",
                    "couldn", "shouldn", "haven", "hasn", "hadn", "ain", "mustn", "needn"}),
    "m": frozenset({"i"}),
    "s": frozenset({"it", "that", "what", "there", "he", "she", "who", "where", "here", "how", "let"}),
    "d": _PRONOUNS, "ll": _PRONOUNS, "re": _PRONOUNS, "ve": _PRONOUNS,
}


class Analyzer:
    """Reads text the way the knowledge base was read.

    ``protected`` are the words red-flag triggers use: the spelling corrector may turn a typo
    into one of them ("breth" -> "breath"), never a real word ("religious" -> "delirious").

    >>> vocab = Vocabulary(synonyms=(("recur", "come back", "relapse"),))
    >>> Analyzer(vocab, ["why", "did", "my", "cancer", "come", "back"]).analyse("Why did it relapse?").terms
    ('why', 'did', 'it', 'recur')
    >>> Analyzer(Vocabulary(), ["i", "can", "not", "breathe"]).analyse("i c4nt br34the").words
    ('i', 'can', 'not', 'breathe')
    """

    def __init__(self, vocabulary: Vocabulary, known_words: Iterable[str], *,
                 lexicon: Lexicon = Lexicon(), protected: Iterable[str] = ()) -> None:
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self._misspellings: dict[str, tuple[str, ...]] = {}
        for typed, meant in vocabulary.misspellings.items():
            self._misspellings[" ".join(normalised_words(typed))] = tuple(normalised_words(meant))

        known = Counter(known_words)
        known.update(vocabulary.words())
        for meant_words in self._misspellings.values():
            known.update(meant_words)
        for concept in lexicon.concepts.values():
            for term in concept.terms:
                known.update(normalised_words(term))
        # A misspelling must stay unknown, or the corrector would accept it as a real word.
        for typed in self._misspellings:
            known.pop(typed, None)
        self._known = frozenset(known)
        # By stem, as triggers match: "ached" is protected because a trigger says "ache".
        self._protected = frozenset(stem(w) for w in protected)
        self.speller = SpellingCorrector(known)
        self._mend = lru_cache(maxsize=8192)(self._mend_word)

        # Synonym phrases, matched on stems so "coming back" and "comes back" meet "come back";
        # by first stem, then by length (longest first), so a word costs one lookup per length.
        self._phrases = _phrase_table((self._phrase_stems(entry), canonical_term(group[0]))
                                      for group in vocabulary.synonyms for entry in group)
        self._concepts = _phrase_table((self._phrase_stems(term), concept.id)
                                       for concept in lexicon.concepts.values() for term in concept.terms)
        self._endings = tuple(sorted(((ending, concept.id) for concept in lexicon.concepts.values()
                                      for ending in concept.endings), key=lambda e: -len(e[0])))
        self._question_types = TriggerDetector(
            [Intent(id=t.id, question="", patterns=(), answer="", triggers=t.rules, trigger_lines=t.rule_lines,
                    path=t.path, line=t.line, exceptions=t.exceptions) for t in lexicon.question_types],
            lambda intent: (intent.triggers, intent.trigger_lines))
        self._context = {canonical_term(c) for c in vocabulary.context}
        self._topic = {self.analyse(t).terms for t in vocabulary.topic} - {()}
        # A topic entry that names a lexicon concept also counts through the concept's terms and
        # its narrower concepts: "cancer" is on topic as "melanoma" or "NSCLC" too.
        self._topic_concepts = frozenset(t for t in vocabulary.topic if t in lexicon.concepts)

    # -- words ---------------------------------------------------------------------------------

    def knows(self, word: str) -> bool:
        """Whether the knowledge base (patterns, answers, vocabulary, triggers, lexicon) uses the word."""
        return word in self._known

    def correct(self, raw_words: Iterable[str]) -> list[str]:
        """The words as meant: misspellings replaced, typing mended, typos corrected."""
        return [w for _, meant, _ in self._read(list(raw_words)) for w in meant]

    def _read(self, raw: list[str]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        """For each typed word: the word, the words it means, and the words red flags see."""
        out = []
        for word in self._rejoin(raw):
            if word in self._misspellings:
                meant = self._misspellings[word]
                out.append((word, meant, meant))
                continue
            mended = self._mend(word)
            if mended is not None:
                out.append((word, mended, self._seen(word, mended)))
                continue
            corrected = self.speller.correct(word)
            if corrected == word:
                # Not a typo of a known word: perhaps words typed without spaces.
                split = self._split_unknown(word)
                if split is not None:
                    out.append((word, split, split))
                    continue
            out.append((word, (corrected,), self._seen(word, (corrected,))))
        return out

    def _phrase_stems(self, phrase: str) -> tuple[str, ...]:
        """A synonym or lexicon phrase read as a message is: "dog died" must meet "my dog died",
        whose "died" the vocabulary reads as "die"."""
        return tuple(stem(m) for w in normalised_words(phrase) for m in self._misspellings.get(w, (w,)))

    def _seen(self, word: str, meant: tuple[str, ...]) -> tuple[str, ...]:
        """What red flags see of a typed word: what it was read as, unless it is a real English
        word that reading turned into an alarming one ("religious" is not "delirious")."""
        if meant == (word,) or word not in english_words():
            return meant
        alarming = {stem(w) for w in meant} & self._protected
        return (word,) if alarming - {stem(word)} else meant

    def _rejoin(self, raw: list[str]) -> list[str]:
        """Put back together what typing split: letters spaced or dotted out ("b r e a t h e"),
        an apostrophe typed as a space ("can t"), a digit typed for a first letter ("4ll")."""
        out: list[str] = []
        i = 0
        while i < len(raw):
            word = raw[i]
            run = i
            while run < len(raw) and len(raw[run]) == 1 and raw[run].isalpha():
                run += 1
            joined = "".join(raw[i:run])
            # Three letters join only into a word we know: "d i e" is "die", "r u a" is not "rua".
            if run - i >= 4 or run - i == 3 and joined in self._known:
                out.extend(normalised_words(joined))
                i = run
                continue
            if out and out[-1] in _CONTRACTION_TAILS.get(word, ()):
                out.extend(normalised_words(f"{out.pop()}'{word}"))
                i += 1
                continue
            if (len(word) == 1 and word in _DIGIT_LETTERS and i + 1 < len(raw) and raw[i + 1].isalpha()
                    and raw[i + 1] not in self._known):
                mended = self._mend(word + raw[i + 1])
                if mended is not None:
                    out.extend(mended)
                    i += 2
                    continue
            out.append(word)
            i += 1
        return out

    def _mend_word(self, word: str) -> tuple[str, ...] | None:
        """The known word(s) an unknown word was typed for, or None to leave it to the corrector."""
        if word in self._known or word.isdigit() or _is_number(word):
            return (word,) if word in self._known else None
        for candidate in self._respellings(word):
            found = self._known_words(candidate)
            if found is not None:
                return found
        return None

    def _split_unknown(self, word: str) -> tuple[str, ...] | None:
        """Words typed without spaces ("icantbreathe", "killmyself"), if the typed word is not a
        real English word."""
        plain = word.translate(_CONFUSABLES)
        if (_LETTERS_ONLY.match(plain) and MIN_SPLIT_LENGTH <= len(plain) <= MAX_SPLIT_LENGTH
                and plain not in english_words()):
            return self._split(plain)
        return None

    def _respellings(self, word: str) -> list[str]:
        """Ways the word may have been meant: look-alike letters and digits read as letters, then
        repeated letters ("breathhh", "diee") cut back."""
        plain = word.translate(_CONFUSABLES)
        readings = [plain]
        if any(ch.isdigit() for ch in plain) and any(ch.isalpha() for ch in plain):
            readings = [plain.translate(_DIGITS_AS_I), plain.translate(_DIGITS_AS_L)]
        out: list[str] = []
        for reading in readings:
            if reading != word:
                out.append(reading)
            if _LONG_RUN.search(reading):
                out.append(_RUN.sub(r"\1\1", reading))
                out.append(_RUN.sub(r"\1", reading))
            elif _END_RUN.search(reading) and reading not in english_words():
                out.append(reading[:-1])  # "diee", "helpp": a key held at the end; never "loss"
        return list(dict.fromkeys(out))

    def _known_words(self, text: str) -> tuple[str, ...] | None:
        """The normalised words of ``text`` ("cant" -> can not) if the knowledge base knows them all."""
        if text in self._known:
            return (text,)
        if text.isalpha() and not expands(text):
            return None
        found = tuple(normalised_words(text))
        return found if found and all(w in self._known for w in found) else None

    def _split(self, word: str) -> tuple[str, ...] | None:
        """A joined-up word ("icantbreathe", "killmyself") as the fewest known words, if it is one."""
        best: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - 20), end):
                before = best[start]
                piece = word[start:end]
                if before is None or not (len(piece) > 2 or piece in _SHORT_WORDS):
                    continue
                meant = self._known_words(piece)
                if meant is None:
                    continue
                if best[end] is None or len(before) + 1 < len(best[end] or ()):
                    best[end] = [*before, *meant] if len(meant) > 1 else [*before, piece]
        pieces = best[len(word)]
        return tuple(w for p in pieces for w in normalised_words(p)) if pieces and len(pieces) > 1 else None

    # -- terms and concepts --------------------------------------------------------------------

    def fold(self, stems: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
        """Replace synonym phrases by their canonical term, longest phrase first; also return
        the slice of stems each term covers."""
        terms: list[str] = []
        spans: list[tuple[int, int]] = []
        for start, end, found in _phrases_in(stems, self._phrases):
            terms.append(found[0] if found else stems[start])
            spans.append((start, end))
        return tuple(terms), tuple(spans)

    def analyse(self, text: str) -> Analysis:
        read = self._read(normalised_words(text))
        corrected = tuple(w for _, meant, _ in read for w in meant)
        stems = tuple(stem(w) for w in corrected)
        safety = tuple(stem(w) for _, _, seen in read for w in seen)
        terms, spans = self.fold(stems)
        concepts: list[str] = []
        concept_spans: list[tuple[int, int]] = []
        lexical: set[int] = set()
        named = [span for span in _phrases_in(stems, self._concepts) if span[2]] if self._concepts else []
        if self._endings:
            named = sorted(named + self._named_by_ending(corrected, named))
        for start, end, found in named:
            concepts.extend(found)
            concept_spans.append((start, end))
            if any(self.lexicon.kind(c) in MATCHED_KINDS for c in found):
                lexical.update(range(start, end))
        covered = frozenset(n for n, (a, b) in enumerate(spans) if lexical.issuperset(range(a, b)))
        expanded = self.lexicon.expand(concepts)
        fired = self._question_types.detect(stems) if self._question_types else None
        return Analysis(words=corrected, stems=stems, terms=terms, spans=spans,
                        concepts=expanded, concept_spans=tuple(concept_spans),
                        matched_concepts=tuple(c for c in dict.fromkeys(concepts) if self.lexicon.kind(c) in MATCHED_KINDS),
                        question_type=fired.intent.id if fired else None,
                        covered=covered, safety_stems=safety)

    def _named_by_ending(self, words: tuple[str, ...],
                         named: list[tuple[int, int, tuple[str, ...]]]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Concepts named by the ending of a word the knowledge base does not use ("blepharitis"),
        where no lexicon term already names something."""
        taken = {n for start, end, _ in named for n in range(start, end)}
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for n, word in enumerate(words):
            if n in taken or word in self._known:
                continue
            for ending, concept_id in self._endings:
                if word.endswith(ending) and len(word) >= len(ending) + 3:
                    found.append((n, n + 1, (concept_id,)))
                    break
        return found

    def on_topic(self, analysis: Analysis) -> bool:
        """Whether a text uses one of the vocabulary's ``topic`` words or phrases, even inside a
        synonym phrase ("the cancer is back" is one term, recur, but it names cancer), or names
        a lexicon concept that a ``topic`` entry names (or a narrower one: "keytruda" is
        immunotherapy).

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
        >>> from types import MappingProxyType
        >>> from bot.lexicon import Concept
        >>> lex = Lexicon(MappingProxyType({
        ...     "cancer": Concept("cancer", "cancer", ("cancer",)),
        ...     "melanoma": Concept("melanoma", "site", ("melanoma",), ("cancer",))}))
        >>> analyzer = Analyzer(Vocabulary(topic=("cancer",)), [], lexicon=lex)
        >>> analyzer.on_topic(analyzer.analyse("his melanoma is back"))
        True
        """
        present = set(analysis.terms) | set(analysis.stems)
        if any(present.issuperset(topic) for topic in self._topic):
            return True
        return bool(self._topic_concepts) and not self._topic_concepts.isdisjoint(
            self.lexicon.expand(analysis.concepts))

    def context_terms(self, terms: Iterable[str]) -> tuple[str, ...]:
        """The conversation subjects (vocabulary ``context``) among these terms."""
        return tuple(t for t in dict.fromkeys(terms) if t in self._context)


PhraseTable = dict[str, tuple[tuple[int, dict[tuple[str, ...], tuple[str, ...]]], ...]]


def _phrase_table(entries: Iterable[tuple[tuple[str, ...], str]]) -> PhraseTable:
    """Phrases (as stems) by first stem, then by length, longest first; each names one or more
    values, in the order they were listed."""
    by_first: dict[str, dict[int, dict[tuple[str, ...], list[str]]]] = {}
    for stems, value in entries:
        if stems:
            values = by_first.setdefault(stems[0], {}).setdefault(len(stems), {}).setdefault(stems, [])
            if value not in values:
                values.append(value)
    return {first: tuple((length, {k: tuple(v) for k, v in phrases.items()})
                         for length, phrases in sorted(lengths.items(), reverse=True))
            for first, lengths in by_first.items()}


def _phrases_in(stems: Sequence[str], table: PhraseTable) -> list[tuple[int, int, tuple[str, ...]]]:
    """The stems cut into (start, end, values): the longest phrase of the table at each place,
    or a single stem with no values."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    i = 0
    while i < len(stems):
        for length, phrases in table.get(stems[i], ()):
            found = phrases.get(tuple(stems[i:i + length]))
            if found is not None:
                out.append((i, i + length, found))
                i += length
                break
        else:
            out.append((i, i + 1, ()))
            i += 1
    return out


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True
