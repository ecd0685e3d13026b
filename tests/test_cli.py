"""The command line as a user calls it: through main(argv), and once as a real process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __version__
from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_ask_json_answers_the_lung_question() -> None:
    code, out, _ = run("ask", "why did my lung cancer come back?", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["kind"], data["intent"]) == ("answer", "lung_recurrence_after_surgery")
    assert data["sources"] and data["sources"][0]["url"].startswith(("https://", "http://"))
    assert set(data) >= {"intent", "kind", "confidence", "text", "suggestions", "sources"}


def test_json_before_the_command_works_as_after_it() -> None:
    _, out, _ = run("--json", "ask", "why did my lung cancer come back?")
    assert json.loads(out)["intent"] == "lung_recurrence_after_surgery"


def test_ask_chest_pain_is_an_emergency() -> None:
    _, out, _ = run("ask", "--json", "I'm having chest pain right now")
    assert json.loads(out)["kind"] == "emergency"


def test_ask_gibberish_falls_back() -> None:
    _, out, _ = run("ask", "--json", "zxqv blorft")
    assert json.loads(out)["kind"] == "fallback"


def test_ask_without_json_prints_the_answer_and_its_sources() -> None:
    code, out, _ = run("ask", "what", "is", "adjuvant", "therapy")
    assert code == 0
    assert "Sources:" in out and "https://" in out
    assert "\x1b" not in out  # no colour when not on a terminal


def test_ask_threshold_one_declines() -> None:
    _, out, _ = run("ask", "--json", "--threshold", "1", "how often will I have checkups")
    assert json.loads(out)["kind"] in ("fallback", "answer")  # only an exact restatement scores 1


def test_version_names_the_package_whatever_runs_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"recurrence-faq {__version__}\n"


def test_help_names_every_command_and_says_what_the_bot_is() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("ask", "check", "test", "eval", "--history", "--log-misses", "--intents", "--locale"):
        assert command in out
    assert "general information" in " ".join(out.split()).lower()


def test_bad_usage_exits_2() -> None:
    assert run("--no-such-option")[0] == 2
    assert run("ask", "--threshold", "7", "hello")[0] == 2


def test_a_broken_knowledge_base_is_one_readable_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("intents:\n  - id: x\n    patterns: [yes]\n    answer: y\n")
    code, out, err = run("--intents", str(tmp_path), "ask", "hello")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert f"{tmp_path / 'bad.yml'}:3:" in err and "Traceback" not in err


def test_check_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("intents:\n  - id: x\n    patterns: [yes]\n    answer: y\n")
    (tmp_path / "b.yml").write_text("intents: [\n")
    code, out, _ = run("check", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'a.yml'}:3: error:" in out
    assert f"{tmp_path / 'b.yml'}:2: error:" in out


def test_check_passes_a_good_knowledge_base(small_kb: Path) -> None:
    code, out, _ = run("check", str(small_kb), "--policy", "off")
    assert code == 0, out


@pytest.mark.slow
def test_locale_option_changes_the_emergency_number() -> None:
    _, out, _ = run("--locale", "uk", "ask", "--json", "I can't breathe")
    assert "999" in json.loads(out)["text"]


@pytest.mark.slow
def test_run_bot_py_works_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "run_bot.py", "ask", "why did my lung cancer come back?", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["intent"] == "lung_recurrence_after_surgery"


def test_python_dash_m_bot_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout == f"recurrence-faq {__version__}\n"


@pytest.mark.slow
def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "recurrence-faq"
    if not script.exists():
        pytest.skip("package not installed with its console script in this environment")
    result = subprocess.run([str(script), "ask", "--json", "whats a recurance"], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert json.loads(result.stdout)["intent"] == "what_is_recurrence"
