"""Batch evaluation: how well does the bot answer a labelled set of questions?

A labelled file is TSV (``question<TAB>expected``) or YAML (``questions: [{question, expect}]``).
``expected`` is an intent id, several acceptable ids joined by ``|``, or ``-`` (or empty) for
"should fall back". For a red-flag label (``emergency``, ``crisis`` or a red-flag intent id)
"correct" means an emergency reply that names it among the red flags it set off. Every label
must name an intent of the knowledge base (or be ``emergency`` or ``crisis``): a misspelled id
would otherwise count as a wrong answer at every run.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .engine import Assessment, Bot
from .errors import IntentFileError
from .model import Reply
from .yaml_source import LocatedDict, LocatedList, read_yaml


class LabelledFileError(IntentFileError):
    """A labelled question file breaks its format, or labels a question with an unknown intent."""


RED_FLAG_LABELS = ("emergency", "crisis")
"""Labels for urgent messages that are valid with any knowledge base: the labelled sets name
these two whatever a knowledge base calls its red-flag categories."""


@dataclass(frozen=True)
class Labelled:
    """One labelled question: the acceptable intents (empty = should fall back)."""

    question: str
    expected: frozenset[str]
    path: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)

    @property
    def label(self) -> str:
        """The expected ids as one label: ``a|b`` (sorted), or ``-`` for "should fall back"."""
        return "|".join(sorted(self.expected)) or "-"


@dataclass(frozen=True)
class Floor:
    """The least a labelled set must score, written in its own header when it is measured::

        # floor: correct>=0.94 wrong<=0.015 declined>=0.90

    ``correct``: share of in-scope questions answered with an expected intent; ``wrong``: share
    answered confidently with another; ``declined``: share of off-topic questions declined (not
    checked in a set without any). A YAML set says the same under ``floor:``. Each part is
    optional; ``eval`` and the tests check the ones given.

    >>> Floor(correct=0.9, wrong=0.02).shortfalls(Report(threshold=0.32))
    ['correct 0.00% is below 90.00%']
    """

    correct: float | None = None
    wrong: float | None = None
    declined: float | None = None
    path: str = ""
    line: int = 0

    def shortfalls(self, report: "Report") -> list[str]:
        """What the report misses of this floor, in words (empty when it meets it)."""
        missed = []
        if self.correct is not None and report.accuracy < self.correct:
            missed.append(f"correct {report.accuracy:.2%} is below {self.correct:.2%}")
        if self.wrong is not None and report.confidently_wrong_rate > self.wrong:
            missed.append(f"wrong {report.confidently_wrong_rate:.2%} is above {self.wrong:.2%}")
        if self.declined is not None and report.off_topic and report.off_topic_rejection < self.declined:
            missed.append(f"declined {report.off_topic_rejection:.2%} is below {self.declined:.2%}")
        return missed

    def __str__(self) -> str:
        parts = [f"{name}{op}{value:g}" for name, op, value in (
            ("correct", ">=", self.correct), ("wrong", "<=", self.wrong), ("declined", ">=", self.declined))
            if value is not None]
        return " ".join(parts)


_FLOOR_LINE = re.compile(r"^#\s*floor\s*:(.*)$", re.IGNORECASE)
_FLOOR_PART = re.compile(r"^(correct|wrong|declined)(>=|<=)(0(?:\.\d+)?|1(?:\.0+)?)$")
_FLOOR_OPERATORS = {"correct": ">=", "wrong": "<=", "declined": ">="}


def read_floor(path: str | Path) -> Floor | None:
    """The floor a labelled file states in its header, or None if it states none.

    Raises LabelledFileError (``path:line``) for a floor line it cannot read.
    """
    path = Path(path)
    if path.suffix in (".yml", ".yaml"):
        data = read_yaml(path, LabelledFileError)
        if not isinstance(data, LocatedDict) or "floor" not in data:
            return None
        text, line = data["floor"], data.line_of("floor")
        if not isinstance(text, str):
            raise LabelledFileError("`floor` must be text such as 'correct>=0.94 wrong<=0.015'", path=path,
                                    line=line)
        return _parse_floor(text, path, line)
    floor: Floor | None = None
    for number, raw in enumerate(_read_text(path).splitlines(), 1):
        found = _FLOOR_LINE.match(raw.strip())
        if found is None:
            continue
        if floor is not None:
            raise LabelledFileError(f"a second floor line (the first is line {floor.line})", path=path,
                                    line=number)
        floor = _parse_floor(found.group(1), path, number)
    return floor


def _parse_floor(text: str, path: Path, line: int) -> Floor:
    values: dict[str, float] = {}
    for part in text.split():
        found = _FLOOR_PART.match(part)
        if found is None or _FLOOR_OPERATORS[found.group(1)] != found.group(2):
            raise LabelledFileError(
                f"cannot read floor {part!r}: write correct>=X, wrong<=X and declined>=X with X from 0 "
                "to 1 (for example correct>=0.94 wrong<=0.015 declined>=0.90)", path=path, line=line)
        values[found.group(1)] = float(found.group(3))
    if not values:
        raise LabelledFileError("the floor line is empty (for example: # floor: correct>=0.94 wrong<=0.015)",
                                path=path, line=line)
    return Floor(**values, path=str(path), line=line)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabelledFileError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    except UnicodeDecodeError:
        raise LabelledFileError("not valid UTF-8", path=path) from None


def read_labelled(path: str | Path) -> list[Labelled]:
    """Read a TSV or YAML file of labelled questions."""
    path = Path(path)
    if path.suffix in (".yml", ".yaml"):
        return _read_labelled_yaml(path)
    text = _read_text(path)
    out: list[Labelled] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        question, tab, expected = line.partition("\t")
        if not tab:
            raise LabelledFileError("expected `question<TAB>expected intent` (no tab found)", path=path,
                                    line=number)
        out.append(Labelled(question.strip(), _expected(expected), str(path), number))
    return out


def _expected(value: str) -> frozenset[str]:
    value = value.strip()
    if value in ("", "-"):
        return frozenset()
    return frozenset(v.strip() for v in value.split("|") if v.strip())


def _read_labelled_yaml(path: Path) -> list[Labelled]:
    data = read_yaml(path, LabelledFileError)
    items = data.get("questions") if isinstance(data, LocatedDict) else None
    if not isinstance(items, LocatedList):
        raise LabelledFileError("expected `questions:` with a list of {question, expect}", path=path,
                                line=getattr(data, "line", 1) or 1)
    out: list[Labelled] = []
    for item, line in zip(items, items.item_lines):
        if not isinstance(item, LocatedDict) or not isinstance(item.get("question"), str):
            raise LabelledFileError("each entry needs `question:` (text) and `expect:`", path=path, line=line)
        expect = item.get("expect", "-")
        if expect is None:
            expect = "-"
        if isinstance(expect, list):
            expect = "|".join(str(e) for e in expect)
        if not isinstance(expect, str):
            raise LabelledFileError("`expect` must be an intent id, a list of ids, or -", path=path,
                                    line=item.line_of("expect"))
        out.append(Labelled(item["question"], _expected(expect), str(path), line))
    return out


def check_labels(bot: Bot, items: Iterable[Labelled]) -> None:
    """Raise LabelledFileError (``path:line``) at the first label that names no intent.

    >>> from bot import Bot
    >>> check_labels(Bot.load(), [Labelled("whats a recurance", frozenset({"what_is_recurance"}),
    ...                                    "questions.tsv", 3)])
    Traceback (most recent call last):
    bot.evaluate.LabelledFileError: questions.tsv:3: unknown intent 'what_is_recurance' (did you mean 'what_is_recurrence'?)
    """
    known = {intent.id for intent in bot.intents} | set(RED_FLAG_LABELS)
    for item in items:
        for label in sorted(item.expected - known):
            close = difflib.get_close_matches(label, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise LabelledFileError(f"unknown intent {label!r}{hint}", path=item.path or None,
                                    line=item.line or None, intent=label)


@dataclass
class Outcome:
    item: Labelled
    reply: Reply

    @property
    def answered(self) -> bool:
        return self.reply.kind in ("answer", "emergency")

    @property
    def correct(self) -> bool:
        if not self.item.in_scope:
            return self.reply.kind == "fallback"
        if not self.answered:
            return False
        # An emergency reply carries every red flag the message set off, most urgent first:
        # a message labelled crisis that also mentions chest pain is still caught.
        named = {self.reply.intent, *self.reply.red_flags} if self.reply.kind == "emergency" else {self.reply.intent}
        return bool(named & self.item.expected)

    @property
    def confidently_wrong(self) -> bool:
        return self.answered and not self.correct


@dataclass
class Report:
    """The numbers a curator needs to judge a knowledge base against labelled questions."""

    threshold: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.in_scope]

    @property
    def off_topic(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.item.in_scope]

    @property
    def accuracy(self) -> float:
        return _share(o.correct for o in self.in_scope)

    @property
    def confidently_wrong(self) -> int:
        return sum(o.confidently_wrong for o in self.in_scope)

    @property
    def confidently_wrong_rate(self) -> float:
        return _share(o.confidently_wrong for o in self.in_scope)

    @property
    def fallback_rate(self) -> float:
        """Share of in-scope questions that got no answer (clarify or fallback)."""
        return _share(not o.answered for o in self.in_scope)

    @property
    def clarify_rate(self) -> float:
        return _share(o.reply.kind == "clarify" for o in self.in_scope)

    @property
    def off_topic_rejection(self) -> float:
        return _share(o.reply.kind == "fallback" for o in self.off_topic)

    def recall_by_intent(self) -> dict[str, tuple[int, int]]:
        """label -> (correct, total) over the in-scope questions. A question with several
        acceptable ids counts once, under its label as written (``a|b``), not once for each."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in self.in_scope:
            label = o.item.label
            counts[label][1] += 1
            counts[label][0] += o.correct
        return {k: (v[0], v[1]) for k, v in sorted(counts.items())}

    def confused_pairs(self, limit: int = 10) -> list[tuple[str, str, int]]:
        """(expected, answered instead, count), most frequent first."""
        pairs: Counter[tuple[str, str]] = Counter()
        for o in self.outcomes:
            if o.answered and not o.correct:
                pairs[(o.item.label, o.reply.intent or "?")] += 1
        return [(a, b, n) for (a, b), n in pairs.most_common(limit)]

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "questions": len(self.outcomes),
            "in_scope": len(self.in_scope),
            "off_topic": len(self.off_topic),
            "accuracy": round(self.accuracy, 4),
            "confidently_wrong": self.confidently_wrong,
            "confidently_wrong_rate": round(self.confidently_wrong_rate, 4),
            "fallback_rate_in_scope": round(self.fallback_rate, 4),
            "clarify_rate_in_scope": round(self.clarify_rate, 4),
            "off_topic_rejection": round(self.off_topic_rejection, 4),
            "recall_by_intent": {k: {"correct": c, "total": t} for k, (c, t) in self.recall_by_intent().items()},
            "confused_pairs": [{"expected": a, "answered": b, "count": n} for a, b, n in self.confused_pairs()],
            "failures": [
                {"question": o.item.question, "expected": sorted(o.item.expected) or "-",
                 "kind": o.reply.kind, "intent": o.reply.intent, "confidence": round(o.reply.confidence, 4),
                 "where": f"{o.item.path}:{o.item.line}"}
                for o in self.failures()
            ],
        }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


class Evaluation:
    """Assess each question once; report under any number of thresholds.

    >>> from bot import Bot
    >>> evaluation = Evaluation(Bot.load(), [Labelled("whats a recurance", frozenset({"what_is_recurrence"}))])
    >>> evaluation.report().accuracy
    1.0
    """

    def __init__(self, bot: Bot, items: Sequence[Labelled]) -> None:
        self.bot = bot
        self.items = list(items)
        self.assessments: list[Assessment] = [bot.assess(item.question) for item in self.items]

    def report(self, threshold: float | None = None) -> Report:
        policy = self.bot.policy if threshold is None else replace(self.bot.policy, threshold=threshold)
        report = Report(threshold=policy.threshold)
        for item, assessment in zip(self.items, self.assessments):
            report.outcomes.append(Outcome(item, self.bot.reply(assessment, policy)))
        return report

    def sweep(self, thresholds: Iterable[float] | None = None, *, current: float | None = None) -> list[Report]:
        """A report per threshold: by default 0, 0.05 ... 1 and the ``current`` threshold (the
        bot's own when not given), so the sweep always has a row for the one in use."""
        if thresholds is None:
            here = self.bot.policy.threshold if current is None else current
            thresholds = sorted({round(0.05 * i, 2) for i in range(21)} | {here})
        return [self.report(t) for t in thresholds]


def run_eval(bot: Bot, path: Path, *, as_json: bool = False, threshold: float | None = None,
             sweep: bool = False, min_accuracy: float | None = None, failures: bool = False,
             out: Any = None) -> int:
    """The ``eval`` command: print a report; exit 1 if the file's own floor is not met or
    accuracy is below ``min_accuracy``."""
    import json
    import sys

    out = out or sys.stdout
    items = read_labelled(path)
    floor = read_floor(path)
    check_labels(bot, items)
    evaluation = Evaluation(bot, items)
    report = evaluation.report(threshold)
    rows = evaluation.sweep(current=report.threshold) if sweep else []
    failed = [f"{missed} (the floor at {path}:{floor.line})" for missed in floor.shortfalls(report)] if floor else []
    if min_accuracy is not None and report.accuracy < min_accuracy:
        failed.append(f"accuracy {report.accuracy:.1%} is below --min-accuracy {min_accuracy:.1%}")
    if as_json:
        data = report.to_dict()
        if floor is not None:
            data["floor"] = {"correct": floor.correct, "wrong": floor.wrong, "declined": floor.declined,
                             "line": floor.line, "met": not floor.shortfalls(report)}
        if sweep:
            data["sweep"] = [_sweep_row(r, report.threshold) for r in rows]
        data["failed"] = failed
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_report(report, path, failures=failures))
        if floor is not None:
            verdict = "NOT met" if floor.shortfalls(report) else "met"
            out.write(f"  floor (line {floor.line})  {floor}: {verdict}\n")
        if sweep:
            out.write("\n" + format_sweep(rows, current=report.threshold))
        out.writelines(f"FAILED: {reason}\n" for reason in failed)
    return 1 if failed else 0


def _sweep_row(report: Report, current: float) -> dict[str, float | bool]:
    return {"threshold": report.threshold, "accuracy": round(report.accuracy, 4),
            "confidently_wrong_rate": round(report.confidently_wrong_rate, 4),
            "off_topic_rejection": round(report.off_topic_rejection, 4),
            "current": report.threshold == current}


def format_report(report: Report, path: Path | str = "", *, failures: bool = False) -> str:
    lines = [f"{path}: {len(report.outcomes)} questions ({len(report.in_scope)} in scope, "
             f"{len(report.off_topic)} off-topic), threshold {report.threshold:.2f}"]
    if report.in_scope:
        lines += [
            f"  accuracy            {report.accuracy:7.1%}  (answered with an expected intent)",
            f"  confidently wrong   {report.confidently_wrong_rate:7.1%}  ({report.confidently_wrong} answered "
            "with a wrong intent)",
            f"  not answered        {report.fallback_rate:7.1%}  (clarify {report.clarify_rate:.1%}, the rest "
            "fallback)",
        ]
    if report.off_topic:
        lines.append(f"  off-topic rejected  {report.off_topic_rejection:7.1%}")
    weak = [(k, c, t) for k, (c, t) in report.recall_by_intent().items() if c < t]
    if weak:
        lines.append("  per-intent recall below 100% (a question with ids a|b counts once, as a|b):")
        lines += [f"    {k:<34} {c}/{t}" for k, c, t in sorted(weak, key=lambda x: x[1] / x[2])]
    pairs = report.confused_pairs()
    if pairs:
        lines.append("  most confused (expected -> answered):")
        lines += [f"    {a} -> {b}  x{n}" for a, b, n in pairs]
    if failures:
        lines.append("  failures:")
        for o in report.failures():
            got = " ".join(filter(None, (o.reply.kind, o.reply.intent)))
            lines.append(f"    {o.item.path}:{o.item.line}: {o.item.question!r}: expected {o.item.label}, got "
                         f"{got} ({o.reply.confidence:.2f})")
    return "\n".join(lines) + "\n"


def format_sweep(reports: Sequence[Report], *, current: float | None = None) -> str:
    """The sweep as a table, the row of the ``current`` threshold marked ``<- current``."""
    lines = ["threshold  accuracy  confidently-wrong  off-topic-rejected"]
    for r in reports:
        mark = "  <- current" if r.threshold == current else ""
        lines.append(f"  {r.threshold:5.2f}    {r.accuracy:6.1%}    {r.confidently_wrong_rate:10.1%}"
                     f"        {r.off_topic_rejection:6.1%}{mark}")
    return "\n".join(lines) + "\n"
