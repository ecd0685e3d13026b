"""The chat: a prompt_toolkit REPL on a terminal, a plain line loop otherwise.

Both loops drive the same ``Chat`` (the engine's conversation plus the slash commands), so a
question gets the same reply whichever way it arrives. prompt_toolkit is imported only on the
terminal path: piped use starts faster and never trips over "Input is not a terminal".

Built like prompt_toolkit's own examples: ``make_session`` is the one factory for the
``PromptSession``; ``repl_loop`` takes the session and an output function, so tests drive it
with ``create_pipe_input()`` and ``DummyOutput()``.
"""

from __future__ import annotations

import difflib
import os
import re
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .miss_log import MissLog
from .model import Intent, Match, Reply
from .private_files import open_private
from .render import (Style, colour_wanted, json_line, one_line, render_reply, source_lines,
                     terminal_safe, terminal_width, wrap)

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from .engine import Bot

Echo = Callable[[str], None]

EXIT_TERMINATED = 128 + signal.SIGTERM  # the shell's convention: 143

COMMANDS: dict[str, str] = {
    "/help": "show this help",
    "/topics": "the topics I know; /topics 2 (or /topics lung) lists one topic's questions",
    "/sources": "the sources of the last answer",
    "/why": "why I gave the last reply (matched pattern, score, runners-up)",
    "/reset": "forget this conversation and start again",
    "/quit": "leave the chat (also /exit, bye, quit, or Ctrl-D)",
}
ALIASES = {"/exit": "/quit", "/bye": "/quit", "/?": "/help", "/source": "/sources",
           "/topic": "/topics", "/restart": "/reset"}

PROMPT_STYLE = {"prompt": "bold"}
PLAIN_PROMPT_STYLE = {"prompt": "", "auto-suggestion": "underline"}
"""Without colour (NO_COLOR, --no-color) nothing is bold, and the hint from history, grey when
there is colour, is underlined: in plain text it would look exactly like what was typed."""

TOOLBAR = " Tab: complete  Up/Down: history  Ctrl-C: clear line  Ctrl-D: quit  F1: help "

# A message of only these words (any case, any punctuation: "Bye!", "ok bye", "thanks, goodbye")
# ends the chat, as /quit does: people leave a chat the way they leave a conversation.
_LEAVING = frozenset({"quit", "exit", "bye", "goodbye", "byebye"})
_POLITE = frozenset({"ok", "okay", "k", "alright", "right", "well", "then", "now", "for", "and", "so",
                     "thanks", "thank", "you", "cheers", "much", "very", "good", "all", "that", "s", "it",
                     "i", "m", "done"})
_WORD = re.compile(r"[^\W\d_]+")


def is_goodbye(text: str) -> bool:
    """Whether a message only says goodbye, so the chat should end.

    >>> [is_goodbye(t) for t in ("Bye!", "ok bye", "QUIT", "thanks, goodbye", "good bye for now")]
    [True, True, True, True, True]
    >>> [is_goodbye(t) for t in ("how do I quit smoking", "I want to exit", "bye-laws", "ok")]
    [False, False, False, False]
    """
    words = _WORD.findall(text.casefold())
    return (any(w in _LEAVING for w in words) and all(w in _LEAVING or w in _POLITE for w in words)
            and "-" not in text)


class ChatTerminated(BaseException):
    """SIGTERM arrived: the chat ends cleanly with exit code 143.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way
    (ours or prompt_toolkit's) swallows it.
    """


class Chat:
    """One person's chat: the engine's conversation plus the slash commands.

    ``handle(line)`` returns the text to show and whether the chat should end; the loops only
    read lines and show text. ``interactive`` is True in the terminal REPL (the prompt already
    shows the question, and the key hints apply); the plain loop echoes each question instead.
    """

    def __init__(self, bot: "Bot", *, style: Style = Style(), width: int | None = None,
                 miss_log: MissLog | None = None, interactive: bool = False) -> None:
        self.bot = bot
        self.conversation = bot.conversation()
        self.style = style
        self.miss_log = miss_log
        self.interactive = interactive
        self._width = width
        self.last_answer: Reply | None = None  # for /sources: a later "I'm not sure" has none

    @property
    def width(self) -> int:
        """The wrapping width: fixed if given, else the terminal's now (it may be resized)."""
        return self._width or terminal_width()

    # -- lines -----------------------------------------------------------------------------

    def handle(self, line: str) -> tuple[str, bool]:
        """The text to show for one line the person entered, and whether the chat ends."""
        text = line.strip()
        if not text:
            return "", False
        if text.startswith("/"):
            return self.command(text)
        if is_goodbye(text):
            return self.farewell(), True
        reply = self.ask(text)
        block = self.render(reply)
        if not self.interactive:
            block = f"> {one_line(text)}\n{block}"
        return block, False

    def ask(self, text: str) -> Reply:
        """Ask the conversation, remember the answer for /sources, and log a miss if asked to."""
        # The engine reads the beginning and end of a long message (and says so in
        # reply.notice) and scans further for red flags; cutting here keeps a 1 MB paste cheap
        # without hiding one at its end.
        policy = self.bot.policy
        if len(text) > policy.safety_scan_chars:
            text = f"{text[:policy.safety_scan_chars]}\n{text[-policy.tail_chars:]}"
        reply = self.conversation.ask(text)
        if reply.kind in ("answer", "emergency"):
            self.last_answer = reply
        # A re-prompt ("please choose a number from 1 to 3") repeats the earlier reply, whose
        # question is not this text: that is not a new miss.
        if self.miss_log is not None and reply.question and text.startswith(reply.question[:100]):
            self.miss_log.record(text, reply)
        return reply

    def render(self, reply: Reply) -> str:
        """The block of text for a reply, with related questions for an answer."""
        return render_reply(reply, width=self.width, style=self.style)

    # -- texts -----------------------------------------------------------------------------

    def greeting(self) -> str:
        """The opening: a short hello, the disclaimer, the emergency line and how to start."""
        return greeting(self.bot, self.style, self.width)

    def farewell(self) -> str:
        """The last line of a chat."""
        return terminal_safe(self.bot.message("farewell"))

    # -- commands --------------------------------------------------------------------------

    def command(self, text: str) -> tuple[str, bool]:
        """Run a slash command; an unknown one gets a hint."""
        name = command_name(text)
        argument = text.strip().partition(" ")[2].strip()
        if name == "/quit":
            return self.farewell(), True
        if name == "/topics":
            return self.topics(argument), False
        run: dict[str, Callable[[], str]] = {
            "/help": self.help, "/sources": self.sources, "/why": self.why, "/reset": self.reset,
        }
        if name in run:
            return run[name](), False
        return self.unknown(name), False

    def help(self) -> str:
        """What /help shows."""
        s, w = self.style, self.width
        width = max(len(c) for c in COMMANDS) + 2
        lines = [s.heading("Commands:")]
        lines += [f"  {c.ljust(width)}{d}" for c, d in COMMANDS.items()]
        tips = [t for t in self.bot.message("help_tips").splitlines() if t.strip()]
        lines += ["", s.heading("Tips:")] + [wrap(f"- {terminal_safe(t.strip())}", w) for t in tips]
        lines += [wrap("- Type bye or /quit to leave.", w)]
        if self.interactive:
            hint = "grey" if s.colour else "underlined"
            lines += [wrap("- Keys: Tab completes commands and questions, Up and Down recall "
                           f"earlier questions, Right accepts the {hint} hint, Ctrl-C clears the "
                           "line, Ctrl-D leaves.", w)]
        closing = [self.bot.disclaimer, self.bot.message("help_crisis")]
        lines += [""] + [wrap(terminal_safe(c), w) for c in closing if c]
        return "\n".join(lines)

    def topics(self, which: str = "") -> str:
        """What /topics shows: the topics, numbered, with how many questions each has (a list
        that fits one screen); ``which`` (a number or part of a name) lists one topic's questions."""
        s, w = self.style, self.width
        groups = self.topic_groups()
        if not groups:
            return "I have no topics loaded."
        every = [(n, topic, intents) for n, (topic, intents) in enumerate(groups, 1)]
        chosen, heading = every, "Topics I know about:"
        if which:
            found = _find_topics(which, every)
            if len(found) == 1:
                return self._topic(*found[0])
            if found:
                chosen, heading = found, f"Several topics match \"{one_line(which, 40)}\":"
            else:
                heading = f"I have no topic \"{one_line(which, 40)}\". The topics are:"
        lines = [s.heading(wrap(heading, w))]
        for number, topic, intents in chosen:
            count = "1 question" if len(intents) == 1 else f"{len(intents)} questions"
            lines.append(wrap(f"{number:>2}) {terminal_safe(topic)} ({count})", w))
        example = chosen[0][0]
        tab = " Tab shows every question." if self.interactive else ""
        lines += ["", s.dim(wrap(f"Type /topics {example} to see a topic's questions, or just ask in your own "
                                 f"words.{tab}", w))]
        return "\n".join(lines)

    def topic_groups(self) -> list[tuple[str, list[Intent]]]:
        """The content intents by topic, in the knowledge base's order."""
        groups: dict[str, list[Intent]] = {}
        for intent in self.bot.intents:
            if intent.type == "content":
                groups.setdefault(intent.topic or "Other questions", []).append(intent)
        return list(groups.items())

    def _topic(self, number: int, topic: str, intents: list[Intent]) -> str:
        s, w = self.style, self.width
        lines = [s.heading(wrap(f"{number}) {terminal_safe(topic)}:", w))]
        lines += [wrap(f"  - {terminal_safe(i.question)}", w) for i in intents]
        lines += ["", s.dim(wrap("Ask one of these in your own words, or type /topics to see every topic.", w))]
        return "\n".join(lines)

    def sources(self) -> str:
        """What /sources shows: the sources of the last answer."""
        s, w = self.style, self.width
        reply = self.last_answer
        if reply is None:
            return "There is no answer yet: ask a question first, then type /sources."
        intent = self.bot.intent(reply.intent) if reply.intent else None
        about = f" for \"{terminal_safe(intent.question)}\"" if intent else ""
        if not reply.sources:
            return wrap(f"The last answer{about} has no sources listed.", w)
        lines = [s.heading(wrap(f"Sources{about}:", w))]
        lines.extend(source_lines(source.title, source.url, w) for source in reply.sources)
        return "\n".join(lines)

    def why(self) -> str:
        """What /why shows: how the last reply was chosen."""
        s, w = self.style, self.width
        reply = self.conversation.last
        if reply is None:
            return "Nothing to explain yet: ask a question first, then type /why."
        policy = self.bot.policy
        head = f"kind: {reply.kind}"
        if reply.intent:
            head += f", intent: {terminal_safe(reply.intent)}"
        head += f", confidence: {reply.confidence:.2f}"
        lines = [s.heading("Why this reply:"), "  " + head]
        reading = []
        if reply.focus:
            reading.append(f"about {', '.join(terminal_safe(c) for c in reply.focus)}")
        if reply.question_type:
            reading.append(f"asks {terminal_safe(reply.question_type)}")
        if reading:
            lines.append(f"  read as: {'; '.join(reading)}")
        matches = reply.matches
        if reply.kind == "emergency" and matches:
            lines.append(f"  red-flag trigger: {_match_line(matches[0])}")
            if len(reply.red_flags) > 1:
                lines.append(f"  also set off: {', '.join(terminal_safe(f) for f in reply.red_flags[1:])}")
            lines.append("  Red flags are checked before anything else, and always answered.")
        elif reply.kind == "answer" and matches:
            lines.append(f"  matched pattern: {_match_line(matches[0])}")
            if reply.reason:
                lines.append(f"  answered because: {reply.reason}")
            matches = matches[1:]
        elif reply.kind == "answer":
            lines.append("  chosen from the numbered questions I offered")
        if reply.kind in ("clarify", "fallback"):
            verdict = ("no candidate led the others clearly enough" if reply.kind == "clarify"
                       else "no candidate was confident enough")
            lines.append(f"  {terminal_safe(reply.reason) if reply.reason else verdict}")
        if matches and reply.kind != "emergency":
            label = "runners-up:" if reply.kind == "answer" else "best candidates:"
            lines.append(f"  {label}")
            lines += [f"    {m.confidence:.2f}  {terminal_safe(m.intent)}\n"
                      f"          {_match_line(m)}" for m in matches[:4]]
        if reply.notice:
            lines.append(f"  note: {one_line(reply.notice, 300)}")
        if reply.kind != "emergency":
            lines.append(s.dim(f"  (I answer when confidence is at least {policy.threshold:.2f} and "
                               f"leads the next by {policy.margin:.2f}; a message of "
                               f"{policy.long_message}+ words about cancer from "
                               f"{policy.long_discount * policy.threshold:.2f} when it leads by "
                               f"{policy.long_lead:.0%} of its score; a close call about cancer from "
                               f"{policy.confirmed:.2f} when a second reading agrees.)"))
        return "\n".join(_hang(line, w) for line in lines)

    def reset(self) -> str:
        """What /reset does: forget the conversation."""
        self.conversation.reset()
        self.last_answer = None
        return "I have forgotten this conversation. Ask a new question whenever you are ready."

    def unknown(self, name: str) -> str:
        """The hint for a command that does not exist."""
        known = [*COMMANDS, *ALIASES]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        shown = one_line(name, 40)
        hint = f" Did you mean {ALIASES.get(close[0], close[0])}?" if close else ""
        return f"I don't know the command \"{shown}\".{hint} Type /help to see the commands."


def command_name(text: str) -> str:
    """The command a slash line names, aliases resolved.

    >>> command_name("/Topic 2"), command_name("/bye")
    ('/topics', '/quit')
    """
    name = text.split()[0].lower() if text.split() else ""
    return ALIASES.get(name, name)


def _find_topics(which: str, numbered: list[tuple[int, str, list[Intent]]]) -> list[tuple[int, str, list[Intent]]]:
    """The numbered topics ``which`` names: by number, by whole name, or by part of the name."""
    wanted = " ".join(which.casefold().split())
    if wanted.isdigit():
        return [g for g in numbered if g[0] == int(wanted)]
    exact = [g for g in numbered if g[1].casefold() == wanted]
    return exact or [g for g in numbered if wanted in g[1].casefold()]


def greeting(bot: "Bot", style: Style, width: int) -> str:
    """The opening of a chat: a short hello, the disclaimer, the emergency line, how to start."""
    s, w = style, width
    banner, alert, hint = (terminal_safe(bot.message(name)) for name in ("banner", "banner_alert", "start_hint"))
    lines = [s.bold(wrap(banner, w)), wrap(terminal_safe(bot.disclaimer), w) if bot.disclaimer else "",
             s.alert(wrap(alert, w)) if alert else "", s.dim(wrap(hint, w))]
    return "\n".join(line for line in lines if line)


def _hang(text: str, width: int) -> str:
    """Wrap each line of ``text``, continuing under its own first word (for indented lists)."""
    out = []
    for line in text.split("\n"):
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.append(textwrap.fill(line, width, subsequent_indent=indent + "  ",
                                 break_long_words=False, break_on_hyphens=False) or line)
    return "\n".join(out)


def _match_line(match: Match) -> str:
    where = _short_path(match.path)
    if where and match.line:
        where = f"{where}:{match.line}"
    pattern = one_line(match.pattern, 120)
    return f"\"{pattern}\" ({where})" if where else f"\"{pattern}\""


def _short_path(path: str) -> str:
    if not path:
        return ""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return terminal_safe(path)
    return terminal_safe(path if relative.startswith("..") else relative)


# -- the terminal REPL ---------------------------------------------------------------------


def make_session(bot: "Bot", history: Path | None = None, *, colour: bool = True,
                 input: "Input | None" = None, output: "Output | None" = None) -> "PromptSession[str]":
    """The one PromptSession of a chat: history (in memory, or the private file ``history``, see
    bot.history_file), auto-suggestion from it, completion of slash commands and questions, key
    bindings and a bottom toolbar with the key hints.

    Raises BotError if the history file cannot be created or is not safe to write.
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.history import History, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.output import ColorDepth
    from prompt_toolkit.styles import Style as PromptStyle

    from .history_file import PrivateFileHistory

    store: History = PrivateFileHistory(history) if history is not None else InMemoryHistory()

    bindings = KeyBindings()

    @bindings.add("f1")
    def _help(event: Any) -> None:
        event.current_buffer.text = "/help"
        event.current_buffer.validate_and_handle()

    # Questions are long, so a menu on every key would get in the way; commands are short
    # and few, so show them as soon as "/" is typed.
    slash_typed = Condition(lambda: get_app().current_buffer.text.lstrip().startswith("/"))

    return PromptSession(
        message=[("class:prompt", "> ")],
        history=store,
        auto_suggest=AutoSuggestFromHistory(),
        completer=_completer(bot),
        complete_while_typing=slash_typed,
        key_bindings=bindings,
        bottom_toolbar=[("class:bottom-toolbar", TOOLBAR)],
        style=PromptStyle.from_dict(PROMPT_STYLE if colour else PLAIN_PROMPT_STYLE),
        color_depth=None if colour else ColorDepth.DEPTH_1_BIT,
        search_ignore_case=True,
        input=input,
        output=output,
    )


def _completer(bot: "Bot") -> Any:
    """Completes slash commands by prefix, and canonical questions by the words typed so far,
    found anywhere in the question ("lung back" offers "Why can lung cancer come back...").
    Each question shows its topic beside it, in full: the question is shortened to fit instead."""
    from prompt_toolkit.application.current import get_app_or_none
    from prompt_toolkit.completion import Completer, Completion

    questions: list[tuple[str, str]] = []
    seen: set[str] = set()
    for intent in bot.intents:
        question = " ".join(terminal_safe(intent.question).split())
        if intent.type == "content" and question and question not in seen:
            seen.add(question)
            questions.append((question, " ".join(terminal_safe(intent.topic).split())))

    class ChatCompleter(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Iterator[Completion]:
            text = document.text_before_cursor
            typed = text.lstrip()
            if typed.startswith("/"):
                for name, description in COMMANDS.items():
                    if name.startswith(typed.lower()):
                        yield Completion(name, start_position=-len(typed), display_meta=description)
                return
            words = typed.lower().split()
            starts: list[tuple[str, str]] = []
            anywhere: list[tuple[str, str]] = []
            for question, topic in questions:
                lower = question.lower()
                if all(word in lower for word in words):
                    (starts if lower.startswith(typed.lower()) else anywhere).append((question, topic))
            found = starts + anywhere
            if not found:
                return
            app = get_app_or_none()
            columns = app.output.get_size().columns if app is not None else 80
            question_width, topic_width = menu_widths(columns, max(len(t) for _, t in found))
            for question, topic in found:
                yield Completion(question, start_position=-len(text), display=shorten(question, question_width),
                                 display_meta=shorten(topic, topic_width))

    return ChatCompleter()


MENU_MARGINS = 5
"""What a completion menu adds to its two columns: a space either side of each, a scrollbar."""
MIN_QUESTION_WIDTH = 25


def menu_widths(columns: int, longest_topic: int) -> tuple[int, int]:
    """How wide the question and topic columns of the completion menu may be on a screen this
    wide. Topics are shown whole (a menu that cut them to "A..." told nothing); the questions
    give way, down to ``MIN_QUESTION_WIDTH``, and only below that do long topics shorten too.

    >>> menu_widths(100, 50), menu_widths(80, 50), menu_widths(60, 50)
    ((45, 50), (25, 50), (25, 30))
    """
    room = max(columns - MENU_MARGINS, MIN_QUESTION_WIDTH + 10)
    topic = min(longest_topic, max(room - MIN_QUESTION_WIDTH, 10))
    return room - topic, topic


def shorten(text: str, width: int) -> str:
    """``text`` cut at a word to at most ``width`` characters, ending in "…" when cut.

    >>> shorten("Why can lung cancer come back after it was removed?", 30)
    'Why can lung cancer come back…'
    """
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut and text[width - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def repl_loop(bot: "Bot", session: "PromptSession[str]", echo: Echo, *, style: Style = Style(),
              width: int | None = None, miss_log: MissLog | None = None, greet: bool = True) -> int:
    """Chat until /quit or Ctrl-D; return the exit code (0).

    Ctrl-C clears the line (or abandons an answer being prepared) and never ends the chat.
    ``greet=False`` when the caller has shown the greeting already.
    """
    chat = Chat(bot, style=style, width=width, miss_log=miss_log, interactive=True)
    if greet:
        echo(chat.greeting())
    while True:
        try:
            line = session.prompt()
            _raise_if_terminated()
            text, done = chat.handle(line)
        except KeyboardInterrupt:
            continue
        except EOFError:
            echo(chat.farewell())
            return 0
        if text:
            echo(text)
        if done:
            return 0


# -- the plain line loop ------------------------------------------------------------------


def plain_loop(bot: "Bot", lines: Iterable[str], echo: Echo, *, as_json: bool = False,
               width: int | None = None, miss_log: MissLog | None = None) -> int:
    """Answer each non-blank line; return 0 at the end of input.

    Plain text: the disclaimer, then one block per question (the question, then the answer)
    with no colour or control codes; slash commands and goodbyes work as in the REPL. With
    ``as_json``: one JSON object per non-blank line: ``Reply.to_dict()`` for a question, and
    ``{"command", "text", "done"}`` for a slash command or a goodbye (``done``: the chat ends).
    """
    chat = Chat(bot, style=Style(colour=False), width=width or terminal_width(), miss_log=miss_log)
    if not as_json:
        echo(wrap(terminal_safe(bot.disclaimer), chat.width) + "\n")
    for line in lines:
        if as_json:
            text = line.strip()
            if not text:
                continue
            if not text.startswith("/") and not is_goodbye(text):
                echo(json_line(chat.ask(text).to_dict()))
                continue
            shown, done = chat.handle(text)
            name = command_name(text) if text.startswith("/") else "/quit"
            echo(json_line({"command": name if name in COMMANDS else one_line(name, 40), "text": shown,
                            "done": done}))
            if done:
                break
            continue
        text, done = chat.handle(line)
        if text:
            echo(text + "\n")
        if done:
            break
    return 0


def _input_lines(stream: TextIO) -> Iterator[str]:
    """Lines of piped input; bytes that are not valid text become U+FFFD, never an error."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        yield from stream
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    for chunk in raw:
        yield chunk.decode(encoding, "replace")


def _writer(stream: TextIO) -> Echo:
    """An echo function for ``stream``: one flush per block, so a reader sees each answer as
    it is ready; characters the stream cannot encode become "?" rather than an error."""

    def echo(text: str) -> None:
        try:
            stream.write(text + "\n")
        except UnicodeEncodeError:
            encoding = getattr(stream, "encoding", None) or "ascii"
            stream.write((text + "\n").encode(encoding, "replace").decode(encoding))
        stream.flush()

    return echo


# -- SIGTERM -------------------------------------------------------------------------------

_terminate_requested = threading.Event()


def _raise_if_terminated() -> None:
    if _terminate_requested.is_set():
        raise ChatTerminated()


def _on_sigterm(signum: int, frame: object) -> None:
    _terminate_requested.set()
    # Inside a prompt, ask prompt_toolkit to leave so that it restores the terminal first;
    # anywhere else, stop right here.
    current = sys.modules.get("prompt_toolkit.application.current")
    app = current.get_app_or_none() if current is not None else None
    loop = getattr(app, "loop", None) if app is not None and app.is_running else None
    if app is None or loop is None or loop.is_closed():
        raise ChatTerminated()
    running = app  # the closure below needs a name mypy knows is not None

    def leave() -> None:
        if running.is_running and not running.future.done():
            running.exit(exception=ChatTerminated)

    loop.call_soon_threadsafe(leave)


@contextmanager
def _sigterm_ends_chat() -> Iterator[None]:
    """Within the block, SIGTERM raises ChatTerminated (signals can only be handled in the
    main thread; elsewhere the default stays)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _terminate_requested.clear()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _terminate_requested.clear()


# -- entry ---------------------------------------------------------------------------------


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def run_chat(bot: "Bot", *, stdin: TextIO | None = None, stdout: TextIO | None = None,
             no_color: bool = False, history: Path | None = None, as_json: bool = False,
             log_misses: Path | None = None) -> int:
    """Run the chat and return the exit code: 0 at /quit, Ctrl-D or the end of input, 143 on
    SIGTERM.

    On a terminal (stdin and stdout both), the prompt_toolkit REPL; otherwise, or with
    ``as_json``, the plain line loop. ``history`` keeps the REPL's input history in a file
    (mode 0600); by default it is kept in memory only. ``log_misses`` appends unanswered
    questions to a file for curators (see bot.miss_log); nothing is written without it.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    miss_log = MissLog.open(log_misses) if log_misses is not None else None
    try:
        with _sigterm_ends_chat():
            if not as_json and _is_terminal(stdin) and _is_terminal(stdout):
                return _terminal_chat(bot, stdin, stdout, no_color=no_color, history=history,
                                      miss_log=miss_log)
            return plain_loop(bot, _input_lines(stdin), _writer(stdout), as_json=as_json,
                              miss_log=miss_log)
    except ChatTerminated:
        return EXIT_TERMINATED
    finally:
        if miss_log is not None:
            miss_log.close()


def _terminal_chat(bot: "Bot", stdin: TextIO, stdout: TextIO, *, no_color: bool,
                   history: Path | None, miss_log: MissLog | None) -> int:
    if history is not None:  # a bad or unsafe path fails before the chat has begun
        open_private(history, "the history file").close()
    colour = colour_wanted(no_color, True)
    write = _writer(stdout)

    def echo(text: str) -> None:
        write(text + "\n")  # a blank line between the bot's blocks and the next prompt

    # Greet before importing prompt_toolkit (a tenth of a second): the person sees the
    # disclaimer at once, and reads it while the prompt gets ready.
    echo(greeting(bot, Style(colour), terminal_width()))

    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    session = make_session(bot, history=history, colour=colour, input=create_input(stdin),
                           output=create_output(stdout))

    # Build the matching index once the first prompt is on the screen, while the person reads
    # and types; before that it would only compete with drawing the prompt. A question asked
    # sooner simply waits for it.
    def build_index(_: object) -> None:
        session.app.after_render -= build_index
        bot.prepare(background=True)

    session.app.after_render += build_index
    return repl_loop(bot, session, echo, style=Style(colour), miss_log=miss_log, greet=False)
