"""The trigger language: rules that fire on words in order, for red flags and other rules.

A trigger is a sequence of words that must appear in that order, with at most ``MAX_GAP`` other
words between neighbours; ``a|b`` gives alternatives for one word, ``{37.5..45}`` stands for any
number in that range ("temperature {37.5..45}|{99.5..110}"), and ``...`` lets the next word stand
up to ``WIDE_GAP`` words further on ("coughing up ... blood" meets "coughing up quite a lot of
bright red blood"). Words are compared as stems after spelling correction and contraction
expansion, so "cant breath", "can't breathe" and "cannot breathing" all meet the trigger
"can not breathe|breath".

``&`` joins parts that must all be found, each anywhere in the message: "i have|found ... lump &
is it ... cancer" meets "I've found a lump under my arm two years after treatment. Is it the
cancer back?", where the two halves are too far apart for ``...``.

An intent with triggers may also list ``exceptions`` in the same syntax: words an exception
matches cannot take part in that intent's triggers ("hay fever" is not a fever during
chemotherapy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Callable, Sequence

from .model import Intent
from .normalise import words as normalised_words
from .stemmer import stem

MAX_GAP = 2
WIDE_GAP = 6
_RANGE = re.compile(r"^\{(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)\}$")

Alternative = tuple[str, ...] | tuple[float, float]
"""Stems that must follow each other, or a (low, high) number range."""
_WIDE: tuple[Alternative, ...] = (("...",),)
"""The step ``...`` compiles to: the next word may be up to WIDE_GAP words on."""


Steps = tuple[tuple[Alternative, ...], ...]
"""A compiled sequence: for each position, the alternatives that may stand there."""


@dataclass(frozen=True)
class Trigger:
    """One compiled trigger: its first part, which the detector looks for word by word, and
    the parts after ``&``, which must also be found somewhere in the message."""

    intent: Intent
    text: str
    steps: Steps
    line: int
    also: tuple[Steps, ...] = ()


@dataclass(frozen=True)
class Fired:
    """A trigger that fired: which intent, and the trigger text (for /why and logs)."""

    intent: Intent
    trigger: str
    line: int


def compile_trigger(text: str) -> Steps:
    """Turn "can not breathe|breath" into [[(can,)], [(not,)], [(breath,), (breath,)]].

    An alternative that reads as several words ("couldnt" -> "could not") must match them all.

    >>> compile_trigger("couldnt breathe|breath")
    ((('could', 'not'),), (('breath',),))
    >>> compile_trigger("temp {37.5..45}")
    ((('temp',),), ((37.5, 45.0),))
    >>> compile_trigger("cough ... blood")
    ((('cough',),), (('...',),), (('blood',),))
    """
    steps: list[tuple[Alternative, ...]] = []
    for word in text.split():
        if word == "...":
            if steps and steps[-1] != _WIDE:
                steps.append(_WIDE)
            continue
        options: list[Alternative] = []
        for alternative in word.split("|"):
            number_range = _RANGE.match(alternative)
            if number_range:
                option: Alternative = (float(number_range.group(1)), float(number_range.group(2)))
            else:
                option = tuple(stem(w) for w in normalised_words(alternative))
            if option and option not in options:
                options.append(option)
        if options:
            steps.append(tuple(options))
    while steps and steps[-1] == _WIDE:
        steps.pop()
    return tuple(steps)


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def _length_at(option: Alternative, stems: tuple[str, ...], position: int) -> int:
    """How many stems the option covers at this position (0 if it does not match there)."""
    if option and isinstance(option[0], float):
        value = _number(stems[position])
        low, high = option  # type: ignore[misc]
        return 1 if value is not None and low <= value <= high else 0
    size = len(option)
    return size if stems[position : position + size] == option else 0


class TriggerDetector:
    """Finds the first trigger that fires in a message (rules in knowledge-base order).

    ``triggers_of`` gives an intent's trigger texts and their lines, or nothing for an intent
    without triggers.
    """

    def __init__(self, intents: Sequence[Intent],
                 triggers_of: Callable[[Intent], tuple[Sequence[str], Sequence[int]]]) -> None:
        self.triggers: list[Trigger] = []
        self._exceptions: dict[str, list[Steps]] = {}
        self._exception_texts: list[str] = []
        for intent in intents:
            texts, lines = triggers_of(intent)
            if not texts:
                continue
            self._exception_texts += intent.exceptions
            self._exceptions[intent.id] = [s for s in map(compile_trigger, intent.exceptions) if s]
            lines = lines or (intent.line,) * len(texts)
            for text, line in zip(texts, lines):
                parts = [compile_trigger(part) for part in text.split("&")]
                if all(parts):
                    self.triggers.append(Trigger(intent, text, parts[0], line, tuple(parts[1:])))
        # Index by first word so a long message costs one lookup per word, not per trigger.
        self._by_first: dict[str, list[int]] = {}
        self._number_first: list[int] = []
        for index, trigger in enumerate(self.triggers):
            for option in trigger.steps[0]:
                if isinstance(option[0], float):
                    self._number_first.append(index)
                else:
                    self._by_first.setdefault(option[0], []).append(index)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self.triggers)

    def words(self) -> set[str]:
        """Trigger and exception words, so spelling correction can recognise misspellings of
        them and leaves them alone ("a fit of laughter" must not become "a fit of daughter")."""
        texts = [t.text for t in self.triggers] + self._exception_texts
        return {w for text in texts for word in text.split() for a in word.split("|")
                if not _RANGE.match(a) for w in normalised_words(a)}

    def detect(self, stems: tuple[str, ...]) -> Fired | None:
        best: tuple[int, int] | None = None  # (trigger order, position): earliest rule wins
        masked: dict[str, tuple[str, ...]] = {}  # per intent, only once one of its triggers is tried
        for position, token in enumerate(stems):
            starting = self._by_first.get(token, [])
            if self._number_first and _number(token) is not None:
                starting = starting + self._number_first
            for index in starting:
                if best is not None and index >= best[0]:
                    continue
                trigger = self.triggers[index]
                intent_id = trigger.intent.id
                if intent_id not in masked:
                    masked[intent_id] = _masked(self._exceptions.get(intent_id, []), stems)
                sequence = masked[intent_id]
                if _matches_from(trigger.steps, sequence, position) and all(
                        _found(part, sequence) for part in trigger.also):
                    best = (index, position)
        if best is None:
            return None
        trigger = self.triggers[best[0]]
        return Fired(trigger.intent, trigger.text, trigger.line)


def _masked(exceptions: list[Steps], stems: tuple[str, ...]) -> tuple[str, ...]:
    """The stems with every word an exception matches blanked out."""
    if not exceptions:
        return stems
    blanked = list(stems)
    for steps in exceptions:
        for start in range(len(stems)):
            end = _match_end(steps, stems, start)
            if end is not None:
                blanked[start:end] = [""] * (end - start)
    return tuple(blanked)


def _found(steps: Steps, stems: tuple[str, ...]) -> bool:
    """Whether the steps match anywhere in the stems."""
    return any(_match_end(steps, stems, start) is not None for start in range(len(stems)))


def _matches_from(steps: Steps, stems: tuple[str, ...], start: int) -> bool:
    return _match_end(steps, stems, start) is not None


def _match_end(steps: Steps, stems: tuple[str, ...], start: int) -> int | None:
    """Where the trigger's match ends if it matches with its first word at ``start``, each next
    word within MAX_GAP words of the previous one (WIDE_GAP after ``...``); None if it does not
    match there."""

    def search(step: int, position: int, first: bool, gap: int = MAX_GAP) -> int | None:
        if step == len(steps):
            return position
        if steps[step] == _WIDE:
            return search(step + 1, position, False, WIDE_GAP)
        stop = position + 1 if first else position + gap + 1
        for at in range(position, min(stop, len(stems))):
            for option in steps[step]:
                size = _length_at(option, stems, at)
                if size:
                    end = search(step + 1, at + size, False)
                    if end is not None:
                        return end
        return None

    return search(0, start, True)
