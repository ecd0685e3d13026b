"""Red-flag detection: runs before matching and wins over every answer.

A red-flag intent (``type: red_flag``) lists triggers instead of patterns, in the trigger
language of triggers.py, and may list ``exceptions`` ("hay fever" is not a fever during
chemotherapy).
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Intent
from .triggers import Fired, TriggerDetector

RedFlag = Fired
"""A red-flag trigger that fired."""


class RedFlagDetector(TriggerDetector):
    """Finds the first red-flag trigger in a message (rules in knowledge-base order)."""

    def __init__(self, intents: Sequence[Intent]) -> None:
        super().__init__(intents, _red_flag_triggers)


def _red_flag_triggers(intent: Intent) -> tuple[Sequence[str], Sequence[int]]:
    if intent.type != "red_flag":
        return (), ()
    return intent.patterns, intent.pattern_lines
