"""Loading is strict and explains itself: every broken file names its path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot, BotError, IntentFileError
from bot.knowledge import validate_knowledge_base

GOOD_INTENT = """\
intents:
  - id: parking
    question: Where can I park?
    patterns:
      - where can i park
      - is there parking at the hospital
    answer: There is a car park by the main entrance.
"""


def load_error(folder: Path) -> IntentFileError:
    with pytest.raises(IntentFileError) as caught:
        Bot.load(folder)
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("intents:\n  - id: a\n    patterns: [where can i park\n    answer: x\n", 4, "flow sequence"),
        ("intents:\n\t- id: a\n", 2, "a tab"),
        ("intents:\n  - id: a\n    id: b\n    patterns: [x]\n    answer: y\n", 3, "duplicate key 'id'"),
        ("intents:\n  - id: a\n    patterns: [x]\n", 2, "`answer` is missing"),
        ("intents:\n  - id: a\n    patterns:\n      - fine\n      - yes\n    answer: y\n", 5, "boolean true"),
        ("intents:\n  - id: a\n    patterns:\n      - 42\n    answer: y\n", 4, "not text"),
        ("intents:\n  - id: a\n    patterns: []\n    answer: y\n", 3, "non-empty list"),
        ("intents:\n  - id: a\n    answer: y\n", 2, "`patterns` is missing"),
        ("intents:\n  - id: a\n    patterns: ['?!']\n    answer: y\n", 3, "has no words"),
        ("intents:\n  - id: Bad-Id\n    patterns: [x]\n    answer: y\n", 2, "lower-case"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answr: y\n", 4, "unknown field 'answr'"),
        ("x: !!python/object/apply:os.system ['echo hacked']\n", 1, "unsupported YAML tag"),
        ("intents:\n  - id: a\n    question: !!python/name:os.system\n", 3, "unsupported YAML tag"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: y\n    reviewed: last week\n", 5, "date"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: y\n    sources:\n      - url: ftp://x\n", 6, "http"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: Call {emergncy_number}\n", 2, "unknown placeholder"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: y\n    related: [nowhere]\n", 2, "'nowhere'"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: y\n    about: [cancer]\n    covers: [nowhere]\n", 2,
         "covers id 'nowhere' does not exist"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: y\n    covers: [a]\n", 5, "`covers` needs `about`"),
        ("intents: &a\n  - id: a\nother: *a\n", 1, "aliases"),
        ("lexicon:\n  source: by hand (CC0)\n  concepts:\n    other:\n      kind: condition\n"
         "      endings: [-itis]\n", 6, "`endings` must be a list of word endings"),
        ("intents:\n  - id: a\n    patterns: [x]\n    answer: y\nlexicon:\n  source: by hand (CC0)\n"
         "  concepts:\n    tumor_marker:\n      kind: test\n      terms: [tumour marker]\n"
         "vocabulary:\n  topic: [cancer, tumour_marker]\n", 12, "did you mean 'tumor_marker'"),
    ],
)
def test_broken_intent_files_name_the_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    (tmp_path / "topic.yml").write_text(text, encoding="utf-8")
    error = load_error(tmp_path)
    assert error.path == str(tmp_path / "topic.yml")
    assert error.line == line
    assert words in error.message
    assert str(error).startswith(f"{tmp_path / 'topic.yml'}:{line}: ")


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (tmp_path / "evil.yml").write_text(
        f"intents: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    load_error(tmp_path)
    assert not marker.exists()


def test_non_utf8_bytes_are_reported_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "latin1.yml").write_bytes(GOOD_INTENT.encode() + b"  # caf\xe9\n")
    error = load_error(tmp_path)
    assert error.line == 8 and "UTF-8" in error.message


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    assert "empty" in load_error(tmp_path).message


def test_a_folder_without_intent_files_is_an_error(tmp_path: Path) -> None:
    assert "no intent files" in load_error(tmp_path).message


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD_INTENT, encoding="utf-8")
    (tmp_path / "b.yml").write_text("\n" + GOOD_INTENT, encoding="utf-8")
    error = load_error(tmp_path)
    assert error.path == str(tmp_path / "b.yml") and error.line == 3
    assert f"first defined at {tmp_path / 'a.yml'}:2" in error.message


def test_intent_files_are_found_in_subfolders(tmp_path: Path) -> None:
    (tmp_path / "topics" / "travel").mkdir(parents=True)
    (tmp_path / "topics" / "travel" / "parking.yml").write_text(GOOD_INTENT, encoding="utf-8")
    assert Bot.load(tmp_path).ask("where can i park").intent == "parking"


def test_every_problem_is_collected_not_just_the_first(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("intents:\n  - id: a\n    patterns: [yes]\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("intents: [\n", encoding="utf-8")
    (tmp_path / "c.yml").write_text(GOOD_INTENT, encoding="utf-8")
    _, problems = validate_knowledge_base(tmp_path)
    places = {(Path(p.path).name, p.line) for p in problems}
    assert ("a.yml", 3) in places and ("a.yml", 2) in places and ("b.yml", 2) in places
    assert "more problems" in load_error(tmp_path).message


def test_errors_are_bot_errors_with_attributes(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("intents:\n  - id: a\n    patterns: [x]\n", encoding="utf-8")
    error = load_error(tmp_path)
    assert isinstance(error, BotError)
    assert error.intent == "a"


def test_unknown_locale_in_settings_is_a_bot_error(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD_INTENT, encoding="utf-8")
    with pytest.raises(BotError, match="unknown locale 'mars'"):
        Bot.load(tmp_path, locale="mars")


def test_quoted_yes_is_a_fine_pattern(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        "intents:\n  - id: agree\n    patterns: ['yes', 'i agree']\n    answer: Good.\n", encoding="utf-8")
    assert Bot.load(tmp_path).intents[0].patterns == ("yes", "i agree")


def test_vocabulary_synonyms_join_lay_words_to_the_patterns(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(GOOD_INTENT + "\n" + """\
  - id: opening_hours
    question: When is the clinic open?
    patterns:
      - when is the clinic open
      - clinic opening hours
    answer: Weekdays, 8 to 6.
vocabulary:
  synonyms:
    - [park, leave the car, leave my car]
""", encoding="utf-8")
    assert Bot.load(tmp_path).ask("where do I leave my car").intent == "parking"


@pytest.mark.parametrize("key", ["topic", "context"])
def test_a_vocabulary_list_that_is_not_a_list_of_words_is_reported_with_its_line(tmp_path: Path, key: str) -> None:
    (tmp_path / "a.yml").write_text(GOOD_INTENT + f"vocabulary:\n  {key}: cancer\n", encoding="utf-8")
    _, problems = validate_knowledge_base(tmp_path)
    assert [(p.line, p.message) for p in problems] == [
        (GOOD_INTENT.count("\n") + 2, f"`{key}` must be a list of texts")]


@pytest.mark.slow
def test_shipped_knowledge_base_is_found_from_any_working_directory(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert len(Bot.load().intents) > 50
