"""The public face of the answer engine: ``Bot``."""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from .analysis import Analyzer
from .conversation import Conversation
from .decide import decide
from .index_cache import cached_matcher
from .knowledge import KnowledgeBase, load_knowledge_base
from .likelihood import Likelihood
from .matcher import Matcher, Tuning
from .model import Intent, Match, Reply
from .normalise import expands, words
from .policy import Policy
from .reading import Reader, Reading
from .safety import RedFlag, RedFlagScreen
from .triggers import Fired, TriggerDetector

Assessment = Reading
"""The name a Reading had before it grew; kept for code written against it."""


@dataclass(frozen=True)
class _Index:
    """What answering needs beyond the knowledge base itself; built once per Bot."""

    screen: RedFlagScreen
    rules: TriggerDetector
    analyzer: Analyzer
    matcher: Matcher

    @classmethod
    def build(cls, knowledge: KnowledgeBase, tuning: Tuning) -> "_Index":
        with _collector_paused():
            return cls._build(knowledge, tuning)

    @classmethod
    def _build(cls, knowledge: KnowledgeBase, tuning: Tuning) -> "_Index":
        screen = RedFlagScreen(knowledge.intents, knowledge.safety)
        rules = TriggerDetector(knowledge.intents, lambda i: (i.triggers, i.trigger_lines))
        # Every word the curators wrote is a real word: spelling correction must leave it alone
        # (otherwise "fewer" would be corrected to the red-flag word "fever"). Answers count too,
        # read as questions are (accents and all: "cómo" is one word, not "c" and "mo").
        known = [w for i in knowledge.intents for text in (*i.patterns, i.question) for w in words(text)]
        known += [w for i in knowledge.intents for w in _answer_words(i.answer)]
        alarming = screen.words()
        personal = knowledge.personal
        rule_texts = [*personal.own_case, *personal.judgement,
                      *(r for t in knowledge.lexicon.question_types for r in t.rules)]
        known += [w for text in rule_texts for w in words(text.replace("|", " ")) if not w[:1].isdigit()]
        analyzer = Analyzer(knowledge.vocabulary, [*known, *alarming, *rules.words()],
                            lexicon=knowledge.lexicon, protected=alarming)
        return cls(screen, rules, analyzer, cached_matcher(knowledge, analyzer, tuning))


_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def _answer_words(answer: str) -> list[str]:
    """An answer's plain words, read as a question would be ("can't" is "can not", "cómo" is
    "como")."""
    if not answer.isascii():
        return [w for w in words(answer) if w.isalpha()]
    # Most answers: a third of the time words() takes over the whole text, the same words.
    found = _ASCII_WORD.findall(answer.lower())
    return [w for word in found for w in (words(word) if "'" in word or expands(word) else (word,))]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the index is built.

    The build makes a few hundred thousand small lists and tuples, none of them garbage, and
    the collector would walk them again and again as they pile up: about a third of load time
    for the shipped base. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What was built lives as long as the bot: set it aside from the collector instead
            # of having it walked at once (a full collection of it took a tenth of load time).
            gc.freeze()
            gc.enable()


class Bot:
    """A loaded knowledge base, ready to answer. Immutable and safe to share between threads.

    >>> bot = Bot.load()
    >>> reply = bot.ask("why did my lung cancer come back?")
    >>> reply.kind, reply.intent
    ('answer', 'lung_recurrence_after_surgery')
    >>> bot.ask("I'm having chest pain right now").kind
    'emergency'
    """

    def __init__(self, knowledge: KnowledgeBase, *, policy: Policy = Policy(),
                 tuning: Tuning = Tuning(), eager: bool = True) -> None:
        self.knowledge = knowledge
        self.policy = policy
        self.tuning = tuning
        self.settings = knowledge.settings
        self.intents: tuple[Intent, ...] = knowledge.intents
        self._by_id = MappingProxyType({i.id: i for i in knowledge.intents})
        self._index: _Index | None = None
        self._index_error: BaseException | None = None
        self._index_lock = threading.Lock()
        self._reader: Reader | None = None
        self._likelihood: Likelihood | None = None
        self._likelihood_lock = threading.Lock()
        if eager:
            self.prepare()

    def prepare(self, *, background: bool = False) -> None:
        """Build the matching index now, or start building it in a background thread.

        Only needed with ``eager=False``: the chat shows its prompt first and builds the index
        while the person reads and types. Whatever needs the index waits for it. In the
        background the second reading (``likelihood``) is built too, so that the first close
        call does not wait for it either.
        """
        if background:
            threading.Thread(target=self._build_in_background, name="bot-index", daemon=True).start()
        else:
            self._build_index()

    def _build_in_background(self) -> None:
        try:
            self.likelihood  # builds the index first
        except BaseException:  # raised again to whoever asks next: an index failure is kept in
            pass                # _index_error, and a failed second reading is retried on first use

    def _build_index(self) -> _Index:
        with self._index_lock:
            if self._index is None and self._index_error is None:
                try:
                    index = _Index.build(self.knowledge, self.tuning)
                    self._reader = Reader(index.analyzer, index.screen, index.rules, index.matcher,
                                          lambda: self.likelihood, self.settings, self.policy,
                                          self.knowledge.personal)
                    self._index = index
                except BaseException as exc:  # re-raised to every caller, never a silent hang
                    self._index_error = exc
            if self._index_error is not None:
                raise self._index_error
            assert self._index is not None
            return self._index

    @property
    def _ready(self) -> _Index:
        return self._index or self._build_index()

    @property
    def red_flags(self) -> RedFlagScreen:
        """The red-flag screen: every category, most urgent first."""
        return self._ready.screen

    @property
    def analyzer(self) -> Analyzer:
        return self._ready.analyzer

    @property
    def matcher(self) -> Matcher:
        return self._ready.matcher

    @property
    def likelihood(self) -> Likelihood:
        """The second reading for close calls, built on first use: most questions never need
        it, and loading stays quicker without it."""
        if self._likelihood is None:
            matcher = self.matcher
            with self._likelihood_lock:
                if self._likelihood is None:
                    self._likelihood = Likelihood.from_matcher(matcher)
        return self._likelihood

    @classmethod
    def load(cls, folder: str | Path | None = None, *, threshold: float | None = None,
             margin: float | None = None, locale: str | None = None,
             tuning: Tuning | None = None, eager: bool = True) -> "Bot":
        """Load a knowledge base folder (default: the shipped one) and build the engine.

        ``threshold`` (0..1) overrides the default confidence needed to answer; ``0.0`` always
        gives the best candidate. ``locale`` picks help lines and wording from the settings.
        ``eager=False`` leaves building the matching index to ``prepare()`` or the first
        question. Raises ``IntentFileError`` (with ``.path`` and ``.line``) for a broken file.
        """
        policy = Policy()
        if threshold is not None:
            if not 0.0 <= threshold <= 1.0:
                raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
            policy = replace(policy, threshold=threshold)
        if margin is not None:
            policy = replace(policy, margin=margin)
        with _collector_paused():  # reading the YAML makes tens of thousands of objects too
            knowledge = load_knowledge_base(folder, locale=locale)
        return cls(knowledge, policy=policy, tuning=tuning or Tuning(), eager=eager)

    @property
    def threshold(self) -> float:
        return self.policy.threshold

    @property
    def disclaimer(self) -> str:
        """The one-line notice shown at the start of a chat."""
        return self.settings.disclaimer

    def intent(self, intent_id: str) -> Intent | None:
        """The intent with this id, or None."""
        return self._by_id.get(intent_id)

    def message(self, name: str, **extra: str | int) -> str:
        """One of the bot's own sentences from the knowledge base's settings (see settings.py)."""
        return self.settings.message(name, **extra)

    def subjects(self, intent_id: str) -> frozenset[str]:
        """The conversation subjects (vocabulary ``context`` terms) an intent is about."""
        return self.matcher.subjects(intent_id)

    def subjects_named(self, text: str) -> tuple[tuple[str, ...], str]:
        """The conversation subjects a text names, and the words that name them.

        >>> Bot.load().subjects_named("why did my lung cancer come back")
        (('lung',), 'lung')
        """
        analysis = self.analyzer.analyse(text[: self.policy.max_question_chars])
        subjects = self.analyzer.context_terms(analysis.terms)
        named = " ".join(" ".join(analysis.words[a:b]) for a, b in analysis.words_of(set(subjects)))
        return subjects, named

    def without_subjects(self, text: str) -> str:
        """The text's words without those that name a conversation subject.

        >>> Bot.load().without_subjects("how is lung cancer treated")
        'how is cancer treated'
        """
        analysis = self.analyzer.analyse(text[: self.policy.max_question_chars])
        subjects = set(self.analyzer.context_terms(analysis.terms))
        dropped = {i for start, end in analysis.words_of(subjects) for i in range(start, end)}
        return " ".join(w for i, w in enumerate(analysis.words) if i not in dropped)

    def key_words(self, text: str, keep: int = 3) -> str:
        """The most informative words of a text (the rarest terms first), in their order."""
        analysis = self.analyzer.analyse(text[: self.policy.max_question_chars])
        weights = [(self.matcher.idf.get(term, 0.0), i) for i, term in enumerate(analysis.terms)]
        chosen = sorted(i for _, i in sorted(weights, reverse=True)[:keep])
        return " ".join(" ".join(analysis.words[slice(*analysis.spans[i])]) for i in chosen)

    def red_flag(self, question: str) -> RedFlag | None:
        """The most urgent red flag this message sets off now, if any."""
        return self.read(question).red_flag

    def rule(self, question: str) -> Fired | None:
        """The intent trigger (other than a red flag) this message sets off, if any.

        >>> Bot.load().rule("can I skip my next chemo cycle?").intent.id
        'personal_advice'
        """
        return self.read(question).rule

    def rank(self, question: str, *, limit: int = 5) -> list[Match]:
        """The best matching intents for a question, best first, ignoring red flags and policy."""
        return self.matcher.rank(self.analyzer.analyse(question[: self.policy.max_question_chars]), limit=limit)

    def read(self, message: str, *, context: str = "") -> Reading:
        """Everything the engine knows about a message before choosing a reply: red flags, the
        language, the question it asks and its story, what it is about, the ranked matches.
        ``reply(reading)`` turns it into a Reply; evaluation tools reuse one reading for many
        thresholds. ``context`` names the subject of earlier turns (conversations use it).

        Raises TypeError for anything but text.
        """
        if not isinstance(message, str):
            raise TypeError(f"a message must be text (str), not {type(message).__name__}")
        self._ready
        assert self._reader is not None
        return self._reader.read(message, context=context)

    assess = read

    def reply(self, reading: Reading, policy: Policy | None = None) -> Reply:
        """The reply for a reading, under this bot's policy or another one."""
        return decide(reading, self._by_id, self.settings, policy or self.policy,
                      feelings_answered_by=self.knowledge.personal.feelings_answered_by)

    def ask(self, question: str) -> Reply:
        """Answer one message, with no memory of earlier ones. Never raises for any text;
        raises TypeError for something that is not text.

        >>> Bot.load().ask("ok. what is adjuvant therapy?").intent
        'what_is_adjuvant'
        """
        return self.reply(self.read(question))

    def conversation(self) -> Conversation:
        """A new stateful conversation: numbers pick options, "yes" accepts a suggestion, and
        short follow-ups keep the subject of the last answer."""
        return Conversation(self)
