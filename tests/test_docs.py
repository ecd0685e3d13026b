"""The documentation says what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "curating.md").read_text(encoding="utf-8")
DOCS = README + "".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md")))


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    quick_start = shell_blocks()[:2]
    assert len(quick_start) == 2
    install_and_chat, install_and_test = (block.strip() for block in quick_start)
    assert "run_bot.py" in install_and_chat
    assert "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def test_every_command_and_option_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"run_bot.py {name}" in DOCS or f"`{name}`" in DOCS, name
    for option in ("--intents", "--locale", "--history", "--log-misses", "--no-color", "--json",
                   "--strict", "--policy", "--coverage", "--sweep", "--min-accuracy", "--threshold",
                   "--failures", "--faq-intents"):
        assert option in DOCS, option


def test_every_bot_module_is_described() -> None:
    for module in (ROOT / "bot").glob("*.py"):
        if module.name not in ("__init__.py", "__main__.py"):
            assert module.name in README, module.name


def test_the_curators_guide_names_every_field_the_loader_accepts() -> None:
    from bot.knowledge import (INTENT_KEYS, INTENT_TYPES, LEXICON_KEYS, PERSONAL_KEYS, SAFETY_KEYS, SOURCE_KEYS,
                               TOP_LEVEL_KEYS, VOCABULARY_KEYS)
    from bot.lexicon import CONCEPT_KINDS
    from bot.settings import DEFAULT_MESSAGES, DEFAULT_VALUES

    names = {*INTENT_KEYS, *INTENT_TYPES, *TOP_LEVEL_KEYS, *SAFETY_KEYS, *PERSONAL_KEYS, *LEXICON_KEYS, *VOCABULARY_KEYS,
             *SOURCE_KEYS, *CONCEPT_KINDS, *DEFAULT_MESSAGES, *DEFAULT_VALUES, "default_locale", "locales",
             "disclaimer", "messages", "kind", "terms", "broader"}
    missing = sorted(name for name in names if f"`{name}`" not in GUIDE and f"{name}:" not in GUIDE)
    assert missing == []


def test_the_guides_example_knowledge_base_loads_without_a_problem(tmp_path: Path) -> None:
    # Each example that starts with "# intents/NAME.yml" is a whole file; together they are a
    # small knowledge base.
    from bot.knowledge import validate_knowledge_base

    files = [block for block in blocks(GUIDE, "yaml") if block.startswith("# intents/")]
    assert len(files) >= 5
    for block in files:
        name = block.splitlines()[0].removeprefix("# intents/")
        (tmp_path / name).write_text(block, encoding="utf-8")
    knowledge, problems = validate_knowledge_base(tmp_path)
    assert [str(p) for p in problems] == []
    assert knowledge is not None
    assert {i.type for i in knowledge.intents} >= {"content", "red_flag"}
    assert knowledge.lexicon.concepts and knowledge.lexicon.question_types and knowledge.safety.asking


def test_the_guides_conversation_and_labelled_examples_read(tmp_path: Path) -> None:
    from bot.conversation_tests import read_conversation_file
    from bot.evaluate import read_floor, read_labelled

    conversation, labelled = (next(b for b in blocks(GUIDE, "yaml") if b.startswith(key))
                              for key in ("conversations:", "floor:"))
    (tmp_path / "chat.yml").write_text(conversation, encoding="utf-8")
    (tmp_path / "questions.yml").write_text(labelled, encoding="utf-8")
    assert len(read_conversation_file(tmp_path / "chat.yml")[0].turns) == 3
    assert [sorted(q.expected) for q in read_labelled(tmp_path / "questions.yml")] == [
        ["parking"], ["parking", "public_transport"], []]
    assert read_floor(tmp_path / "questions.yml") is not None
    floor_line = next(line.strip() for line in GUIDE.splitlines() if line.strip().startswith("# floor:"))
    (tmp_path / "set.tsv").write_text(f"{floor_line}\nwhere can I park?\tparking\n", encoding="utf-8")
    assert str(read_floor(tmp_path / "set.tsv")) == "correct>=0.94 wrong<=0.015 declined>=0.9"


@pytest.mark.parametrize("document", ["curating.md", "evaluation.md"])
def test_links_between_documents_lead_somewhere(document: str) -> None:
    text = (ROOT / "docs" / document).read_text(encoding="utf-8")
    for target in re.findall(r"\]\((?!https?://)([^)#]+)", text):
        assert (ROOT / "docs" / target).exists(), target
