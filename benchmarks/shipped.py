"""The shipped knowledge base against the project's labelled questions (tests/data/questions/*.tsv).

For each file, at the engine's default threshold: accuracy (answered with an expected intent),
confidently wrong (answered with a wrong intent), not answered (clarify or fallback),
off-topic rejection (``-`` questions that got a fallback), red flags caught (emergency replies
for the expected red-flag intent) and false alarms (emergency replies where none was expected).
In the red-flag stress sets (red_flags_stress*.tsv) "-" marks a look-alike that is not urgent,
not an off-topic question: those count only as possible false alarms.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import ROOT

QUESTIONS = ROOT / "tests" / "data" / "questions"
ORDER = ("brief", "patients", "holdout", "red_flags", "off_topic")
STRESS_PREFIX = "red_flags_stress"


def _file_order(path: Path) -> tuple[int, str, int, str]:
    """The fixed files first, then the rest by name with their numbers in order (blind2 before blind10)."""
    if path.stem in ORDER:
        return ORDER.index(path.stem), "", 0, ""
    name, number, rest = re.match(r"(\D*)(\d*)(.*)", path.stem).groups()
    return len(ORDER), name, int(number) if number else 0, rest


def run_shipped(folder: str | Path | None = None, *, questions: Path = QUESTIONS,
                log: Callable[[str], None] = print) -> dict[str, Any]:
    """Evaluate the shipped knowledge base (or ``folder``) on every labelled TSV file."""
    from bot import Bot
    from bot.evaluate import Evaluation, read_labelled

    files = sorted(questions.glob("*.tsv"), key=_file_order)
    if not files:
        return {"skipped": f"no labelled questions in {questions}"}
    start = time.perf_counter()
    bot = Bot.load(folder)
    load_seconds = time.perf_counter() - start
    red_flag_ids = {i.id for i in bot.intents if i.type == "red_flag"}
    rows: list[dict[str, Any]] = []
    every: list[Any] = []
    for path in files:
        items = read_labelled(path)
        look_alikes: list[Any] = []
        if path.stem.startswith(STRESS_PREFIX):
            # In the red-flag stress sets "-" means "not urgent", not "off-topic": their
            # look-alikes count only as possible false alarms.
            look_alikes = [i for i in items if not i.expected & red_flag_ids]
            items = [i for i in items if i.expected & red_flag_ids]
        every.extend(items)
        report = Evaluation(bot, items).report()
        red = [o for o in report.in_scope if o.item.expected & red_flag_ids]
        false_alarms = [o for o in report.outcomes
                        if o.reply.kind == "emergency" and not (o.item.expected & red_flag_ids)]
        false_alarms += [i for i in look_alikes if bot.ask(i.question).kind == "emergency"]
        row = {
            "file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
            "questions": len(report.outcomes) + len(look_alikes),
            "in_scope": len(report.in_scope),
            "off_topic": len(report.off_topic),
            "accuracy": report.accuracy if report.in_scope else None,
            "confidently_wrong": report.confidently_wrong,
            "confidently_wrong_rate": report.confidently_wrong_rate if report.in_scope else None,
            "not_answered_rate": report.fallback_rate if report.in_scope else None,
            "off_topic_rejection": report.off_topic_rejection if report.off_topic else None,
            "red_flags": len(red),
            "red_flags_caught": (sum(o.correct for o in red) / len(red)) if red else None,
            "false_alarms": len(false_alarms),
            "confused_pairs": report.confused_pairs(5),
        }
        rows.append(row)
        log(f"  {row['file']}: {row['questions']} questions")
    total = Evaluation(bot, every).report()
    return {
        "threshold": bot.threshold,
        "intents": len(bot.intents),
        "load_seconds": load_seconds,
        "files": rows,
        "total": {
            "questions": len(total.outcomes),
            "accuracy": total.accuracy,
            "confidently_wrong": total.confidently_wrong,
            "confidently_wrong_rate": total.confidently_wrong_rate,
            "off_topic_rejection": total.off_topic_rejection,
        },
    }
