"""The worst-case benchmark (benchmarks/worst_case.py): what it searches and what it reports.

How fast the slowest message is lives in benchmarks/RESULTS.md; here only that the search
covers every family, stays within the engine's 2,000 characters, and reaches the report.
"""

from __future__ import annotations

import random

import pytest

from benchmarks import report
from benchmarks.worst_case import LIMIT, Families, fill, mutate, run_worst_case
from bot import Bot


@pytest.fixture(scope="module")
def found() -> dict:
    return run_worst_case(seconds=0.0, ordinary=50, log=lambda _: None)


@pytest.mark.slow
def test_every_family_is_tried_and_the_slowest_is_a_real_message(found: dict) -> None:
    families = {f["family"] for f in found["per_family"]}
    assert {"junk words of 5 letters", "one-letter typos of knowledge-base words", "trigger words", "numbers",
            "Cyrillic words", "CJK words", "a mixture of three families"} <= families
    worst = found["worst"]
    assert 0 < worst["chars"] <= LIMIT
    assert worst["kind"] in ("answer", "clarify", "fallback", "emergency")
    assert worst["seconds"] > 0 and found["ordinary_median"] > 0


@pytest.mark.slow
def test_candidates_and_their_mutations_stay_within_what_the_engine_reads() -> None:
    rng = random.Random(1)
    makers = Families(Bot.load(), rng).generators()
    for make in makers.values():
        text = fill(make)
        assert LIMIT - 40 < len(text) <= LIMIT
        for other in makers.values():
            assert len(mutate(text, other, rng)) <= LIMIT


@pytest.mark.slow
def test_the_report_shows_the_slowest_beside_the_median(found: dict, tmp_path) -> None:
    text = report.render({"command": "python benchmarks/run.py --parts worst", "worst": found})
    assert "## 4b. Worst case: the slowest message of at most 2,000 characters" in text
    assert "| slowest message found (best of 7 runs) |" in text
    assert "| median ordinary question (labelled sets, caches warm) |" in text
    assert "Slowest message of ≤ 2,000 characters found (adversarial search) < 50 ms" in text
