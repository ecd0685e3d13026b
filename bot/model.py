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
    answered intent's id (``None`` for clarify and fallback); ``confidence`` is the best
    candidate's score in 0..1; ``matches`` are the top candidates, best first.
    """

    kind: ReplyKind
    text: str
    intent: str | None = None
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    sources: tuple[Source, ...] = ()
    matches: tuple[Match, ...] = ()
    notice: str | None = None
    question: str = ""
    reason: str = ""
    """Why an answer was given despite a low score or a close runner-up, if that was the case."""

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
            "notice": self.notice,
            "reason": self.reason,
        }
