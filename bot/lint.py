"""The ``check`` command: validate and lint a knowledge base, reporting every problem found.

Each finding reads ``path:line: error|warning: message``, the form editors and CI logs make
clickable. What is checked:

- the schema (every problem ``validate_knowledge_base`` collects);
- the same pattern twice: within one intent (warning) or in two intents (error);
- confusable intents: a pattern of intent A that the engine ranks under another intent B, or
  reaches A with a lead over B thinner than the policy margin (so a slight rewording of it
  would get a "Did you mean" or B's answer);
- a pattern that sets off a red-flag rule, so that it can never reach its own intent;
- a trigger or exception that can never fire as written (an empty side of ``&``, an empty,
  reversed or malformed number range);
- intents with fewer than ``MIN_PATTERNS`` patterns, and a knowledge base without red flags;
- the shipped-content policy, ``SHIPPED_POLICY`` (on for the shipped knowledge base): each
  content intent has a source and a review date, the review is recent, the answer is neither a
  line nor an essay, there are enough ways of asking it, and every text a person reads is plain
  enough. tests/test_knowledge_base.py holds the shipped knowledge base to the same object.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from .errors import BotError, IntentFileError
from .knowledge import KnowledgeBase, shipped_intents_folder, validate_knowledge_base
from .model import Intent
from .normalise import normalise
from .render import escaped
from .triggers import firing_problems
from .yaml_source import LocatedDict, LocatedList, read_yaml

if TYPE_CHECKING:
    from .engine import Bot

MIN_PATTERNS = 5
"""Fewer ways of asking than this rarely survive real patients' wording (any knowledge base)."""


@dataclass(frozen=True)
class ContentPolicy:
    """What shipped answers must meet. ``check`` applies it to the shipped knowledge base (or to
    any with ``--policy on``) and the tests hold the shipped one to the same object, so the two
    cannot drift apart.

    >>> SHIPPED_POLICY.max_grade, SHIPPED_POLICY.min_patterns
    (8.0, 10)
    """

    max_grade: float = 8.0
    """Every text a person reads (answers, red-flag first actions) at Flesch-Kincaid US school
    grade 8 or below: patient material should (content brief, section 3)."""
    typical_grade: float = 7.5
    """Half of those texts at this grade or below."""
    min_patterns: int = 10
    """Ways of asking each content intent: fewer rarely survive real patients' wording."""
    review_months: int = 12
    """How often each content answer is checked against its sources again."""
    answer_words: tuple[int, int] = (40, 160)
    """A content answer long enough to answer, short enough to read on a phone."""


SHIPPED_POLICY = ContentPolicy()

Severity = Literal["error", "warning"]
_MATCHABLE = ("content", "conversation")


@dataclass(frozen=True)
class Finding:
    """One problem in a knowledge base, with where to fix it."""

    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    intent: str | None = None
    schema: bool = False
    """A problem that keeps the knowledge base from loading."""

    def __str__(self) -> str:
        where = shown(self.path) if self.path else "<knowledge base>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return escaped(f"{where}: {self.severity}: {self.message}")

    @classmethod
    def from_error(cls, error: IntentFileError) -> "Finding":
        return cls("error", error.message, error.path, error.line, error.intent, schema=True)


Progress = Callable[[str], None]
"""Told each stage of a check as it starts ("building the matching index"), for a person
waiting at a terminal."""


def run_check(folder: Path | None, *, strict: bool = False, policy: str = "auto",
              locale: str | None = None, out: TextIO | None = None, progress: Progress | None = None) -> int:
    """Print every finding and a summary line; return 1 if there are errors (or, with
    ``strict``, warnings), else 0. ``policy`` is ``auto``, ``on`` or ``off``; ``progress``
    is told each stage as it starts."""
    out = out or sys.stdout
    kb, findings = lint_knowledge_base(folder, policy=policy, locale=locale, progress=progress)
    for finding in findings:
        out.write(f"{finding}\n")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    size = (f"{_count(len(kb.intents), 'intent')} in {_count(len(kb.files), 'file')}" if kb is not None
            else "the knowledge base did not load")
    if not findings:
        out.write(f"ok: {size}, no problems found\n")
        return 0
    failed = errors > 0 or (strict and warnings > 0)
    summary = f"{_count(errors, 'error')}, {_count(warnings, 'warning')} ({size})"
    if strict and warnings and not errors:
        summary += "; --strict makes warnings fail"
    if any(f.schema for f in findings):
        summary += "; confusable intents are checked once the schema errors are fixed"
    out.write(f"{'FAILED' if failed else 'ok'}: {summary}\n")
    return 1 if failed else 0


def lint_knowledge_base(folder: str | Path | None = None, *, policy: str = "auto",
                        locale: str | None = None, today: dt.date | None = None,
                        progress: Progress | None = None,
                        ) -> tuple[KnowledgeBase | None, list[Finding]]:
    """Every finding for a knowledge base folder, sorted by file and line."""
    if policy not in ("auto", "on", "off"):
        raise BotError(f"--policy must be auto, on or off (not {policy!r})")
    stage = progress or (lambda _: None)
    root = Path(folder) if folder is not None else shipped_intents_folder()
    stage(f"reading the files in {shown(root)}")
    kb, problems = validate_knowledge_base(root, locale=locale)
    findings = [Finding.from_error(p) for p in problems]
    if kb is None:
        return None, findings
    applies = _policy_applies(policy, root)
    findings += duplicate_patterns(kb.intents)
    findings += thin_intents(kb.intents, SHIPPED_POLICY if applies else None)
    findings += lexicon_findings(kb)
    if not problems:
        findings += locale_findings(root, kb)
    findings += dead_triggers(kb.intents)
    # What the engine would do, and which intents are missing, only mean something once the
    # whole knowledge base loads: an intent with a schema error is left out.
    if not problems:
        from .engine import Bot

        if not any(i.type == "red_flag" for i in kb.intents):
            findings.append(Finding(
                "warning", "no red_flag intent: messages such as \"I can't breathe\" would get an "
                "ordinary answer instead of an emergency reply (see the shipped intents/safety.yml)",
                str(kb.root)))
        stage("building the matching index")
        bot = Bot(kb)
        patterns = sum(len(i.patterns) for i in kb.intents if i.type in _MATCHABLE)
        stage(f"checking {patterns:,} patterns for confusable intents (the longest stage)")
        findings += confusable_patterns(bot)
    if applies:
        stage("checking sources, review dates and reading grades")
        findings += policy_findings(kb.intents, today=today or dt.date.today())
    return kb, sorted(findings, key=_location)


def lexicon_findings(kb: KnowledgeBase) -> list[Finding]:
    """Intents whose ``about:``, ``asks:`` or ``answer_for:`` name a concept or question type the
    lexicon does not have (they would silently count for nothing)."""
    concepts = kb.lexicon.concepts
    types = {t.id for t in kb.lexicon.question_types}
    found = []
    for intent in kb.intents:
        for concept in intent.about:
            if concept not in concepts:
                found.append(Finding("warning", f"intent {intent.id!r}: `about` names {concept!r}, which no lexicon "
                                     f"defines{_close(concept, concepts)}", intent.path, intent.line, intent.id))
        for asked in ([intent.asks] if intent.asks else []) + [t for t, _ in intent.answer_for]:
            if asked not in types:
                found.append(Finding("warning", f"intent {intent.id!r}: {asked!r} is not a lexicon question type"
                                     f"{_close(asked, types)}", intent.path, intent.line, intent.id))
    return found


def locale_findings(root: Path, kb: KnowledgeBase) -> list[Finding]:
    """Red-flag categories (and every other answer) must read right in every locale, not only in
    the one being checked: a placeholder one locale lacks leaves that locale without a reply."""
    found = []
    for locale in kb.settings.locales:
        if locale == kb.settings.locale:
            continue
        _, problems = validate_knowledge_base(root, locale=locale)
        for problem in problems:
            severity: Severity = "warning"
            what = "red-flag category" if problem.intent and any(
                i.id == problem.intent and i.type == "red_flag" for i in kb.intents) else "locale"
            found.append(Finding(severity, f"in locale {locale!r} ({what}): {problem.message}", problem.path,
                                 problem.line, problem.intent))
    return found


def _close(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def duplicate_patterns(intents: Sequence[Intent]) -> list[Finding]:
    """The same pattern (after normalising) twice: a warning within one intent, an error
    across two, because the engine cannot tell which answer was meant."""
    findings: list[Finding] = []
    # Red-flag triggers are a rule language of their own ("a|b c"), compared only among themselves.
    first_seen: dict[tuple[bool, str], tuple[Intent, int]] = {}
    for intent in intents:
        for pattern, line in _patterns(intent):
            flag = intent.type == "red_flag"
            key = (flag, " ".join(pattern.casefold().split()) if flag else normalise(pattern))
            if key not in first_seen:
                first_seen[key] = (intent, line)
                continue
            other, other_line = first_seen[key]
            if other.id == intent.id:
                findings.append(Finding("warning", f"intent {intent.id!r}: pattern {pattern!r} repeats "
                                        f"line {other_line}", intent.path, line, intent.id))
            else:
                findings.append(Finding(
                    "error", f"pattern {pattern!r} of intent {intent.id!r} is also a pattern of "
                    f"{other.id!r} ({shown(other.path)}:{other_line}): keep it in one of them",
                    intent.path, line, intent.id))
    return findings


def thin_intents(intents: Sequence[Intent], policy: ContentPolicy | None = None) -> list[Finding]:
    """Intents with too few patterns to catch the many ways people ask: fewer than
    ``MIN_PATTERNS``, or for content intents under a content policy, its ``min_patterns``."""
    findings = []
    for i in intents:
        if i.type not in _MATCHABLE:
            continue
        shipped = policy is not None and i.type == "content" and policy.min_patterns > MIN_PATTERNS
        least = policy.min_patterns if shipped and policy is not None else MIN_PATTERNS
        if len(i.patterns) >= least:
            continue
        why = "shipped answers need" if shipped else "add"
        findings.append(Finding(
            "warning", f"intent {i.id!r} has {len(i.patterns)} pattern{'' if len(i.patterns) == 1 else 's'}; "
            f"{why} at least {least} ways people ask it, in their own words", i.path, i.line, i.id))
    return findings


def dead_triggers(intents: Sequence[Intent]) -> list[Finding]:
    """Triggers and exceptions that can never fire as written: the engine would skip them
    without a word, so a red flag written that way would never be caught."""
    findings: list[Finding] = []
    for intent in intents:
        if intent.type == "red_flag":
            rules = list(_patterns(intent))
        else:
            rules = list(zip(intent.triggers, intent.trigger_lines or (intent.line,) * len(intent.triggers)))
        for noun, texts in (("trigger", rules), ("exception", [(e, intent.line) for e in intent.exceptions])):
            for text, line in texts:
                findings += [Finding("error", f"intent {intent.id!r}: {noun} {text!r}: {problem}",
                                     intent.path, line, intent.id)
                             for problem in firing_problems(text)]
    return findings


def confusable_patterns(bot: "Bot") -> list[Finding]:
    """Patterns the engine does not clearly give to their own intent.

    Each pattern is asked as a question. If another intent ranks first, or the pattern's own
    intent leads the next one by less than the policy margin, a patient asking much the same
    thing may get the other answer or a "Did you mean" list. Patterns that are literal
    duplicates across intents are left to ``duplicate_patterns``.
    """
    margin = bot.policy.margin
    owners: dict[str, set[str]] = {}
    for intent in bot.intents:
        if intent.type in _MATCHABLE:
            for pattern in intent.patterns:
                owners.setdefault(normalise(pattern), set()).add(intent.id)
    findings: list[Finding] = []
    for intent in bot.intents:
        if intent.type not in _MATCHABLE:
            continue
        for pattern, line in _patterns(intent):
            reading = bot.read(pattern)  # once: the red flag and the trigger both come from it
            flag = reading.red_flag
            if flag is not None:
                findings.append(Finding(
                    "warning", f"pattern {pattern!r} of intent {intent.id!r} sets off the red-flag "
                    f"rule {flag.trigger!r} ({shown(flag.intent.path)}:{flag.line}), so it always gets the "
                    f"{flag.intent.id!r} reply: reword or remove it", intent.path, line, intent.id))
                continue
            rule = reading.rule
            if rule is not None and rule.intent.id != intent.id:
                findings.append(Finding(
                    "warning", f"pattern {pattern!r} of intent {intent.id!r} sets off the trigger "
                    f"{rule.trigger!r} of {rule.intent.id!r} ({shown(rule.intent.path)}:{rule.line}), so it "
                    f"always gets the {rule.intent.id!r} answer: reword or remove it", intent.path, line,
                    intent.id))
                continue
            if len(owners.get(normalise(pattern), ())) > 1:
                continue
            matches = reading.matches  # as the engine ranks the question (fillers dropped, the ask first)
            if not matches:
                continue
            top = matches[0]
            narrower = bot.intent(top.intent)
            if narrower is not None and intent.id in narrower.covers:
                continue  # answered, as meant, by the answer that covers it for the subject it names
            if top.intent != intent.id:
                own = next((m.confidence for m in matches if m.intent == intent.id), None)
                own_text = f"{own:.2f}" if own is not None else "not in the top 5"
                findings.append(Finding(
                    "warning", f"intents {intent.id!r} and {top.intent!r} compete: pattern {pattern!r} "
                    f"of {intent.id!r} is answered with {top.intent!r} ({top.confidence:.2f}, its pattern "
                    f"{top.pattern!r} at {shown(top.path)}:{top.line}; {intent.id!r} scores {own_text})",
                    intent.path, line, intent.id))
            elif len(matches) > 1 and top.confidence - matches[1].confidence < margin:
                second = matches[1]
                findings.append(Finding(
                    "warning", f"intents {intent.id!r} and {second.intent!r} compete: pattern "
                    f"{pattern!r} of {intent.id!r} leads {second.intent!r} by only "
                    f"{top.confidence - second.confidence:.2f} ({top.confidence:.2f} vs "
                    f"{second.confidence:.2f}, its pattern {second.pattern!r} at {shown(second.path)}:"
                    f"{second.line}; the engine wants a lead of {margin:.2f})",
                    intent.path, line, intent.id))
    return findings


def policy_findings(intents: Sequence[Intent], *, today: dt.date,
                    policy: ContentPolicy = SHIPPED_POLICY) -> list[Finding]:
    """The content policy: sources, review dates and answer length of content intents, and the
    reading grade of every text a person reads."""
    findings: list[Finding] = []
    content = [i for i in intents if i.type == "content"]
    lines = _FieldLines()
    stale_before = months_before(today, policy.review_months)
    shortest, longest = policy.answer_words
    for intent in content:
        if not intent.sources:
            findings.append(Finding("error", f"intent {intent.id!r} has no `sources:`: shipped answers "
                                    "need at least one source URL", intent.path, intent.line, intent.id))
        if intent.reviewed is None:
            findings.append(Finding("error", f"intent {intent.id!r} has no `reviewed:` date: shipped "
                                    "answers need the date a person last checked them",
                                    intent.path, intent.line, intent.id))
        elif intent.reviewed < stale_before:
            findings.append(Finding(
                "warning", f"intent {intent.id!r} was last reviewed on {intent.reviewed.isoformat()}, "
                f"more than {policy.review_months} months ago: check it against its sources again",
                intent.path, lines.of(intent, "reviewed"), intent.id))
        elif intent.reviewed > today:
            findings.append(Finding(
                "warning", f"intent {intent.id!r} has a review date in the future "
                f"({intent.reviewed.isoformat()})", intent.path, lines.of(intent, "reviewed"), intent.id))
        words = len(intent.answer.split())
        if not shortest <= words <= longest:
            findings.append(Finding(
                "warning", f"intent {intent.id!r}: the answer has {words} words; shipped answers have "
                f"{shortest} to {longest}", intent.path, lines.of(intent, "answer"), intent.id))
    grades = reading_grades(intents)
    if grades is None:
        findings.append(Finding("warning", "textstat is not installed, so reading grades were not "
                                "checked (pip install textstat==0.7.8)"))
        return findings
    for (intent, field), grade in grades.items():
        if grade > policy.max_grade:
            findings.append(Finding(
                "warning", f"intent {intent.id!r}: {_FIELD_NAMES.get(field, f'the {field} text')} reads at "
                f"grade {grade:.1f} (Flesch-Kincaid); aim for {policy.max_grade:g} or below with shorter "
                "sentences and plainer words", intent.path, lines.of(intent, field), intent.id))
    if grades:
        typical = statistics.median(grades.values())
        if typical > policy.typical_grade:
            findings.append(Finding(
                "warning", f"half the texts read above grade {typical:.1f} (Flesch-Kincaid); aim for "
                f"{policy.typical_grade:g} or below for most of them"))
    return findings


_FIELD_NAMES = {"answer": "the answer", "first_action": "the first action", "asking": "the asking text"}


def reading_grades(intents: Sequence[Intent]) -> dict[tuple[Intent, str], float] | None:
    """The Flesch-Kincaid grade of every text a person reads, by (intent, field): answers and
    their ``answer_for`` variants, and a red flag's first action and asking text. None when
    textstat (the dev extra) is not installed. Only English texts: the formula counts English
    syllables, and means nothing for the Spanish replies."""
    try:
        import textstat
    except ImportError:
        return None
    grades: dict[tuple[Intent, str], float] = {}
    for intent in intents:
        if intent.language != "en":
            continue
        texts = [("answer", intent.answer), ("first_action", intent.first_action), ("asking", intent.asking)]
        texts += [("answer_for", text) for _, text in intent.answer_for]
        for field, text in texts:
            if text.strip():
                grade = float(textstat.flesch_kincaid_grade(readable_text(text)))
                grades[(intent, field)] = max(grade, grades.get((intent, field), grade))
    return grades


_URL = re.compile(r"https?://\S+|www\.\S+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def readable_text(answer: str) -> str:
    """The answer as a reader meets it, for reading-grade formulas: URLs (read as one long
    "word" with dozens of syllables) are dropped, and each line or bullet ends a sentence
    (without a full stop a list would count as one endless sentence)."""
    sentences = []
    for line in answer.splitlines():
        line = _URL.sub("", _BULLET.sub("", line)).strip()
        if line:
            sentences.append(line if line[-1] in ".!?:;" else f"{line}.")
    return " ".join(sentences)


class _FieldLines:
    """The line of a field (``answer``, ``reviewed``) of an intent, read back from its file:
    an Intent only remembers where it starts."""

    def __init__(self) -> None:
        self._files: dict[str, dict[str, LocatedDict]] = {}

    def of(self, intent: Intent, key: str) -> int:
        if intent.path not in self._files:
            self._files[intent.path] = self._read(intent.path)
        item = self._files[intent.path].get(intent.id)
        return item.line_of(key) if item is not None else intent.line

    @staticmethod
    def _read(path: str) -> dict[str, LocatedDict]:
        try:
            data = read_yaml(path)
        except IntentFileError:
            return {}
        items = data.get("intents") if isinstance(data, LocatedDict) else None
        if not isinstance(items, LocatedList):
            return {}
        return {i["id"]: i for i in items if isinstance(i, LocatedDict) and isinstance(i.get("id"), str)}


def shown(path: str | Path) -> str:
    """A path as a curator would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def _patterns(intent: Intent) -> Iterable[tuple[str, int]]:
    lines = intent.pattern_lines or (intent.line,) * len(intent.patterns)
    return zip(intent.patterns, lines)


def _policy_applies(policy: str, root: Path) -> bool:
    if policy != "auto":
        return policy == "on"
    try:
        return root.resolve() == shipped_intents_folder().resolve()
    except OSError:
        return False


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (or the month's last day).

    >>> months_before(dt.date(2027, 3, 31), 1)
    datetime.date(2027, 2, 28)
    """
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _location(finding: Finding) -> tuple[str, int, int]:
    return (finding.path or "", finding.line or 0, 0 if finding.severity == "error" else 1)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
