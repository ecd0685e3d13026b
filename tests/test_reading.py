"""How the engine reads what real people write: what a message is about, what it asks, its story
and its question, and what to do when it is about one person's own case."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot


@pytest.mark.parametrize("message, concept", [
    ("what are the side effects of arimidex?", "hormone_therapy"),   # a brand name no pattern uses
    ("is keytruda a kind of chemo?", "immunotherapy"),
    ("I have otalgia on the left since my radiotherapy", "ear_pain"),  # clinical word
    ("my ear hurts since the radiotherapy", "ear_pain"),               # lay words for the same
    ("cervical lymphadenopathy two years after treatment", "swollen_lymph_nodes"),
    ("NSCLC came back after my lobectomy", "lung_cancer"),
    ("my dad has odynophagia after his treatment for throat cancer", "trouble_swallowing"),
    ("they put a camera into the bladder every few months, is that normal?", "cystoscopy"),
    ("can I go swimming with a PICC line in?", "chemotherapy"),        # a device for giving chemo
    ("is ondansetron enough for the sickness after each cycle?", "side_effect_medicine"),
    ("would manual lymphatic drainage help my arm?", "lymphedema"),
    ("what is terminal restlessness?", "death"),
    ("how do people find meaning again when the cancer is back?", "spirituality"),
])
def test_what_a_message_is_about_is_recognised_in_lay_and_clinical_words(shipped_bot: Bot, message: str,
                                                                         concept: str) -> None:
    assert concept in shipped_bot.read(message).focus


@pytest.mark.parametrize("message, question_type", [
    ("what are the side effects of letrozole?", "side_effects"),
    ("how long have I got now it is back?", "prognosis"),
    ("can recurrent bowel cancer be cured?", "cure"),
    ("what signs should I look out for after my mastectomy?", "signs"),
    ("can I stop my tamoxifen for a few weeks?", "medicine_change"),
    ("what is immunotherapy?", "what_is"),
    ("what are these tablets going to do to me?", "side_effects"),
])
def test_what_a_message_asks_is_recognised(shipped_bot: Bot, message: str, question_type: str) -> None:
    assert shipped_bot.read(message).question_type == question_type


def test_an_unseen_drug_name_reaches_the_answer_about_its_kind_of_treatment(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("what are the side effects of arimidex?")
    assert reply.intent == "breast_hormone_therapy"
    assert "hormone_therapy" in reply.focus and reply.question_type == "side_effects"


@pytest.mark.parametrize("message", [
    "my gout has flared up again in my big toe, what helps with the pain?",
    "my son tore a ligament playing rugby, should he have an MRI or an ultrasound?",  # an injury
])
def test_a_message_about_another_illness_is_declined_without_options(shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert reply.kind == "fallback"
    assert reply.suggestions == ()


def test_a_question_about_something_no_answer_talks_about_is_offered_not_answered(shipped_bot: Bot) -> None:
    # "is there anything I can do..." is the wording of the answer on lowering the risk of
    # recurrence, which says nothing of ear pain: the shared words are not what was asked.
    reply = shipped_bot.ask("Is there anything I can do for my ear pain?")
    assert reply.kind == "fallback"
    assert "ear_pain" in reply.reason
    assert "pain" in {s.intent for s in reply.suggestions}
    about_cancer = shipped_bot.ask("Is there anything I can do for my ear pain after head and neck cancer?")
    assert about_cancer.intent == "head_neck_recurrence_signs"
    assert shipped_bot.ask("is there anything I can do to help myself?").intent == "lower_recurrence_risk"


def test_a_dose_question_about_another_illness_is_declined_and_one_about_cancer_is_not(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("How many mg of levothyroxine should I take for my underactive thyroid?").kind == "fallback"
    assert shipped_bot.ask("How many mg of tamoxifen should I take?").intent == "personal_advice"


@pytest.mark.parametrize("message, kind, intent", [
    ("How do I cope with grief after my brother died in a car accident?", "fallback", None),
    ("where can we get support after our baby was stillborn?", "fallback", None),
    ("my dad died of a heart attack last month, is it normal to cry every day?", "fallback", None),
    ("our cat died last week and the kids are heartbroken, how do we cope?", "fallback", None),
    ("my grandmother died peacefully of old age, how do I deal with the grief?", "fallback", None),
    ("is it normal to feel such grief after a divorce?", "fallback", None),
    ("my husband died of cancer last month, how do i cope", "answer", "bereavement"),
])
def test_grief_after_a_loss_that_was_not_cancer_is_not_ours(shipped_bot: Bot, message: str, kind: str,
                                                           intent: str | None) -> None:
    reply = shipped_bot.ask(message)
    assert (reply.kind, reply.intent) == (kind, intent)


@pytest.mark.parametrize("message, intent", [
    ("I had a melanoma cut out of my shoulder, how likely is it to come back?", "melanoma_recurrence"),
    ("how likely is cancer to come back?", "recurrence_chances"),
    ("Which symptoms could mean ovarian cancer has returned?", "ovarian_recurrence"),
    ("my sister finished treatment for ovarian cancer last year, which signs of it returning should we look "
     "out for?", "ovarian_recurrence"),
    # how *they* keep an eye on it is follow-up; what *I* should keep an eye out for is signs
    ("after my wife's rectal cancer operation, how will the doctors keep an eye on her?", "colorectal_recurrence"),
    ("what should I keep an eye out for in case it comes back", "recurrence_signs"),
    # two cancers named: no one answer covers both, so the general one stays
    ("I have had melanoma and bowel cancer, how likely is it to come back?", "recurrence_chances"),
])
def test_a_general_question_about_a_cancer_with_its_own_answer_gets_that_answer(shipped_bot: Bot, message: str,
                                                                               intent: str) -> None:
    reply = shipped_bot.ask(message)
    assert (reply.kind, reply.intent) == ("answer", intent)
    # the general answer it stands in for is not kept as a runner-up to compete with it
    assert [m.intent for m in reply.matches].count("recurrence_chances") <= (intent == "recurrence_chances")


def test_a_cancers_own_answer_is_not_made_a_close_call_by_the_answers_it_covers(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("after bladder cancer how often do they check inside the bladder?")
    assert reply.intent == "bladder_recurrence"
    # the general follow-up answer, which it covers for bladder cancer, and the answers about
    # cancers the message does not name are not its runners-up
    assert {m.intent for m in reply.matches}.isdisjoint({"follow_up_schedule", "colorectal_recurrence"})


def test_a_test_we_share_with_another_illness_does_not_make_a_message_about_it_ours(shipped_bot: Bot) -> None:
    benign = shipped_bot.ask("My husband has an enlarged prostate and his PSA went up to 5. The urologist says "
                             "it is not cancer. Will the tablets he is on bring it down?")
    assert benign.kind == "fallback"
    assert "benign_tumor" in benign.focus
    assert shipped_bot.ask("my PSA is rising again two years after my prostate cancer operation, "
                           "what happens next?").intent == "prostate_psa_rising"


def test_the_pandemic_as_a_time_does_not_make_a_message_about_another_illness(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("I skipped my check-ups during covid and now my cancer has come back. Is that my fault?")
    assert reply.intent == "not_your_fault"
    assert shipped_bot.ask("I have covid and a cough, how long will I be contagious?").kind == "fallback"


def test_a_message_about_cancer_care_that_is_not_answered_offers_its_best_topics(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("my mum finished her treatment last spring and the nurse keeps mentioning "
                            "something about bones, the whole thing is a blur, what was that about")
    assert reply.kind == "fallback"
    assert 2 <= len(reply.suggestions) <= 3


def test_a_message_naming_care_of_ours_without_a_topic_word_still_offers_its_best_topics(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("Hospice looked after Grandad. Since then Nan is not herself at all. What now?")
    assert reply.kind == "fallback"
    assert "bereavement" in [s.intent for s in reply.suggestions]


def test_a_cancer_named_only_by_its_kind_is_about_our_subject(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("His myeloma is back and they are talking about immune therapy every few weeks, "
                            "what does that involve for him?")
    assert reply.intent == "immunotherapy"


def test_a_leading_filler_never_changes_the_reading(shipped_bot: Bot) -> None:
    plain = shipped_bot.ask("what tests check for recurrence?")
    for filler in ("ok.", "so", "right,", "Thanks. Another question:", "hi there,"):
        reply = shipped_bot.ask(f"{filler} what tests check for recurrence?")
        assert (reply.kind, reply.intent) == (plain.kind, plain.intent), filler


def test_a_thank_you_at_the_end_of_a_message_is_not_its_question(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("I'm looking for something over the counter for my sore knees after gardening. "
                            "Please help me out. Thank you")
    assert reply.kind == "fallback"
    assert shipped_bot.ask("thank you").intent == "thanks"


def test_a_story_with_its_question_at_the_end_is_answered_by_the_question(shipped_bot: Bot) -> None:
    story = ("My sister is 39 and she was told two days ago that her cancer has come back in the lymph nodes, "
             "three years after her surgery and chemotherapy. She has two small children and her husband "
             "works away a lot, so we are all trying to help. Everyone in the family is asking different "
             "things and nobody really knows what to think. ")
    reply = shipped_bot.ask(story + "Can cancer that has come back still be treated, or even cured?")
    assert reply.intent == "recurrence_curable"


@pytest.mark.parametrize("message, intent", [
    ("The consultant's letter says my lymphoma has relapsed. What does that mean exactly?", "lymphoma_relapse"),
    ("Mum's oncologist keeps saying her cancer is in remission. What does that actually mean?", "remission_meaning"),
    ("My oncologist rang this morning to say my cancer has come back. I feel completely numb. What do I do now?",
     "coping_with_recurrence_news"),
    ("The consultant says my bowel cancer has spread and can't be cured but can be held back. What happens from here?",
     "living_with_advanced_cancer"),
])
def test_a_question_that_points_back_at_the_story_is_answered_from_the_story(shipped_bot: Bot, message: str,
                                                                            intent: str) -> None:
    assert shipped_bot.ask(message).intent == intent


def test_a_question_about_the_storys_own_life_matter_is_not_about_something_else(shipped_bot: Bot) -> None:
    story = "Since her cancer came back I look after my mum every day as well as working full time."
    assert shipped_bot.read(f"{story} How do other carers manage?").ask_agrees
    assert not shipped_bot.read(f"{story} Who won the football last night?").ask_agrees


def test_a_question_about_something_else_after_a_story_is_not_answered_from_the_story(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("I was treated for throat cancer two years ago and I am doing fine now. "
                            "Who won the football last night?")
    assert reply.kind != "answer"


@pytest.mark.parametrize("message, intent, why", [
    # a story whose question is about the one treatment only that answer says it answers
    ("Last month my oncologist told me the breast cancer is back in my bones. She wants me to start "
     "immunotherapy soon. How does that kind of treatment work?", "immunotherapy", "immunotherapy"),
    # a clinical question: many words no pattern uses keep the score low, but the treatment named
    # and the second reading agree
    ("How do PD-1 checkpoint blockers such as cemiplimab or dostarlimab act against relapsed tumours, and "
     "which immune-mediated toxicities get monitored?", "immunotherapy", "second reading agrees"),
    # a close call goes to the one answer about the treatment the message names
    ("Dad's cancer came back in his lung and they want to give him radiotherapy again. Is that allowed a "
     "second time?", "radiation_therapy", "radiation_therapy"),
])
def test_what_a_message_is_about_settles_which_answer_it_gets(shipped_bot: Bot, message: str, intent: str,
                                                              why: str) -> None:
    reply = shipped_bot.ask(message)
    assert (reply.kind, reply.intent) == ("answer", intent)
    assert why in reply.reason


def test_a_treatment_offered_for_a_site_that_came_back_gets_the_treatment_answer_not_the_sites(
        shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My mum's lung cancer has come back and her oncologist now suggests immunotherapy "
                            "instead of more chemo. What does this treatment do?")
    assert (reply.kind, reply.intent) == ("answer", "immunotherapy")   # not lung_adjuvant, after surgery


def test_an_out_of_scope_example_about_something_else_does_not_decline_a_message_about_our_subject(
        shipped_bot: Bot) -> None:
    assert shipped_bot.ask("no sex drive since the chemo, is that normal").intent == "sex_and_intimacy"
    assert shipped_bot.ask("no sex drive since our baby, is that normal").kind == "fallback"


def test_a_message_whose_subjects_two_answers_claim_is_not_settled_by_either_claim(shipped_bot: Bot) -> None:
    # radiotherapy (radiation_therapy's subject) to ease pain (pain's subject): a close call stays one
    reply = shipped_bot.ask("The hospital told us my wife's cancer has spread and they want to give her radiotherapy "
                            "to ease the pain in her spine. What does that involve?")
    assert reply.kind != "answer" or reply.intent == "radiation_therapy"
    assert "says it answers" not in reply.reason


@pytest.mark.parametrize("message", ["Would comparing her tests with ours show whether it runs in the family?",
                                     "Can I amend my care plan later?"])
def test_an_everyday_word_is_not_read_as_a_drug_a_letter_or_two_away(shipped_bot: Bot, message: str) -> None:
    assert "side_effect_medicine" not in shipped_bot.read(message).focus


def test_an_answer_is_found_from_clinical_words_for_what_it_is_about(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("Which anti-sickness drugs, like granisetron or aprepitant, are used to manage "
                            "chemotherapy-induced nausea?")
    assert reply.intent == "managing_side_effects"


def test_a_symptom_with_no_cancer_named_is_not_answered_for_naming_the_symptom(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("I have had sharp pain in my hip for years, it comes and goes with the weather. "
                            "How can I treat this?")
    assert reply.kind == "fallback"


def test_radiotherapy_to_a_part_of_the_body_is_not_read_as_pain_spreading_there(shipped_bot: Bot) -> None:
    focus = shipped_bot.read("Why is an underactive thyroid a late effect of radiation to the neck?").focus
    assert "radiation_therapy" in focus and "pain" not in focus


def test_an_answer_from_the_story_is_disputed_only_by_a_reading_of_the_story(shipped_bot: Bot) -> None:
    message = ("My dad finished radiotherapy for throat cancer in May and his first follow-up clinic at the "
               "head and neck unit is next Friday. What happens at those appointments?")
    reading = shipped_bot.read(message)
    assert reading.ask == "What happens at those appointments?"
    assert reading.matches[0].intent == shipped_bot.rank(message)[0].intent  # the whole message decided
    assert reading.dispute is not None
    assert reading.dispute() == shipped_bot.likelihood.opinion(shipped_bot.analyzer.analyse(message))


def test_a_story_sentence_that_starts_with_a_question_word_is_not_the_question(shipped_bot: Bot) -> None:
    message = ("When my lung cancer came back they tested the tumour and found a mutation. Now they want me "
               "on a daily tablet that goes after it. How do these targeted medicines work?")
    reading = shipped_bot.read(message)
    assert reading.ask == "How do these targeted medicines work?"
    assert shipped_bot.read("how do i get on a clinical trial. my oncologist never mentions them").ask \
        == "how do i get on a clinical trial."  # with no question mark, a question word still marks it


def test_a_very_long_message_keeps_its_question_at_the_end(shipped_bot: Bot) -> None:
    story = "We have had a long year with the hospital, the scans and the waiting. " * 60  # about 4 KB
    reply = shipped_bot.ask(story + "What is immunotherapy and how is it used when cancer comes back?")
    assert len(story) > 3700
    assert reply.intent == "immunotherapy"
    assert reply.notice is not None  # it says it read the beginning and the end


def test_a_second_question_is_offered_as_a_numbered_option(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    reply = conversation.ask("what is palliative care? and can I say no to more chemo?")
    assert reply.intent == "palliative_care"
    assert [s.intent for s in reply.suggestions] == ["declining_treatment"]
    assert "You also asked" in reply.text
    assert conversation.ask("1").intent == "declining_treatment"


@pytest.mark.parametrize("message", [
    "my dad's lung cancer is back and has spread. how long does he have left?",
    "My dad has stage 4 lung cancer that has spread to his bones. How long does he have?",
    "Lymphoma. I was told my lymphoma is back after two years. What are my chances?",
])
def test_a_prognosis_question_about_ones_own_case_gets_words_about_prognosis(shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert reply.intent == "personal_advice" and reply.question_type == "prognosis"
    text = reply.text.lower()
    assert "pharmacist" not in text and "dose" not in text
    assert "care team" in text


def test_asking_what_the_bot_would_advise_for_ones_relative_gets_the_personal_reply(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("Hello, my mother has pancreatic cancer that has spread to the liver. The oncologist "
                            "offered more chemotherapy but she is very weak. What would you advise?")
    assert reply.intent == "personal_advice"


def test_what_to_expect_of_a_treatment_is_not_a_judgement_on_ones_own_case(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My mum has never had chemo before and starts next week after her cancer came back. "
                            "What should she expect?")
    assert reply.intent != "personal_advice"
    assert "chemotherapy_basics" in [m.intent for m in reply.matches[:3]]


def test_whether_a_treatment_will_work_for_oneself_is_for_ones_own_team(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My PD-L1 result was 20%. Will Keytruda work for me?")
    assert reply.intent == "personal_advice" and reply.question_type == "for_me"


@pytest.mark.parametrize("message", ["Is my husband strong enough for another round of chemo?",
                                     "Am I fit enough to start chemo again?"])
def test_whether_one_is_well_enough_for_a_treatment_is_for_ones_own_team(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).intent == "personal_advice"


def test_a_question_about_changing_ones_own_dose_is_personal(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("Will my chemo dosage be reduced if the side effects get worse?")
    assert reply.intent == "personal_advice" and reply.question_type == "medicine_change"


@pytest.mark.parametrize("message, intent", [
    ("how long do i have to take tamoxifen for?", "breast_hormone_therapy"),    # a treatment, not a prognosis
    ("how can i stop my cancer from coming back?", "lower_recurrence_risk"),   # prevention, not a medicine
])
def test_questions_that_look_personal_but_are_general_get_the_general_answer(shipped_bot: Bot, message: str,
                                                                             intent: str) -> None:
    assert shipped_bot.ask(message).intent == intent


def test_a_question_about_ones_own_result_offers_the_general_answers(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My husband's PSA went from 0.1 to 0.4 since his prostatectomy. What does that "
                            "mean for him?")
    assert reply.intent == "personal_advice"
    assert "prostate_psa_rising" in [s.intent for s in reply.suggestions]


def test_a_personal_story_that_asks_for_a_judgement_gets_the_personal_reply(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My grandfather is 86 and his PSA test value is 0.43 after his prostate cancer "
                            "treatment. Is this value normal for his health or harmful?")
    assert reply.intent == "personal_advice"


@pytest.mark.parametrize("message", [
    "my CEA went up a bit, what does a rising marker usually mean",
    "my psa has gone up since my op, what does a rising psa level mean?",
    # a rising marker is a kind of result that has an answer of its own
    "my dad's psa keeps creeping up since his radiotherapy, what does it mean?",
])
def test_a_general_question_about_a_result_is_not_taken_as_personal(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).intent in ("tumor_markers", "prostate_psa_rising")
    # its own number is one's own result
    assert shipped_bot.ask("my psa went from 0.2 to 0.5 since my op, what does it mean?").intent == "personal_advice"


@pytest.mark.parametrize("message", [
    "There's a new lump near my scar. Has my breast cancer come back?",
    "I have night sweats again. Is my hodgkins back?",
    "My husband is off his food and more tired than usual. Is his bowel cancer back?",
    "Is this lump under my arm my breast cancer coming back?",
    "I had bowel cancer two years ago and my tummy has been bloated for weeks. Could it have come back?",
])
def test_asking_whether_ones_own_cancer_is_back_now_is_personal(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).intent == "personal_advice"


@pytest.mark.parametrize("message, intent", [
    ("How do I tell my kids my cancer is back?", "talking_to_family"),           # it is back: a statement
    ("If I get cancer in my other breast, is that my old cancer coming back?", "breast_other_breast"),
    ("What signs might mean my throat cancer has come back?", "head_neck_recurrence_signs"),
    ("is it because of stress that my cancer returned?", "not_your_fault"),
])
def test_a_statement_or_a_general_question_about_it_coming_back_is_not_personal(shipped_bot: Bot, message: str,
                                                                                intent: str) -> None:
    assert shipped_bot.ask(message).intent == intent


@pytest.mark.parametrize("message", [
    "will I make it to christmas",
    "my dad's melanoma is back, is he going to survive this?",
    "My wife's cancer has spread to her liver. Will she still be here next summer?",
    "my father has myeloma, will he live long?",
])
def test_survival_asked_in_everyday_words_gets_words_about_prognosis(shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert reply.intent == "personal_advice" and reply.question_type == "prognosis"


@pytest.mark.parametrize("message", [
    "my dad's lung cancer is back. should he have more chemo or go for comfort care now?",
    "would I be better off having surgery or radiotherapy for my prostate cancer coming back?",
    "Is it ok for me to stop my letrozole after three years?",
])
def test_a_choice_of_treatment_for_one_person_is_personal(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).intent == "personal_advice"


@pytest.mark.parametrize("message", [
    "my bloods were off at clinic, has my cancer spread to my bones?",
    "my PSA is undetectable after surgery, does that mean I'm cured?",
    "is my husband's cancer curable now it has come back?",
    "what's my survival rate with stage 3 bowel cancer?",
    "can you read my scan report? it mentions a new spot on my lung since my cancer",
    "I'm 58 and had bowel cancer two years ago. All my scans are clear. Am I cured now?",
    "I had myeloma and my calcium is raised on my bloods. Does it mean I have relapsed?",
    "The CT after six rounds of chemo says stable. Does that mean it's working for my lung cancer?",
    "Is this lump under my arm cancer? I finished breast cancer treatment last year.",
    "Should my wife have the radiotherapy for her breast cancer? She is 81 and frail.",
    "My oncologist wants to lower my dose of capecitabine. Will it still work?",
    "Pathology says adenocarcinoma, lung primary. Can you tell me what this means for my treatment?",
    "Could I delay my next chemo by a week for my son's graduation?",
    "My mum has lymphoma and the doctors have stopped her chemo. What are we supposed to do now?",
    "Can TDM-1 be used for my wife now her breast cancer is in her liver?",
])
def test_ones_own_outlook_results_finding_or_treatment_asked_in_other_words_is_personal(shipped_bot: Bot,
                                                                                        message: str) -> None:
    assert shipped_bot.ask(message).intent == "personal_advice"


@pytest.mark.parametrize("message, intent", [
    ("My prostate cancer has spread to my bones. Does that mean I now have bone cancer?", "spread_keeps_name"),
    ("I had ovarian cancer with a BRCA change. Should my daughter get tested?", "genetic_testing_family"),
    ("Can a blood test for cancer DNA be used to spot a recurrence early?", "ctdna_testing"),
])
def test_general_questions_told_with_ones_own_story_keep_their_general_answer(shipped_bot: Bot, message: str,
                                                                             intent: str) -> None:
    assert shipped_bot.ask(message).intent == intent


def test_whether_a_spread_cancer_takes_a_new_name_stays_a_general_question(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My dad's bowel cancer has spread to his liver. Does that mean he has liver cancer now?")
    assert reply.intent == "spread_keeps_name"


def test_what_ones_own_test_found_is_a_result_for_the_care_team(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("my tumour test found a KRAS mutation, is that bad for my bowel cancer?")
    assert reply.intent == "personal_advice" and reply.question_type == "result_meaning"


def test_a_question_asked_of_ones_own_case_in_so_many_words_is_personal(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("Is it safe for me personally to get pregnant now, two years after my breast cancer?")
    assert reply.intent == "personal_advice" and reply.question_type == "for_me"
    # "person" is not "personally"
    assert shipped_bot.ask("I had bladder cancer. Is there a real person I could speak to?").intent == "talk_to_human"


@pytest.mark.parametrize("message", [
    "can I make it to my appointment after chemo?",
    "my mum has cancer, will the nurse be here at 9 tomorrow?",
])
def test_getting_somewhere_or_someone_being_there_is_not_a_prognosis(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).intent != "personal_advice"


@pytest.mark.parametrize("message", [
    "Is it safe for him to stop his Keytruda? He has been on it for two years.",
    "My dad is on osimertinib and his skin is awful. Should he stop it for a while?",
    "can I cut my capecitabine tablets in half?",
])
def test_stopping_or_halving_ones_own_cancer_medicine_is_personal(shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert reply.intent == "personal_advice" and reply.question_type == "medicine_change"


@pytest.mark.parametrize("message", [
    "my dog has lymphoma, how long has she got left",
    "should I stop my sertraline, I feel better now",
    "what dose of levothyroxine should I be on?",
])
def test_a_pets_cancer_or_a_medicine_for_another_illness_is_declined(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).kind == "fallback"


def test_a_cancers_own_answer_has_no_close_second_about_another_site(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("my sister finished treatment for ovarian cancer last year, which signs of it "
                            "returning should we look out for?")
    assert not {m.intent for m in reply.matches} & {"breast_recurrence_signs", "lung_recurrence_signs"}


def test_asking_whether_ones_cancer_has_relapsed_is_personal(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("has my dad's lymphoma relapsed?").intent == "personal_advice"


def test_asking_whether_its_return_is_a_punishment_is_not_asking_whether_it_is_back(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("is my cancer coming back some kind of punishment for something I did wrong"
                           ).intent == "not_your_fault"
    assert shipped_bot.ask("is my cancer back?").intent == "personal_advice"


def test_a_fertility_clinic_for_a_couple_without_cancer_is_not_ours(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("We have been trying for a baby for two years, which fertility clinic should we "
                           "choose?").kind == "fallback"
    assert shipped_bot.ask("should I see a fertility doctor before chemo?").intent == "fertility"


def test_a_support_group_for_new_parents_is_not_ours_unless_cancer_is_named(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("Is there a support group for new mums in my area?").kind == "fallback"
    assert shipped_bot.ask("I'm a new mum and my breast cancer has come back, is there a support group for "
                           "people like me?").intent == "support_groups"


def test_never_having_had_cancer_is_not_ones_own_case(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("My husband has never had cancer. At what age should he get a PSA screening test?")
    assert reply.intent != "personal_advice"


def test_fear_told_with_a_question_is_acknowledged_before_the_answer(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("hello. my throat cancer is back and im so scared. can it come back again?")
    feelings = shipped_bot.knowledge.settings.messages["feelings"]
    assert reply.kind == "answer"
    assert reply.text.startswith(feelings + "\n\n")


def test_an_answer_that_is_about_feelings_is_not_prefixed_again(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("I'm so scared it will come back, is that normal?")
    assert reply.intent == "fear_of_recurrence"
    assert not reply.text.startswith(shipped_bot.knowledge.settings.messages["feelings"])


@pytest.mark.parametrize("message", [
    "his blood pressure is very low, what does that mean?",
    "what are the side effects of letrozole?",
    "is it normal to feel anxious before a scan?",
])
def test_words_about_numbers_or_questions_about_feelings_are_not_taken_as_distress(shipped_bot: Bot,
                                                                                  message: str) -> None:
    assert not shipped_bot.ask(message).text.startswith(shipped_bot.knowledge.settings.messages["feelings"])


def test_a_knowledge_base_without_feelings_rules_never_adds_the_acknowledgement(small_kb: Path) -> None:
    assert not Bot.load(small_kb).read("I am so scared, how do I water tomatoes?").feeling


def test_an_earlier_subject_only_breaks_ties_and_fades(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    conversation.ask("why did my lung cancer come back?")
    conversation.ask("what is adjuvant therapy?")
    conversation.ask("is it normal to be afraid it will come back?")
    assert conversation.ask("scared about scans").intent == "scan_anxiety"


def test_a_short_follow_up_keeps_the_subject(shipped_bot: Bot) -> None:
    conversation = shipped_bot.conversation()
    conversation.ask("how is lung cancer followed up after surgery?")
    reply = conversation.ask("and what should we watch out for now?")
    assert reply.intent == "lung_recurrence_signs"


@pytest.mark.parametrize("typed, read", [
    ("i cant breathhh", "i can not breath"),
    ("i can t breathe", "i can not breathe"),
    ("icantbreathe", "i can not breathe"),
    ("b-r-e-a-t-h-e", "breathe"),
    ("c4nt br34the", "can not breathe"),
    ("bl00d everywhere", "blood everywhere"),
    ("i w4nt to d1e", "i want to die"),
    ("i want to diee", "i want to die"),
    ("\u0441hest \u0440ain", "chest pain"),           # Cyrillic letters that look Latin
    ("brea\u200bthe", "breathe"),                      # a zero-width space inside a word
    ("killmyself", "kill myself"),
    ("whatisimmunotherapy", "what is immunotherapy"),
    ("i want to d i e", "i want to die"),
    ("r u a real doctor", "are you a real doctor"),     # three letters that make no word stay apart
])
def test_the_way_distressed_people_type_is_read_as_they_meant_it(shipped_bot: Bot, typed: str, read: str) -> None:
    assert " ".join(shipped_bot.analyzer.analyse(typed).words) == read


@pytest.mark.parametrize("word", ["teen", "ourense", "vitamin d", "religious"])
def test_ordinary_words_are_left_as_they_are(shipped_bot: Bot, word: str) -> None:
    assert " ".join(shipped_bot.analyzer.analyse(word).words) == word
