"""A conversation: the memory a chat needs between messages.

- After a clarify or fallback with options, "1", "2"... picks one; "yes" accepts a single
  "Did you mean ...?"; "no" asks the user to rephrase.
- A short follow-up keeps the subject of the last answer: after a lung cancer answer, "how is it
  treated?" is read as being about lung cancer, and "what about breast cancer?" re-asks the last
  question about breast cancer. Subjects are the vocabulary's ``context`` terms.
Red flags are checked on every message first, whatever the state.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .analysis import Analysis
from .decide import answer, fallback
from .model import Reply, Suggestion
from .normalise import normalise

if TYPE_CHECKING:
    from .engine import Assessment, Bot

FOLLOW_UP_MAX_WORDS = 7
SUBJECT_RACE = 0.1
"""How far behind the best answer one about the conversation's subject may be and still win."""
_YES = {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "correct", "right",
        "that is right", "that one", "please"}
_NO = {"no", "n", "nope", "no thanks", "not really", "neither", "none", "none of them"}
_CHOICE = re.compile(r"^(?:option |number |no |#)?(\d{1,2})$")


class Conversation:
    """One user's chat with a Bot. Not shared between users; cheap to create.

    >>> from bot import Bot
    >>> conv = Bot.load().conversation()
    >>> conv.ask("why did my lung cancer come back?").intent
    'lung_recurrence_after_surgery'
    """

    def __init__(self, bot: "Bot") -> None:
        self.bot = bot
        self.last: Reply | None = None
        self._options: tuple[Suggestion, ...] = ()
        self._subject: tuple[str, ...] = ()        # context terms of the last answered question
        self._subject_words: str = ""              # ...as the user wrote them
        self._last_question: str = ""
        self._last_answer: Reply | None = None     # the last content answer

    def reset(self) -> None:
        """Forget everything said so far."""
        self.__init__(self.bot)  # type: ignore[misc]

    def ask(self, message: str) -> Reply:
        """Answer a message in the context of this conversation."""
        reply = self._reply(message)
        self._remember(reply)
        return reply

    def _reply(self, message: str) -> Reply:
        if not isinstance(message, str):
            message = str(message)
        plain = normalise(message[:200])
        if self._options and self.bot.red_flag(message) is None:
            chosen = self._choice(plain)
            if chosen is not None:
                return chosen
        elif _CHOICE.match(plain):
            reply = fallback((), self.bot.settings, question=plain)
            return replace(reply, text="There are no numbered options to choose from right now. "
                           "Please ask your question in words.")
        original = self.bot.assess(message)
        reply = self.bot.reply(original)
        if reply.kind == "emergency":
            return reply
        # A message that restates one of the patterns exactly means that intent, whatever the
        # conversation was about ("what is adjuvant therapy" after a lung question).
        exact = reply.kind == "answer" and reply.confidence >= 1.0
        rewritten = self._with_subject(message) if self._subject and not exact else None
        if rewritten is not None:
            contextual, subject = rewritten
            assessment = self._as_written(self.bot.assess(contextual), original)
            candidate = self._subject_answer(assessment) or self.bot.reply(assessment)
            if candidate.kind == "answer" and (reply.kind != "answer" or candidate.confidence > reply.confidence
                                               or self._about_subject(candidate.intent)):
                return replace(candidate, question=message,
                               notice=_join(reply.notice, f"(Taking this as a question about {subject}.)"))
        if (reply.kind != "answer" and self._last_answer is not None
                and self._is_follow_up(self.bot.analyzer.analyse(message))):
            # "How would I go about finding one?" after a clinical trials answer: read it with the
            # last question's most telling words, and accept only a different answer.
            joined = self.bot.assess(f"{message} {self._key_words(self._last_answer.question)}")
            candidate = self.bot.reply(self._as_written(joined, original))
            if candidate.kind == "answer" and candidate.intent != self._last_answer.intent:
                return replace(candidate, question=message,
                               notice=_join(reply.notice, "(Reading this together with your last question.)"))
        return reply

    @staticmethod
    def _as_written(rewritten: Assessment, original: Assessment) -> Assessment:
        """A rewritten message judged by what the user wrote: its length and whether it named
        the topic are theirs, not the rewriting's."""
        return replace(rewritten, words=original.words, on_topic=original.on_topic)

    def _subject_answer(self, assessment: Assessment) -> Reply | None:
        """In a conversation about a subject, an answer about that subject wins a close race
        against a general one ("what signs should I look for?" after throat cancer)."""
        ranked = assessment.matches
        if assessment.red_flag is not None or assessment.rule is not None or not ranked:
            return None
        top = ranked[0].confidence
        for match in ranked:
            if top - match.confidence > SUBJECT_RACE or match.confidence < self.bot.policy.threshold:
                break
            if self._about_subject(match.intent):
                intent = self.bot.intent(match.intent)
                assert intent is not None
                return answer(intent, match.confidence, ranked, assessment.text)
        return None

    def _key_words(self, question: str, keep: int = 3) -> str:
        """The most informative words of a question (highest weight first), in their order."""
        analysis = self.bot.analyzer.analyse(question)
        weights = [(self.bot.matcher.idf.get(term, 0.0), i) for i, term in enumerate(analysis.terms)]
        chosen = sorted(i for _, i in sorted(weights, reverse=True)[:keep])
        return " ".join(" ".join(analysis.words[slice(*analysis.spans[i])]) for i in chosen)

    def _is_follow_up(self, analysis: Analysis) -> bool:
        return (0 < len(analysis.words) <= FOLLOW_UP_MAX_WORDS
                and any(term in self.bot.matcher.idf for term in analysis.terms))

    def _about_subject(self, intent_id: str | None) -> bool:
        return bool(intent_id) and bool(self.bot.matcher.subjects(intent_id) & set(self._subject))

    def _choice(self, plain: str) -> Reply | None:
        number = _CHOICE.match(plain)
        picked: Suggestion | None = None
        if number:
            index = int(number.group(1)) - 1
            if 0 <= index < len(self._options):
                picked = self._options[index]
            else:
                return replace(self.last, notice=f"Please choose a number from 1 to {len(self._options)}.") \
                    if self.last else None
        elif plain in _YES:
            if len(self._options) == 1:
                picked = self._options[0]
            elif self.last is not None:
                return replace(self.last, notice="Please type the number of the question you mean.")
        elif plain in _NO:
            reply = fallback((), self.bot.settings, question=plain)
            return replace(reply, text="Sorry I got that wrong. Could you ask it in other words?\n"
                           + reply.text.split("\n", 1)[-1])
        if picked is None:
            return None
        intent = self.bot.intent(picked.intent)
        assert intent is not None
        return answer(intent, picked.confidence, question=picked.question)

    def _with_subject(self, message: str) -> tuple[str, str] | None:
        """If the message looks like a follow-up: the message rewritten with a subject, and
        that subject in the user's words."""
        analysis = self.bot.analyzer.analyse(message)
        if not self._is_follow_up(analysis):
            return None  # long, or nothing the knowledge base knows: no subject can help
        subjects = self.bot.analyzer.context_terms(analysis.terms)
        if not subjects:
            return f"{message} {self._subject_words}", self._subject_words
        if set(subjects) == set(self._subject):
            return None
        # A new subject in a short message ("what about breast cancer?"): ask the last
        # question again about it, without the old subject's words.
        old = self.bot.analyzer.analyse(self._last_question)
        dropped = {i for start, end in old.words_of(set(self._subject)) for i in range(start, end)}
        kept = [w for i, w in enumerate(old.words) if i not in dropped]
        named = " ".join(" ".join(analysis.words[a:b]) for a, b in analysis.words_of(set(subjects)))
        return f"{' '.join(kept)} {message}", named

    def _remember(self, reply: Reply) -> None:
        self.last = reply
        if reply.kind in ("clarify", "fallback"):
            self._options = reply.suggestions
            return
        self._options = ()
        if reply.kind != "answer" or reply.intent is None:
            return
        intent = self.bot.intent(reply.intent)
        if intent is None or intent.type != "content":
            return
        self._last_answer = reply
        asked = reply.question
        analysis = self.bot.analyzer.analyse(asked)
        subjects = self.bot.analyzer.context_terms(analysis.terms)
        if not subjects:
            # The question named no subject; the answered intent's own question may.
            asked = intent.question
            analysis = self.bot.analyzer.analyse(asked)
            subjects = self.bot.analyzer.context_terms(analysis.terms)
        if subjects:
            self._subject = subjects
            spans = analysis.words_of(set(subjects))
            self._subject_words = " ".join(" ".join(analysis.words[a:b]) for a, b in spans)
            self._last_question = asked


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second
