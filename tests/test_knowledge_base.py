"""The shipped knowledge base: complete, sourced, plain, and answering what patients ask."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot import Bot
from bot.evaluate import Evaluation, read_labelled
from bot.normalise import normalise

DATA = Path(__file__).parent / "data"
CATALOG = {
    topic: ids.split()
    for topic, _, ids in (line.partition(": ") for line in (DATA / "catalog_ids.txt").read_text().splitlines()
                          if line and not line.startswith("#"))
}
CATALOG_IDS = [i for ids in CATALOG.values() for i in ids]
textstat = pytest.importorskip("textstat", reason="textstat==0.7.8 (dev extra) measures reading grade")


@pytest.fixture(scope="module")
def content(shipped_bot: Bot):
    return [i for i in shipped_bot.intents if i.type == "content"]


def test_every_catalog_id_exists(shipped_bot: Bot) -> None:
    assert len(CATALOG_IDS) >= 70
    missing = set(CATALOG_IDS) - {i.id for i in shipped_bot.intents}
    assert missing == set()


def test_red_flag_intents_are_the_safety_ones(shipped_bot: Bot) -> None:
    assert {i.id for i in shipped_bot.intents if i.type == "red_flag"} == {
        "emergency", "emergency_overdose", "crisis", "emergency_fever", "emergency_spinal_cord",
        "emergency_high_calcium", "emergency_vomiting_diarrhea", "emergency_swelling", "emergency_blood_small",
        "emergency_es", "crisis_es", "emergency_fever_es", "emergency_urgent_es"}


def test_intents_are_organised_one_file_per_topic(shipped_bot: Bot) -> None:
    for topic, ids in CATALOG.items():
        files = {Path(shipped_bot.intent(i).path).stem for i in ids}
        assert len(files) == 1, (topic, files)


def test_every_content_answer_has_a_source_and_a_review_date(content) -> None:
    for intent in content:
        assert intent.sources, intent.id
        assert all(s.url.startswith(("https://", "http://")) for s in intent.sources), intent.id
        assert intent.reviewed is not None and intent.reviewed <= dt.date.today(), intent.id


def test_every_shipped_answer_reads_at_grade_8_5_or_below(shipped_bot: Bot) -> None:
    grades = {}
    for intent in shipped_bot.intents:
        text = re.sub(r"https?://\S+", "", intent.answer)
        grades[intent.id] = textstat.flesch_kincaid_grade(text)
    too_hard = {k: g for k, g in grades.items() if g > 8.5}
    assert too_hard == {}
    assert sorted(grades.values())[len(grades) // 2] <= 7.5


def test_content_answers_are_40_to_160_words(content) -> None:
    lengths = {i.id: len(i.answer.split()) for i in content}
    assert {k: n for k, n in lengths.items() if not 40 <= n <= 160} == {}


def test_every_content_intent_has_at_least_10_patterns(content) -> None:
    assert {i.id: len(i.patterns) for i in content if len(i.patterns) < 10} == {}


def test_no_pattern_repeats_across_intents(shipped_bot: Bot) -> None:
    seen: dict[str, str] = {}
    repeated = []
    for intent in shipped_bot.intents:
        if intent.type == "red_flag":
            continue
        for pattern in intent.patterns:
            key = normalise(pattern)
            if key in seen and seen[key] != intent.id:
                repeated.append((pattern, seen[key], intent.id))
            seen.setdefault(key, intent.id)
    assert repeated == []


@pytest.mark.parametrize("phrase", [
    r"\bcheck-?ups? (?:can |will )?prevent", r"\bsurgery (?:can )?causes?\b", r"(?<!not )only (?:cytotoxic )?chemo",
    r"\bguarantee[sd]? (?:that )?(?:it|the cancer) (?:won't|will not)", r"\byou will be cured\b",
    r"\bit won't come back\b", r"\bit's probably nothing\b", r"\b\d+ ?mg\b",
])
def test_no_answer_repeats_a_known_wrong_or_forbidden_claim(shipped_bot: Bot, phrase: str) -> None:
    offenders = [i.id for i in shipped_bot.intents if re.search(phrase, i.answer, flags=re.I)]
    assert offenders == []


def test_answers_take_emergency_numbers_only_from_settings() -> None:
    import yaml

    for path in (Path(__file__).parent.parent / "intents").glob("*.yml"):
        for intent in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents", []):
            assert not re.search(r"\b(?:911|999|988|116 123|112)\b", intent["answer"]), intent["id"]


def test_the_disclaimer_is_used_by_help_and_about(shipped_bot: Bot) -> None:
    for intent_id in ("help", "about"):
        assert shipped_bot.disclaimer in shipped_bot.intent(intent_id).answer


# The labelled questions (tests/data/questions): written from the brief's lay phrasings and
# independently as patients would ask; the holdout set is never used to tune anything.
TUNING = [item for name in ("brief", "patients") for item in read_labelled(DATA / "questions" / f"{name}.tsv")]
HOLDOUT = read_labelled(DATA / "questions" / "holdout.tsv")
OFF_TOPIC = read_labelled(DATA / "questions" / "off_topic.tsv")


def test_the_labelled_sets_are_large_enough() -> None:
    assert sum(i.path.endswith("brief.tsv") for i in TUNING) == 171
    assert sum(i.path.endswith("patients.tsv") for i in TUNING) >= 150
    assert len(OFF_TOPIC) >= 40


@pytest.mark.parametrize("item", TUNING, ids=[f"{Path(i.path).stem}:{i.line}" for i in TUNING])
def test_each_labelled_question_reaches_its_intent(shipped_bot: Bot, item) -> None:
    reply = shipped_bot.ask(item.question)
    assert reply.intent in item.expected, (
        f"{item.question!r}: expected {'|'.join(sorted(item.expected))}, got {reply.kind} {reply.intent} "
        f"{[(m.intent, round(m.confidence, 2)) for m in reply.matches[:3]]}")


@pytest.mark.parametrize("item", OFF_TOPIC, ids=[f"off_topic:{i.line}" for i in OFF_TOPIC])
def test_each_off_topic_question_falls_back(shipped_bot: Bot, item) -> None:
    assert shipped_bot.ask(item.question).kind == "fallback"


def test_held_out_questions_are_mostly_answered_and_rarely_wrong(shipped_bot: Bot) -> None:
    report = Evaluation(shipped_bot, HOLDOUT).report()
    assert report.accuracy >= 0.85
    assert report.confidently_wrong_rate <= 0.03


# (least share answered correctly, most share confidently wrong): a few points under each
# file's result today. Each file's first line records how it scored on arrival and, for the
# ones kept sealed through a round of changes (blind7, then blind9), the honest estimate.
BLIND = {"fresh": (0.90, 0.02), "blind2": (0.90, 0.02), "blind3a": (0.90, 0.02),
         "blind3b": (0.90, 0.02), "blind4": (0.90, 0.02), "blind5": (0.90, 0.02),
         "blind6": (0.90, 0.02), "blind7": (0.88, 0.035), "blind8": (0.92, 0.015),
         "blind9": (0.93, 0.015),
         "blind10": (0.89, 0.025), "blind11": (0.92, 0.015), "blind12": (0.94, 0.015),
         "blind13": (0.93, 0.015), "blind14": (0.88, 0.015),
         "blind15": (0.92, 0.02), "blind16": (0.93, 0.015), "blind17": (0.94, 0.015), "blind18": (0.95, 0.015),
         "blind19": (0.94, 0.015), "blind20": (0.86, 0.05), "blind21": (0.95, 0.015), "blind22": (0.92, 0.035, 0.85),
         "blind23": (0.96, 0.01), "blind24": (0.96, 0.015)}
"""Per set: least share answered correctly, most share confidently wrong, and (when not 90%) least
share of its off-topic questions declined."""


@pytest.mark.parametrize("name", BLIND)
def test_questions_written_blind_are_mostly_answered_rarely_wrong_and_off_topic_declined(
        shipped_bot: Bot, name: str) -> None:
    # Each file was written by someone who never saw the knowledge base (see its first line);
    # the floors catch a content edit that costs many of them here, not in front of a patient.
    report = Evaluation(shipped_bot, read_labelled(DATA / "questions" / f"{name}.tsv")).report()
    least_correct, most_wrong, least_declined = (*BLIND[name], 0.90)[:3]
    assert report.accuracy >= least_correct
    assert report.confidently_wrong_rate <= most_wrong
    assert report.off_topic_rejection >= least_declined
