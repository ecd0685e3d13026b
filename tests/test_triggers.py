"""Intent triggers: rules that always reach their intent, checked after the red flags.

The shipped knowledge base uses them for personal advice: a question about changing one's own
medicine or about one's own prognosis gets the "I can't advise on that" answer, however much
else the message says about the cancer, its stage or the drug.
"""

from __future__ import annotations

import pytest

from bot import Bot, IntentFileError

KB = """\
    intents:
      - id: emergency
        type: red_flag
        question: (emergency)
        patterns: ["can not breathe"]
        answer: Call 911 now.
      - id: tamoxifen
        question: What is tamoxifen?
        patterns: [what is tamoxifen, how does tamoxifen work, tamoxifen side effects]
        answer: Tamoxifen is a hormone therapy.
      - id: personal_advice
        question: Can you advise me on my own medicine?
        triggers:
          - "can|should i stop|skip ... tamoxifen|dose"
        exceptions:
          - stop worrying about
        patterns: [what dose should i take, can you tell me my prognosis]
        answer: I can't advise on your own medicine. Please ask your care team.
    """


@pytest.fixture
def bot(write_kb) -> Bot:
    return Bot.load(write_kb(kb=KB))


def test_a_trigger_answers_its_intent_even_when_the_patterns_point_elsewhere(bot: Bot) -> None:
    reply = bot.ask("tamoxifen side effects are awful, can I stop taking tamoxifen?")
    assert (reply.kind, reply.intent, reply.confidence) == ("answer", "personal_advice", 1.0)
    assert reply.matches[0].pattern == "can|should i stop|skip ... tamoxifen|dose"
    assert reply.reason  # /why can say that a trigger decided it


def test_without_the_trigger_words_the_patterns_decide(bot: Bot) -> None:
    assert bot.ask("what are the side effects of tamoxifen").intent == "tamoxifen"
    assert bot.rule("what are the side effects of tamoxifen") is None


def test_red_flags_still_come_first(bot: Bot) -> None:
    assert bot.ask("should I stop my tamoxifen? I can't breathe").kind == "emergency"


def test_an_exception_keeps_a_look_alike_from_firing(bot: Bot) -> None:
    assert bot.rule("can I stop worrying about the tamoxifen") is None


def test_parts_joined_by_and_must_each_be_found_however_far_apart(write_kb) -> None:
    folder = write_kb(kb="""\
        intents:
          - id: personal_advice
            question: Can you tell me what my own results mean?
            triggers: ["i have|found ... lump & is it ... cancer"]
            patterns: [what does my scan mean, can you read my report]
            answer: I can't tell you what your own results mean. Please ask your care team.
        """)
    bot = Bot.load(folder)
    fired = bot.rule("I found a lump under my arm two years after my treatment finished. Is it the cancer?")
    assert fired is not None and fired.intent.id == "personal_advice"
    assert bot.rule("I found a lump under my arm two years after my treatment finished.") is None
    assert bot.rule("Is it cancer if a lump is hard?") is None


def test_a_red_flag_intent_lists_its_triggers_as_patterns(write_kb) -> None:
    folder = write_kb(kb="""\
        intents:
          - id: emergency
            type: red_flag
            question: (emergency)
            patterns: ["can not breathe"]
            triggers: ["chest pain"]
            answer: Call 911 now.
        """)
    with pytest.raises(IntentFileError, match="list them under `patterns`") as error:
        Bot.load(folder)
    assert error.value.line == 6


def test_triggers_must_be_a_list_of_texts(write_kb) -> None:
    folder = write_kb(kb="""\
        intents:
          - id: advice
            patterns: [what dose should i take]
            triggers: how long have i got
            answer: Ask your care team.
        """)
    with pytest.raises(IntentFileError, match="`triggers` must be a non-empty list"):
        Bot.load(folder)


@pytest.mark.parametrize("question", [
    # one's own medicine, with the drug or the side effect named first
    "Letrozole is making my knees ache terribly. Can I stop it for a couple of weeks?",
    "my wife is on capecitabine and has awful diarrhoea, should she skip tonight's tablets",
    "I'm on exemestane and putting on weight. Could I switch to tamoxifen?",
    "im on immunotherapy for recurrent melanoma, can i miss one infusion for my son's wedding",
    "Could I halve my dexamethasone, I can't sleep on it",
    "The leaflet is gone. How many mg of anastrozole should I take?",
    "the flushes are unbearable, could I come down to 10 mg of tamoxifen",
    "I weigh 50 kilos, is 1000 mg of capecitabine the right dose for me?",
    # one's own prognosis or a relative's, with the stage or the site named first
    "Dad's bowel cancer is back in his liver and lungs. How long has he got?",
    "stage 4 pancreatic, how long do i have left",
    "I'm 58 with grade 3 breast cancer, what are my real chances?",
    "My mum's lung cancer has spread to her bones. Is she dying?",
    # whether something they found, or their own result, means the cancer is back
    "I noticed a pea-sized lump next to my scar this morning. Could this be the cancer returning?",
    "my husband has found a swollen gland in his neck, is it the cancer back?",
    "My CT report says there is a new 7 mm nodule. I had bowel cancer. Is that the cancer spreading?",
    "my psa went up again, has the prostate cancer come back?",
])
def test_personal_medicine_and_prognosis_questions_get_the_personal_advice_answer(
        shipped_bot: Bot, question: str) -> None:
    assert shipped_bot.ask(question).intent == "personal_advice"


@pytest.mark.parametrize("question, intent", [
    ("what are the side effects of letrozole", "breast_hormone_therapy"),
    ("why do people take tamoxifen for so many years", "breast_hormone_therapy"),
    ("how long will i be on tamoxifen for", "breast_hormone_therapy"),
    ("how long will I have check-ups after treatment", "follow_up_schedule"),
    ("is it my fault it came back, I missed some of my tablets", "not_your_fault"),
    ("I feel so tired all the time, is it the cancer coming back or the treatment?",
     "after_effects_or_recurrence"),
    ("I have a lump in my other breast, is that the same cancer or a new one?", "breast_other_breast"),
    ("how do they decide whether to stop treatment when cancer comes back", None),
])
def test_general_questions_about_medicines_and_time_are_not_personal_advice(
        shipped_bot: Bot, question: str, intent: str | None) -> None:
    reply = shipped_bot.ask(question)
    assert reply.intent != "personal_advice"
    if intent is not None:
        assert reply.intent == intent
