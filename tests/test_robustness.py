"""Hostile input: any text gets a reply of a known kind, in bounded time, and nothing raw
reaches a terminal."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import Bot
from bot.render import render_reply, terminal_safe

KINDS = {"answer", "clarify", "fallback", "emergency"}

NAMED_CASES = {
    "empty": "",
    "whitespace": " \t\n  \r\n",
    "only punctuation": "?!?!...;;--",
    "control characters": "\x00\x07\x7f\x1b",
    "ansi escapes": "\x1b[31mwhy did my lung cancer come back\x1b[0m\x1b]0;title\x07",
    "lone surrogate": "\ud800 what is a recurrence \udfff",
    "zero width": "what\u200bis\u200ca\u200drecurrence\ufeff",
    "right to left override": "\u202ewhy did my cancer come back\u202c",
    "combining accents": "re\u0301cu\u0300rrence",
    "emoji": "😟😟 is my cancer back?? 🙏🏽",
    "mixed scripts": "癌症 рецидив cancer recurrence मेरा कैंसर",
    "sql": "'; DROP TABLE intents; --",
    "template": "{{7*7}} ${jndi:ldap://x} {emergency_number} %s %(x)s",
    "yaml tag": "!!python/object/apply:os.system ['ls']",
    "url": "https://example.com/?q=recurrence&x=<script>alert(1)</script>",
    "1 MB paste": "why did my cancer come back " * 40_000,
    "1 MB one word": "a" * 1_000_000,
    "numbers": "38.5 100.4 1e309 -0 NaN",
    "newlines": "line one\nline two\r\nline three",
}


@pytest.mark.parametrize("text", NAMED_CASES.values(), ids=NAMED_CASES.keys())
def test_named_hostile_inputs_get_a_reply(shipped_bot: Bot, text: str) -> None:
    reply = shipped_bot.ask(text)
    assert reply.kind in KINDS
    assert 0.0 <= reply.confidence <= 1.0
    rendered = render_reply(reply)
    assert "\x1b" not in rendered and "\x00" not in rendered


@pytest.mark.parametrize("text", NAMED_CASES.values(), ids=NAMED_CASES.keys())
def test_named_hostile_inputs_in_a_conversation(shipped_bot: Bot, text: str) -> None:
    conversation = shipped_bot.conversation()
    assert conversation.ask("chemo").kind in KINDS
    assert conversation.ask(text).kind in KINDS


def test_long_input_is_cut_with_a_notice(shipped_bot: Bot) -> None:
    reply = shipped_bot.ask("why did my cancer come back " * 40_000)
    assert reply.notice and "beginning and its end" in reply.notice
    assert len(reply.question) <= 2001  # its beginning and its end, on a line each


def test_a_red_flag_late_in_a_long_paste_is_still_caught(shipped_bot: Bot) -> None:
    letter = "Dear doctor, here is my history. " * 300 + "Today I am coughing up blood."
    assert len(letter) > 2000
    assert shipped_bot.ask(letter).kind == "emergency"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=300))
def test_any_text_gets_a_reply_of_a_known_kind(shipped_bot: Bot, text: str) -> None:
    reply = shipped_bot.ask(text)
    assert reply.kind in KINDS
    assert 0.0 <= reply.confidence <= 1.0
    assert reply.to_dict()["kind"] == reply.kind


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(max_size=60) | st.sampled_from(["1", "2", "yes", "no", "3", "99"]), max_size=6))
def test_any_sequence_of_messages_in_a_conversation(shipped_bot: Bot, messages: list[str]) -> None:
    conversation = shipped_bot.conversation()
    for message in messages:
        assert conversation.ask(message).kind in KINDS


@given(st.text(alphabet=st.characters(codec=None, categories=None)))
def test_terminal_safe_text_has_no_control_characters(text: str) -> None:
    safe = terminal_safe(text)
    assert not any((ord(ch) < 32 and ch not in "\n\t") or 0x7f <= ord(ch) < 0xa0 for ch in safe)
    assert "\u202e" not in safe
