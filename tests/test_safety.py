"""Red flags go to urgent help before anything else; ordinary questions never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot
from bot.evaluate import read_labelled

QUESTIONS = Path(__file__).parent / "data" / "questions"
URGENT = {"emergency", "crisis"}
# Every labelled file, so a new one is checked without being listed; the red-flag stress sets,
# whose "-" means "not urgent" rather than "ordinary", have their own test below.
STRESS = sorted(path.stem for path in QUESTIONS.glob("red_flags_stress*.tsv"))
LABELLED = [item for path in sorted(QUESTIONS.glob("*.tsv")) if path.stem not in STRESS
            for item in read_labelled(path)]
RED_FLAGS = [item for item in LABELLED if item.expected & URGENT]
ORDINARY = [item for item in LABELLED if not item.expected & URGENT]


def test_the_labelled_set_is_large_enough() -> None:
    assert len(RED_FLAGS) >= 100
    assert sum("crisis" in i.expected for i in RED_FLAGS) >= 15


@pytest.mark.parametrize("item", RED_FLAGS, ids=[i.question[:40] for i in RED_FLAGS])
def test_every_red_flag_gets_an_emergency_reply(shipped_bot: Bot, item) -> None:
    reply = shipped_bot.ask(item.question)
    assert reply.kind == "emergency", f"{item.path}:{item.line}"
    assert reply.intent in item.expected


def test_no_ordinary_question_sets_off_a_red_flag(shipped_bot: Bot) -> None:
    fired = [(i.question, shipped_bot.red_flag(i.question).trigger) for i in ORDINARY
             if shipped_bot.red_flag(i.question) is not None]
    assert fired == []


# Stress sets written blind from the brief (see each file's first line): (urgent messages that
# may still be missed, look-alikes that may set off a red flag). The screen errs towards urgent
# help: a question about a past or possible symptom ("what should I do if I get a fever during
# chemo?") gets the emergency reply. That costs a calm reader a moment; a missed emergency costs
# far more. The counts may only go down.
STRESS_LIMITS = {"red_flags_stress": (0, 24), "red_flags_stress2": (1, 11), "red_flags_stress3": (0, 7),
                 "red_flags_stress4": (0, 7), "red_flags_stress5": (0, 9),
                 "red_flags_stress6": (0, 5), "red_flags_stress7": (0, 6),
                 "red_flags_stress8": (0, 8), "red_flags_stress9": (0, 19), "red_flags_stress10": (0, 9),
                 "red_flags_stress11": (0, 12)}


def test_every_stress_set_has_its_limits() -> None:
    assert sorted(STRESS_LIMITS) == STRESS


@pytest.mark.parametrize("name", STRESS_LIMITS)
def test_stress_sets_catch_urgent_messages_and_rarely_fire_on_look_alikes(shipped_bot: Bot, name: str) -> None:
    items = read_labelled(QUESTIONS / f"{name}.tsv")
    urgent = [i for i in items if i.expected & URGENT]
    missed = [i.question for i in urgent if shipped_bot.ask(i.question).intent not in i.expected]
    fired = [i.question for i in items if not i.expected & URGENT and shipped_bot.red_flag(i.question)]
    most_missed, most_fired = STRESS_LIMITS[name]
    assert len(urgent) >= 85
    assert len(missed) <= most_missed, missed
    assert len(fired) <= most_fired, fired


@pytest.mark.parametrize("message", [
    "my sister and I had a fit of laughter in the waiting room",
    "the whole family is in a fever of excitement about my last chemo day",
    "I'm scared of having a seizure one day",
    # common side effects, not emergencies
    "my hands go numb at night",
    "I feel sick every time I eat since radiotherapy, is that normal",
    "I can barely stay awake in the afternoons since chemo",
    "I walk 5 kms every morning, is exercise good after cancer?",
    "I can not stop shaking with nerves before my scan",
    "im dreading the chemo after my op",
    # words that look like a trigger in another sense
    "I want to die my hair purple now it has grown back",
    "does the risk of another cancer after mouth cancer drop if I stop smoking",
    "this leaflet is so confusing",
    "I hope the kids do not wake him up when they get home",
    "I'm giving my things away to charity before I move house",
    "can I put coffee grounds on my garden",
    "I bought a skipping rope and it is ready for my exercise class",
    "im looking up how to die my hair at home",
    "no one will miss me at the party tonight",
    "I am sick of being confused by all these leaflets",
])
def test_idioms_fears_and_common_side_effects_are_not_red_flags(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.red_flag(message) is None


def test_the_emergency_reply_comes_first_and_names_the_number(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("what is adjuvant therapy? also I have crushing chest pain")
    assert reply.kind == "emergency"
    assert reply.text.lstrip().lower().startswith(("this could be serious", "call", "please call", "get help"))
    assert "911" in reply.text
    assert "cancer" in reply.text  # tell staff you have cancer


def test_the_crisis_reply_gives_the_crisis_line(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("i cant go on anymore, i want to kill myself")
    assert reply.intent == "crisis"
    assert "988" in reply.text and "911" in reply.text


def test_uk_locale_gives_uk_numbers() -> None:
    bot = Bot.load(locale="uk")
    assert "999" in bot.ask("I can't breathe").text
    assert "116 123" in bot.ask("i want to die").text


@pytest.mark.parametrize("question", ["I have hay fever", "i don't want to die", "what is end of life care",
                                      "is there anything to make chemo fewer side effects",
                                      "I'm having hot flushes and feel shaky sometimes on tamoxifen",
                                      "when the time comes I'd rather die at home than in hospital",
                                      "I had a cough that brought up phlegm, and later a blood test",
                                      "what is the point of going on with chemo if it came back anyway",
                                      "I don't know who I am anymore since the cancer",
                                      "she doesn't know where to turn for support",
                                      "I don't know where he is getting his information from",
                                      "my nose bled a bit this morning, is that a sign",
                                      "I am really confused now about what the letter says"])
def test_look_alikes_are_not_red_flags(shipped_bot: Bot, question: str) -> None:
    assert shipped_bot.ask(question).kind != "emergency"


@pytest.mark.parametrize("question", [
    "my dad doesn't know who I am today",
    "he's confused and doesn't know where he is",
    "mum is very confused tonight and keeps calling me by the wrong name",
    "my nose has been bleeding nonstop since lunch",
    "the bleeding from his stoma will not stop",
])
def test_confusion_and_bleeding_that_will_not_stop_are_emergencies(shipped_bot: Bot, question: str) -> None:
    assert shipped_bot.ask(question).intent == "emergency"


def test_a_real_red_flag_beside_a_look_alike_still_fires(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("I don't want to die, but I want to end it all").intent == "crisis"
    assert shipped_bot.ask("my hay fever is bad and my temperature is 38.6 on chemo").intent == "emergency"


def test_exceptions_are_only_for_intents_with_triggers(write_kb) -> None:
    from bot import IntentFileError

    folder = write_kb(a="""\
        intents:
          - id: x
            patterns: [hello]
            answer: hi
            exceptions: [hay fever]
        """)
    with pytest.raises(IntentFileError, match="only applies to triggers"):
        Bot.load(folder)


def test_three_dots_in_a_trigger_let_its_next_word_stand_further_away(write_kb) -> None:
    folder = write_kb(kb="""\
        intents:
          - id: emergency
            type: red_flag
            question: (emergency)
            patterns: ["coughing up ... blood"]
            answer: Call 911 now.
        """)
    bot = Bot.load(folder)
    assert bot.ask("I'm coughing up quite a lot of bright red blood").kind == "emergency"
    assert bot.ask("coughing up phlegm all week, the doctor says my blood is fine").kind != "emergency"
