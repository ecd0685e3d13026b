"""The trigger detector: every rule that fires, and matching in bounded time for any trigger.

``detect`` gives the first rule in knowledge-base order (what answers); ``detect_all`` gives
every intent a message sets off, for tools that need to see them all (``/why``, curators).
"""

from __future__ import annotations

import pytest

from bot import Bot
from bot.triggers import TriggerDetector, compile_trigger

KB = """\
    intents:
      - id: breathing
        type: red_flag
        question: (breathing)
        patterns:
          - "can not breathe|breath"
          - "short of breath"
        answer: Call 911 now.
      - id: fever
        type: red_flag
        question: (fever)
        patterns:
          - "fever|temperature ... chemo|chemotherapy"
          - "temp|temperature {38..45}"
        exceptions: [hay fever]
        answer: Call your oncology team now.
      - id: personal_advice
        question: Can you advise me on my own medicine?
        triggers:
          - "can|should i stop|skip ... tamoxifen|letrozole"
          - "how long have i got"
        patterns: [what dose should i take, can you tell me my prognosis]
        answer: Please ask your care team.
    """


@pytest.fixture
def detector(write_kb) -> tuple[TriggerDetector, Bot]:
    bot = Bot.load(write_kb(kb=KB))
    every_rule = TriggerDetector(bot.intents, lambda i: (i.patterns, i.pattern_lines) if i.type == "red_flag"
                                 else (i.triggers, i.trigger_lines))
    return every_rule, bot


def fired(detector: tuple[TriggerDetector, Bot], message: str) -> list[tuple[str, str]]:
    rules, bot = detector
    return [(f.intent.id, f.trigger) for f in rules.detect_all(bot.analyzer.analyse(message).stems)]


def test_detect_all_lists_every_intent_set_off_in_knowledge_base_order(detector) -> None:
    message = "I have a temperature after chemo, 38.5 now, should I skip my letrozole? I can't breathe"
    assert fired(detector, message) == [
        ("breathing", "can not breathe|breath"),
        ("fever", "fever|temperature ... chemo|chemotherapy"),
        ("personal_advice", "can|should i stop|skip ... tamoxifen|letrozole"),
    ]


def test_an_intent_appears_once_with_its_earliest_listed_trigger(detector) -> None:
    # Both fever triggers fire, the second-listed one earlier in the message.
    assert fired(detector, "temp 39 and a fever since my chemo") == [
        ("fever", "fever|temperature ... chemo|chemotherapy")]


def test_detect_is_the_first_of_detect_all(detector) -> None:
    rules, bot = detector
    for message in ("how long have i got, and i am short of breath",
                    "should i stop tamoxifen because of a fever after chemo",
                    "what is tamoxifen"):
        stems = bot.analyzer.analyse(message).stems
        everything = rules.detect_all(stems)
        assert rules.detect(stems) == (everything[0] if everything else None)


def test_detect_all_respects_exceptions_and_may_find_nothing(detector) -> None:
    assert fired(detector, "my hay fever is bad since chemo") == []
    assert fired(detector, "what is a recurrence") == []


def test_a_long_trigger_of_wide_gaps_is_matched_in_bounded_steps(detector) -> None:
    # Plain backtracking tried about 7^8 ways here before giving up; the search tries each
    # (step, position) once, so even a 5,000-word message takes under a hundred thousand.
    steps = compile_trigger("a ... a ... a ... a ... a ... a ... a ... a ... z")
    intent = detector[1].intents[0]
    rules = TriggerDetector([intent], lambda i: (["a ... a ... a ... a ... a ... a ... a ... a ... z"], [1]))
    assert len(steps) == 17
    assert rules.detect(("a",) * 5_000) is None
    assert rules.detect(("a",) * 5_000 + ("z",)) is not None
