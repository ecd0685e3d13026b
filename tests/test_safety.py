"""Red flags go to urgent help before anything else; ordinary questions never do.

Each red-flag intent is a category with one first action (BRIEF.md section 2): the emergency
number, the crisis line, or the 24-hour oncology line. These tests read as its specification.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import Bot
from bot.evaluate import read_labelled
from bot.lint import readable_text
from bot.normalise import words
from bot.stemmer import stem
from bot.wordlist import english_words

QUESTIONS = Path(__file__).parent / "data" / "questions"

CATEGORIES = ("emergency", "emergency_overdose", "crisis", "emergency_fever", "emergency_spinal_cord",
              "emergency_high_calcium", "emergency_vomiting_diarrhea", "emergency_swelling",
              "emergency_blood_small")
SPANISH = ("emergency_es", "crisis_es", "emergency_fever_es", "emergency_urgent_es")
SPANISH_OF = {"emergency": "emergency_es", "emergency_overdose": "emergency_es", "crisis": "crisis_es",
              "emergency_fever": "emergency_fever_es", "emergency_spinal_cord": "emergency_urgent_es",
              "emergency_high_calcium": "emergency_urgent_es", "emergency_vomiting_diarrhea": "emergency_urgent_es",
              "emergency_swelling": "emergency_urgent_es", "emergency_blood_small": "emergency_urgent_es"}
"""A Spanish message is answered by the Spanish category of the same first action."""
URGENT = set(CATEGORIES) | set(SPANISH)

# Every labelled file, so a new one is checked without being listed; the red-flag stress sets,
# whose "-" means "not urgent" rather than "ordinary", have their own test below.
STRESS = sorted(path.stem for path in QUESTIONS.glob("red_flags_stress*.tsv"))
LABELLED = [item for path in sorted(QUESTIONS.glob("*.tsv")) if path.stem not in STRESS
            for item in read_labelled(path)]
RED_FLAGS = [item for item in LABELLED if item.expected & URGENT]
ORDINARY = [item for item in LABELLED if not item.expected & URGENT]


@pytest.fixture(scope="module")
def uk_bot() -> Bot:
    return Bot.load(locale="uk")


def first_lines(text: str, count: int = 2) -> str:
    return "\n".join([line for line in text.splitlines() if line.strip()][:count])


# -- the shape of the safety layer --------------------------------------------------------------


def test_every_category_is_a_red_flag_with_one_first_action_and_its_own_words(shipped_bot: Bot) -> None:
    flags = {i.id: i for i in shipped_bot.intents if i.type == "red_flag"}
    assert set(flags) == set(CATEGORIES) | set(SPANISH)
    for intent in flags.values():
        assert intent.first_action and "\n" not in intent.first_action, intent.id
        assert intent.answer and intent.asking and intent.sources and 1 <= len(intent.sources) <= 3, intent.id
        assert intent.reviewed is not None and intent.reviewed.isoformat() == "2026-12-07", intent.id
    assert [flags[c].urgency for c in CATEGORIES] == sorted(flags[c].urgency for c in CATEGORIES)
    assert {flags[c].language for c in SPANISH} == {"es"}
    oncology = {"emergency_fever", "emergency_spinal_cord", "emergency_high_calcium",
                "emergency_vomiting_diarrhea", "emergency_swelling", "emergency_blood_small"}
    assert {c for c in CATEGORIES if flags[c].requires_topic} == oncology


def test_nothing_about_fever_in_the_emergency_reply(shipped_bot: Bot) -> None:
    """Review item 1: "I can't breathe" must not be offered a second, competing action."""
    reply = shipped_bot.ask("I can't breathe")
    assert reply.red_flags == ("emergency",)
    assert "fever" not in reply.text.lower() and "oncology" not in reply.text.lower()


@pytest.mark.parametrize("category", [c for c in CATEGORIES])
def test_english_replies_read_at_grade_8_or_below(shipped_bot: Bot, category: str) -> None:
    textstat = pytest.importorskip("textstat")
    intent = shipped_bot.intent(category)
    for text in (f"{intent.first_action}\n{intent.answer}", intent.asking):
        assert textstat.flesch_kincaid_grade(readable_text(text)) <= 8, (category, text)


def test_no_number_of_the_other_country_is_shown(shipped_bot: Bot, uk_bot: Bot) -> None:
    """US numbers never reach UK users and the other way round (the placeholders are per locale)."""
    def texts(bot: Bot):
        for intent in bot.intents:
            if intent.type == "red_flag" or intent.id == "personal_advice":
                yield intent.id, "\n".join((intent.first_action, intent.answer, intent.asking,
                                            *(text for _, text in intent.answer_for)))
    for name, text in texts(uk_bot):
        assert not re.search(r"\b911\b|\b988\b|1-800|Poison Control", text), name
    for name, text in texts(shipped_bot):
        assert not re.search(r"\b999\b|116 123|\b111\b", text), name


# -- every category: the right first action, first, in both locales ----------------------------

# A realistic message for each category, and the words of its first action in each locale.
CASES = {
    "emergency": ("my husband is gasping for air and his lips are going blue", "911", "999"),
    "emergency_overdose": ("I swallowed all my morphine tablets", "911", "999"),
    "crisis": ("I can't go on, I want to kill myself", "988", "116 123"),
    "emergency_fever": ("my temperature is 38.6 and I had chemo last week", "24-hour", "24-hour"),
    "emergency_spinal_cord": ("my back is killing me at night and I had lung cancer", "24-hour", "24-hour"),
    "emergency_high_calcium": ("I'm so thirsty all the time and peeing loads, I have myeloma", "24-hour", "24-hour"),
    "emergency_vomiting_diarrhea": ("I can't keep any water down and I'm on chemo", "24-hour", "24-hour"),
    "emergency_swelling": ("my face and neck are puffy since this morning, I have lung cancer", "24-hour", "24-hour"),
    "emergency_blood_small": ("there is a little blood in my phlegm when I cough", "care team today",
                              "care team today"),
    "emergency_es": ("no puedo respirar y me duele el pecho", "911", "999"),
    "crisis_es": ("quiero morirme, ya no aguanto más", "988", "116 123"),
    "emergency_fever_es": ("tengo fiebre de 38,5 y estoy con quimioterapia", "24 horas", "24 horas"),
    "emergency_urgent_es": ("no paro de vomitar desde la quimio y no retengo ni el agua", "24 horas", "24 horas"),
}


def test_every_category_has_a_case() -> None:
    assert set(CASES) == set(CATEGORIES) | set(SPANISH)


@pytest.mark.parametrize("locale", ["us", "uk"])
@pytest.mark.parametrize("category", list(CASES))
def test_each_category_gives_its_first_action_in_the_first_two_lines(category: str, locale: str,
                                                                    shipped_bot: Bot, uk_bot: Bot) -> None:
    bot = uk_bot if locale == "uk" else shipped_bot
    message, us_words, uk_words = CASES[category]
    reply = bot.ask(message)
    assert reply.kind == "emergency"
    assert reply.intent == category, reply.red_flags
    top = first_lines(reply.text)
    assert bot.intent(category).first_action in top
    assert (uk_words if locale == "uk" else us_words) in top


def test_a_little_blood_is_the_care_team_today_and_a_lot_is_an_emergency(shipped_bot: Bot) -> None:
    """Review item 5: the same patient must not get opposite urgency from different wording."""
    assert shipped_bot.ask("I coughed up a little blood this morning after my lung surgery").intent == \
        "emergency_blood_small"
    assert shipped_bot.ask("I'm coughing up a lot of blood").intent == "emergency"
    assert shipped_bot.ask("my arm is swollen after breast cancer").intent == "emergency_swelling"
    assert shipped_bot.ask("i feel very thirsty all the time and constipated and being sick, i have bone mets"
                           ).intent == "emergency_high_calcium"


@pytest.mark.parametrize("message", [
    "my back hurts and it's worse at night, I had breast cancer",
    "my back is killing me at night, had lung cancer",
    "new back pain keeps me awake, I had prostate cancer",
    "my back hurts when I lie down, my cancer spread to my bones",
])
def test_everyday_back_pain_words_reach_the_spinal_cord_category(shipped_bot: Bot, message: str) -> None:
    """Review item 2."""
    assert shipped_bot.ask(message).intent == "emergency_spinal_cord"


@pytest.mark.parametrize("message", [
    "I have lost the feeling in my legs, my cancer is in my spine",
    "my mum is losing sensation in her legs since this morning",
    "his legs have lost all feeling and he had prostate cancer",
])
def test_losing_the_feeling_in_the_legs_reaches_the_spinal_cord_category(shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert (reply.kind, reply.intent) == ("emergency", "emergency_spinal_cord")


@pytest.mark.parametrize("message", ["i swallowed all my morphine", "took the whole packet of painkillers",
                                     "I've taken a bottle of oxycodone", "he's taken 20 of his sleeping tablets"])
def test_an_overdose_of_any_pills_calls_the_emergency_number(shipped_bot: Bot, message: str) -> None:
    """Review item 3: then poison advice, and the crisis line if it was on purpose."""
    reply = shipped_bot.ask(message)
    assert reply.intent == "emergency_overdose"
    assert "911" in first_lines(reply.text) and "1-800-222-1222" in reply.text and "988" in reply.text


# -- several categories at once -----------------------------------------------------------------


@pytest.mark.parametrize("message", [
    "My arm has been swollen since they took the lymph nodes out, what helps?",
    "I had lymph nodes removed from my armpit last year and now my hand feels puffy",
])
def test_swelling_known_after_node_surgery_gets_the_lymphoedema_answer_with_when_to_call(
        shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert (reply.kind, reply.intent) == ("answer", "lymphedema")
    assert "red, hot and painful, call" in reply.text
    assert shipped_bot.ask("my arm is swollen and my hand is puffy since this morning").intent == "emergency_swelling"


@pytest.mark.parametrize("message", [
    "my arm swells on and off since my mastectomy, is there anything that helps?",
    "her hand keeps swelling up since her lumpectomy, what can she do about it?",
    "Over the past few months my arm feels heavy and my sleeves are getting tight. How is this kind of swelling treated?",
])
def test_swelling_that_comes_and_goes_or_grew_over_months_is_not_an_emergency(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).kind != "emergency"


@pytest.mark.parametrize("message", [
    "Could arm swelling be a sign my breast cancer is back?",
    "Could swelling in his arm be a symptom that the cancer has spread?",
])
def test_asking_whether_arm_swelling_is_a_sign_gets_the_signs_answer(shipped_bot: Bot, message: str) -> None:
    reply = shipped_bot.ask(message)
    assert reply.kind == "answer" and reply.intent == "breast_recurrence_signs"


def test_two_categories_give_both_first_actions_most_urgent_first(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("chest pain and a fever of 38.5, I'm on chemo")
    assert reply.red_flags[:2] == ("emergency", "emergency_fever")
    lines = reply.text.splitlines()
    assert lines[0] == shipped_bot.message("emergency_several")
    emergency, fever = (shipped_bot.intent(c).first_action for c in ("emergency", "emergency_fever"))
    assert lines.index(emergency) < lines.index(fever)


@pytest.mark.parametrize("category", [c for c in CATEGORIES if c != "crisis"])
def test_the_crisis_line_survives_every_combination(shipped_bot: Bot, category: str) -> None:
    """Review item 4: emergency and crisis together must never drop the crisis line."""
    message = f"{CASES[category][0]}, and honestly I want to end my life"
    reply = shipped_bot.ask(message)
    assert {category, "crisis"} <= set(reply.red_flags)
    order = [shipped_bot.intent(c).first_action for c in reply.red_flags]
    positions = [reply.text.index(action) for action in dict.fromkeys(order)]
    assert positions == sorted(positions)
    assert "988" in reply.text


# -- labelled sets ------------------------------------------------------------------------------


def test_the_labelled_set_is_large_enough() -> None:
    assert len(RED_FLAGS) >= 100
    assert sum("crisis" in i.expected for i in RED_FLAGS) >= 15
    assert {c for i in RED_FLAGS for c in i.expected} >= set(CATEGORIES) - {"emergency_overdose",
                                                                          "emergency_blood_small"}


@pytest.mark.parametrize("item", RED_FLAGS, ids=[i.question[:40] for i in RED_FLAGS])
def test_every_red_flag_gets_its_category(shipped_bot: Bot, item) -> None:
    reply = shipped_bot.ask(item.question)
    assert reply.kind == "emergency", f"{item.path}:{item.line}"
    assert reply.intent in item.expected


# Questions of the labelled sets that are not red flags but set one off, kept on purpose.
FALSE_ALARMS_KEPT = {
    # swollen, sore legs may be a clot whatever else the doctor has named
    "My legs are swollen and sore and the doctor says it is lipoedema. Do compression stockings help with that?",
    # a swollen arm told with nothing of how long or how fast may be a clot: the team today
    "swollen arm after breast surgery",
    "swollen arm after surgery",
}


@pytest.mark.slow
def test_no_ordinary_question_sets_off_a_red_flag(shipped_bot: Bot) -> None:
    fired = [(i.question, shipped_bot.red_flag(i.question).trigger) for i in ORDINARY
             if shipped_bot.red_flag(i.question) is not None and i.question not in FALSE_ALARMS_KEPT]
    assert fired == []
    assert all(shipped_bot.red_flag(question) is not None for question in FALSE_ALARMS_KEPT)


def stress_items(name: str) -> list[tuple[int, str, list[str]]]:
    """(line, message, categories most urgent first; [] for not urgent) of a stress set."""
    items = []
    for number, line in enumerate((QUESTIONS / f"{name}.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            question, _, label = line.partition("\t")
            items.append((number, question.strip(), [c for c in label.strip().split("|") if c not in ("", "-")]))
    return items


def caught(bot: Bot, message: str, categories: list[str]) -> bool:
    """The reply is an emergency that gives every labelled category, most urgent first; a Spanish
    message gets the Spanish category of the same first action."""
    reply = bot.ask(message)
    if reply.kind != "emergency":
        return False
    fired = list(reply.red_flags)
    english = [c for c in categories if c in SPANISH_OF]  # a label may also name the Spanish reply
    if any(f.endswith("_es") for f in fired) or bot.read(message).language != "en":
        wanted = list(dict.fromkeys(SPANISH_OF[c] for c in english))
        return [f for f in fired if f in wanted] == wanted
    return [f for f in fired if f in english] == english


# Stress sets written blind from the brief (see each file's first lines): (urgent messages that
# may still be missed, not-urgent messages that may set off a red flag). A general or past
# question about a symptom gets the category's guidance as an ordinary answer; a look-alike that
# still fires costs a calm reader a moment, a missed emergency far more. The counts may only go
# down. Set 2 keeps its one allowed miss from before, though it catches every message now.
STRESS_LIMITS = {"red_flags_stress": (0, 5), "red_flags_stress2": (1, 0), "red_flags_stress3": (0, 2),
                 "red_flags_stress4": (0, 2), "red_flags_stress5": (0, 2),
                 "red_flags_stress6": (0, 1), "red_flags_stress7": (0, 1),
                 "red_flags_stress8": (0, 0), "red_flags_stress9": (0, 5), "red_flags_stress10": (0, 1),
                 "red_flags_stress11": (0, 8), "red_flags_stress12": (0, 1)}


def test_every_stress_set_has_its_limits() -> None:
    assert sorted(STRESS_LIMITS) == STRESS


@pytest.mark.slow
@pytest.mark.parametrize("name", STRESS_LIMITS)
def test_stress_sets_catch_every_category_and_rarely_fire_on_look_alikes(shipped_bot: Bot, name: str) -> None:
    items = stress_items(name)
    urgent = [(n, q, c) for n, q, c in items if c]
    missed = [(n, q) for n, q, c in urgent if not caught(shipped_bot, q, c)]
    fired = [(n, q) for n, q, c in items if not c and shipped_bot.ask(q).kind == "emergency"]
    most_missed, most_fired = STRESS_LIMITS[name]
    assert len(urgent) >= 85
    assert len(missed) <= most_missed, missed
    assert len(fired) <= most_fired, fired


def test_every_crisis_line_of_stress_set_12_gets_the_crisis_reply(shipped_bot: Bot) -> None:
    crisis = [q for _, q, c in stress_items("red_flags_stress12") if "crisis" in c]
    assert len(crisis) == 29
    assert [q for q in crisis if not {"crisis", "crisis_es"} & set(shipped_bot.ask(q).red_flags)] == []


# -- false alarms -------------------------------------------------------------------------------


@pytest.mark.parametrize("message", [
    "I'm not very religious, is there non-religious support for families?",
    "who is at risk of dengue fever?",
])
def test_the_reviews_false_alarms_stay_quiet(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).kind != "emergency"


@pytest.mark.slow  # every one of 117,000 English words
def test_the_corrector_never_turns_a_real_word_into_a_red_flag_word(shipped_bot: Bot) -> None:
    """A red flag fires on what was typed, or on a curated misspelling of a red-flag word, never
    on a different real word that spelling correction or mended typing turned into one."""
    analyzer = shipped_bot.analyzer
    alarming = {stem(w) for w in shipped_bot.red_flags.words()}
    curated = set(analyzer.vocabulary.misspellings)
    knowledge_base_words = {w for i in shipped_bot.intents for text in (i.question, *i.patterns, i.answer)
                            for w in words(text)}
    created = {}
    for word in sorted((english_words() | knowledge_base_words) - curated):
        typed = {stem(w) for w in words(word)}
        seen = set(analyzer.analyse(word).safety_stems)
        if (seen - typed) & alarming:
            created[word] = sorted(seen)
    assert created == {}


LOOK_ALIKES = [
    # idioms
    "I'm dying to know whether the clinic is open on Boxing Day",
    "just killing time in the waiting room before my scan",
    "the view from the oncology ward was breathtaking",
    "that comedian absolutely killed me last night",
    "I nearly died of embarrassment when my wig slipped off",
    "the suspense of waiting for results is killing me",
    "my heart is bleeding for the other families on the ward",
    "I'm fed up to the back teeth with forms",
    "I was blue in the face explaining it to the receptionist",
    "she was in fits of laughter at the nurse's joke",
    "my inbox is overflowing, it's a real headache",
    "I'm dead on my feet after the school run",
    "the football crowd was in a fever of excitement",
    "it took my breath away when I saw my grandson",
    "I'd kill for a decent cup of coffee in this hospital",
    "our team got thrashed, I wanted the ground to swallow me up",
    # a pet's or a stranger's illness
    "my dog had a seizure last week, the vet says it was epilepsy",
    "my cat is panting a lot in this heat",
    "our puppy swallowed a sock and was sick everywhere",
    "the horse next door has a swollen leg",
    "my rabbit keeps fitting, which vet is open now?",
    "my neighbour's dog had chemo and now has a fever",
    # fiction and the news
    "in the film the hero coughs up blood and dies",
    "I'm reading a novel where the character has a stroke",
    "we watched a documentary about sepsis last night",
    "the actor in that series collapsed on stage in the story",
    # a past event, over and done with
    "I had a seizure once in 2012, none since, can I still drive?",
    "back in March I had a small clot, it was treated and is all fine now",
    "I had sepsis after my first chemo, fully recovered, can I get the flu jab?",
    "years ago I coughed up a bit of blood and it turned out to be an infection",
    "I fainted as a teenager at the sight of a needle",
    "I had a fever in 2019 during chemo, it cleared up with antibiotics",
    # everyday words that look like symptoms
    "does this wig fit properly or should I get a fitting?",
    "is there a fitting room at the prosthesis clinic?",
    "I want to get fit again after treatment",
    "where can I buy a collapsible wheelchair?",
    "it was 39 degrees on holiday in Spain, far too hot",
    "I want to diet after chemo, which foods are best?",
    "I want to dye my hair after chemo, how long should I wait?",
    "can I donate blood now that treatment has finished?",
    "my blood test results came back normal",
    "the nurse said my blood pressure is fine",
    "is hot yoga ok after chemo finished last year?",
    "thirsty for more information about clinical trials",
    "I'm confused by all the leaflets they gave me",
    "he's confused why he needs more scans",
    "can hormone therapy cause hot flushes?",
    "I have hay fever, can I take antihistamines after chemo?",
    "I walk 10 kms most days, is that too much after cancer?",
    "my shirt collar is a bit tight after Christmas dinner",
    "Fever-Tree tonic or plain water with dinner?",
    # illnesses and medicines named after a symptom
    "my husband has familial Mediterranean fever, where can I read about it?",
    "I take an anti-seizure medicine, can I still have chemo?",
    "my visual field is about 45 degrees since my eye operation",
    "what is the risk of a clot on a long flight after treatment?",
    "I have a seizure disorder and take Keppra, can I have the flu jab with my chemo?",
    "she was fitted with a port before her chemo, how long does it stay in?",
    "I had to have emergency surgery on my bowel last spring, when can I drive again?",
    "I don't have a high temperature, but is a runny nose ok during chemo?",
    "two years back I could not walk far after my operation. These days I walk daily, is swimming ok?",
]


def test_there_are_at_least_50_look_alikes() -> None:
    assert len(LOOK_ALIKES) >= 50


@pytest.mark.parametrize("message", LOOK_ALIKES)
def test_idioms_pets_fiction_and_past_events_are_not_red_flags(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).kind != "emergency"


@pytest.mark.parametrize("message", [
    "my sister and I had a fit of laughter in the waiting room",
    "I'm scared of having a seizure one day",
    "my hands go numb at night",
    "I feel sick every time I eat since radiotherapy, is that normal",
    "I can barely stay awake in the afternoons since chemo",
    "I can not stop shaking with nerves before my scan",
    "I want to die my hair purple now it has grown back",
    "does the risk of another cancer after mouth cancer drop if I stop smoking",
    "this leaflet is so confusing",
    "I hope the kids do not wake him up when they get home",
    "I'm giving my things away to charity before I move house",
    "can I put coffee grounds on my garden",
    "I bought a skipping rope and it is ready for my exercise class",
    "no one will miss me at the party tonight",
    "I am sick of being confused by all these leaflets",
    "I have hay fever", "i don't want to die", "what is end of life care",
    "I'm having hot flushes and feel shaky sometimes on tamoxifen",
    "when the time comes I'd rather die at home than in hospital",
    "what is the point of going on with chemo if it came back anyway",
    "she doesn't know where to turn for support",
])
def test_fears_and_common_side_effects_are_not_red_flags(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.red_flag(message) is None


def test_a_real_red_flag_beside_a_look_alike_still_fires(shipped_bot: Bot) -> None:
    assert shipped_bot.ask("I don't want to die, but I want to end it all").intent == "crisis"
    assert shipped_bot.ask("my hay fever is bad and my temperature is 38.6 on chemo").intent == "emergency_fever"
    assert shipped_bot.ask("my dog is fine but I can't breathe").intent == "emergency"
    # a negated fever masks only the fever: shivering still calls the oncology line
    assert shipped_bot.ask("I don't have a high fever but I'm shivering and feel awful on chemo").intent \
        == "emergency_fever"
    assert shipped_bot.ask("he has a seizure disorder and he is having a seizure right now").kind == "emergency"


# -- general questions: the guidance, as information --------------------------------------------


@pytest.mark.parametrize("question, category", [
    ("what should I do if I get a fever during chemo?", "emergency_fever"),
    ("what temperature counts as a fever when you're on chemo?", "emergency_fever"),
    ("what are the warning signs of spinal cord compression?", "emergency_spinal_cord"),
    ("what does a blood clot in the leg feel like, so I know what to look out for?", "emergency"),
    ("what does it mean if someone with myeloma is always thirsty and peeing a lot?", "emergency_high_calcium"),
    ("what counts as severe diarrhoea during treatment?", "emergency_vomiting_diarrhea"),
    ("what should you do if someone has swallowed a whole bottle of pills?", "emergency_overdose"),
    ("is coughing up blood ever a sign the cancer is back?", "emergency"),
    ("what should my family do if I ever have a seizure?", "emergency"),
    ("what happens if I get a fever between chemo cycles?", "emergency_fever"),
    ("what fever level should make me ring the chemo unit?", "emergency_fever"),
    ("can sepsis be prevented when your immune system is low from chemo?", "emergency"),
    ("if my husband gets a fever after his chemo, what do we do?", "emergency_fever"),
    ("what can one do if they have no feeling in their legs with spinal mets?", "emergency_spinal_cord"),
])
def test_a_general_question_gets_the_guidance_as_information(shipped_bot: Bot, question: str,
                                                            category: str) -> None:
    reply = shipped_bot.ask(question)
    assert (reply.kind, reply.intent) == ("answer", category)
    assert reply.text.startswith(shipped_bot.intent(category).asking)
    assert not re.search(r"\bnow\b", reply.text, re.IGNORECASE)


@pytest.mark.parametrize("message", [
    "what should I do? I have a fever of 38.5 right now and I'm on chemo",
    "is it normal to have chest pain and feel breathless after chemo?",
    "I had breast cancer 3 years ago and my back is killing me at night",
    "sudden crushing pain in my chest, had breast cancer 2 yrs ago",
    "the seizures are happening again since my brain mets were treated",
    "what happens if you take all your morphine at once",
    "what happens if I have chest pain and can't breathe now",
])
def test_when_it_may_be_happening_now_it_counts_as_now(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).kind == "emergency"


@pytest.mark.parametrize("message", [
    "I have had asthma since I was a child and I get short of breath on the stairs. Which inhaler works best?",
    "My husband has had epilepsy for twenty years and his seizures come every few months. Is there a diet that helps?",
    "My mother has chronic chest pain from her angina. Can she still go swimming?",
    "I have had epilepsy for years and the seizures are worse on my new diet. Does it take time for this not to happen?",
])
def test_a_long_standing_symptom_of_another_illness_is_not_an_emergency_and_not_ours(shipped_bot: Bot,
                                                                                     message: str) -> None:
    reply = shipped_bot.ask(message)
    assert reply.kind == "fallback"
    assert not reply.red_flags


@pytest.mark.parametrize("message", [
    "I have had lung cancer for three years and since last night I can't breathe properly",
    "my dad has had asthma for years but right now his lips are blue and he can't breathe",
    "I've had back pain for months and yesterday my legs went weak, I had prostate cancer",
])
def test_a_long_story_does_not_hide_a_symptom_that_is_happening_now(shipped_bot: Bot, message: str) -> None:
    assert shipped_bot.ask(message).kind == "emergency"


# -- help on the way ----------------------------------------------------------------------------


def test_help_on_the_way_is_acknowledged_and_the_rest_answered(shipped_bot: Bot) -> None:
    """The brief's own message; see also tests/conversations/safety.yml."""
    conversation = shipped_bot.conversation()
    assert conversation.ask("my husband is gasping for air and his lips are blue").kind == "emergency"
    reply = conversation.ask("ok the ambulance is coming. what is immunotherapy?")
    assert reply.kind != "emergency"
    assert reply.notice == shipped_bot.message("help_coming")
    assert (reply.kind, reply.intent) == ("answer", "immunotherapy")
    worse = conversation.ask("the ambulance is coming but now he can't breathe at all")
    assert worse.kind == "emergency" and worse.intent == "emergency"


# -- Spanish ------------------------------------------------------------------------------------


def test_another_spanish_message_gets_the_emergency_number_in_both_languages(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("necesito ayuda urgente con mi padre, está muy mal desde esta mañana")
    assert reply.kind == "fallback"
    assert "911" in reply.text and "Si es una emergencia" in reply.text


# -- personal advice (review item 12) -----------------------------------------------------------


def test_personal_advice_is_worded_for_the_kind_of_question(shipped_bot: Bot) -> None:
    intent = shipped_bot.intent("personal_advice")
    assert "call your care team (or GP) today" in intent.answer
    assert "dose" not in intent.answer and "pharmacist" not in intent.answer
    prognosis = intent.answer_to("prognosis")
    assert "palliative care" in prognosis and "okay to ask" in prognosis
    assert not re.search(r"dose|pharmacist", prognosis)
    assert "pharmacist" in intent.answer_to("medicine_change") and "dose" in intent.answer_to("medicine_change")
    assert "results" in intent.answer_to("result_meaning") and "dose" not in intent.answer_to("result_meaning")


# -- the trigger language -----------------------------------------------------------------------


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
