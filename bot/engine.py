"""The public face of the answer engine: ``Bot``."""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from .analysis import Analysis, Analyzer
from .decide import Policy, answer, decide
from .index_cache import cached_matcher
from .knowledge import KnowledgeBase, load_knowledge_base
from .likelihood import Likelihood, Opinion
from .matcher import Matcher, Tuning
from .model import Intent, Match, Reply
from .normalise import words
from .safety import RedFlag, RedFlagDetector
from .triggers import Fired, TriggerDetector

if TYPE_CHECKING:
    from .conversation import Conversation

@dataclass(frozen=True)
class _Index:
    """What answering needs beyond the knowledge base itself; built once per Bot."""

    red_flags: RedFlagDetector
    rules: TriggerDetector
    analyzer: Analyzer
    matcher: Matcher

    @classmethod
    def build(cls, knowledge: KnowledgeBase, tuning: Tuning) -> "_Index":
        with _collector_paused():
            return cls._build(knowledge, tuning)

    @classmethod
    def _build(cls, knowledge: KnowledgeBase, tuning: Tuning) -> "_Index":
        red_flags = RedFlagDetector(knowledge.intents)
        rules = TriggerDetector(knowledge.intents, lambda i: (i.triggers, i.trigger_lines))
        # Every word the curators wrote is a real word: spelling correction must leave it alone
        # (otherwise "fewer" would be corrected to the red-flag word "fever"). Answers are long
        # and only their plain words matter here, so a simple split serves.
        known = [w for i in knowledge.intents for text in (*i.patterns, i.question) for w in words(text)]
        known += [w for i in knowledge.intents for w in _LETTERS.findall(i.answer.lower())]
        analyzer = Analyzer(knowledge.vocabulary, [*known, *red_flags.words(), *rules.words()])
        return cls(red_flags, rules, analyzer, cached_matcher(knowledge, analyzer, tuning))


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
            gc.enable()


@dataclass(frozen=True)
class Assessment:
    """A message as the engine read it, before a reply is chosen."""

    text: str
    notice: str | None
    red_flag: RedFlag | None
    matches: tuple[Match, ...]
    single_word: bool
    words: int = 0
    """How many words the message has (long messages are judged a little differently)."""
    on_topic: bool = False
    """Whether the message uses one of the vocabulary's topic words."""
    second_reading: Callable[[], Opinion | None] | None = field(default=None, repr=False, compare=False)
    """The likelihood model's choice for the message, worked out only if a close call asks."""
    rule: Fired | None = None
    """An intent's trigger that the message sets off (checked after red flags): it decides the
    answer whatever the matches say."""


_LETTERS = re.compile(r"[a-z]+")
# Sentences end at . ! ? or a line break; a question mark stays with its sentence.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
FOCUS_MIN_WORDS = 12
"""Messages this long are also read as their question sentence alone."""
FOCUS_MIN_QUESTION_WORDS = 5
"""A question sentence shorter than this is read together with the sentence before it."""

MAX_QUESTION_CHARS = 2000
"""Longer questions are cut before matching (and the reply says so)."""
SAFETY_SCAN_CHARS = 20_000
"""Red flags are looked for further into a long paste than matching reads."""


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
                    self._index = _Index.build(self.knowledge, self.tuning)
                except BaseException as exc:  # re-raised to every caller, never a silent hang
                    self._index_error = exc
            if self._index_error is not None:
                raise self._index_error
            assert self._index is not None
            return self._index

    @property
    def red_flags(self) -> RedFlagDetector:
        return (self._index or self._build_index()).red_flags

    @property
    def _rules(self) -> TriggerDetector:
        return (self._index or self._build_index()).rules

    @property
    def analyzer(self) -> Analyzer:
        return (self._index or self._build_index()).analyzer

    @property
    def matcher(self) -> Matcher:
        return (self._index or self._build_index()).matcher

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
        gives the best candidate. ``locale`` picks emergency numbers from the settings.
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
        return cls(load_knowledge_base(folder, locale=locale), policy=policy, tuning=tuning or Tuning(),
                   eager=eager)

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

    def red_flag(self, question: str) -> RedFlag | None:
        """The red-flag rule this message sets off, if any."""
        return self.red_flags.detect(self.analyzer.analyse(question[:SAFETY_SCAN_CHARS]).stems)

    def rule(self, question: str) -> Fired | None:
        """The intent trigger (other than a red flag) this message sets off, if any.

        >>> Bot.load().rule("can I skip my next chemo cycle?").intent.id
        'personal_advice'
        """
        return self._rules.detect(self.analyzer.analyse(question[:MAX_QUESTION_CHARS]).stems)

    def rank(self, question: str, *, limit: int = 5) -> list[Match]:
        """The best matching intents for a question, best first, ignoring red flags and policy."""
        return self.matcher.rank(self.analyzer.analyse(question[:MAX_QUESTION_CHARS]), limit=limit)

    def assess(self, question: str) -> "Assessment":
        """Everything the engine knows about a message before choosing a reply: the red flag
        it sets off, if any, and the ranked matches. ``reply(assessment)`` turns it into a
        Reply; evaluation tools reuse one assessment for many thresholds."""
        if not isinstance(question, str):
            question = str(question, "utf-8", "replace") if isinstance(question, bytes) else str(question)
        notice = None
        text = question
        if len(question) > MAX_QUESTION_CHARS:
            text = question[:MAX_QUESTION_CHARS]
            notice = (f"Your message was long, so I read only its first {MAX_QUESTION_CHARS:,} "
                      "characters.")
        # One reading serves the red-flag scan and the matching, unless the message is long
        # enough for the two to read different lengths of it.
        scanned = self.analyzer.analyse(question[:SAFETY_SCAN_CHARS])
        flag = self.red_flags.detect(scanned.stems)
        if flag is not None:
            return Assessment(text, notice, flag, (), False)
        analysis = whole = scanned if text is question else self.analyzer.analyse(text)
        words = len(whole.words)
        rule = self._rules.detect(whole.stems)
        matches = tuple(self.matcher.rank(analysis, limit=5))
        focus = self._focus(text, analysis)
        if focus is not None:
            focused = tuple(self.matcher.rank(focus, limit=5))
            # The question sentence may make the reading surer, never change it: its answer must
            # be the one the whole message already ranks first.
            if (focused and matches and focused[0].confidence > matches[0].confidence
                    and focused[0].intent == matches[0].intent):
                matches, analysis = focused, focus
        # Cached: an evaluation may re-decide one assessment under many thresholds.
        second_reading = cache(lambda: self.likelihood.opinion(whole))
        return Assessment(text, notice, None, matches, len(set(analysis.terms)) <= 1, words,
                          self.analyzer.on_topic(whole), second_reading, rule)

    def _focus(self, text: str, analysis: "Analysis") -> "Analysis | None":
        """For a long message, its question sentence read on its own, with the subjects
        (lung, breast...) the rest of the message names: a story around a question should not
        drown it ("My mother had a lobectomy last year... What signs should we watch for?")."""
        if len(analysis.words) < FOCUS_MIN_WORDS:
            return None
        sentences = [s for s in _SENTENCE.split(text) if len(words(s)) >= 3]
        if len(sentences) < 2:
            return None
        asked = [s for s in sentences if "?" in s]
        sentence = (asked or sentences)[-1]
        # A short question ("Is that normal?") points back at the sentence before it: read the
        # two together, or the subject alone would decide the answer.
        at = sentences.index(sentence)
        if len(words(sentence)) < FOCUS_MIN_QUESTION_WORDS and at > 0:
            sentence = f"{sentences[at - 1]} {sentence}"
        focus = self.analyzer.analyse(sentence)
        subjects = set(self.analyzer.context_terms(analysis.terms)) - set(focus.terms)
        if subjects:
            named = " ".join(" ".join(analysis.words[a:b]) for a, b in analysis.words_of(subjects))
            focus = self.analyzer.analyse(f"{sentence} {named}")
        return focus

    def reply(self, assessment: "Assessment", policy: Policy | None = None) -> Reply:
        """The reply for an assessed message, under this bot's policy or another one."""
        a = assessment
        if a.red_flag is not None:
            intent = a.red_flag.intent
            return answer(intent, 1.0, (Match(intent.id, 1.0, a.red_flag.trigger, intent.path,
                                              a.red_flag.line),), a.text, a.notice)
        if a.rule is not None:
            intent = a.rule.intent
            fired = Match(intent.id, 1.0, a.rule.trigger, intent.path, a.rule.line)
            others = tuple(m for m in a.matches if m.intent != intent.id)
            return answer(intent, 1.0, (fired, *others), a.text, a.notice,
                          reason=f"the message sets off a trigger of {intent.id!r}")
        return decide(a.matches, self._by_id, self.settings, policy or self.policy,
                      single_word=a.single_word, words=a.words, on_topic=a.on_topic,
                      second_reading=a.second_reading, question=a.text, notice=a.notice)

    def ask(self, question: str) -> Reply:
        """Answer one message, with no memory of earlier ones. Never raises for any text."""
        return self.reply(self.assess(question))

    def conversation(self) -> "Conversation":
        """A new stateful conversation: numbers pick options, "yes" accepts a suggestion, and
        short follow-ups keep the subject of the last answer."""
        from .conversation import Conversation

        return Conversation(self)
