"""Scripted conversation tests: ``tests/conversations/*.yml``, run by ``run_bot.py test`` and pytest.

A file holds conversations; each turn is one message and what the reply must be::

    conversations:
      - name: lung recurrence, then a red flag
        turns:
          - user: why did my lung cancer come back?
            intent: lung_recurrence_after_surgery   # or a list of acceptable ids
          - user: how is it treated?
            kind: answer                            # answer | clarify | fallback | emergency
            says: [treatment]                       # the reply contains each (case-insensitive)
            not_says: [cure]                        # ...and none of these
          - user: I'm coughing up a lot of blood
            kind: emergency

The turns of one conversation share one ``bot.conversation()``, so context carries ("how is it
treated?" after a lung answer, "1" after a "Did you mean" list). A conversation stops at its
first failing turn: later turns depend on the context it would have set.

Reading a file never needs the engine; a broken file raises ``ConversationFileError`` with
``path:line``.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import ConversationFileError
from .lint import shown as _shown
from .model import Reply
from .yaml_source import LocatedDict, LocatedList, read_yaml

if TYPE_CHECKING:
    from .engine import Bot

KINDS = ("answer", "clarify", "fallback", "emergency")
TURN_KEYS = ("user", "intent", "kind", "says", "not_says")
CONVERSATION_KEYS = ("name", "turns")
DEFAULT_FOLDER = Path("tests") / "conversations"
"""Where ``run_bot.py test`` looks when given no paths (relative to the current folder)."""
_EXCERPT = 160


@dataclass(frozen=True)
class Turn:
    """One message of a scripted conversation and what its reply must be."""

    user: str
    line: int
    intents: tuple[str, ...] = ()
    """Acceptable intent ids (any one will do); empty: the intent is not checked."""
    kind: str | None = None
    says: tuple[str, ...] = ()
    not_says: tuple[str, ...] = ()
    intent_line: int = 0

    def expectation(self) -> str:
        """What this turn expects, in one line, for reports."""
        parts = []
        if self.kind:
            parts.append(self.kind)
        if self.intents:
            parts.append("intent " + " or ".join(self.intents))
        if self.says:
            parts.append("says " + ", ".join(f'"{s}"' for s in self.says))
        if self.not_says:
            parts.append("not_says " + ", ".join(f'"{s}"' for s in self.not_says))
        return "; ".join(parts) or "(nothing checked)"


@dataclass(frozen=True)
class ConversationTest:
    """A named conversation from a test file."""

    name: str
    path: str
    line: int
    turns: tuple[Turn, ...]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class TurnResult:
    """A turn as it ran: the reply, and what was wrong with it (empty when it passed)."""

    turn: Turn
    reply: Reply
    problems: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class ConversationResult:
    """The outcome of one conversation test."""

    test: ConversationTest
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)

    @property
    def failure(self) -> TurnResult | None:
        return next((t for t in self.turns if not t.passed), None)

    def report(self) -> str:
        """The readable account of a failure: where, what was expected, what came."""
        failed = self.failure
        if failed is None:
            return f"{self.test.name}: all {len(self.turns)} turns passed"
        turn, reply = failed.turn, failed.reply
        number = self.turns.index(failed) + 1
        lines = [
            f"{_shown(self.test.path)}:{turn.line}: turn {number} of {self.test.name!r}: {turn.user!r}",
            f"  expected: {turn.expectation()}",
            f"  got:      {describe_reply(reply)}",
        ]
        lines += [f"  - {problem}" for problem in failed.problems]
        lines += [f"  {line}" for line in _candidates(reply)]
        lines.append(f"  reply:    {_excerpt(reply.text)}")
        left = len(self.test.turns) - number
        if left:
            lines.append(f"  ({left} later turn{'s' if left > 1 else ''} not run: they depend on this one)")
        return "\n".join(lines)


def describe_reply(reply: Reply) -> str:
    """``answer, lung_adjuvant, confidence 0.62``."""
    intent = reply.intent or "no intent"
    return f"{reply.kind}, {intent}, confidence {reply.confidence:.2f}"


# --- reading test files ----------------------------------------------------------------------


def find_test_files(paths: Sequence[str | Path]) -> list[Path]:
    """The test files named, and the ``*.yml`` files under the folders named (hidden ones
    skipped), in a stable order. No paths: ``tests/conversations/``."""
    if not paths:
        if not DEFAULT_FOLDER.is_dir():
            raise ConversationFileError(
                "no such folder: give test files or folders, or run from the project root",
                path=DEFAULT_FOLDER)
        paths = [DEFAULT_FOLDER]
    found: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            inside = sorted(p for p in [*given.rglob("*.yml"), *given.rglob("*.yaml")]
                            if p.is_file() and not any(part.startswith(".")
                                                       for part in p.relative_to(given).parts))
            if not inside:
                raise ConversationFileError("no conversation test files (*.yml) in this folder", path=given)
            found += inside
        elif given.is_file():
            found.append(given)
        else:
            raise ConversationFileError("no such file or folder", path=given)
    return list(dict.fromkeys(found))


def read_conversation_file(path: str | Path) -> list[ConversationTest]:
    """Read one test file. Raises ConversationFileError (path:line) if it breaks the format."""
    path = Path(path)
    data = read_yaml(path, ConversationFileError)

    def fail(message: str, line: int | None) -> ConversationFileError:
        return ConversationFileError(message, path=path, line=line)

    if not isinstance(data, LocatedDict) or "conversations" not in data:
        raise fail("expected `conversations:` with a list of {name, turns}", getattr(data, "line", 1) or 1)
    for key in data:
        if key != "conversations":
            raise fail(f"unknown top-level key {key!r} (expected `conversations:`)", data.line_of(key))
    items = data["conversations"]
    if not isinstance(items, LocatedList) or not items:
        raise fail("`conversations` must be a non-empty list of {name, turns}", data.line_of("conversations"))
    tests: list[ConversationTest] = []
    names: dict[str, int] = {}
    for item, line in zip(items, items.item_lines):
        test = _read_conversation(item, line, path, fail)
        if test.name in names:
            raise fail(f"conversation name {test.name!r} is already used at line {names[test.name]}", line)
        names[test.name] = line
        tests.append(test)
    return tests


def _read_conversation(item: Any, line: int, path: Path, fail: Any) -> ConversationTest:
    if not isinstance(item, LocatedDict):
        raise fail("each conversation must be a mapping with `name:` and `turns:`", line)
    for key in item:
        if key not in CONVERSATION_KEYS:
            raise fail(f"unknown conversation key {key!r} (expected: {', '.join(CONVERSATION_KEYS)})",
                       item.line_of(key))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("each conversation needs a `name:` (text)", item.line_of("name"))
    turns = item.get("turns")
    if not isinstance(turns, LocatedList) or not turns:
        raise fail(f"conversation {name!r} needs `turns:`, a list of {{user, ...}}", item.line_of("turns"))
    return ConversationTest(
        name=" ".join(name.split()), path=str(path), line=line,
        turns=tuple(_read_turn(t, tl, fail) for t, tl in zip(turns, turns.item_lines)),
    )


def _read_turn(item: Any, line: int, fail: Any) -> Turn:
    if not isinstance(item, LocatedDict):
        raise fail("each turn must be a mapping with `user:` (what the person types)", line)
    for key in item:
        if key not in TURN_KEYS:
            hint = difflib.get_close_matches(key, TURN_KEYS, n=1)
            raise fail(f"unknown turn key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else
                       f" (expected: {', '.join(TURN_KEYS)})"), item.line_of(key))
    if "user" not in item:
        raise fail("a turn needs `user:` (what the person types)", line)
    user = item["user"]
    if isinstance(user, bool):
        raise fail("`user:` reads as a boolean: YAML turns yes/no/on/off into true/false, so put the "
                   "message in quotes", item.line_of("user"))
    if isinstance(user, int):
        user = str(user)  # picking an option: `user: 1`
    if not isinstance(user, str) or not user.strip():
        raise fail("`user:` must be the text of a message", item.line_of("user"))
    kind = item.get("kind")
    if kind is not None and kind not in KINDS:
        raise fail(f"`kind` must be one of {', '.join(KINDS)} (found {kind!r})", item.line_of("kind"))
    intents = _texts(item, "intent", fail, what="an intent id or a list of ids")
    if intents and kind in ("clarify", "fallback"):
        raise fail(f"a {kind} reply has no intent: drop `intent:`, or check the options with `says:`",
                   item.line_of("intent"))
    return Turn(user=user, line=line, intents=intents, kind=kind,
                says=_texts(item, "says", fail), not_says=_texts(item, "not_says", fail),
                intent_line=item.line_of("intent"))


def _texts(item: LocatedDict, key: str, fail: Any, what: str = "a text or a list of texts") -> tuple[str, ...]:
    if key not in item:
        return ()
    value = item[key]
    values = list(value) if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, bool):
            raise fail(f"`{key}` has a boolean: YAML turns yes/no/on/off into true/false, so put it in "
                       "quotes", item.line_of(key))
        if not isinstance(v, (str, int, float)) or not str(v).strip():
            raise fail(f"`{key}` must be {what}", item.line_of(key))
    if not values:
        raise fail(f"`{key}` is empty", item.line_of(key))
    return tuple(str(v).strip() for v in values)


def check_intent_ids(bot: "Bot", tests: Iterable[ConversationTest]) -> None:
    """Raise ConversationFileError at the first turn naming an intent the bot does not have
    (a typo would otherwise fail at every run with a puzzling report)."""
    known = [i.id for i in bot.intents]
    for test in tests:
        for turn in test.turns:
            for intent in turn.intents:
                if bot.intent(intent) is None:
                    hint = difflib.get_close_matches(intent, known, n=1)
                    raise ConversationFileError(
                        f"unknown intent {intent!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                        path=test.path, line=turn.intent_line or turn.line, intent=intent)


# --- running -----------------------------------------------------------------------------------


def run_conversation(bot: "Bot", test: ConversationTest) -> ConversationResult:
    """Play a conversation through one ``bot.conversation()``, stopping at the first failure."""
    conversation = bot.conversation()
    result = ConversationResult(test)
    for turn in test.turns:
        reply = conversation.ask(turn.user)
        checked = TurnResult(turn, reply, tuple(turn_problems(turn, reply)))
        result.turns.append(checked)
        if not checked.passed:
            break
    return result


def turn_problems(turn: Turn, reply: Reply) -> list[str]:
    """What is wrong with a reply for a turn, in plain words (empty if nothing)."""
    problems: list[str] = []
    if turn.kind and reply.kind != turn.kind:
        problems.append(f"kind is {reply.kind}, expected {turn.kind}")
    if turn.intents and reply.intent not in turn.intents:
        problems.append(f"intent is {reply.intent or 'none'}, expected {' or '.join(turn.intents)}")
    text = reply.text.casefold()
    for wanted in turn.says:
        if wanted.casefold() not in text:
            problems.append(f'the reply does not say "{wanted}"')
    for unwanted in turn.not_says:
        at = text.find(unwanted.casefold())
        if at >= 0:
            problems.append(f'the reply says "{unwanted}": ...{_around(reply.text, at, len(unwanted))}...')
    return problems


def run_tests(bot: "Bot", paths: Sequence[str | Path], *, coverage: bool = False,
              out: TextIO | None = None) -> int:
    """The ``test`` command: a PASS/FAIL line per conversation, the failures explained, a
    ``N passed, N failed`` summary, and with ``coverage`` the intents no turn expects.
    Returns 1 if any conversation failed (coverage is a report, it never fails the run)."""
    out = out or sys.stdout
    tests = [t for path in find_test_files(paths) for t in read_conversation_file(path)]
    check_intent_ids(bot, tests)
    results = []
    for test in tests:
        result = run_conversation(bot, test)
        results.append(result)
        if result.passed:
            out.write(f"PASS  {test.name}  ({_shown(test.path)}:{test.line})\n")
        else:
            out.write(f"FAIL  {test.name}  ({_shown(test.path)}:{test.line})\n")
            out.write(_indent(result.report()) + "\n")
    failed = sum(not r.passed for r in results)
    out.write(f"{len(results) - failed} passed, {failed} failed\n")
    if coverage:
        out.write(coverage_report(bot, results))
    return 1 if failed else 0


def exercised_intents(results: Iterable[ConversationResult]) -> set[str]:
    """Intents some turn expects; an emergency turn that names no intent counts for the red
    flag it actually set off, and a fallback turn for the out-of-scope examples that declined it."""
    seen: set[str] = set()
    for result in results:
        for turn in result.test.turns:
            seen.update(turn.intents)
        for ran in result.turns:
            if ran.turn.kind == "emergency" and not ran.turn.intents and ran.reply.kind == "emergency":
                seen.add(ran.reply.intent or "")
            if ran.turn.kind == "fallback" and ran.reply.kind == "fallback" and ran.reply.matches:
                seen.add(ran.reply.matches[0].intent)
    return seen


def coverage_report(bot: "Bot", results: Sequence[ConversationResult]) -> str:
    """Which intents no conversation exercises, with where each is defined."""
    seen = exercised_intents(results)
    missing = [i for i in bot.intents if i.id not in seen]
    total = len(bot.intents)
    if not missing:
        return f"coverage: all {total} intents are exercised\n"
    lines = [f"coverage: {total - len(missing)} of {total} intents exercised; no turn expects these:"]
    lines += [f"  {_shown(i.path)}:{i.line}: {i.id} ({i.type})" for i in missing]
    return "\n".join(lines) + "\n"


# --- formatting helpers ------------------------------------------------------------------------


def _candidates(reply: Reply) -> list[str]:
    if reply.suggestions:
        return ["suggestions: " + "; ".join(f"{n}) {s.intent} {s.confidence:.2f}"
                                            for n, s in enumerate(reply.suggestions[:3], 1))]
    if reply.kind == "emergency" and reply.matches:
        trigger = reply.matches[0]
        return [f"red flag:  {trigger.pattern!r} ({_shown(trigger.path)}:{trigger.line})"]
    if reply.matches:
        return ["matches:  " + "; ".join(f"{m.intent} {m.confidence:.2f}" for m in reply.matches[:3])]
    return []


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= _EXCERPT else flat[:_EXCERPT - 3] + "...")


def _around(text: str, at: int, length: int, width: int = 40) -> str:
    return " ".join(text[max(0, at - width): at + length + width].split())


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
