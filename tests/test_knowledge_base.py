"""The shipped knowledge base: complete, sourced, plain, and answering what patients ask."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path

import pytest

from bot import Bot
from bot.evaluate import Evaluation, check_labels, read_floor, read_labelled
from bot.lint import SHIPPED_POLICY, months_before, reading_grades
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


def test_every_content_answer_has_a_source_and_a_recent_review_date(content) -> None:
    stale_before = months_before(dt.date.today(), SHIPPED_POLICY.review_months)
    for intent in content:
        assert intent.sources, intent.id
        assert all(s.url.startswith(("https://", "http://")) for s in intent.sources), intent.id
        assert intent.reviewed is not None and stale_before <= intent.reviewed <= dt.date.today(), intent.id


def test_every_text_a_person_reads_is_at_the_policy_grade_or_below(shipped_bot: Bot) -> None:
    grades = reading_grades(shipped_bot.intents)
    assert grades is not None
    too_hard = {f"{intent.id} {field}": round(g, 1) for (intent, field), g in grades.items()
                if g > SHIPPED_POLICY.max_grade}
    assert too_hard == {}
    assert statistics.median(grades.values()) <= SHIPPED_POLICY.typical_grade


def test_content_answers_are_neither_a_line_nor_an_essay(content) -> None:
    shortest, longest = SHIPPED_POLICY.answer_words
    lengths = {i.id: len(i.answer.split()) for i in content}
    assert {k: n for k, n in lengths.items() if not shortest <= n <= longest} == {}


def test_every_content_intent_has_the_policys_ways_of_asking(content) -> None:
    assert {i.id: len(i.patterns) for i in content if len(i.patterns) < SHIPPED_POLICY.min_patterns} == {}


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
QUESTIONS = DATA / "questions"
TUNING = [item for name in ("brief", "patients", "patients_treatments_explained", "patients_practical", "patients_living")
          for item in read_labelled(QUESTIONS / f"{name}.tsv")]
OFF_TOPIC = read_labelled(QUESTIONS / "off_topic.tsv")


def _natural(name: str) -> tuple[str, int, str]:
    """blind2 before blind10."""
    head = name.rstrip("0123456789ab")
    digits = name[len(head):].rstrip("ab")
    return head, int(digits or 0), name


def test_the_labelled_sets_are_large_enough() -> None:
    assert sum(i.path.endswith("brief.tsv") for i in TUNING) == 171
    assert sum(i.path.endswith("patients.tsv") for i in TUNING) >= 150
    assert len(OFF_TOPIC) >= 40


@pytest.mark.slow
@pytest.mark.parametrize("item", TUNING, ids=[f"{Path(i.path).stem}:{i.line}" for i in TUNING])
def test_each_labelled_question_reaches_its_intent(shipped_bot: Bot, item) -> None:
    reply = shipped_bot.ask(item.question)
    # a '-' line (patients_practical.tsv's out-of-scope look-alikes) must be declined
    assert reply.intent in item.expected if item.in_scope else reply.kind == "fallback", (
        f"{item.question!r}: expected {'|'.join(sorted(item.expected)) or '-'}, got {reply.kind} {reply.intent} "
        f"{[(m.intent, round(m.confidence, 2)) for m in reply.matches[:3]]}")


@pytest.mark.slow
@pytest.mark.parametrize("item", OFF_TOPIC, ids=[f"off_topic:{i.line}" for i in OFF_TOPIC])
def test_each_off_topic_question_falls_back(shipped_bot: Bot, item) -> None:
    assert shipped_bot.ask(item.question).kind == "fallback"


# Each blind set, and the held-out set, states its own floor in its header (`# floor:
# correct>=0.94 wrong<=0.015 declined>=0.90`), written when the set was measured: a few points
# under its result then. Each file's first line records how it scored on arrival and, for the
# ones kept sealed through a round of changes, the honest estimate.
FLOORED = [path for path in sorted(QUESTIONS.glob("*.tsv"), key=lambda p: _natural(p.stem)) if read_floor(path)]


def test_every_blind_set_and_the_held_out_set_states_its_floor() -> None:
    needing = {p.stem for p in QUESTIONS.glob("*.tsv") if p.stem.startswith(("blind", "fresh", "holdout"))}
    assert needing - {p.stem for p in FLOORED} == set()
    assert len(FLOORED) >= 26


@pytest.mark.slow
@pytest.mark.parametrize("path", FLOORED, ids=[p.stem for p in FLOORED])
def test_each_labelled_set_meets_the_floor_in_its_header(shipped_bot: Bot, path: Path) -> None:
    # Each set was written by someone who never saw the knowledge base (see its first line);
    # the floor catches a content edit that costs many of them here, not in front of a patient.
    floor = read_floor(path)
    assert floor is not None
    report = Evaluation(shipped_bot, read_labelled(path)).report()
    missed = floor.shortfalls(report)
    assert not missed, f"{path.name}: " + "; ".join(missed) + f" (the floor at line {floor.line})"


def test_every_label_of_every_labelled_set_names_a_shipped_intent(shipped_bot: Bot) -> None:
    for path in sorted(QUESTIONS.glob("*.tsv")):
        check_labels(shipped_bot, read_labelled(path))  # raises path:line: unknown intent ...
