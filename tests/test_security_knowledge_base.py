"""A knowledge base from someone else: every way it can be hostile ends in a clear error.

A curator may load a folder they did not write (`--intents their_clinic/`, `check` in CI on a
pull request). Whatever it holds, the bot answers or refuses with one `path:line: message`,
in bounded time and memory, and never prints a raw control character it found there.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot import Bot, IntentFileError
from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
GENEROUS = 120
"""Seconds a subprocess may take before the test calls it unbounded (each takes about one)."""

RED_FLAG = """\
    intents:
      - id: emergency
        type: red_flag
        question: (emergency)
        patterns:
          - "{trigger}"
        answer: Call 911 now.
      - id: hello
        type: conversation
        question: Hello
        patterns: [hello, hi there, good morning]
        answer: Hello.
    """


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_process(*argv: str, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """run_bot.py in a process of its own, optionally with its address space capped."""
    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, str(ROOT / "run_bot.py"), *argv], capture_output=True,
                          text=True, timeout=GENEROUS, preexec_fn=cap if memory else None)


def nested(levels: int) -> str:
    return "intents:\n  - id: deep\n    patterns: " + "[" * levels + "hello" + "]" * levels + "\n    answer: Hi.\n"


@pytest.mark.parametrize("levels", [25, 600, 999, 5000])
def test_deep_nesting_is_refused_with_its_file_and_line(write_kb, levels: int) -> None:
    folder = write_kb(deep=nested(levels))
    with pytest.raises(IntentFileError) as raised:
        Bot.load(folder)
    assert raised.value.path == str(folder / "deep.yml") and raised.value.line == 3
    # Ours up to the YAML parser's own limit of 1,000 levels, then the parser's.
    assert ("nested more than 20 levels deep" if levels < 990 else "exceeded maximum nesting depth"
            ) in str(raised.value)


def test_deep_nesting_is_one_finding_in_check(write_kb) -> None:
    folder = write_kb(deep=nested(800))
    code, out, err = run("check", str(folder))
    assert code == 1 and err == ""
    assert f"{folder / 'deep.yml'}:3: error: nested more than 20 levels deep" in out
    assert "Traceback" not in out


def test_deep_nesting_in_block_style_is_refused_too(write_kb) -> None:
    lines = "".join("  " * i + "- \n" for i in range(700))
    folder = write_kb(deep="intents:\n" + textwrap.indent(lines, "  "))
    with pytest.raises(IntentFileError, match="nested more than 20 levels deep"):
        Bot.load(folder)


def test_a_2_gb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    huge = folder / "huge.yml"
    with open(huge, "wb") as sparse:  # 2 GB on paper, no disk used
        sparse.truncate(2 * 1024**3)
    # 1 GB of address space: reading the file whole would fail with MemoryError.
    result = run_process("check", str(folder), memory=1024**3)
    assert result.returncode == 1, result.stderr
    assert f"{huge}: error: file is larger than 5 MB (2,147,483,648 bytes)" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_file_over_the_size_cap_is_refused(write_kb) -> None:
    folder = write_kb(big="# padding\n" * 600_000)
    with pytest.raises(IntentFileError, match="larger than 5 MB"):
        Bot.load(folder)


def test_a_trigger_with_many_wide_gaps_answers_in_bounded_time(write_kb) -> None:
    # Plain backtracking took 77 s for a 119-character message with such a trigger ("a ... a
    # ... z"), and grew exponentially with the message.
    trigger = " ... ".join(["pain"] * 8 + ["blood"])
    folder = write_kb(kb=RED_FLAG.format(trigger=trigger))
    message = " ".join(["pain"] * 399)
    for text in (message, message + " blood"):
        result = run_process("--intents", str(folder), "ask", "--json", text)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["kind"] == ("emergency" if text.endswith("blood") else "fallback")


def test_an_over_long_trigger_is_a_clear_load_error(write_kb) -> None:
    folder = write_kb(kb=RED_FLAG.format(trigger=" ".join(["pain"] * 1500)))
    with pytest.raises(IntentFileError) as raised:
        Bot.load(folder)
    assert raised.value.line == 6
    assert "the trigger has 1500 words; at most 40 are allowed" in str(raised.value)
    code, _, err = run("--intents", str(folder), "ask", "chest pain")
    assert code == 2 and len(err.splitlines()) == 1 and "at most 40" in err


@pytest.mark.parametrize("trigger, problem", [
    ("chest pain &", "an empty side of `&`"),
    ("& chest pain", "an empty side of `&`"),
    ("temp {39..37.5}", "the number range {39..37.5} is reversed"),
    ("temp {39..}", "'{39..}' is not a number range"),
    ("fever & ...", "the part '...' has no words to match"),
])
def test_a_trigger_that_can_never_fire_is_an_error_in_check(write_kb, trigger: str, problem: str) -> None:
    folder = write_kb(kb=RED_FLAG.format(trigger=trigger))
    code, out, _ = run("check", "--strict", str(folder))
    assert code == 1
    assert f"{folder / 'kb.yml'}:6: error: intent 'emergency': trigger {trigger!r}: {problem}" in out


def test_an_exception_that_can_never_match_is_an_error_in_check(write_kb) -> None:
    kb = RED_FLAG.format(trigger="fever").replace("answer: Call", 'exceptions: ["temp {40..38}"]\n        answer: Call')
    code, out, _ = run("check", str(write_kb(kb=kb)))
    assert code == 1
    assert "exception 'temp {40..38}': the number range {40..38} is reversed" in out


def test_the_shipped_triggers_all_can_fire() -> None:
    from bot.knowledge import load_knowledge_base
    from bot.lint import dead_triggers

    assert dead_triggers(load_knowledge_base().intents) == []


ESCAPES = "lung\x1b[2J\x9b31m\u202e"


def test_a_file_name_with_escape_sequences_is_shown_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / f"{ESCAPES}.yml").write_text("intents: [\n", encoding="utf-8")
    with pytest.raises(IntentFileError) as raised:
        Bot.load(folder)
    shown = "lung\\u001b[2J\\u009b31m\\u202e.yml:2:"
    assert f"{shown} YAML syntax error" in str(raised.value)
    code, out, err = run("--intents", str(folder), "ask", "hello")
    assert code == 2 and f"{shown} YAML syntax error" in err
    code, out, err = run("check", str(folder))
    assert code == 1 and f"{shown} error: YAML syntax error" in out
    for text in (str(raised.value), out, err):
        assert not any(ch in text for ch in "\x1b\x9b\u202e")


def test_patterns_with_escape_sequences_are_shown_escaped_in_check(write_kb) -> None:
    folder = write_kb(kb=RED_FLAG.format(trigger="temp {39..37} \\e[2J\\u202e"))
    code, out, _ = run("check", str(folder))
    assert code == 1 and "the number range {39..37} is reversed" in out and "[2J" in out
    assert not any(ch in out for ch in "\x1b\u202e")


def test_ask_json_escapes_c1_and_bidi_characters_from_answers(write_kb) -> None:
    answer = "Rest \x9b31m well\u202e, \u2028and\x85 call us."
    folder = write_kb(kb=f"""\
        intents:
          - id: rest
            patterns: [how should i rest, is rest important, should i rest after chemo]
            answer: "{answer.encode('unicode_escape').decode()}"
        """)
    code, out, _ = run("--intents", str(folder), "ask", "--json", "how should i rest")
    assert code == 0
    assert not any(ch in out for ch in "\x9b\u202e\u2028\x85")
    assert "\\u009b31m" in out and "\\u202e" in out
    assert json.loads(out)["text"] == answer
