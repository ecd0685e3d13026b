"""The terminal chat loop, driven the way prompt_toolkit tests itself: a real PromptSession
reading from ``create_pipe_input()`` and drawing to ``DummyOutput()``.

Keys are fed one prompt at a time (``ScriptedSession``): prompt_toolkit loads history and
computes completions asynchronously, so a whole script sent at once would race them.
The knowledge base is still being written, so the tests look answers up in it rather than
hard-coding texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.styles import default_ui_style, merge_styles

from bot import Bot, Reply
from bot.miss_log import MissLog
from bot.render import Style
from bot.repl import COMMANDS, Chat, make_session, repl_loop

LUNG = "why did my lung cancer come back?"
ADJUVANT = "what is adjuvant therapy"
EMERGENCY = "I'm having chest pain right now"
NONSENSE = "zxqv blorft"
ENTER, CTRL_C, CTRL_D, UP, F1 = "\r", "\x03", "\x04", "\x1b[A", "\x1bOP"


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.load()


class ScriptedSession:
    """A PromptSession that is sent the next chunk of keys just before each prompt."""

    def __init__(self, session, pipe, chunks: Sequence[str]) -> None:
        self.session = session
        self.pipe = pipe
        self.chunks = list(chunks)
        self.prompts = 0

    def prompt(self) -> str:
        self.prompts += 1
        # Out of script: Ctrl-D, so a test that forgot to quit fails instead of hanging.
        self.pipe.send_text(self.chunks.pop(0) if self.chunks else CTRL_D)
        return self.session.prompt()


def chat(bot: Bot, *chunks: str, style: Style = Style(), miss_log: MissLog | None = None,
         history: Path | None = None) -> tuple[int, str, ScriptedSession]:
    """Run the loop on one chunk of keys per prompt; return exit code, output and session."""
    out: list[str] = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        session = ScriptedSession(make_session(bot, history=history), pipe, chunks)
        code = repl_loop(bot, session, out.append, style=style, width=80, miss_log=miss_log)
    return code, "\n".join(out), session


def flat(text: str) -> str:
    """Text with all runs of whitespace made one space, so wrapping does not matter."""
    return " ".join(text.split())


def shows_answer(output: str, intent_id: str, bot: Bot) -> bool:
    """Whether the output contains the start of this intent's answer."""
    answer = bot.intent(intent_id).answer
    return flat(answer)[:80] in flat(output)


def option_input(bot: Bot) -> tuple[str, Reply]:
    """A real one-word question that gets at least two numbered options from the shipped bot."""
    for word in ("chemo", "treatment", "cancer", "scans", "recurrence", "tests"):
        reply = bot.conversation().ask(word)
        if reply.kind in ("clarify", "fallback") and len(reply.suggestions) >= 2:
            return word, reply
    pytest.fail("no one-word question gives numbered options any more; add one to this list")


def test_opens_with_greeting_disclaimer_and_emergency_number(bot: Bot) -> None:
    code, out, _ = chat(bot, "/quit" + ENTER)
    assert code == 0
    assert flat(bot.disclaimer) in flat(out)
    # An emergency line of its own, besides the disclaimer.
    assert bot.settings.emergency_number in flat(out).replace(flat(bot.disclaimer), "")


def test_a_question_is_answered_with_sources_and_related_questions(bot: Bot) -> None:
    code, out, _ = chat(bot, LUNG + ENTER, "/quit" + ENTER)
    assert code == 0
    assert shows_answer(out, "lung_recurrence_after_surgery", bot)
    intent = bot.intent("lung_recurrence_after_surgery")
    assert "Sources:" in out
    for source in intent.sources:
        assert source.url in out
    for related in filter(None, map(bot.intent, intent.related)):
        assert flat(related.question) in flat(out)


def test_emergency_is_answered_whatever_came_before(bot: Bot) -> None:
    _, out, _ = chat(bot, "chemo" + ENTER, EMERGENCY + ENTER, "/quit" + ENTER)
    reply = bot.ask(EMERGENCY)
    assert reply.kind == "emergency"
    assert flat(reply.text)[:60] in flat(out)


def test_ctrl_c_clears_the_line_and_the_chat_goes_on(bot: Bot) -> None:
    code, out, session = chat(bot, "why did my lu" + CTRL_C, CTRL_C, ADJUVANT + ENTER, "/quit" + ENTER)
    assert code == 0
    assert session.prompts == 4
    assert shows_answer(out, "what_is_adjuvant", bot)
    # The abandoned line was never answered: one answer block only, after the greeting.
    assert "not sure" not in out
    assert out.rstrip().endswith("Goodbye. Take care.")


def test_ctrl_d_ends_the_chat_with_exit_code_0(bot: Bot) -> None:
    code, out, session = chat(bot, ADJUVANT + ENTER, CTRL_D, LUNG + ENTER)
    assert code == 0
    assert session.prompts == 2
    assert shows_answer(out, "what_is_adjuvant", bot)
    assert not shows_answer(out, "lung_recurrence_after_surgery", bot)
    assert "Goodbye" in out


@pytest.mark.parametrize("command", ["/quit", "/exit", "/QUIT", "  /quit  "])
def test_quit_ends_the_chat_and_ignores_what_follows(bot: Bot, command: str) -> None:
    code, out, session = chat(bot, command + ENTER, LUNG + ENTER)
    assert code == 0
    assert session.prompts == 1
    assert not shows_answer(out, "lung_recurrence_after_surgery", bot)


def test_a_number_picks_a_numbered_option(bot: Bot) -> None:
    word, offered = option_input(bot)
    choice = offered.suggestions[1]
    code, out, _ = chat(bot, word + ENTER, "2" + ENTER, "/quit" + ENTER)
    assert code == 0
    for suggestion in offered.suggestions:  # the options were shown, numbered
        assert flat(suggestion.question) in flat(out)
    assert re.search(r"^1\) ", out, re.M) and re.search(r"^2\) ", out, re.M)
    assert shows_answer(out, choice.intent, bot)


def test_why_explains_the_matched_pattern_file_line_and_runners_up(bot: Bot) -> None:
    _, out, _ = chat(bot, LUNG + ENTER, "/why" + ENTER, "/quit" + ENTER)
    reply = bot.ask(LUNG)
    why = out.split("Why this reply:", 1)[1]
    assert "answer" in why and "lung_recurrence_after_surgery" in why
    assert f"{reply.confidence:.2f}" in why
    top = reply.matches[0]
    assert top.pattern in why
    assert f"{Path(top.path).name}:{top.line}" in why
    assert "runners-up" in why
    assert reply.matches[1].intent in why


def test_why_says_when_a_second_reading_settled_a_close_call(bot: Bot) -> None:
    close_call = "my mum has had breast cancer and I want to know what the signs are that it might be back"
    assert bot.ask(close_call).reason  # the premise: this question is a close call
    _, out, _ = chat(bot, close_call + ENTER, "/why" + ENTER, "/quit" + ENTER)
    why = flat(out.split("Why this reply:", 1)[1])
    assert "answered because: a close call that the second reading" in why


def test_why_names_the_red_flag_trigger_of_an_emergency(bot: Bot) -> None:
    _, out, _ = chat(bot, EMERGENCY + ENTER, "/why" + ENTER, "/quit" + ENTER)
    trigger = bot.ask(EMERGENCY).matches[0]
    why = out.split("Why this reply:", 1)[1]
    assert "emergency" in why and "red-flag" in why
    assert f"{Path(trigger.path).name}:{trigger.line}" in why


def test_why_after_a_fallback_lists_the_candidates(bot: Bot) -> None:
    word, offered = option_input(bot)
    _, out, _ = chat(bot, word + ENTER, "/why" + ENTER, "/quit" + ENTER)
    why = out.split("Why this reply:", 1)[1]
    assert offered.kind in why
    assert offered.matches[0].intent in why


def test_why_and_sources_before_any_question_say_so(bot: Bot) -> None:
    code, out, _ = chat(bot, "/why" + ENTER, "/sources" + ENTER, "/quit" + ENTER)
    assert code == 0
    assert "Nothing to explain yet" in out
    assert "no answer yet" in out


def test_sources_lists_the_last_answers_sources(bot: Bot) -> None:
    # A later "I'm not sure" does not hide the sources of the answer before it.
    _, out, _ = chat(bot, ADJUVANT + ENTER, NONSENSE + ENTER, "/sources" + ENTER, "/quit" + ENTER)
    listing = out[out.rindex("Sources for"):]
    intent = bot.intent("what_is_adjuvant")
    assert flat(intent.question) in flat(listing)
    for source in intent.sources:
        assert source.url in listing


def test_reset_forgets_the_conversation(bot: Bot) -> None:
    word, _ = option_input(bot)
    _, out, _ = chat(bot, LUNG + ENTER, word + ENTER, "/reset" + ENTER, "/why" + ENTER,
                     "/sources" + ENTER, "/quit" + ENTER)
    after = out.split("forgotten", 1)[1]
    assert "Nothing to explain yet" in after
    assert "no answer yet" in after


def test_reset_drops_pending_options(bot: Bot) -> None:
    word, offered = option_input(bot)
    _, out, _ = chat(bot, word + ENTER, "/reset" + ENTER, "1" + ENTER, "/quit" + ENTER)
    after = out.split("forgotten", 1)[1]
    assert not shows_answer(after, offered.suggestions[0].intent, bot)


def test_topics_lists_every_topic_with_its_count_and_fits_a_40_row_screen(bot: Bot) -> None:
    _, out, _ = chat(bot, "/topics" + ENTER, "/quit" + ENTER)
    listing = out.split("Topics I know about:", 1)[1].split("Goodbye", 1)[0]
    content = [i for i in bot.intents if i.type == "content"]
    for topic in {i.topic for i in content}:
        count = sum(i.topic == topic for i in content)
        assert re.search(rf"^ ?\d+\) {re.escape(topic)} \({count} questions?\)$", listing, re.M), topic
    for intent in content:
        assert flat(intent.question) not in flat(listing)  # only the topics: /topics N lists questions
    # With the heading and the prompt, on a 40-column screen too.
    for width in (80, 40):
        assert len(Chat(bot, width=width).topics().splitlines()) + 2 <= 40


@pytest.mark.parametrize("which", ["number", "name", "part of the name", "capitals"])
def test_topics_with_a_number_or_a_name_lists_that_topics_questions(bot: Bot, which: str) -> None:
    content = [i for i in bot.intents if i.type == "content"]
    topics = list(dict.fromkeys(i.topic for i in content))
    lung = next(t for t in topics if "lung" in t.lower())
    typed = {"number": str(topics.index(lung) + 1), "name": lung, "part of the name": "lung",
             "capitals": lung.upper()}[which]
    _, out, _ = chat(bot, f"/topics {typed}" + ENTER, "/quit" + ENTER)
    for intent in content:
        assert (flat(intent.question) in flat(out)) == (intent.topic == lung), intent.id


def test_topics_with_a_name_that_fits_several_lists_those_and_an_unknown_one_lists_all(bot: Bot) -> None:
    chat_ = Chat(bot, width=80)
    several = chat_.topics("cancer")
    unknown = chat_.topics("gardening")
    assert several.startswith('Several topics match "cancer":')
    assert all("cancer" in line.lower() for line in several.splitlines()[1:] if re.match(r" ?\d+\)", line))
    assert unknown.startswith('I have no topic "gardening". The topics are:')
    assert unknown.splitlines()[1:] == chat_.topics().splitlines()[1:]


def test_help_lists_every_command(bot: Bot) -> None:
    _, out, _ = chat(bot, "/help" + ENTER, "/quit" + ENTER)
    for command in COMMANDS:
        assert command in out
    assert "Ctrl-C" in out and "Tab" in out
    assert "/topics 2" in out  # one topic's questions
    assert "bye" in out  # leaving in words


@pytest.mark.parametrize("goodbye", ["bye", "Bye!", "ok bye", "GOODBYE.", "quit", "exit", "thanks, bye",
                                     "good bye for now"])
def test_a_goodbye_in_words_ends_the_chat_after_the_farewell(bot: Bot, goodbye: str) -> None:
    code, out, session = chat(bot, ADJUVANT + ENTER, goodbye + ENTER, LUNG + ENTER)
    assert code == 0
    assert session.prompts == 2
    assert out.rstrip().endswith(bot.message("farewell"))
    assert not shows_answer(out, "lung_recurrence_after_surgery", bot)


def test_a_question_that_mentions_quitting_is_still_answered(bot: Bot) -> None:
    code, out, session = chat(bot, "how do I quit smoking after cancer" + ENTER, "/quit" + ENTER)
    assert code == 0 and session.prompts == 2
    reply = bot.ask("how do I quit smoking after cancer")
    assert reply.kind == "answer"
    assert flat(reply.text)[:60] in flat(out)


def test_f1_shows_the_help(bot: Bot) -> None:
    _, out, _ = chat(bot, F1, "/quit" + ENTER)
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("typed, hint", [("/hlep", "/help"), ("/topic", None), ("/frobnicate", None)])
def test_unknown_command_gets_a_hint(bot: Bot, typed: str, hint: str | None) -> None:
    code, out, session = chat(bot, typed + ENTER, "/quit" + ENTER)
    assert code == 0 and session.prompts == 2
    if typed == "/topic":  # a known alias, not unknown
        assert "don't know the command" not in out
        return
    assert f'"{typed}"' in out and "/help" in out
    if hint:
        assert f"Did you mean {hint}?" in out


def test_up_arrow_recalls_the_previous_question(bot: Bot) -> None:
    _, out, _ = chat(bot, ADJUVANT + ENTER, UP + ENTER, "/quit" + ENTER)
    answer = flat(bot.intent("what_is_adjuvant").answer)[:80]
    assert flat(out).count(answer) == 2


def test_blank_lines_are_ignored(bot: Bot) -> None:
    code, out, session = chat(bot, ENTER, "   " + ENTER, "/quit" + ENTER)
    assert code == 0 and session.prompts == 3
    assert "not sure" not in out and "sorry" not in out.lower()


@pytest.mark.slow
def test_long_input_is_cut_with_one_notice(bot: Bot) -> None:
    long = "why did my lung cancer come back " * 200  # about 6,600 characters
    _, out, _ = chat(bot, long + ENTER, "/quit" + ENTER)
    notice = bot.ask(long).notice
    assert notice and "beginning and its end" in notice
    assert flat(out).count(flat(notice)) == 1


def test_no_colour_means_no_escape_codes_and_colour_means_some(bot: Bot) -> None:
    script = (LUNG + ENTER, EMERGENCY + ENTER, "/help" + ENTER, "/topics" + ENTER, "/quit" + ENTER)
    _, plain, _ = chat(bot, *script, style=Style(colour=False))
    _, coloured, _ = chat(bot, *script, style=Style(colour=True))
    assert "\x1b" not in plain
    assert "\x1b[" in coloured


@pytest.mark.parametrize("hostile", [
    "\x1b]0;pwned\x07why did my lung cancer come back",
    "/\x1b[2J\x1b[31mwhy",
    "what is \u202eadjuvant\x9b31m therapy\x00\x07",
    "\ud800 lone surrogate",
    "x" * 1_000_000,
])
def test_nothing_typed_is_echoed_raw(bot: Bot, hostile: str) -> None:
    # Straight through Chat: pipe input would read ESC as keys before the engine saw them.
    for interactive in (True, False):
        chat_ = Chat(bot, width=80, interactive=interactive)
        text, done = chat_.handle(hostile)
        assert not done
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udfff]", text)
        assert len(text) < 20_000


def test_without_colour_the_history_hint_is_underlined_and_nothing_is_bold(bot: Bot) -> None:
    # In plain text a grey hint would look exactly like what the person typed.
    def attrs(session, name: str):
        return merge_styles([default_ui_style(), session.style]).get_attrs_for_style_str(f"class:{name}")

    plain, coloured = make_session(bot, colour=False), make_session(bot, colour=True)
    assert attrs(plain, "auto-suggestion").underline
    assert attrs(coloured, "auto-suggestion").color and not attrs(coloured, "auto-suggestion").underline
    assert not attrs(plain, "prompt").bold
    assert attrs(coloured, "prompt").bold


def test_help_names_the_hint_as_it_looks(bot: Bot) -> None:
    _, plain, _ = chat(bot, "/help" + ENTER, "/quit" + ENTER, style=Style(colour=False))
    _, coloured, _ = chat(bot, "/help" + ENTER, "/quit" + ENTER, style=Style(colour=True))
    assert "underlined hint" in flat(plain)
    assert "grey hint" in flat(coloured)


def test_tab_on_an_empty_line_shows_each_questions_topic_in_full(bot: Bot) -> None:
    content = [i for i in bot.intents if i.type == "content"]
    with create_app_session(output=DummyOutput()):  # an 80-column screen
        offered = list(make_session(bot).completer.get_completions(Document(""), None))
    assert {c.text for c in offered} == {flat(i.question) for i in content}
    assert {c.display_meta_text for c in offered} == {i.topic for i in content}
    # Both columns, their padding and the scrollbar fit the screen, so nothing else cuts them.
    widest = max(len(c.display_text) for c in offered) + max(len(c.display_meta_text) for c in offered)
    assert widest + 5 <= 80
    # A question too long for its column ends in "…" and starts as the question does.
    for completion in offered:
        shown = completion.display_text
        assert shown == completion.text or (shown.endswith("…") and completion.text.startswith(shown[:-1]))


def test_completer_offers_commands_and_questions_matching_anywhere(bot: Bot) -> None:
    completer = make_session(bot).completer

    def complete(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), None)]

    assert complete("/he") == ["/help"]
    assert set(complete("/")) == set(COMMANDS)
    question = bot.intent("lung_recurrence_after_surgery").question
    words = [w for w in re.findall(r"[a-z]+", question.lower()) if len(w) > 3][-2:]
    assert question in complete(" ".join(words))  # words from the middle and the end
    assert complete("zxqv blorft") == []
    red_flags = {i.question for i in bot.intents if i.type == "red_flag"}
    assert red_flags.isdisjoint(complete(""))


def test_misses_are_logged_only_when_asked(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    with MissLog.open(path) as log:
        chat(bot, LUNG + ENTER, NONSENSE + ENTER, "/quit" + ENTER, miss_log=log)
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [e["question"] for e in entries] == [NONSENSE]
    assert entries[0]["kind"] == "fallback"
    assert path.stat().st_mode & 0o777 == 0o600


def test_history_file_is_private_and_keeps_the_questions(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "history"
    chat(bot, ADJUVANT + ENTER, CTRL_D, history=path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert ADJUVANT in path.read_text(encoding="utf-8")
    # A second chat recalls the first one's question with Up.
    _, out, _ = chat(bot, UP + ENTER, "/quit" + ENTER, history=path)
    assert shows_answer(out, "what_is_adjuvant", bot)
