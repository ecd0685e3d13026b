"""`run_bot.py test`: scripted conversations that tell a curator when an edit breaks an answer.

The tests write a small knowledge base and conversation files into tmp_path and run the
command through ``bot.cli.main`` (tests/test_pytest_plugin.py runs the same files with pytest).
"""

from __future__ import annotations

import io
from pathlib import Path
from textwrap import dedent

import pytest

from bot.cli import main


@pytest.fixture
def knowledge(recurrence_kb: Path) -> Path:
    return recurrence_kb


@pytest.fixture
def conversations(tmp_path: Path) -> Path:
    folder = tmp_path / "conversations"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


def run(knowledge: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--intents", str(knowledge), "test", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_passing_conversations_print_pass_and_the_summary(knowledge, conversations):
    path = write(conversations, "lung.yml", """\
        conversations:
          - name: lung recurrence
            turns:
              - user: hi
                intent: greeting
              - user: Why did my lung cancer come back after surgery?
                intent: lung_recurrence
                kind: answer
                says: [cancer cells]
                not_says: [your fault]
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 0
    assert out.splitlines() == [f"PASS  lung recurrence  ({path}:2)", "1 passed, 0 failed"]


def test_a_wrong_expectation_fails_with_where_what_was_expected_and_what_came(knowledge, conversations):
    path = write(conversations, "lung.yml", """\
        conversations:
          - name: lung recurrence
            turns:
              - user: hello
              - user: why did my lung cancer come back after surgery
                intent: lung_treatment
              - user: can they operate again?
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 1
    report = out.splitlines()
    assert report[0] == f"FAIL  lung recurrence  ({path}:2)"
    assert report[1].strip() == (f"{path}:{line_of(path, 'why did my lung')}: turn 2 of 'lung recurrence': "
                                 "'why did my lung cancer come back after surgery'")
    assert "expected: intent lung_treatment" in out
    assert "got:      answer, lung_recurrence, confidence 0." in out
    assert "- intent is lung_recurrence, expected lung_treatment" in out
    assert "matches:  lung_recurrence 0." in out
    assert "(1 later turn not run: they depend on this one)" in out
    assert report[-1] == "0 passed, 1 failed"


def test_an_unclear_question_reports_the_top_suggestions(knowledge, conversations):
    path = write(conversations, "treatment.yml", """\
        conversations:
          - name: treatment without a subject
            turns:
              - user: how is recurrent cancer treated?
                kind: answer
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 1
    assert "- kind is clarify, expected answer" in out
    assert "suggestions: 1) lung_treatment 0." in out and "2) breast_treatment 0." in out


def test_says_and_not_says_check_the_reply_text_ignoring_case(knowledge, conversations):
    path = write(conversations, "treatment.yml", """\
        conversations:
          - name: lung treatment promises nothing
            turns:
              - user: what treatment is there for lung cancer that came back
                says: [SURGERY, "immunotherapy"]
                not_says: [cure, depends on where]
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 1
    assert '- the reply does not say "immunotherapy"' in out
    assert '- the reply says "depends on where": ...Treatment depends on where it came back.' in out
    # "surgery" is in the reply and "cure" is not: neither is a problem.
    assert 'does not say "SURGERY"' not in out
    assert 'the reply says "cure"' not in out


def test_an_intent_can_be_a_list_of_acceptable_answers(knowledge, conversations):
    path = write(conversations, "lung.yml", """\
        conversations:
          - name: either lung answer will do
            turns:
              - user: lung cancer came back after an operation
                intent: [lung_treatment, lung_recurrence]
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 0, out


def test_turns_of_a_conversation_share_its_context(knowledge, conversations):
    # Asked alone, "how is recurrent cancer treated?" could be about lung or breast cancer;
    # after a lung question it is about lung cancer.
    path = write(conversations, "context.yml", """\
        conversations:
          - name: follow-up keeps the subject
            turns:
              - user: why did my lung cancer come back after surgery
                intent: lung_recurrence
              - user: how is recurrent cancer treated?
                intent: lung_treatment
          - name: the same question alone needs a choice
            turns:
              - user: how is recurrent cancer treated?
                kind: clarify
                says: [lung, breast]
              - user: "2"
                intent: breast_treatment
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 0, out
    assert "2 passed, 0 failed" in out


def test_a_red_flag_mid_conversation_is_an_emergency_turn(knowledge, conversations):
    path = write(conversations, "safety.yml", """\
        conversations:
          - name: red flag after a question
            turns:
              - user: why did my lung cancer come back after surgery
                intent: lung_recurrence
              - user: and now I keep coughing up blood
                kind: emergency
                says: [911]
        """)

    code, out, _ = run(knowledge, str(path))

    assert code == 0, out


def test_folders_are_searched_and_every_conversation_gets_a_line(knowledge, conversations):
    write(conversations, "a.yml", """\
        conversations:
          - name: greeting
            turns: [{user: hello, intent: greeting}]
          - name: wrong on purpose
            turns: [{user: hello, intent: lung_recurrence}]
        """)
    write(conversations, "b.yml", """\
        conversations:
          - name: breathless
            turns: [{user: "I can't breathe", kind: emergency}]
        """)

    code, out, _ = run(knowledge, str(conversations))

    assert code == 1
    assert [line.split("  ")[0] + " " + line.split("  ")[1] for line in out.splitlines()
            if line.startswith(("PASS", "FAIL"))] == ["PASS greeting", "FAIL wrong on purpose", "PASS breathless"]
    assert out.splitlines()[-1] == "2 passed, 1 failed"


def test_without_paths_the_tests_conversations_folder_is_used(knowledge, tmp_path, monkeypatch):
    folder = tmp_path / "tests" / "conversations"
    folder.mkdir(parents=True)
    write(folder, "hello.yml", """\
        conversations:
          - name: greeting
            turns: [{user: good morning, intent: greeting}]
        """)
    monkeypatch.chdir(tmp_path)

    code, out, _ = run(knowledge)

    assert code == 0
    assert out.splitlines() == ["PASS  greeting  (tests/conversations/hello.yml:2)", "1 passed, 0 failed"]


@pytest.mark.parametrize(("turn", "message"), [
    ("{user: hello, intnet: greeting}", "unknown turn key 'intnet' (did you mean 'intent'?)"),
    ("{intent: greeting}", "a turn needs `user:`"),
    ("{user: hello, kind: reply}", "`kind` must be one of answer, clarify, fallback, emergency (found 'reply')"),
    ("{user: yes, intent: greeting}", "`user:` reads as a boolean"),
    ("{user: hello, kind: fallback, intent: greeting}", "a fallback reply has no intent"),
])
def test_a_broken_test_file_is_reported_as_path_line_and_nothing_runs(knowledge, conversations, turn, message):
    path = write(conversations, "broken.yml", f"""\
        conversations:
          - name: fine
            turns:
              - user: hello
          - name: broken
            turns:
              - {turn}
        """)

    code, out, err = run(knowledge, str(path))

    assert code == 2
    assert out == ""
    assert err.startswith(f"run_bot.py: error: {path}:7: {message}")


def test_yaml_syntax_errors_in_a_test_file_give_path_and_line(knowledge, conversations):
    path = write(conversations, "broken.yml", """\
        conversations:
          - name: unclosed
            turns:
              - user: [where can I park?
        """)

    code, _, err = run(knowledge, str(path))

    assert code == 2
    assert err.startswith(f"run_bot.py: error: {path}:") and "YAML syntax error" in err


def test_an_unknown_intent_id_is_a_file_error_with_a_suggestion(knowledge, conversations):
    path = write(conversations, "typo.yml", """\
        conversations:
          - name: typo in the id
            turns:
              - user: hello
                intent: greting
        """)

    code, _, err = run(knowledge, str(path))

    assert code == 2
    assert err == f"run_bot.py: error: {path}:5: unknown intent 'greting' (did you mean 'greeting'?)\n"


def test_coverage_lists_intents_no_turn_expects_without_failing_the_run(knowledge, conversations):
    path = write(conversations, "some.yml", """\
        conversations:
          - name: part of the base
            turns:
              - user: hello
                intent: greeting
              - user: why did my lung cancer come back after surgery
                intent: [lung_recurrence]
              - user: I can't breathe
                kind: emergency
        """)
    intents = knowledge / "recurrence.yml"

    code, out, _ = run(knowledge, str(path), "--coverage")

    assert code == 0
    assert "coverage: 3 of 5 intents exercised; no turn expects these:" in out
    assert f"  {intents}:{line_of(intents, 'id: lung_treatment')}: lung_treatment (content)" in out
    assert f"  {intents}:{line_of(intents, 'id: breast_treatment')}: breast_treatment (content)" in out
    # The emergency turn named no intent, but it set off the `emergency` red flag.
    assert "emergency (red_flag)" not in out


def test_full_coverage_is_said_in_one_line(knowledge, conversations):
    path = write(conversations, "all.yml", """\
        conversations:
          - name: everything
            turns:
              - {user: hello, intent: greeting}
              - {user: why did my lung cancer come back after surgery, intent: lung_recurrence}
              - {user: treatment options for lung cancer that came back, intent: lung_treatment}
              - {user: "what about breast cancer?", intent: breast_treatment}
              - {user: help I can't breathe, intent: emergency}
        """)

    code, out, err = run(knowledge, str(path), "--coverage")

    assert code == 0, out + err
    assert out.splitlines()[-1] == "coverage: all 5 intents are exercised"
