"""Read a message once: everything the engine knows about it before a reply is chosen.

A ``Reading`` is made in one pass and then frozen; deciding the reply (decide.py) and the
conversation (conversation.py) both use it and never read the text again:

1. The reading limit: a very long message keeps its beginning and its end, where a story's
   question usually is.
2. The red-flag screen (safety.py): every category, whether it is happening now, help on the way.
3. The language: a message mostly in another language gets a short reply that says so.
4. The ask: a message is cut into sentences; a leading filler ("ok.", "so", "right,") is
   dropped; the question sentences are the ask and the rest is the story. The first question
   is the main one; a further question is kept to offer as "You also asked".
5. What it is about (lexicon concepts, the ask's first) and what it asks (a question type).
6. The matches: the ask is ranked with the subjects the story names (a story around a question
   must not drown it), and so is the whole message; the ask decides unless it is too short to
   say anything on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from .analysis import Analysis, Analyzer
from .lexicon import CANCER_KINDS, OURS_KINDS
from .likelihood import Likelihood, Opinion
from .matcher import Matcher
from .model import Intent, Match, PersonalRules
from .normalise import words as normalised_words
from .policy import Policy
from .safety import Alarm, RedFlag, RedFlagScreen
from .settings import Settings
from .triggers import Fired, TriggerDetector
from .wordlist import english_words

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
"""Sentences end at . ! ? or a line break; a question mark stays with its sentence."""
# Words by which a question sentence points back at the story before it.
_POINTS_BACK = frozenset("it its that this these those they them their there here one".split())
_QUESTION_WORDS = frozenset("""what whats how why when where who whom whose which can could is are am do does did
    should shall will would may might was were has have tell any""".split())
# Words that say nothing of a subject: a question made only of them ("What do I do now?") asks
# about the story before it.
_GENERIC = frozenset("""i me my we us our you your he him his she her do does did doing now then next here
    so a an the to of for in on at with about be been get go start begin""".split()) | _POINTS_BACK | _QUESTION_WORDS
_JOINED_QUESTION = re.compile(r",?\s+(?:and|also|plus)\s+(?=(?:what|how|why|when|where|who|which|can|could|is|are|"
                              r"do|does|should|will|would)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """A message as the engine read it, before a reply is chosen. Frozen: decide() and the
    conversation use it as it is.

    >>> from bot import Bot
    >>> reading = Bot.load().read("ok. what are the side effects of tamoxifen?")
    >>> reading.ask, reading.matches[0].intent
    ('what are the side effects of tamoxifen?', 'breast_hormone_therapy')
    """

    text: str
    """The message as read: whole, or its beginning and end if it was longer than the limit."""
    notice: str | None = None
    """A note for the reply ("Your message was long..."), or None."""
    alarm: Alarm = Alarm()
    """The red-flag screen's findings."""
    language: str = "en"
    """"en", another language code from the vocabulary's ``languages``, or "other"."""
    ask: str = ""
    """The question sentence that decides the answer (the whole text for a short message)."""
    other_asks: tuple[str, ...] = ()
    """Further questions in the same message."""
    focus: tuple[str, ...] = ()
    """Lexicon concepts the message is about: the ask's first, then the story's."""
    question_type: str | None = None
    """The lexicon question type of the ask, if one fits."""
    other_illness: bool = False
    """The message names an illness other than ours and nothing of our subject."""
    rule: Fired | None = None
    """An intent's trigger that the message sets off (after red flags): it decides the answer."""
    personal: str | None = None
    """The intent for personal questions, when the message is about one person's own case and
    asks for a judgement (see model.PersonalRules)..."""
    personal_intent: str | None = None
    """The knowledge base's intent for personal questions, whether or not this message is one."""
    personal_certain: bool = False
    """...and whether its question type alone makes it personal (their own result, prognosis,
    medicine), rather than only when no answer is confident."""
    matches: tuple[Match, ...] = ()
    """The best intents for the ask, best first."""
    also: tuple[Match, ...] = ()
    """For each further question, its best match if it is a different, confident answer."""
    feeling: bool = False
    """The writer says how they or their person feel ("I'm so scared"): see PersonalRules.feelings."""
    ask_agrees: bool = True
    """The question sentence, read alone, points to the same best answer as the whole message
    (always true for a message that is all question)."""
    subject_focus: tuple[str, ...] = ()
    """The concepts of ``focus`` that an answer may be about in its own right: treatments and
    tests; life matters (work, money) when the message uses a topic word; symptoms when it names
    a cancer (pain alone is any illness's)."""
    treatments: tuple[str, ...] = ()
    """The treatments of ``focus`` (chemotherapy, immunotherapy...)."""
    unanswered: tuple[str, ...] = ()
    """Concepts the question names that the best match does not talk about, not even by a
    broader concept ("ear pain" for an answer about lowering the risk of recurrence)."""
    best_on_topic: float = 0.0
    """The share of the best match's patterns that use a topic word (1.0: every one)."""
    in_context: bool = False
    """The message was read with the subject of earlier turns of a conversation."""
    names_ours: bool = False
    """The message names a cancer, or a treatment or test of ours (a lexicon concept of those
    kinds), even without a topic word: "erectile dysfunction after prostatectomy"."""
    words: int = 0
    """How many words the message has (long messages are judged a little differently)."""
    on_topic: bool = False
    """Whether the message uses one of the vocabulary's topic words."""
    single_word: bool = False
    """The ask is one word (or one term): offered as a suggestion, never answered outright."""
    second_reading: Callable[[], Opinion | None] | None = field(default=None, repr=False, compare=False)
    """The likelihood model's choice for the ask, worked out only if a close call asks."""
    dispute: Callable[[], Opinion | None] | None = field(default=None, repr=False, compare=False)
    """The likelihood model's choice for the text the matches came from (the ask, or the whole
    message when the story decided), which may dispute an answer below the threshold; None: the
    second reading."""

    @property
    def red_flag(self) -> RedFlag | None:
        """The most urgent red flag the message sets off now (not when it only asks about one)."""
        return self.alarm.fired[0] if self.alarm.fired and not self.alarm.asking else None


class Reader:
    """Makes Readings. Built once per Bot from its index; safe to share between threads."""

    def __init__(self, analyzer: Analyzer, screen: RedFlagScreen, rules: TriggerDetector, matcher: Matcher,
                 likelihood: Callable[[], Likelihood], settings: Settings, policy: Policy,
                 personal: PersonalRules = PersonalRules()) -> None:
        self.analyzer = analyzer
        self.personal = personal
        self._own_case = _detector("own_case", personal.own_case, personal)
        self._judgement = _detector("judgement", personal.judgement, personal)
        self._general = _detector("general", personal.general, personal)
        self._feelings = _detector("feelings", personal.feelings, personal)
        self.screen = screen
        self.rules = rules
        self.matcher = matcher
        self._likelihood = likelihood
        self.settings = settings
        self.policy = policy
        fillers = sorted(analyzer.vocabulary.fillers, key=len, reverse=True)
        self._filler = re.compile(
            r"^\s*(?:(?:" + "|".join(re.escape(f) for f in fillers) + r")(?:[\s,.!:;-]*[,.!:;-]\s*|\s*$|\s+(?=(?:"
            + "|".join(sorted(_QUESTION_WORDS)) + r"|i|my)\b)))+", re.IGNORECASE) if fillers else None

    def read(self, message: str, *, context: str = "") -> Reading:
        """Read a message; ``context`` names the subject of earlier turns of a conversation
        (added to the ask as the story's subjects are)."""
        p = self.policy
        text, notice = self._within_limit(message)
        scanned = message[: p.safety_scan_chars]
        if len(message) > p.safety_scan_chars:
            scanned += "\n" + message[-p.tail_chars:]
        meant = self._without_fillers(text)
        whole = self.analyzer.analyse(meant)
        screened = whole if scanned == meant else self.analyzer.analyse(scanned)
        # A message about another illness that names no cancer is not about ours, whatever
        # treatment, test or care words it shares with us ("a scan with radioactive iodine" for a
        # goitre, "PSA" for an enlarged prostate that "is not cancer"); it is another illness's
        # own unless it names a treatment or test of ours ("my epilepsy treatment" is not ours,
        # general health words such as "treatment" or "doctor" notwithstanding).
        another = self._names_another_illness(whole)
        on_topic = self.analyzer.on_topic(whole) and not another
        other_illness = another and not set(whole.concepts) & set(self.personal.about)
        alarm = self.screen.screen(screened.safety_stems, in_context=not other_illness)
        if alarm.asking and other_illness:
            # A past, long-standing or general question about a symptom of another illness is
            # not ours to answer, not even with the red-flag guidance.
            alarm = replace(alarm, fired=())
        language = self._language(whole)
        if alarm.fired and not alarm.asking:
            return Reading(text, notice, alarm, language, other_illness=other_illness, words=len(whole.words),
                           on_topic=on_topic)
        asks, story = self._asks(meant)
        ask = asks[0] if asks else meant
        alone = whole if ask == meant else self.analyzer.analyse(ask)  # the ask read on its own
        analysis = self._with_subjects(ask, alone, whole, context)
        focus = self.analyzer.lexicon.expand([*analysis.concepts, *whole.concepts])
        base = Reading(text, notice, alarm, language, ask, tuple(asks[1:]), focus, analysis.question_type,
                       other_illness, words=len(whole.words), on_topic=on_topic)
        if alarm.fired or language != "en":
            return base
        matches = tuple(self.matcher.rank(analysis, limit=p.ranked))
        ask_agrees = True
        decided_by = analysis  # the text the matches came from
        if ask != meant and story:
            # The question decides a story only when it is a question and the story is about cancer.
            may_decide = _is_question(ask) and bool(self.analyzer.lexicon.kinds(whole.concepts) & CANCER_KINDS)
            asked = matches
            matches = self._prefer_ask(matches, whole, may_decide)
            decided_by = analysis if matches is asked else whole
            ask_agrees = not (_is_question(ask) and self._points_elsewhere(ask, alone))
        # A general answer gives way to the one that covers it for the subject the message names.
        matches = self.matcher.narrowed(matches, whole)
        rule = self.rules.detect(whole.stems) if self.rules and not other_illness else None
        also = self._also(asks[1:], whole, matches)
        second_reading = cache(lambda: self._narrowed(self._likelihood().opinion(analysis), whole))
        # Only the text the matches came from can dispute them: a story's answer is not
        # disputed by what its short question alone resembles ("What happens at those appointments?").
        dispute = (second_reading if decided_by is analysis
                   else cache(lambda: self._narrowed(self._likelihood().opinion(decided_by), whole)))
        personal, certain = self._personal(whole, analysis.question_type)
        named = decided_by.matched_concepts
        unanswered = named if matches and named and not self.matcher.talks_about(
            matches[0].intent, self.analyzer.lexicon.expand(named)) else ()
        return Reading(**{**base.__dict__, "rule": rule, "matches": matches, "also": also, "ask_agrees": ask_agrees,
                          "personal": personal, "personal_certain": certain, "unanswered": unanswered,
                          "best_on_topic": self.matcher.on_topic_share(matches[0].intent) if matches else 0.0,
                          "in_context": bool(context),
                          "subject_focus": self._subject_focus(focus, on_topic),
                          "treatments": tuple(c for c in focus if self.analyzer.lexicon.kind(c) == "treatment"),
                          "names_ours": bool(self.analyzer.lexicon.kinds(focus) & OURS_KINDS),
                          "feeling": bool(self._feelings and self._feelings.detect(whole.stems)),
                          "personal_intent": self.personal.intent or None,
                          "single_word": len(set(analysis.terms)) <= 1, "second_reading": second_reading,
                          "dispute": dispute})

    def _subject_focus(self, focus: tuple[str, ...], on_topic: bool) -> tuple[str, ...]:
        """See Reading.subject_focus. Measured: symptoms and life matters with no more than that
        made "pain in my hip for 15 years" and "can I refuse to sign my new contract" ours."""
        wanted = {"treatment", "test"}
        if on_topic:
            wanted.add("topic")
        if self.analyzer.lexicon.kinds(focus) & CANCER_KINDS:
            wanted.add("symptom")
        return tuple(c for c in focus if self.analyzer.lexicon.kind(c) in wanted)

    def _narrowed(self, opinion: Opinion | None, analysis: Analysis) -> Opinion | None:
        """The second reading's choice, given way to its narrower answer as the matches' is."""
        narrow = self.matcher.narrower(opinion.intent, analysis) if opinion is not None else None
        return replace(opinion, intent=narrow.id) if opinion is not None and narrow is not None else opinion

    def _personal(self, whole: Analysis, question_type: str | None) -> tuple[str | None, bool]:
        """Whether the message asks about one person's own case (and how surely)."""
        if not self._own_case or not self.personal.intent:
            return None, False
        # Only about cancer itself: "on topic" words such as "treatment" or "side effects" are
        # shared with every other illness, and a personal reply to those would be a wrong answer.
        if not set(whole.concepts) & set(self.personal.about) or not self._own_case.detect(whole.stems):
            return None, False
        if question_type in self.personal.question_types and not (self._general and self._general.detect(whole.stems)):
            return self.personal.intent, True
        if self._judgement and self._judgement.detect(whole.stems):
            return self.personal.intent, False
        return None, False

    # -- the parts -----------------------------------------------------------------------------

    def _within_limit(self, message: str) -> tuple[str, str | None]:
        p = self.policy
        if len(message) <= p.max_question_chars:
            return message, None
        head = message[: p.max_question_chars - p.tail_chars].rsplit(None, 1)[0]
        tail = message[-p.tail_chars:].split(None, 1)[-1]
        return f"{head}\n{tail}", self.settings.message("long_message")

    def _names_another_illness(self, analysis: Analysis) -> bool:
        """Whether a text names an illness other than cancer and no cancer itself."""
        kinds = self.analyzer.lexicon.kinds(analysis.concepts)
        return "condition" in kinds and not kinds & CANCER_KINDS

    def _language(self, analysis: Analysis) -> str:
        """English, a language the vocabulary lists marker words for, or "other" when most
        words are neither the knowledge base's nor English."""
        words = [w for w in analysis.words if w.isalpha()]
        if not words:
            return "en"
        for language, markers in self.analyzer.vocabulary.languages.items():
            found = sum(w in markers for w in words)
            if found >= self.policy.language_min_markers and found >= self.policy.language_marker_share * len(words):
                return language
        # Short words say little: many are English and other languages alike ("me", "va", "la").
        longer = [w for w in words if len(w) > 2]
        if len(longer) >= self.policy.language_min_markers + 1:
            english = english_words()
            foreign = frozenset().union(*self.analyzer.vocabulary.languages.values())
            # Words of the Spanish replies are known to the knowledge base, but they are not English.
            known = sum((self.analyzer.knows(w) or w in english) and w not in foreign for w in longer)
            if known < self.policy.language_share * len(longer):
                return "other"
        return "en"

    def _without_fillers(self, text: str) -> str:
        """The message without fillers: a leading "ok." or "so" is dropped from each sentence,
        and a sentence that is only a filler ("Thanks.", "Right.") is dropped altogether."""
        if self._filler is None:
            return text
        kept = []
        for sentence in _SENTENCE.split(text):
            if not normalised_words(self._filler.sub("", sentence + " ", count=1)):
                continue
            kept.append(self._unfill(sentence))
        return " ".join(kept) if kept else text

    def _unfill(self, sentence: str) -> str:
        """The sentence without a leading filler ("ok. what tests..." -> "what tests...")."""
        if self._filler is None:
            return sentence
        rest = self._filler.sub("", sentence, count=1)
        return rest if len(normalised_words(rest)) >= 2 else sentence

    def _asks(self, text: str) -> tuple[list[str], list[str]]:
        """The question sentences (first the main one) and the other sentences of a message."""
        sentences = [self._unfill(s) for s in _SENTENCE.split(text) if normalised_words(s)]
        sentences = [s for s in sentences if normalised_words(s)]
        if len(sentences) < 2 and not _JOINED_QUESTION.search(text):
            return [], []
        asks: list[str] = []
        story: list[str] = []
        # Someone who marks a question with "?" marks them all: then "When it came back they
        # tested the tumour." is part of the story, though it starts with a question word.
        marked = any("?" in sentence for sentence in sentences)
        for sentence in sentences:
            if "?" in sentence if marked else _is_question(sentence):
                asks.extend(part for part in _JOINED_QUESTION.split(sentence) if len(normalised_words(part)) >= 2)
            else:
                story.append(sentence)
        if not asks:
            # No question mark and no question word: the last sentence is usually the ask, but
            # it is as often a "thank you" or a phone number, so it may only confirm (see
            # _prefer_ask).
            return [sentences[-1]], sentences[:-1]
        # A short question ("Is that normal?") points back at the sentence before it.
        main = asks[0]
        if len(normalised_words(main)) < self.policy.short_question_words and story:
            before = [s for s in sentences[: sentences.index(main) if main in sentences else 0]
                      if s in story]
            if before:
                asks[0] = f"{before[-1]} {main}"
        return asks, story

    def _with_subjects(self, ask: str, analysis: Analysis, whole: Analysis, context: str) -> Analysis:
        """The ask (and ``analysis``, its reading on its own) read with the subjects (lung,
        breast...) the rest of the message or the conversation names."""
        subjects = set(self.analyzer.context_terms(whole.terms)) - set(analysis.terms)
        named = [" ".join(" ".join(whole.words[a:b]) for a, b in whole.words_of(subjects))] if subjects else []
        if not analysis.concepts and whole.concepts:
            # "Can I stop it?" after "Letrozole makes my knees ache": the story says what "it" is.
            named.append(" ".join(" ".join(whole.words[a:b]) for a, b in whole.concept_spans))
        if context:
            named.append(context)
        return self.analyzer.analyse(f"{ask} {' '.join(named)}") if named else analysis

    def _prefer_ask(self, asked: tuple[Match, ...], whole: Analysis, may_decide: bool) -> tuple[Match, ...]:
        """The whole message decides, and its question sentence may make the same answer surer,
        or decide when the story drowns it.

        Measured on every labelled set: letting the question sentence always decide costs more
        than it gains, because it so often points back at the story ("The nurse mentioned
        comfort care for Dad. What does that involve?"). It decides only when the whole message
        matches nothing well and the question clearly does (Policy.story_weak, ask_floor,
        ask_lead)."""
        overall = tuple(self.matcher.rank(whole, limit=self.policy.ranked))
        if not asked or not overall:
            return overall or asked
        if overall[0].intent == asked[0].intent:
            return asked if asked[0].confidence > overall[0].confidence else overall
        # A long story about our subject drowns its question: when the whole message matches
        # nothing well and its question sentence clearly does, the question decides.
        p = self.policy
        if (may_decide and overall[0].confidence < p.story_weak and asked[0].confidence >= p.ask_floor
                and asked[0].confidence >= p.ask_lead * overall[0].confidence):
            return asked
        return overall

    def _points_elsewhere(self, ask: str, analysis: Analysis) -> bool:
        """Whether a question sentence (``analysis``: its reading) is about something else than
        our subject ("Who won the football?" after a story about cancer): it names nothing of ours
        and does not point back at the story ("What does that mean?", "What are they for?")."""
        words = normalised_words(ask)
        # Any concept but a person counts as ours here: "How do other carers manage?" asks about
        # the story's caring, "Can I have children after?" does not ask about the story's cancer.
        named = {c for c in analysis.concepts if self.analyzer.lexicon.kind(c) != "person"}
        return (not self.analyzer.on_topic(analysis) and not named
                and not _POINTS_BACK.intersection(words) and not _GENERIC.issuperset(words))

    def _also(self, others: list[str], whole: Analysis, main: tuple[Match, ...]) -> tuple[Match, ...]:
        """For each further question, its best match when it is confident and not the main answer."""
        found: list[Match] = []
        taken = {main[0].intent} if main else set()
        for ask in others[: self.policy.max_also]:
            ranked = self.matcher.rank(self._with_subjects(ask, self.analyzer.analyse(ask), whole, ""), limit=2)
            if ranked and ranked[0].confidence >= self.policy.threshold and ranked[0].intent not in taken:
                found.append(ranked[0])
                taken.add(ranked[0].intent)
        return tuple(found)


def _detector(name: str, texts: tuple[str, ...], rules: PersonalRules) -> TriggerDetector | None:
    if not texts:
        return None
    holder = Intent(id=f"personal_{name}", question="", patterns=(), answer="", triggers=texts,
                    trigger_lines=dict(rules.lines).get(name, ()), path=rules.path, exceptions=rules.exceptions)
    return TriggerDetector([holder], lambda intent: (intent.triggers, intent.trigger_lines))


def _is_question(sentence: str) -> bool:
    """Whether a sentence asks something: it has a question mark or starts with a question word."""
    words = normalised_words(sentence)
    return "?" in sentence or bool(words) and words[0] in _QUESTION_WORDS
