"""The library API as an embedding program uses it: Bot.load, ask, replies, conversations."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import bot as package
from bot import Bot, BotError, Intent, IntentFileError, Reply, Suggestion


def test_public_names_are_exported() -> None:
    for name in ("Bot", "Reply", "Suggestion", "Intent", "BotError", "IntentFileError"):
        assert name in package.__all__


def test_a_matching_question_gets_the_curated_answer(small_kb: Path) -> None:
    reply = Bot.load(small_kb).ask("How often do I water my tomatoes?")
    assert reply.kind == "answer"
    assert reply.intent == "water_tomatoes"
    assert reply.text == "Water deeply twice a week."
    assert reply.sources[0].url == "https://example.org/tomatoes"
    assert 0.0 < reply.confidence <= 1.0


def test_typos_are_forgiven(small_kb: Path) -> None:
    assert Bot.load(small_kb).ask("how ofen shuld i watter tomatos").intent == "water_tomatoes"


def test_gibberish_falls_back_with_where_to_get_help(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("zxqv blorft")
    assert reply.kind == "fallback"
    assert reply.intent is None
    assert "care team" in reply.text and "1-800-227-2345" in reply.text


def test_a_single_word_is_offered_as_a_suggestion_not_answered(small_kb: Path) -> None:
    reply = Bot.load(small_kb).ask("roses")
    assert reply.kind == "fallback"
    assert reply.suggestions[0].intent == "prune_roses"


def test_a_single_word_that_is_a_whole_pattern_is_answered(small_kb: Path) -> None:
    assert Bot.load(small_kb).ask("Hello!").intent == "greeting"


def test_red_flags_win_over_everything(small_kb: Path) -> None:
    reply = Bot.load(small_kb).ask("how often should I water tomatoes, I can't breathe")
    assert reply.kind == "emergency"
    assert reply.intent == "emergency"
    assert reply.text == "Call 911 now."


def test_red_flag_triggers_allow_words_between_and_misspellings(small_kb: Path) -> None:
    bot = Bot.load(small_kb)
    assert bot.ask("a wasp sting inside my throat").kind == "emergency"
    assert bot.ask("i cant breath").kind == "emergency"
    assert bot.ask("how do I keep wasps off roses").kind != "emergency"


def test_threshold_zero_always_gives_the_best_candidate(small_kb: Path) -> None:
    bot = Bot.load(small_kb, threshold=0.0)
    for question in ("roses", "pruning", "tomato", "zxqv"):
        reply = bot.ask(question)
        best = reply.intent or (reply.suggestions[0].intent if reply.suggestions else None)
        assert best is not None, question


def test_a_high_threshold_declines_what_a_low_one_answers(small_kb: Path) -> None:
    question = "tomato plants need how much"
    assert Bot.load(small_kb, threshold=0.1).ask(question).kind == "answer"
    assert Bot.load(small_kb, threshold=0.99).ask(question).kind == "fallback"


def test_threshold_outside_0_1_is_refused(small_kb: Path) -> None:
    with pytest.raises(ValueError):
        Bot.load(small_kb, threshold=1.5)


def test_reply_to_dict_is_json_ready(small_kb: Path) -> None:
    data = json.loads(json.dumps(Bot.load(small_kb).ask("pruning roses when").to_dict()))
    assert set(data) >= {"intent", "kind", "confidence", "text", "suggestions", "sources"}
    assert data["intent"] == "prune_roses"


def test_replies_and_intents_are_frozen(small_kb: Path) -> None:
    bot = Bot.load(small_kb)
    reply = bot.ask("when to prune roses")
    with pytest.raises(AttributeError):
        reply.kind = "fallback"  # type: ignore[misc]
    assert isinstance(bot.intents[0], Intent)
    assert isinstance(bot.intents, tuple)


def test_suggestions_are_best_first(small_kb: Path) -> None:
    reply = Bot.load(small_kb).ask("roses")
    assert all(isinstance(s, Suggestion) for s in reply.suggestions)
    scores = [s.confidence for s in reply.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_matches_explain_the_choice_with_file_and_line(small_kb: Path) -> None:
    reply = Bot.load(small_kb).ask("best time to cut back my rose bushes")
    top = reply.matches[0]
    assert top.intent == "prune_roses"
    assert top.pattern == "best time to cut back rose bushes"
    assert top.path.endswith("garden.yml") and top.line == 18


def test_emergency_number_comes_from_the_locale(small_kb: Path, write_kb) -> None:
    folder = write_kb(settings="""\
        settings:
          default_locale: us
          locales:
            us: {emergency_number: "911", crisis_line: a, oncology_line: b, cancer_helpline: c}
            uk: {emergency_number: "999", crisis_line: a, oncology_line: b, cancer_helpline: c}
        """)
    assert Bot.load(folder, locale="uk").ask("I can't breathe").text == "Call 999 now."
    with pytest.raises(BotError, match="unknown locale"):
        Bot.load(folder, locale="fr")


def test_long_input_is_cut_and_the_reply_says_so(small_kb: Path) -> None:
    reply = Bot.load(small_kb).ask("how often should i water tomatoes " + "la " * 5000)
    assert reply.notice is not None and "beginning and its end" in reply.notice
    assert reply.kind in ("answer", "clarify", "fallback")


def test_a_long_story_is_answered_by_the_question_at_its_end(shipped_bot: Bot) -> None:
    story = ("My husband was treated for lung cancer three years ago. He had an operation and then "
             "chemotherapy, and we have been going to every check-up since. " * 25)
    reply = shipped_bot.ask(story + "Now I would like to know: what signs of lung cancer coming back "
                            "should we watch for?")
    assert len(story) > 3500
    assert reply.intent == "lung_recurrence_signs"
    assert reply.notice is not None


def test_ask_is_stateless(small_kb: Path) -> None:
    bot = Bot.load(small_kb)
    first = bot.ask("when should i prune roses")
    bot.ask("zxqv")
    assert bot.ask("when should i prune roses") == first


def test_threads_get_exactly_the_answers_one_thread_gets(shipped_bot: Bot) -> None:
    questions = ["why did my lung cancer come back?", "whats a recurance", "zxqv blorft",
                 "I'm having chest pain right now", "chemo", "what is adjuvant therapy"] * 10
    expected = [shipped_bot.ask(q) for q in questions]
    results: dict[int, list[Reply]] = {}

    def work(n: int) -> None:
        results[n] = [shipped_bot.ask(q) for q in questions]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == expected for n in range(8))


def test_conversations_are_independent(small_kb: Path) -> None:
    bot = Bot.load(small_kb)
    one, two = bot.conversation(), bot.conversation()
    assert one.ask("roses").kind == "fallback"
    assert two.ask("1").kind != "answer"  # the other conversation has no options to pick from
    assert one.ask("yes").intent == "prune_roses"


def test_a_number_picks_an_option_from_the_last_reply(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    reply = conversation.ask("chemo")
    assert reply.kind in ("clarify", "fallback") and len(reply.suggestions) >= 2
    picked = conversation.ask("2")
    assert picked.kind == "answer"
    assert picked.intent == reply.suggestions[1].intent


def test_no_after_a_suggestion_asks_to_rephrase(small_kb: Path) -> None:
    conversation = Bot.load(small_kb).conversation()
    conversation.ask("roses")
    reply = conversation.ask("no")
    assert reply.kind == "fallback" and "other words" in reply.text


def test_a_red_flag_wins_even_while_options_are_pending(small_kb: Path) -> None:
    conversation = Bot.load(small_kb).conversation()
    conversation.ask("roses")
    assert conversation.ask("I can't breathe").kind == "emergency"


def test_a_short_follow_up_keeps_the_subject(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    assert conversation.ask("why did my lung cancer come back?").intent == "lung_recurrence_after_surgery"
    assert conversation.ask("what about breast cancer?").intent == "breast_recurrence"


def test_a_follow_up_without_a_subject_gets_the_answer_about_the_conversation_subject(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    assert conversation.ask("can throat cancer come back after radiotherapy?").intent == "head_neck_recurrence"
    follow_up = conversation.ask("what signs should I look out for?")
    assert follow_up.intent == "head_neck_recurrence_signs"
    assert follow_up.notice and "throat" in follow_up.notice


@pytest.mark.parametrize("follow_up", ["is it the same for lung?", "what about lung cancer?", "and for lung?"])
def test_naming_only_a_new_subject_asks_the_last_question_again_about_it(shipped_bot: Bot, follow_up: str) -> None:
    conversation = shipped_bot.conversation()
    assert conversation.ask("can throat cancer come back?").intent == "head_neck_recurrence"
    reply = conversation.ask(follow_up)
    assert reply.intent == "lung_recurrence_after_surgery"
    assert reply.notice and "lung" in reply.notice


def test_the_subject_keeps_the_persons_word_for_it_turn_after_turn(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    conversation.ask("can throat cancer come back?")
    notices = [conversation.ask(q).notice for q in ("how is it treated?", "what are the signs?")]
    assert all(n and "throat" in n and "head and neck" not in n for n in notices)


def test_small_talk_is_answered_not_questioned(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("thanks heaps, bye!")
    assert reply.kind == "answer" and reply.intent in {"thanks", "goodbye"}


def test_a_vague_follow_up_is_read_with_the_last_question(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    assert conversation.ask("what is a clinical trial?").intent == "clinical_trials"
    assert conversation.ask("how would I go about finding one?").intent == "finding_trials"


def test_reset_forgets_the_subject(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    conversation.ask("chemo")
    conversation.reset()
    assert conversation.ask("1").kind != "answer"


def test_the_shipped_knowledge_base_loads_with_every_catalog_id(shipped_bot: Bot) -> None:
    ids = {i.id for i in shipped_bot.intents}
    assert {"lung_recurrence_after_surgery", "emergency", "crisis", "personal_advice"} <= ids


@pytest.mark.parametrize(
    ("question", "kind", "intent"),
    [
        ("why did my lung cancer come back?", "answer", "lung_recurrence_after_surgery"),
        ("whats a recurance", "answer", "what_is_recurrence"),
        ("I'm having chest pain right now", "emergency", "emergency"),
        ("i want to end my life", "emergency", "crisis"),
        ("zxqv blorft", "fallback", None),
    ],
)
def test_shipped_answers_from_the_issue(shipped_bot: Bot, question: str, kind: str, intent: str | None) -> None:
    reply = shipped_bot.ask(question)
    assert (reply.kind, reply.intent) == (kind, intent)


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IntentFileError, match="no such knowledge-base folder") as caught:
        Bot.load(tmp_path / "nowhere")
    assert caught.value.path == str(tmp_path / "nowhere")


def test_a_number_with_nothing_to_choose_says_so(shipped_bot: Bot) -> None:
    reply = shipped_bot.conversation().ask("2")
    assert reply.kind == "fallback" and "no numbered options" in reply.text


def test_you_might_also_ask_items_can_be_picked_by_number(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    answered = conversation.ask("why did my lung cancer come back?")
    assert len(answered.related) >= 2
    assert conversation.ask("2").intent == answered.related[1].intent



def test_unknown_words_do_not_borrow_the_subject(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    conversation.ask("why did my lung cancer come back?")
    assert conversation.ask("zxqv blorft").kind == "fallback"


def test_a_complete_general_question_is_not_bent_to_the_subject(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    conversation.ask("why did my lung cancer come back?")
    assert conversation.ask("what is adjuvant therapy").intent == "what_is_adjuvant"


def test_a_deferred_bot_answers_exactly_like_an_eager_one(shipped_bot: Bot) -> None:
    deferred = Bot.load(eager=False)
    assert deferred.intent("what_is_adjuvant") is not None  # the knowledge base is there at once
    assert deferred.disclaimer == shipped_bot.disclaimer
    deferred.prepare(background=True)
    for question in ("why did my lung cancer come back?", "I can't breathe", "zxqv", "chemo"):
        assert deferred.ask(question) == shipped_bot.ask(question)


def test_many_threads_can_wait_for_a_background_build() -> None:
    bot = Bot.load(eager=False)
    bot.prepare(background=True)
    results: list[str | None] = []
    threads = [threading.Thread(target=lambda: results.append(bot.ask("whats a recurance").intent))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["what_is_recurrence"] * 8


def test_a_story_around_a_question_does_not_drown_it(shipped_bot: Bot) -> None:
    short = shipped_bot.ask("why do I need check-ups after treatment?")
    story = shipped_bot.ask(
        "I finished my chemotherapy in the spring and I feel perfectly fine now, and my family keep "
        "telling me to forget about it all and get on with life. My son drives me to the clinic "
        "every few months. Why do I need check-ups after treatment?")
    assert story.intent == short.intent == "why_follow_up"


def test_the_question_sentence_never_changes_the_answer_the_whole_message_points_to(shipped_bot: Bot) -> None:
    message = ("The nurse mentioned comfort care for my husband when we saw her on Tuesday. "
               "What does that involve?")
    assert shipped_bot.ask(message).intent in (None, "palliative_care")


def test_out_of_scope_examples_decline_look_alike_questions(write_kb) -> None:
    folder = write_kb(kb="""\
        intents:
          - id: finding_trials
            question: How do I find a clinical trial?
            patterns:
              - how do i find a clinical trial
              - where can i search for cancer trials
              - how to join a trial for recurrent cancer
            answer: Ask your care team first.
          - id: outside
            question: (outside this FAQ)
            type: out_of_scope
            patterns:
              - how do i find a good lawyer for my court trial
              - trial lawyer near me
            answer: That's outside what I can help with.
        """)
    bot = Bot.load(folder)
    declined = bot.ask("how to find a trial lawyer")
    assert declined.kind == "fallback" and declined.intent is None
    assert declined.text.startswith("That's outside what I can help with.")
    assert all(s.intent != "outside" for s in declined.suggestions)
    assert bot.ask("how do I find a clinical trial near me").intent == "finding_trials"


def test_a_long_polite_message_about_cancer_is_answered_a_little_below_the_threshold(shipped_bot: Bot) -> None:
    message = ("Dear Sir or Madam, I would be grateful if you could explain in plain terms what the "
               "doctors mean when they say a cancer has recurred.")
    reply = shipped_bot.ask(message)
    assert reply.kind == "answer" and reply.intent == "what_is_recurrence"
    assert reply.confidence < shipped_bot.threshold  # the long-message rule, not the usual one


def test_a_long_message_about_something_else_gets_no_such_benefit(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("How should I break the news to my manager that I'm leaving the company "
                            "after eleven years there?")
    assert reply.kind == "fallback"


@pytest.mark.parametrize("words, on_topic, runner_up, second, kind", [
    (20, True, 0.10, None, "answer"),                 # long, on topic, clearly ahead
    (20, False, 0.10, None, "fallback"),              # long but never names the topic
    (20, True, 0.25, None, "fallback"),               # long and on topic, but the next answer is too close
    (6, True, 0.10, None, "fallback"),                # short: the usual threshold applies
    (20, True, 0.10, "fear_of_recurrence", "fallback"),  # the second reading is sure of another answer
])
def test_long_messages_may_be_answered_below_the_threshold_only_when_on_topic_and_clear(
        shipped_bot: Bot, words: int, on_topic: bool, runner_up: float, second: str | None,
        kind: str) -> None:
    from bot import Policy, Reading
    from bot.decide import decide
    from bot.likelihood import Opinion
    from bot.model import Match

    matches = [Match("what_is_recurrence", 0.27, ""), Match("recurrence_types", runner_up, "")]
    intents = {i: shipped_bot.intent(i) for i in ("what_is_recurrence", "recurrence_types")}
    reading = (lambda: Opinion(second, 0.99)) if second else None
    reply = decide(Reading("", matches=tuple(matches), words=words, on_topic=on_topic, second_reading=reading),
                   intents, shipped_bot.settings, Policy())
    assert reply.kind == kind


def test_a_worry_told_in_a_story_is_not_answered_as_the_site_question(shipped_bot: Bot) -> None:
    # "Is that normal?" points back at the worry, not at breast cancer coming back.
    reply = shipped_bot.ask("It's been two years since my breast cancer treatment and I still think "
                            "about it coming back every single day. Is that normal?")
    assert reply.intent in (None, "fear_of_recurrence")


def test_a_close_call_is_answered_when_the_second_reading_agrees(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("my mum has had breast cancer and I want to know what the signs are "
                            "that it might be back")
    assert reply.kind == "answer" and reply.intent == "breast_recurrence_signs"
    assert "second reading" in reply.reason


def test_a_close_call_about_a_sore_throat_is_not_taken_for_cancer(shipped_bot: Bot) -> None:
    # "throat" names a subject (head and neck) but not cancer: the second reading may agree on
    # the throat answer, yet nothing in the question says it is about cancer.
    assert shipped_bot.ask("sore throat and a cold what should i take").kind == "fallback"


@pytest.mark.parametrize("top, opinion, probability, on_topic, words, kind, intent", [
    (0.29, "recurrence_types", 0.97, True, 9, "answer", "recurrence_types"),      # confirmed close call about cancer
    (0.29, "recurrence_types", 0.97, False, 9, "fallback", None),                 # confirmed, but never names cancer
    (0.29, "what_is_recurrence", 0.97, True, 9, "fallback", None),                # the second reading disagrees...
    (0.30, "what_is_recurrence", 0.995, True, 9, "answer", "what_is_recurrence"),  # ...and is near certain of the runner-up
    (0.29, "recurrence_types", 0.60, True, 9, "fallback", None),                  # the second reading is unsure
    (0.26, "recurrence_types", 0.97, True, 9, "fallback", None),                  # too low for a short question
    (0.26, "what_is_recurrence", 0.995, True, 9, "fallback", None),               # for the runner-up too
    (0.22, "recurrence_types", 0.97, True, 20, "answer", "recurrence_types"),     # a long message may go lower
    (0.34, "recurrence_types", 0.97, False, 9, "answer", "recurrence_types"),     # above the threshold: no lead needed
    (0.34, "what_is_recurrence", 0.97, False, 9, "clarify", None),                # above it, no lead, no agreement
])
def test_the_second_reading_settles_a_close_call_and_overturns_it_only_when_near_certain(
        shipped_bot: Bot, top: float, opinion: str, probability: float, on_topic: bool, words: int,
        kind: str, intent: str | None) -> None:
    from bot import Policy, Reading
    from bot.decide import decide
    from bot.likelihood import Opinion
    from bot.model import Match

    matches = [Match("recurrence_types", top, ""), Match("what_is_recurrence", top - 0.01, "")]
    intents = {i: shipped_bot.intent(i) for i in ("what_is_recurrence", "recurrence_types")}
    reply = decide(Reading("", matches=tuple(matches), words=words, on_topic=on_topic,
                           second_reading=lambda: Opinion(opinion, probability)),
                   intents, shipped_bot.settings, Policy())
    assert (reply.kind, reply.intent) == (kind, intent)
    if intent == "what_is_recurrence":
        assert reply.matches[0].intent == intent  # /why shows the pattern of the answer given
        assert "runner-up" in reply.reason


@pytest.mark.parametrize("on_topic, in_context, names_ours, confidence, kind", [
    (False, False, False, 0.40, "fallback"),   # never names our subject: a modest score is not enough
    (False, False, False, 0.50, "answer"),     # a clear score is
    (True, False, False, 0.40, "answer"),      # a topic word ("cancer", "chemo")
    (False, True, False, 0.40, "answer"),      # the conversation's subject
    (False, False, True, 0.40, "answer"),      # a cancer, treatment or test by name ("prostatectomy")
])
def test_an_answer_about_cancer_through_and_through_needs_a_message_about_our_subject(
        shipped_bot: Bot, on_topic: bool, in_context: bool, names_ours: bool, confidence: float,
        kind: str) -> None:
    from bot import Policy, Reading
    from bot.decide import decide
    from bot.model import Match

    matches = [Match("recurrence_timing", confidence, ""), Match("follow_up_schedule", 0.2, "")]
    intents = {i: shipped_bot.intent(i) for i in ("recurrence_timing", "follow_up_schedule")}
    reading = Reading("", matches=tuple(matches), words=6, on_topic=on_topic, in_context=in_context,
                      names_ours=names_ours, best_on_topic=1.0)
    reply = decide(reading, intents, shipped_bot.settings, Policy())
    assert reply.kind == kind
    if kind == "fallback":
        assert "never names our subject" in reply.reason
        assert [s.intent for s in reply.suggestions][:1] == ["recurrence_timing"]


def test_a_question_about_pain_in_general_is_offered_and_one_about_cancer_pain_answered(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("what is groin pain?").kind == "fallback"
    assert shipped_bot.ask("how is pain from cancer treated?").intent == "pain"


def test_the_second_reading_never_rescues_an_out_of_scope_question(shipped_bot: Bot) -> None:
    from bot import Policy, Reading
    from bot.decide import decide
    from bot.likelihood import Opinion
    from bot.model import Match

    matches = [Match("out_of_scope_court_trial", 0.30, ""), Match("clinical_trials", 0.29, "")]
    intents = {i: shipped_bot.intent(i) for i in ("out_of_scope_court_trial", "clinical_trials")}
    reply = decide(Reading("", matches=tuple(matches), words=8, on_topic=True,
                           second_reading=lambda: Opinion("clinical_trials", 0.99)),
                   intents, shipped_bot.settings, Policy())
    assert reply.kind == "fallback"


SITE_AND_WORRY_KB = """\
    intents:
      - id: lung_recurrence
        question: Will my lung cancer come back?
        patterns:
          - will my lung cancer come back
          - can lung cancer return after surgery
          - chance of lung cancer coming back
          - lung cancer relapse risk
        answer: Lung cancer can come back; your team knows your own risk.
      - id: recurrence_chances
        question: Will my cancer come back?
        patterns:
          - will my cancer come back
          - what are the chances of cancer returning
          - how likely is a relapse
          - risk of cancer coming back
        answer: It depends on the cancer; ask your team.
      - id: fear_of_recurrence
        question: Is it normal to be scared it will come back?
        patterns:
          - {scared}
          - terrified it is coming back
          - always worried it will return
          - scared of a relapse
          - {worry}
          - afraid it will come back
        answer: Many people feel this way.
      - id: lung_treatment
        question: How is recurrent lung cancer treated?
        patterns:
          - how is recurrent lung cancer treated
          - treatment for lung cancer that came back
          - can they operate again on lung cancer
        answer: It depends on where it came back.
      - id: exercise
        question: Does exercise help after cancer?
        patterns: [does exercise help after cancer, "can i go to the gym {after}", is walking good for me]
        answer: Being active helps most people.
      - id: diet
        question: What should I eat after cancer?
        patterns: [what should i eat after cancer, "best diet {after}", is sugar bad for me]
        answer: A balanced diet helps most people.
      - id: follow_up
        question: How often are check-ups?
        patterns: [how often are check ups, "how many scans {after}", when is my next appointment]
        answer: Your team sets the schedule.
    vocabulary:
      context: [lung, breast]
      synonyms:
        - [recur, come back, came back, coming back, return, relapse]
        - [afraid, scared, terrified, worried, worry]
    """


def test_general_answers_that_name_a_site_in_passing_keep_the_site_answer_as_sure(write_kb) -> None:
    # Patients name their cancer when asking about fear, diet or exercise, so those intents'
    # patterns do too; that must not make "lung" a common, weak word for the lung answers.
    passing = {"scared": "i am scared my lung cancer will come back",
               "worry": "i worry about my lung cancer all the time", "after": "after lung cancer"}
    plain = {"scared": "i am scared my cancer will come back",
             "worry": "i worry about it all the time", "after": "after treatment"}
    leads = []
    for words in (passing, plain):
        folder = write_kb(kb=SITE_AND_WORRY_KB.format(**words))
        ranked = Bot.load(folder).rank("is my lung cancer likely to return")
        assert ranked[0].intent == "lung_recurrence"
        leads.append(ranked[0].confidence - ranked[1].confidence)
    assert leads[0] == pytest.approx(leads[1], abs=0.03)
    bot = Bot.load(write_kb(kb=SITE_AND_WORRY_KB.format(**passing)))
    assert bot.ask("scared my lung cancer will come back").intent == "fear_of_recurrence"
