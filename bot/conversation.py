"""A conversation: the memory a chat needs between messages.

- When the last reply offered numbered options (after "did you mean", a personal question, a
  second question in one message, or an answer's "You might also ask"), "1", "two", "the last
  one"... picks one; "yes" accepts a single "Did you mean ...?"; "no" asks the person to rephrase.
- A short follow-up keeps the subject of the last answer: after a lung cancer answer, "how is it
  treated?" is read as being about lung cancer, and "what about breast cancer?" re-asks the last
  question about breast cancer. The subject only breaks ties: it never overrides a clearly better
  answer to the new message, and it fades after a turn about something else. Subjects are the
  vocabulary's ``context`` terms.
Red flags are checked on every message first, whatever the state.

A conversation uses only the public face of a Bot (read, reply, intent, message and the subject
helpers below), so any object with those methods can stand behind it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

from .decide import answer
from .model import Intent, Reply, Suggestion
from .normalise import normalise
from .policy import Policy
from .reading import Reading


class Answerer(Protocol):
    """What a conversation needs of the engine (``Bot`` is one)."""

    policy: Policy

    def read(self, message: str, *, context: str = "") -> Reading: ...
    def reply(self, reading: Reading) -> Reply: ...
    def intent(self, intent_id: str) -> Intent | None: ...
    def message(self, name: str, **extra: str | int) -> str: ...
    def subjects(self, intent_id: str) -> frozenset[str]: ...
    def subjects_named(self, text: str) -> tuple[tuple[str, ...], str]: ...
    def key_words(self, text: str, keep: int = 3) -> str: ...
    def without_subjects(self, text: str) -> str: ...


_YES = {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "correct", "right",
        "that is right", "that one", "please"}
_NO = {"no", "n", "nope", "no thanks", "not really", "neither", "none", "none of them"}
_NUMBER_WORDS = {w: n for n, words in enumerate(
    [("one", "first", "1st"), ("two", "second", "2nd"), ("three", "third", "3rd"), ("four", "fourth", "4th"),
     ("five", "fifth", "5th"), ("six", "sixth", "6th"), ("seven", "seventh", "7th"),
     ("eight", "eighth", "8th"), ("nine", "ninth", "9th"), ("ten", "tenth", "10th")], 1) for w in words}
# The words of a message that only names a new subject and asks the last question again about
# it: "what about lung cancer?", "is it the same for lung?", "and for breast?".
_RE_ASK_WORDS = {"what", "whats", "about", "how", "and", "is", "it", "that", "this", "the", "same", "for", "with",
                 "in", "of", "too", "also", "then", "so", "cancer", "cancers", "tumour", "tumor", "one", "ones", "a",
                 "an", "if", "i", "had", "have", "has", "my", "his", "her", "does", "do", "work", "go", "true"}
_CHOICE = re.compile(r"^(?:(?:i want|i mean|i meant|give me|show me|read|please|the|option|number|no|#)\s+)*"
                     r"(\d{1,2}|[a-z]+|last)(?:\s+(?:one|please|question|option))*$")


class Conversation:
    """One person's chat with a Bot. Not shared between people; cheap to create.

    >>> from bot import Bot
    >>> conv = Bot.load().conversation()
    >>> conv.ask("why did my lung cancer come back?").intent
    'lung_recurrence_after_surgery'
    """

    def __init__(self, bot: Answerer) -> None:
        self.bot = bot
        self.last: Reply | None = None
        self._options: tuple[Suggestion, ...] = ()
        self._subject: tuple[str, ...] = ()        # context terms of the last answered question
        self._subject_words: str = ""              # ...as the person wrote them
        self._subject_age: int = 0                 # turns about something else since
        self._last_question: str = ""
        self._last_answer: Reply | None = None     # the last content answer

    def reset(self) -> None:
        """Forget everything said so far."""
        self.__init__(self.bot)  # type: ignore[misc]

    def ask(self, message: str) -> Reply:
        """Answer a message in the context of this conversation. Raises TypeError for anything
        but text."""
        if not isinstance(message, str):
            raise TypeError(f"a message must be text (str), not {type(message).__name__}")
        reply = self._reply(message)
        self._remember(reply)
        return reply

    def _reply(self, message: str) -> Reply:
        reading = self.bot.read(message)
        if reading.red_flag is not None:
            return self.bot.reply(reading)
        plain = normalise(message[:200])
        if self._options:
            chosen = self._choice(plain)
            if chosen is not None:
                return chosen
        elif _number(plain) is not None and plain.split()[-1].isdigit():
            return Reply(kind="fallback", text=self.bot.message("no_options"), question=plain)
        reply = self.bot.reply(reading)
        if reply.kind == "emergency" or plain in _YES or plain in _NO:
            return reply
        # A message that restates one of the patterns exactly means that intent, whatever the
        # conversation was about ("what is adjuvant therapy" after a lung question).
        exact = reply.kind == "answer" and reply.confidence >= 1.0
        if self._subject and not exact and reading.rule is None and self._is_follow_up(reading):
            contextual = self._with_subject(message, reading)
            if contextual is not None:
                candidate, subject, re_ask = contextual
                if (re_ask and candidate.kind == "answer") or self._better_with_subject(reply, candidate):
                    return replace(candidate, question=message,
                                   notice=_join(reply.notice, self.bot.message("subject_notice", subject=subject)))
        if reply.kind != "answer" and self._last_answer is not None and self._is_follow_up(reading):
            # "How would I go about finding one?" after a clinical trials answer: read it with the
            # last question's most telling words, and accept only a different answer.
            joined = self.bot.read(message, context=self.bot.key_words(self._last_answer.question))
            candidate = self.bot.reply(replace(joined, words=reading.words, on_topic=reading.on_topic))
            if candidate.kind == "answer" and candidate.intent != self._last_answer.intent:
                return replace(candidate, question=message,
                               notice=_join(reply.notice, self.bot.message("follow_up_notice")))
        return reply

    def _better_with_subject(self, reply: Reply, candidate: Reply) -> bool:
        """The subject breaks ties: the answer about it wins only when the message alone is not
        answered, or when it is as good as the message's own answer, give or take a little."""
        if candidate.kind != "answer":
            return False
        if reply.kind != "answer":
            return True
        if candidate.intent == reply.intent:
            return False
        return (self._about_subject(candidate.intent) and not self._about_subject(reply.intent)
                and candidate.confidence >= reply.confidence - self.bot.policy.subject_race)

    def _is_follow_up(self, reading: Reading) -> bool:
        return 0 < reading.words <= self.bot.policy.follow_up_max_words and bool(reading.matches)

    def _about_subject(self, intent_id: str | None) -> bool:
        return bool(intent_id) and bool(self.bot.subjects(intent_id or "") & set(self._subject))

    def _with_subject(self, message: str, reading: Reading) -> tuple[Reply, str, bool] | None:
        """The reply to a follow-up read with the conversation's subject, that subject in the
        person's words, and whether the message only re-asks. A new subject in a short message
        ("what about breast cancer?") asks the last question again about it; when the message
        says nothing else ("is it the same for lung?"), that re-asked answer is the one meant."""
        subjects, named = self.bot.subjects_named(message)
        if not subjects:
            rewritten = self.bot.read(message, context=self._subject_words)
            return self.bot.reply(replace(rewritten, words=reading.words, on_topic=reading.on_topic)), \
                self._subject_words, False
        if set(subjects) == set(self._subject):
            return None
        re_ask = set(normalise(self.bot.without_subjects(message)).split()) <= _RE_ASK_WORDS
        again = self.bot.read(f"{self.bot.without_subjects(self._last_question)} {named if re_ask else message}")
        return self.bot.reply(replace(again, words=reading.words, on_topic=reading.on_topic)), named, re_ask

    def _choice(self, plain: str) -> Reply | None:
        picked: Suggestion | None = None
        number = _number(plain)
        if number is not None:
            index = len(self._options) - 1 if number == -1 else number - 1
            if 0 <= index < len(self._options):
                picked = self._options[index]
            elif plain.split()[-1].isdigit() or len(plain.split()) <= 2:
                shown = self.last or Reply(kind="fallback", text="")
                return replace(shown, notice=self.bot.message("choose_number", count=len(self._options)))
        elif plain in _YES:
            if len(self._options) == 1:
                picked = self._options[0]
            elif self.last is not None and self.last.kind in ("clarify", "fallback"):
                return replace(self.last, notice=self.bot.message("pick_number"))
            else:
                return None
        elif plain in _NO:
            if self.last is None or self.last.kind not in ("clarify", "fallback"):
                return None
            return Reply(kind="fallback", text=self.bot.message("rephrase"), question=plain)
        if picked is None:
            return None
        intent = self.bot.intent(picked.intent)
        if intent is None:
            return None
        return answer(intent, picked.confidence, question=picked.question)

    def _remember(self, reply: Reply) -> None:
        self.last = reply
        if reply.kind in ("clarify", "fallback"):
            self._options = reply.suggestions
            return
        self._options = reply.suggestions or reply.related
        if reply.kind != "answer" or reply.intent is None:
            return
        intent = self.bot.intent(reply.intent)
        if intent is None or intent.type != "content":
            return
        self._last_answer = reply
        asked = reply.question
        subjects, named = self.bot.subjects_named(asked)
        if not subjects:
            # The question named no subject; the answered intent's own question may.
            asked = intent.question
            subjects, named = self.bot.subjects_named(asked)
            if subjects and set(subjects) == set(self._subject):
                named = self._subject_words  # the same subject keeps the person's word for it
        if subjects:
            self._subject, self._subject_words, self._subject_age = subjects, named, 0
            self._last_question = asked
        elif self._subject and not self._about_subject(intent.id):
            self._subject_age += 1
            if self._subject_age > self.bot.policy.subject_turns:
                self._subject, self._subject_words = (), ""


def _number(plain: str) -> int | None:
    """The option a message picks: 2 for "2", "two", "the second one", "number 2"; -1 for "the
    last one"; None if it picks none."""
    found = _CHOICE.match(plain)
    if not found:
        return None
    word = found.group(1)
    if word.isdigit():
        return int(word)
    if word == "last":
        return -1
    return _NUMBER_WORDS.get(word)


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second
