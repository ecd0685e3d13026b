"""The command line: ``python run_bot.py``, ``python -m bot`` and ``recurrence-faq`` all land here.

Errors of our own become one readable line on stderr and an exit code; no traceback.
Exit codes: 0 success; 1 the command ran and found a problem (check, test, eval); 2 bad usage
or a knowledge base that does not load; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .errors import BotError

if TYPE_CHECKING:
    from .engine import Bot

PROG = "run_bot.py"
DISTRIBUTION = "recurrence-faq"
"""The package's name: what --version prints, whether run_bot.py, python -m bot or the
recurrence-faq script was run."""

DESCRIPTION = """\
A chatbot that answers common questions about cancer that may come back or has come back
(recurrence), in plain language, with the sources of every answer. It gives general
information only: it cannot diagnose you or give medical advice. If you have trouble
breathing, chest pain, heavy bleeding, a fever during treatment, or thoughts of harming
yourself, call your emergency number now.

With no command, starts the chat. Privacy: by default nothing you type is written anywhere;
history is kept in memory for this session only (see --history and --log-misses)."""

EPILOG = """\
examples:
  run_bot.py                                   chat in the terminal
  run_bot.py ask "why did my lung cancer come back?"
  run_bot.py ask --json "whats a recurance"    one answer as JSON, for scripts
  printf 'q1\\nq2\\n' | run_bot.py --json       one JSON object per line
  run_bot.py check --strict                    lint the knowledge base (curators)
  run_bot.py test --coverage                   run tests/conversations/*.yml
  run_bot.py eval tests/data/questions/patients.tsv --min-accuracy 0.95

environment: NO_COLOR turns colour off; RECURRENCE_FAQ_CACHE=DIR|off moves or turns off the
saved matching index (default: $XDG_CACHE_HOME/recurrence-faq, or ~/.cache/recurrence-faq).

exit codes: 0 ok, 1 problems found (check/test/eval), 2 usage or knowledge-base error,
130 interrupted."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {__version__}")
    parser.add_argument("--intents", metavar="FOLDER", type=Path,
                        help="knowledge base folder to use (default: the shipped intents/)")
    parser.add_argument("--locale", metavar="NAME",
                        help="emergency numbers and help lines to use, from the knowledge base's "
                             "settings (shipped: us, uk; default: us)")
    chat = parser.add_argument_group("chat options (when no command is given, or with `chat`)")
    _chat_options(chat)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    chat_parser = commands.add_parser("chat", help="start the chat (the default)",
                                      description="Start the chat in the terminal.")
    _chat_options(chat_parser, suppress=True)

    ask = commands.add_parser("ask", help="answer one question and exit",
                              description="Answer one question and exit.")
    ask.add_argument("question", nargs="+", help="the question (quote it, or give several words)")
    ask.add_argument("--json", action="store_true",
                     help="print the reply as JSON: intent, kind, confidence, text, suggestions, sources")
    ask.add_argument("--threshold", type=_fraction, metavar="T",
                     help="confidence needed to answer, 0..1 (default: the engine's)")

    check = commands.add_parser(
        "check", help="validate and lint a knowledge base",
        description="Validate a knowledge base and report every problem as `path:line: error|warning: "
                    "message`. Exits 1 if there are errors (or, with --strict, warnings).")
    check.add_argument("folder", nargs="?", type=Path, help="knowledge base folder (default: --intents, "
                       "or the shipped one)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--policy", choices=("auto", "on", "off"), default="auto",
                       help="shipped-content policy (sources, review dates, reading grade): on, off, "
                            "or auto = on for the shipped knowledge base only (default)")

    test = commands.add_parser(
        "test", help="run scripted conversation tests",
        description="Run scripted question-and-answer tests (YAML) against the knowledge base.")
    test.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                      help="test files or folders (default: tests/conversations/)")
    test.add_argument("--coverage", action="store_true", help="also list intents no conversation exercises")

    evaluate = commands.add_parser(
        "eval", help="measure accuracy on a labelled question file",
        description="Measure how well the bot answers a labelled file: TSV (question<TAB>expected id; "
                    "`-` or empty means it should fall back; ids may be joined by |) or YAML.")
    evaluate.add_argument("file", type=Path, help="labelled questions (.tsv or .yml)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument("--threshold", type=_fraction, metavar="T", help="override the engine's threshold")
    evaluate.add_argument("--sweep", action="store_true",
                          help="print accuracy and off-topic rejection over thresholds 0..1")
    evaluate.add_argument("--min-accuracy", type=_fraction, metavar="X",
                          help="exit 1 if accuracy is below X (for CI)")
    evaluate.add_argument("--failures", action="store_true", help="list every question answered wrongly")
    return parser


def _chat_options(group: argparse._ActionsContainer, suppress: bool = False) -> None:
    default = argparse.SUPPRESS if suppress else None
    group.add_argument("--no-color", action="store_true", default=default or False,
                       help="no colour or bold (also when NO_COLOR is set)")
    group.add_argument("--history", metavar="FILE", type=Path, default=default,
                       help="keep the chat's input history in FILE (created private, mode 0600); "
                            "by default history is kept in memory only")
    group.add_argument("--json", dest="chat_json", action="store_true", default=default or False,
                       help="with piped input: one JSON reply per line (before `ask` or `eval`: as their --json)")
    group.add_argument("--log-misses", metavar="FILE", type=Path, default=default,
                       help="append questions the bot could not answer to FILE (JSON lines, mode "
                            "0600) for curators; off by default because questions are health information")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text}")
    return value


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        # argparse writes help, version and usage errors to sys.stdout/sys.stderr itself.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    try:
        return _dispatch(args, stdin, stdout, stderr)
    except BotError as exc:
        print(f"{PROG}: error: {exc}", file=stderr)
        return 2
    except KeyboardInterrupt:
        print("", file=stderr)
        return 130
    except BrokenPipeError:
        return 0


def _load(args: argparse.Namespace, threshold: float | None = None, *, eager: bool = True) -> "Bot":
    from .engine import Bot

    return Bot.load(args.intents, threshold=threshold, locale=args.locale, eager=eager)


def _dispatch(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    command = args.command or "chat"
    if command == "check":
        from .lint import run_check

        folder = args.folder or args.intents
        return run_check(folder, strict=args.strict, policy=args.policy, locale=args.locale, out=stdout,
                         progress=_progress(stderr))
    if command == "ask":
        return _ask(_load(args, args.threshold), " ".join(args.question), as_json=args.json or args.chat_json, out=stdout)
    if command == "test":
        from .conversation_tests import run_tests

        return run_tests(_load(args), args.paths, coverage=args.coverage, out=stdout)
    if command == "eval":
        from .evaluate import run_eval

        return run_eval(_load(args), args.file, as_json=args.json or args.chat_json, threshold=args.threshold,
                        sweep=args.sweep, min_accuracy=args.min_accuracy, failures=args.failures,
                        out=stdout)
    from .repl import run_chat

    # The chat greets and shows its prompt first, and builds the matching index meanwhile.
    return run_chat(_load(args, eager=False), stdin=stdin, stdout=stdout, no_color=args.no_color,
                    history=args.history, as_json=args.chat_json, log_misses=args.log_misses)


def _progress(stream: TextIO) -> Callable[[str], None] | None:
    """A line per stage on ``stream`` when a person watches it (a terminal); nothing in a pipe
    or a CI log, where the findings alone are wanted."""
    try:
        watched = stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        watched = False
    if not watched:
        return None

    def tell(stage: str) -> None:
        stream.write(f"{PROG}: {stage}...\n")
        stream.flush()

    return tell


def _ask(bot: "Bot", question: str, *, as_json: bool, out: TextIO) -> int:
    from .render import Style, json_line, render_reply, terminal_width

    reply = bot.ask(question)
    if as_json:
        # Answers come from a knowledge base, which may hold C1 or bidi controls: escaped.
        out.write(json_line(reply.to_dict()) + "\n")
    else:
        out.write(render_reply(reply, width=terminal_width(), style=Style()) + "\n")
    return 0
