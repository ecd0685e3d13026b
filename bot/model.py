"""The values that cross module borders: intents, matches and replies. All immutable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

ReplyKind = Literal["answer", "clarify", "fallback", "emergency"]
IntentType = Literal["content", "conversation", "red_flag", "out_of_scope"]


@dataclass(frozen=True)
class Source:
    """A reference an answer is based on."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class Intent:
    """One curated question: the ways people ask it and the answer they get.

    ``type`` is ``content`` (a sourced FAQ answer), ``conversation`` (greetings, help),
    ``red_flag`` (its patterns are safety triggers, checked before matching) or
    ``out_of_scope`` (its patterns are look-alike questions to decline; its answer is the
    polite "that is not something I can help with").
    """

    id: str
    question: str
    patterns: tuple[str, ...]
    answer: str
    sources: tuple[Source, ...] = ()
    reviewed: dt.date | None = None
    type: IntentType = "content"
    topic: str = ""
    related: tuple[str, ...] = ()
    path: str = ""
    line: int = 0
    pattern_lines: tuple[int, ...] = field(default=(), repr=False, compare=False)
    exceptions: tuple[str, ...] = ()
    """For triggers: phrases that look like a trigger but are not one ("hay fever")."""
    triggers: tuple[str, ...] = ()
    """Rules in the red-flag trigger language that always reach this intent, checked after the
    red flags and before matching ("can|should i stop|skip ... dose|tablets" for personal advice)."""
    trigger_lines: tuple[int, ...] = field(default=(), repr=False, compare=False)
    about: tuple[str, ...] = ()
    """Lexicon concepts this intent answers about (``hormone_therapy``, ``lung``); matching counts
    them like words every pattern uses, so a question naming the concept finds the intent."""
    asks: str | None = None
    """The lexicon question type this intent answers (``side_effects``, ``what_is``)."""
    covers: tuple[str, ...] = ()
    """General intents this one answers for its own subject (its ``about``): when one of them is
    the best match for a message that names the subject ("can melanoma come back?" matched by
    recurrence_chances), this narrower answer is given in its place."""
    answer_for: tuple[tuple[str, str], ...] = ()
    """(question type, answer) pairs: a different wording of the answer for a kind of question
    ("how long have I got" gets personal_advice's words about prognosis, not about doses)."""
    urgency: int = 0
    """Red flags: the order several categories are given in, most urgent (lowest) first."""
    first_action: str = ""
    """Red flags: the one line that says what to do now; it opens the reply, and a message with
    several red flags gets each category's first action, most urgent first."""
    asking: str = ""
    """Red flags: the category's guidance worded as information, for a question about the
    symptom in general ("what should I do if I get a fever during chemo?")."""
    language: str = "en"
    """The language the intent's triggers and answer are written in."""
    requires_topic: bool = False
    """Red flags: fire only in a message about the knowledge base's subject (it uses a topic
    word) or about no other illness: "fever" in a question about malaria is not ours to answer
    with the cancer team's 24-hour line."""

    def answer_to(self, question_type: str | None) -> str:
        """The answer worded for this kind of question, if the intent has one, else ``answer``."""
        return dict(self.answer_for).get(question_type or "", self.answer)


@dataclass(frozen=True)
class Suggestion:
    """A question the user may have meant, offered on clarify and fallback."""

    intent: str
    question: str
    confidence: float


@dataclass(frozen=True)
class Match:
    """Why an intent was considered: its score and the pattern that matched best."""

    intent: str
    confidence: float
    pattern: str
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Reply:
    """What the bot says to one message, with enough detail to explain the decision.

    ``kind`` is ``answer``, ``clarify``, ``fallback`` or ``emergency``; ``intent`` is the
    answered intent's id (``None`` for clarify and fallback; for an emergency, the most urgent
    red-flag category, such as ``emergency_fever``); ``confidence`` is the best candidate's score
    in 0..1; ``text`` is what to show; ``suggestions`` are numbered options (after a clarify or
    fallback, a personal question, or a second question in one message); ``sources`` are the
    answer's references; ``matches`` are the top candidates, best first, with the pattern, file
    and line that matched; ``notice`` is a short note to show before the reply ("Your message was
    long..."), or None; ``question`` is the message as the bot read it; ``reason`` says why an
    answer was given despite a low score or a close runner-up, or why a confident candidate was
    not answered; ``red_flags`` lists, for an emergency, every category the message set off, most
    urgent first; ``focus`` are the lexicon concepts the message was read as being about and
    ``question_type`` the kind of question it asks; ``related`` are an answer's "You might also
    ask" questions.

    >>> Reply(kind="answer", text="...", intent="what_is_recurrence").kind
    'answer'
    """

    kind: ReplyKind
    text: str
    intent: str | None = None
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    sources: tuple[Source, ...] = ()
    matches: tuple[Match, ...] = ()
    notice: str | None = None
    """A short note to show before the reply ("Your message was long, so..."), or None."""
    question: str = ""
    """The message this reply answers, as the bot read it."""
    reason: str = ""
    """Why an answer was given despite a low score or a close runner-up, or why a confident
    candidate was not answered, if that was the case."""
    red_flags: tuple[str, ...] = ()
    """For an emergency reply: every red-flag category the message set off, most urgent first
    (``intent`` is the first of them)."""
    focus: tuple[str, ...] = ()
    """The lexicon concepts the message was read as being about (its question first)."""
    question_type: str | None = None
    """The kind of question the message was read as asking (``side_effects``, ``prognosis``...)."""
    related: tuple[Suggestion, ...] = ()
    """For an answer: related questions ("You might also ask"), which a conversation lets the
    person pick by number when the reply offers no other options."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the reply.

        >>> Reply(kind="fallback", text="I'm not sure.").to_dict()["kind"]
        'fallback'
        """
        return {
            "kind": self.kind,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "text": self.text,
            "suggestions": [
                {"intent": s.intent, "question": s.question, "confidence": round(s.confidence, 4)}
                for s in self.suggestions
            ],
            "sources": [{"url": s.url, "title": s.title} for s in self.sources],
            "related": [{"intent": s.intent, "question": s.question} for s in self.related],
            "notice": self.notice,
            "reason": self.reason,
            "red_flags": list(self.red_flags),
            "focus": list(self.focus),
            "question_type": self.question_type,
        }


@dataclass(frozen=True)
class SafetyRules:
    """How the red-flag screen tells a symptom happening now from a question about one, in the
    trigger language (``safety:`` in a knowledge-base file).

    ``asking``: a general or past question ("what should I do if I get a fever", "I had a clot
    three years ago"); ``now``: it is happening now, which wins over ``asking`` (when it is unclear,
    a red flag is treated as now); ``help_coming``: help is already on the way ("the ambulance is
    coming"): those words set off no red flag, and the reply says so in one line.
    """

    asking: tuple[str, ...] = ()
    now: tuple[str, ...] = ()
    help_coming: tuple[str, ...] = ()
    path: str = ""
    lines: tuple[tuple[str, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class PersonalRules:
    """How the engine tells a question about one person's own case (``personal:`` in a
    knowledge-base file), in the trigger language.

    ``own_case``: the message is about one person's own situation ("my PSA is 0.43", "she is 47 and
    on Gleevec", "I was diagnosed with..."); ``judgement``: it asks for a judgement only their own
    team can give ("what should we do", "is that normal for him", "please advise"). A message about
    our subject with both, or with a question type listed in ``question_types`` (their own
    result, prognosis, medicine), gets ``intent``'s answer with the matching general answers as
    numbered options; with ``judgement`` alone it does so only when no answer is confident.
    """

    intent: str = ""
    about: tuple[str, ...] = ()
    """The lexicon concepts a personal question must be about (narrower ones count too)."""
    own_case: tuple[str, ...] = ()
    judgement: tuple[str, ...] = ()
    question_types: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    """Look-alikes that are not one's own case ("I've never had cancer"): their words are masked."""
    general: tuple[str, ...] = ()
    """Words that ask in general even about one's own result ("what does a rising marker usually
    mean"): the question is then personal only when nothing else answers it."""
    feelings: tuple[str, ...] = ()
    """The writer says how they (or their person) feel: "I'm so scared", "we are devastated". A
    reply that is not already about those feelings starts with the ``feelings`` message."""
    feelings_answered_by: tuple[str, ...] = ()
    """Intents whose answers already speak to feelings (fear, low mood, grief): they need no
    acknowledgement first."""
    path: str = ""
    lines: tuple[tuple[str, tuple[int, ...]], ...] = ()
