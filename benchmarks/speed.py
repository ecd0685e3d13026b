"""Speed and scale: ask() latency, load time and peak memory, against brute-force extractOne.

Each knowledge base is measured in a fresh subprocess (``python -m benchmarks.speed --worker
spec.json``) so that load time, peak memory and the spelling corrector's cache start cold and
one base cannot disturb the next. In the worker:

* load: ``Bot.load(folder)`` timed ``load_repeats`` times, with an empty index cache of its
  own: the first load builds the matching index and saves it (``load_built``), the later ones
  restore it (``load_median`` is their median, what every start after the first costs); memory:
  the process's peak RSS
  (VmHWM) after the first load, and the resident memory the loaded bot adds (VmRSS after the
  first load minus VmRSS before it, with Python and the libraries already imported);
* latency: ``rounds`` passes over the questions; each pass starts with the spelling cache
  cleared; engine ``ask()`` and brute-force ``process.extractOne(q, patterns, scorer=WRatio,
  processor=default_process)`` are timed alternately question by question (the same noise
  hits both); a question's time is its median over the passes; we report the median and the
  99th percentile over questions;
* a breakdown of one pass: ``analyse`` (normalise, spell, stem, synonyms) vs ``Matcher.rank``,
  and a cProfile of one more pass (the functions with the most own time).
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .common import ROOT, clinc_dir, clinc_missing, median, percentile

SIZES = (1_000, 10_000, 100_000)
TARGET_SPEEDUP_15K = 10.0
TARGET_GROWTH_100K = 3.0
TARGET_SHIPPED_ASK_MS = 1.0
TARGET_SHIPPED_LOAD_MS = 200.0


# --- the worker (runs in a subprocess) -----------------------------------------------------

def _memory_kib() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in KiB: /proc/self/status, else getrusage."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
                      if ":" in line)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak


def _clear_cache(bot: Any) -> None:
    correct = getattr(getattr(getattr(bot, "analyzer", None), "speller", None), "correct", None)
    if hasattr(correct, "cache_clear"):
        correct.cache_clear()


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Measure one knowledge base (the worker's job); ``spec`` as written by ``run_base``."""
    from rapidfuzz import fuzz, process, utils

    from bot import Bot

    folder = spec.get("folder")
    gc.collect()
    before, _ = _memory_kib()
    loads: list[float] = []
    bot = None
    after_first = peak_after_first = before
    for repeat in range(spec.get("load_repeats", 3)):
        bot = None
        gc.collect()
        start = time.perf_counter()
        bot = Bot.load(folder, threshold=spec.get("threshold"))
        loads.append(time.perf_counter() - start)
        if repeat == 0:
            gc.collect()
            after_first, peak_after_first = _memory_kib()
    assert bot is not None
    patterns = [p for intent in bot.intents if intent.type != "red_flag" for p in intent.patterns]
    questions: list[str] = spec["questions"]
    brute = set(range(0, len(questions), max(1, len(questions) // max(1, spec.get("brute_questions", 100)))))
    rounds = spec.get("rounds", 3)
    engine_times: list[list[float]] = [[] for _ in questions]
    brute_times: dict[int, list[float]] = {i: [] for i in brute}
    order = list(range(len(questions)))
    rng = random.Random(7)
    timer = time.perf_counter
    for _ in range(rounds):
        _clear_cache(bot)
        rng.shuffle(order)
        for i in order:
            q = questions[i]
            start = timer()
            bot.ask(q)
            engine_times[i].append(timer() - start)
            if i in brute:
                start = timer()
                process.extractOne(q, patterns, scorer=fuzz.WRatio, processor=utils.default_process)
                brute_times[i].append(timer() - start)

    # Breakdown on one cold pass: analysis vs ranking (ask() also reads the text once more for
    # red flags and then decides).
    _clear_cache(bot)
    analyse_times, rank_times = [], []
    for q in questions:
        start = timer()
        analysis = bot.analyzer.analyse(q)
        middle = timer()
        bot.matcher.rank(analysis, limit=5)
        analyse_times.append(middle - start)
        rank_times.append(timer() - middle)

    profile = _profile(bot, questions)
    per_question = [median(t) for t in engine_times]
    paired_engine = [per_question[i] for i in sorted(brute)]
    paired_brute = [median(brute_times[i]) for i in sorted(brute)]
    return {
        "intents": len([i for i in bot.intents if i.type != "red_flag"]),
        "patterns": len(patterns),
        "questions": len(questions),
        "rounds": rounds,
        "load_seconds": loads,
        "load_built": loads[0],
        "load_median": median(loads[1:]) if len(loads) > 1 else loads[0],
        "peak_rss_mib": peak_after_first / 1024,
        "bot_rss_mib": (after_first - before) / 1024,
        "baseline_rss_mib": before / 1024,
        "ask_median": median(per_question),
        "ask_p99": percentile(per_question, 99),
        "ask_mean": sum(per_question) / len(per_question),
        "qps": len(per_question) / sum(per_question),
        "brute_questions": len(paired_brute),
        "brute_median": median(paired_brute),
        "brute_p99": percentile(paired_brute, 99),
        "engine_median_paired": median(paired_engine),
        "speedup": median(paired_brute) / median(paired_engine),
        "analyse_median": median(analyse_times),
        "rank_median": median(rank_times),
        "analyse_share": sum(analyse_times) / (sum(analyse_times) + sum(rank_times)),
        "profile": profile,
    }


def _profile(bot: Any, questions: Sequence[str], top: int = 8) -> list[dict[str, Any]]:
    """cProfile of one cold pass of ask(): the functions with the most own time, with their
    share of the pass (profiling inflates small functions; read it for proportions)."""
    import cProfile
    import pstats

    _clear_cache(bot)
    profiler = cProfile.Profile()
    profiler.enable()
    for q in questions:
        bot.ask(q)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt or 1.0  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = f"{name} ({Path(filename).parent.name}/{Path(filename).name}:{line})" if line else name
        rows.append({"function": label, "calls": calls, "own_share": own / total,
                     "cumulative_share": cumulative / total})
    rows.sort(key=lambda r: -r["own_share"])
    return rows[:top]


def worker_main(argv: Sequence[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    print(json.dumps(measure(spec)))
    return 0


# --- the driver -----------------------------------------------------------------------------

def run_base(name: str, folder: Path | None, questions: Sequence[str], *, rounds: int = 3,
             load_repeats: int = 3, brute_questions: int = 100, threshold: float | None = None,
             timeout: float = 900) -> dict[str, Any]:
    """Measure one base in a fresh Python process; returns the worker's numbers plus ``name``."""
    from bot.index_cache import CACHE_ENV

    with tempfile.TemporaryDirectory(prefix="speed_spec_") as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps({
            "folder": str(folder) if folder else None, "questions": list(questions),
            "rounds": rounds, "load_repeats": load_repeats, "brute_questions": brute_questions,
            "threshold": threshold,
        }), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               CACHE_ENV: str(Path(tmp) / "index-cache")}  # starts empty: the first load builds
        done = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--worker", str(spec_path)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"speed worker for {name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["name"] = name
    return result


def shipped_questions() -> list[str]:
    from bot.evaluate import read_labelled

    folder = ROOT / "tests" / "data" / "questions"
    return [item.question for path in sorted(folder.glob("*.tsv")) for item in read_labelled(path)]


def run_speed(data_dir: str | Path | None = None, *, quick: bool = False,
              sizes: Sequence[int] = SIZES, log: Callable[[str], None] = print) -> dict[str, Any]:
    """The speed part: the shipped base, CLINC150's 15,000 patterns and synthetic bases."""
    rounds = 2 if quick else 3
    bases: list[dict[str, Any]] = []
    notes: list[str] = []
    questions = shipped_questions()
    log(f"  shipped knowledge base: {len(questions)} questions x {rounds} passes")
    bases.append(run_base("shipped", None, questions, rounds=rounds, load_repeats=5,
                          brute_questions=100 if quick else 300))
    folder = clinc_dir(data_dir)
    problem = clinc_missing(folder)
    if problem:
        notes.append(f"CLINC150-based bases skipped: {problem}")
        return {"bases": bases, "notes": notes}

    from .clinc import intents_from, load_clinc, write_intents
    from .synthetic import synthetic_base

    data = load_clinc(folder)
    intents = intents_from(data["train"])
    pool = [q for q, _ in data["val"] + data["oos_val"]]
    rng = random.Random(3)
    asked = rng.sample(pool, 150 if quick else 400)
    notes.append(f"CLINC-based bases are asked {len(asked)} random CLINC val/oos_val questions, "
                 f"{rounds} passes each; brute force runs on an evenly spaced subset of them.")
    plan: list[tuple[str, dict[str, list[str]]]] = []
    for size in sorted({*sizes, 15_000}):
        if size == 15_000:
            plan.append(("CLINC150 (15k)", intents))
        else:
            plan.append((f"synthetic {size // 1000}k", synthetic_base(intents, size)))
    for name, base in plan:
        size = sum(len(v) for v in base.values())
        brute = max(30, min(150, int(2_000_000 / size)))
        if quick:
            brute = max(20, brute // 3)
        tmp = Path(tempfile.mkdtemp(prefix="speed_base_"))
        try:
            write_intents(tmp, base)
            log(f"  {name}: {size:,} patterns in {len(base):,} intents; engine on {len(asked)} questions, "
                f"brute force on {brute}")
            bases.append(run_base(name, tmp, asked, rounds=rounds,
                                  load_repeats=2 if quick and size > 20_000 else 3,
                                  brute_questions=brute, threshold=0.0))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"bases": bases, "notes": notes}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        sys.exit(worker_main(sys.argv[2:]))
    print("usage: python -m benchmarks.speed --worker SPEC.json (run benchmarks/run.py instead)")
    sys.exit(2)
