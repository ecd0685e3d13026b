"""End to end in a real pseudo-terminal: ``python run_bot.py`` as a person would use it.

Patterns allow any whitespace (and so any wrapping) between words, and the waits are long
because test machines are noisy; nothing here measures time.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.slow  # every test here drives the chat in a pseudo-terminal

from bot import Bot  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
PROMPT_READY = "F1: help"  # the bottom toolbar: drawn each time the prompt is ready for keys
CURSOR_POSITION_REQUEST = "\x1b[6n"


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.load()


def words(text: str, count: int = 8) -> str:
    """A pattern for the first words of ``text``, however they are wrapped."""
    return r"\s+".join(re.escape(word) for word in text.split()[:count])


def expect_prompt(child: "pexpect.spawn") -> None:
    """Wait until the prompt is ready for keys, answering prompt_toolkit's cursor position
    requests as a real terminal would (without an answer it waits, then draws less)."""
    while child.expect_exact([PROMPT_READY, CURSOR_POSITION_REQUEST]) == 1:
        child.send("\x1b[1;1R")


def spawn(*args: str, **env: str) -> "pexpect.spawn":
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    environ.update(TERM="xterm-256color", **env)
    child = pexpect.spawn(sys.executable, ["run_bot.py", *args], cwd=str(ROOT), env=environ,
                          dimensions=(40, 100), timeout=TIMEOUT, encoding="utf-8",
                          codec_errors="replace")
    return child


def test_a_chat_in_a_real_terminal(bot: Bot) -> None:
    child = spawn()
    try:
        child.expect(words(bot.disclaimer))
        expect_prompt(child)

        child.send("why did my lung cancer come back?\r")
        child.expect(words(bot.intent("lung_recurrence_after_surgery").answer))
        child.expect_exact("Sources:")
        expect_prompt(child)

        child.send("a question I change my mind about")
        child.send("\x03")  # Ctrl-C: clears the line, the chat goes on
        expect_prompt(child)

        child.send("what is adjuvant therapy\r")
        child.expect(words(bot.intent("what_is_adjuvant").answer))
        expect_prompt(child)

        child.send("/quit\r")
        child.expect_exact("Goodbye")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


def test_ctrl_d_leaves_with_exit_code_0(bot: Bot) -> None:
    child = spawn()
    try:
        expect_prompt(child)
        child.send("\x04")
        child.expect_exact("Goodbye")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_sigterm_ends_the_chat_cleanly(bot: Bot) -> None:
    child = spawn()
    try:
        expect_prompt(child)
        child.send("half a question")
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
        output = child.before or ""
    finally:
        child.close(force=True)
    assert child.exitstatus == 143
    assert "Traceback" not in output


@pytest.mark.parametrize("args, env", [(["--no-color"], {}), ([], {"NO_COLOR": "1"})])
def test_no_color_keeps_answers_plain(bot: Bot, args: list[str], env: dict[str, str]) -> None:
    child = spawn(*args, **env)
    try:
        expect_prompt(child)
        child.send("what is adjuvant therapy\r")
        child.expect_exact("Sources:")
        before_sources = child.before[-200:]
        expect_prompt(child)
        child.send("/quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    # No styling codes in our own text (prompt_toolkit still draws its prompt and toolbar).
    assert "\x1b" not in before_sources[-20:]


def test_colour_is_used_on_a_terminal_by_default(bot: Bot) -> None:
    child = spawn()
    try:
        expect_prompt(child)
        child.send("what is adjuvant therapy\r")
        child.expect_exact("Sources:")
        before_sources = child.before[-20:]
        expect_prompt(child)
        child.send("/quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "\x1b[" in before_sources  # the heading is styled: the check above can fail


# A realistic message for each red-flag category (as in tests/test_safety.py).
RED_FLAG_MESSAGES = {
    "emergency": "my husband is gasping for air and his lips are going blue",
    "emergency_overdose": "I swallowed all my morphine tablets",
    "crisis": "I can't go on, I want to kill myself",
    "emergency_fever": "my temperature is 38.6 and I had chemo last week",
    "emergency_spinal_cord": "my back is killing me at night and I had lung cancer",
    "emergency_high_calcium": "I'm so thirsty all the time and peeing loads, I have myeloma",
    "emergency_vomiting_diarrhea": "I can't keep any water down and I'm on chemo",
    "emergency_swelling": "my face and neck are puffy since this morning, I have lung cancer",
    "emergency_blood_small": "there is a little blood in my phlegm when I cough",
    "emergency_es": "no puedo respirar y me duele el pecho",
    "crisis_es": "quiero morirme, ya no aguanto más",
    "emergency_fever_es": "tengo fiebre de 38,5 y estoy con quimioterapia",
    "emergency_urgent_es": "no paro de vomitar desde la quimio y no retengo ni el agua",
}
PROMPT_START = "\x1b[?2004h"  # prompt_toolkit turns bracketed paste on as it starts to draw the prompt
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


@pytest.mark.parametrize("locale", ["us", "uk"])
def test_each_red_flag_reply_keeps_its_first_line_on_an_80x24_screen(locale: str) -> None:
    """After a red-flag reply is printed in the chat on an 80x24 terminal, its first line (the
    first action) must still be on the screen under the prompt and the toolbar, which take the
    bottom two rows. pyte is not in the dev extra, so this counts the screen rows the reply
    takes: every line printed from its first line up to the prompt (the blank line after it
    too), a line longer than 80 columns (a long source address) taking as many rows as it wraps
    to. At most 22 rows leaves the first line on screen."""
    bot = Bot.load(locale=locale)
    child = spawn("--locale", locale, "--no-color")
    child.setwinsize(24, 80)
    try:
        expect_prompt(child)
        for category, message in RED_FLAG_MESSAGES.items():
            reply = bot.ask(message)
            assert reply.intent == category
            first = reply.text.splitlines()[0]
            child.send(message + "\r")
            child.expect_exact(first[:40])
            child.expect_exact(PROMPT_START)
            if CURSOR_POSITION_REQUEST in child.before:  # asked before the prompt began: answer it
                child.send("\x1b[1;1R")
            printed = _ANSI.sub("", first[:40] + child.before).replace("\r", "")
            lines = printed.split("\n")
            rows = sum(max(1, -(-len(line) // 80)) for line in lines)
            assert "Sources:" in printed, category
            assert rows <= 22, (category, rows, printed)
            expect_prompt(child)
        child.send("/quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
