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

Matching takes bounded time whatever a trigger says: each state of the search (step,
position) is tried at most once, so a trigger costs at most its steps times the message's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .model import Intent
from .normalise import words as normalised_words
from .stemmer import stem

MAX_GAP = 2
WIDE_GAP = 6
MAX_TRIGGER_WORDS = 40
"""Longer triggers are refused when the knowledge base loads (the longest shipped has 10)."""
MAX_TRIGGER_CHARS = 1000
"""The same in characters: every alternative of a step is tried at every word."""
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
    needs: tuple[frozenset[str], ...] = ()
    """For each word step of every part, the words one of which must be in the message: a
    quick test that rules out most triggers before any search."""


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
    """Finds the triggers that fire in a message (rules in knowledge-base order).

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
                if all(parts):  # `check` reports a part that compiles to nothing
                    needs = tuple(need for part in parts for need in _needs(part))
                    self.triggers.append(Trigger(intent, text, parts[0], line, tuple(parts[1:]), needs))
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
        """The first trigger in knowledge-base order that fires in the message, or None."""
        return next(self._firing(stems), None)

    def detect_all(self, stems: tuple[str, ...]) -> list[Fired]:
        """Every intent whose triggers fire in the message, once each with its earliest-listed
        trigger that fires, in knowledge-base order."""
        fired: dict[str, Fired] = {}
        for found in self._firing(stems):
            fired.setdefault(found.intent.id, found)
        return list(fired.values())

    def _firing(self, stems: tuple[str, ...]) -> Iterator[Fired]:
        """The triggers that fire, in knowledge-base order (each intent's in the order listed),
        worked out lazily so that ``detect`` stops at the first."""
        starts: dict[int, list[int]] = {}  # trigger -> positions where its first word stands
        for position, token in enumerate(stems):
            for index in self._by_first.get(token, ()):
                starts.setdefault(index, []).append(position)
            if self._number_first and _number(token) is not None:
                for index in self._number_first:
                    starts.setdefault(index, []).append(position)
        masked: dict[str, tuple[str, ...]] = {}  # per intent, only once one of its triggers is tried
        present = frozenset(stems)
        for index in sorted(starts):
            trigger = self.triggers[index]
            if not all(need & present for need in trigger.needs):
                continue
            intent_id = trigger.intent.id
            if intent_id not in masked:
                masked[intent_id] = _masked(self._exceptions.get(intent_id, []), stems)
            sequence = masked[intent_id]
            search = _Search(trigger.steps, sequence)
            if (any(search.end(position) is not None for position in starts[index])
                    and all(_found(part, sequence) for part in trigger.also)):
                yield Fired(trigger.intent, trigger.text, trigger.line)


def _needs(steps: Steps) -> list[frozenset[str]]:
    """For each step of words (not a number range), the first words of its alternatives."""
    return [frozenset(str(option[0]) for option in step) for step in steps
            if step != _WIDE and not any(isinstance(option[0], float) for option in step)]


def _masked(exceptions: list[Steps], stems: tuple[str, ...]) -> tuple[str, ...]:
    """The stems with every word an exception matches blanked out."""
    if not exceptions:
        return stems
    blanked = list(stems)
    for steps in exceptions:
        search = _Search(steps, stems)
        for start in _starts(steps, stems):
            end = search.end(start)
            if end is not None:
                blanked[start:end] = [""] * (end - start)
    return tuple(blanked)


def _found(steps: Steps, stems: tuple[str, ...]) -> bool:
    """Whether the steps match anywhere in the stems."""
    search = _Search(steps, stems)
    return any(search.end(start) is not None for start in _starts(steps, stems))


def _starts(steps: Steps, stems: tuple[str, ...]) -> list[int] | range:
    """The positions where the steps' first word stands: the only places a match can start,
    found with one set lookup per word instead of one search."""
    if not steps or steps[0] == _WIDE:
        return range(len(stems))
    words = {option[0] for option in steps[0] if not isinstance(option[0], float)}
    numbers = len(words) < len(steps[0])
    return [at for at, stem in enumerate(stems) if stem in words or (numbers and _number(stem) is not None)]


def _match_end(steps: Steps, stems: tuple[str, ...], start: int) -> int | None:
    """Where the trigger's match ends if it matches with its first word at ``start``, each next
    word within MAX_GAP words of the previous one (WIDE_GAP after ``...``); None if it does not
    match there."""
    return _Search(steps, stems).end(start)


State = tuple[int, int, int]
"""(step, position, window): the next step to match, where its window starts, and how many
words wide the window is (1 for the first word, MAX_GAP + 1 after a word, WIDE_GAP + 1 after
``...``)."""


class _Search:
    """The first match of one compiled trigger in one message, as a depth-first search that
    tries the earliest position and the first-listed alternative first.

    Every state is explored at most once: whether a state can reach the end does not depend on
    how it was reached, so a state that failed once is remembered as failed. Plain backtracking
    was exponential in the number of ``...`` ("a ... a ... a ... z" against "a a a a ...");
    this is at most steps x words x 3 states, each trying at most WIDE_GAP + 1 positions per
    alternative. The search keeps its own stack, so a long trigger cannot exhaust Python's.
    A search serves any number of start positions in the same message.
    """

    def __init__(self, steps: Steps, stems: tuple[str, ...]) -> None:
        self.steps = steps
        self.stems = stems
        self.failed: set[State] = set()

    def end(self, start: int) -> int | None:
        """Where the first match that starts at ``start`` ends, or None."""
        root = self._settle(0, start, 1)
        if root[0] == len(self.steps):
            return root[1]
        if root in self.failed:
            return None
        stack = [(root, self._next_states(root))]
        while stack:
            state, following = stack[-1]
            for child in following:
                if child[0] == len(self.steps):
                    return child[1]  # the search returns the first match it completes
                if child not in self.failed:
                    stack.append((child, self._next_states(child)))
                    break
            else:
                self.failed.add(state)
                stack.pop()
        return None

    def _settle(self, step: int, position: int, window: int) -> State:
        """Skip ``...`` steps: each only widens the window of the word after it."""
        while step < len(self.steps) and self.steps[step] == _WIDE:
            step, window = step + 1, WIDE_GAP + 1
        return step, position, window

    def _next_states(self, state: State) -> Iterator[State]:
        step, position, window = state
        stems = self.stems
        for at in range(position, min(position + window, len(stems))):
            for option in self.steps[step]:
                size = _length_at(option, stems, at)
                if size:
                    yield self._settle(step + 1, at + size, MAX_GAP + 1)


# -- checks for curators ---------------------------------------------------------------------


def length_problem(text: str) -> str | None:
    """Why a trigger (or exception) is too long to accept, or None.

    >>> length_problem("cough|coughing up ... blood") is None
    True
    >>> length_problem("pain " * 50)
    'the trigger has 50 words; at most 40 are allowed (split it into several triggers)'
    """
    count = len(text.split())
    if count > MAX_TRIGGER_WORDS:
        return (f"the trigger has {count} words; at most {MAX_TRIGGER_WORDS} are allowed "
                "(split it into several triggers)")
    if len(text) > MAX_TRIGGER_CHARS:
        return (f"the trigger has {len(text):,} characters; at most {MAX_TRIGGER_CHARS:,} are "
                "allowed (split it into several triggers)")
    return None


def firing_problems(text: str) -> list[str]:
    """Why a trigger (or exception), as written, can never fire or has a part that can never
    match: an empty side of ``&``, a part with no words, an empty, reversed or malformed number
    range.

    >>> firing_problems("chest pain &")
    ['an empty side of `&`: every part must have words (remove the `&` or finish the part)']
    >>> firing_problems("temp {39..37.5}")
    ['the number range {39..37.5} is reversed, so no number is in it: write {37.5..39}']
    >>> firing_problems("temp {37.5..45}|{99.5..110} & fever")
    []
    """
    problems: list[str] = []
    for part in text.split("&"):
        if not part.strip():
            problems.append("an empty side of `&`: every part must have words (remove the `&` "
                            "or finish the part)")
            continue
        if not compile_trigger(part):
            problems.append(f"the part {part.strip()!r} has no words to match")
        for word in part.split():
            for alternative in word.split("|"):
                problems += _range_problems(alternative)
    return list(dict.fromkeys(problems))


def _range_problems(alternative: str) -> list[str]:
    number_range = _RANGE.match(alternative)
    if number_range:
        low, high = float(number_range.group(1)), float(number_range.group(2))
        if low > high:
            return [f"the number range {alternative} is reversed, so no number is in it: write "
                    f"{{{number_range.group(2)}..{number_range.group(1)}}}"]
        return []
    if alternative.startswith("{") or alternative.endswith("}"):
        return [f"{alternative!r} is not a number range: write {{low..high}}, such as {{37.5..45}}"]
    return []
