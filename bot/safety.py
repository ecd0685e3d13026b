"""The red-flag screen: runs before matching and wins over every answer.

Each red-flag intent (``type: red_flag``) is a category with its own first action: call the
emergency number now, call the 24-hour oncology line now, the crisis line... Its patterns are
triggers in the trigger language of triggers.py, and it may list ``exceptions`` ("hay fever" is
not a fever during chemotherapy). A message may set off several categories; all of them are
kept, most urgent (lowest ``urgency``) first, so that no first action is dropped.

The knowledge base's ``safety:`` rules (model.SafetyRules) say whether a message asks about a
symptom in general ("what should I do if I get a fever during chemo?") rather than having it now,
and whether help is already on the way ("the ambulance is coming"), whose words then set off
nothing. When it is unclear whether a symptom is happening now, it is treated as now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .model import Intent, SafetyRules
from .triggers import Fired, TriggerDetector

RedFlag = Fired
"""A red-flag trigger that fired: its category (``intent``), the trigger and its line."""


@dataclass(frozen=True)
class Alarm:
    """What the red-flag screen found in a message."""

    fired: tuple[RedFlag, ...] = ()
    """Every category the message sets off, most urgent first."""
    asking: bool = False
    """The message asks about a symptom in general, or one in the past, rather than having it now."""
    help_coming: bool = False
    """The message says help is already on the way."""

    def __bool__(self) -> bool:
        return bool(self.fired)


class RedFlagScreen:
    """Finds every red-flag category in a message, and whether it is happening now.

    >>> from bot import Bot
    >>> alarm = Bot.load().read("i want to die and i can't breathe").alarm
    >>> [f.intent.id for f in alarm.fired]
    ['emergency', 'crisis']
    """

    def __init__(self, intents: Sequence[Intent], rules: SafetyRules = SafetyRules()) -> None:
        flags = [i for i in intents if i.type == "red_flag"]
        order = {intent.id: n for n, intent in enumerate(flags)}
        self.categories: tuple[Intent, ...] = tuple(sorted(flags, key=lambda i: (i.urgency, order[i.id])))
        # Help on the way is masked like an exception in every category: "the ambulance is
        # coming" sets off nothing, while "...and he still can't breathe" does.
        self._detectors = [TriggerDetector([replace(i, exceptions=i.exceptions + rules.help_coming)],
                                           _red_flag_triggers) for i in self.categories]
        self._asking = _rule_detector("asking", rules.asking, rules)
        self._now = _rule_detector("now", rules.now, rules)
        self._help = _rule_detector("help_coming", rules.help_coming, rules)

    def __bool__(self) -> bool:
        return bool(self.categories)

    def screen(self, stems: tuple[str, ...], *, in_context: bool = True) -> Alarm:
        """The categories these stems set off (most urgent first), and how they were meant.

        ``in_context`` is False for a message about another illness and nothing of ours: the
        categories that ``requires_topic`` then stay quiet."""
        fired = tuple(f for f in (d.detect(stems) for d in self._detectors)
                      if f is not None and (in_context or not f.intent.requires_topic))
        help_coming = bool(self._help and self._help.detect(stems))
        asking = bool(fired) and bool(self._asking and self._asking.detect(stems)) and not (
            self._now and self._now.detect(stems))
        return Alarm(fired, asking, help_coming)

    def detect(self, stems: tuple[str, ...]) -> RedFlag | None:
        """The most urgent category these stems set off, if any."""
        alarm = self.screen(stems)
        return alarm.fired[0] if alarm.fired else None

    def words(self) -> set[str]:
        """Every word of the triggers and exceptions, so spelling correction knows them."""
        found: set[str] = set()
        for detector in (*self._detectors, self._asking, self._now, self._help):
            if detector is not None:
                found |= detector.words()
        return found


def _red_flag_triggers(intent: Intent) -> tuple[Sequence[str], Sequence[int]]:
    if intent.type != "red_flag":
        return (), ()
    return intent.patterns, intent.pattern_lines


def _rule_detector(name: str, texts: tuple[str, ...], rules: SafetyRules) -> TriggerDetector | None:
    if not texts:
        return None
    lines = dict(rules.lines).get(name, ())
    holder = Intent(id=f"safety_{name}", question="", patterns=(), answer="", triggers=texts,
                    trigger_lines=lines, path=rules.path)
    return TriggerDetector([holder], lambda intent: (intent.triggers, intent.trigger_lines))
