"""Turn the parts' results into RESULTS.md (tables, targets, machine) and PNG plots."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .clinc import PAPER_TABLE_2, TARGET_IN_SCOPE, TARGET_OOS_RECALL
from .speed import TARGET_GROWTH_100K, TARGET_SHIPPED_ASK_MS, TARGET_SHIPPED_LOAD_MS, TARGET_SPEEDUP_15K
from .startup import TARGET_FIRST_PROMPT

ENGINE = "engine (Bot.rank)"


# --- formatting -----------------------------------------------------------------------------

def pct(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.{digits}f}%"


def ms(seconds: float | None, digits: int = 2) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    value = 1000 * seconds
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.{digits}f} ms"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one letter per column (l, r, c), default: first l, rest r."""
    align = align or ("l" + "r" * (len(headers) - 1))
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(str(h) for h in headers) + " |",
             "| " + " | ".join(marks[a] for a in align) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


# --- targets --------------------------------------------------------------------------------

def targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, measured, met / not met / not measured, gap) for every target of issue 6."""
    rows: list[tuple[str, str, str, str]] = []

    def check(name: str, value: float | None, goal: float, fmt: Any, gap: Any, higher: bool) -> None:
        if value is None:
            rows.append((name, "–", "not measured", ""))
            return
        met = value >= goal if higher else value <= goal
        rows.append((name, fmt(value), "**met**" if met else "**not met**",
                     "" if met else gap(abs(goal - value))))

    def at_least(name: str, value: float | None, goal: float, fmt: Any, gap: Any) -> None:
        check(name, value, goal, fmt, gap, True)

    def at_most(name: str, value: float | None, goal: float, fmt: Any, gap: Any) -> None:
        check(name, value, goal, fmt, gap, False)

    def points(v: float) -> str:
        return f"short by {100 * v:.1f} points"

    clinc = results.get("clinc") or {}
    engine = (clinc.get("methods") or {}).get(ENGINE)
    test = engine["test"] if engine else None
    at_least("CLINC150 test in-scope accuracy ≥ 91%", test and test["in_scope_accuracy"], TARGET_IN_SCOPE,
             pct, points)
    at_least("CLINC150 test out-of-scope recall ≥ 50%", test and test["oos_recall"], TARGET_OOS_RECALL, pct,
             points)

    bases = {b["name"]: b for b in (results.get("speed") or {}).get("bases", [])}
    clinc_base = bases.get("CLINC150 (15k)")
    at_least(f"15k patterns: ask() ≥ {TARGET_SPEEDUP_15K:.0f}× faster than brute-force extractOne (median)",
             clinc_base and clinc_base["speedup"], TARGET_SPEEDUP_15K, lambda v: f"{v:.1f}×",
             lambda v: f"short by {v:.1f}× (needs {TARGET_SPEEDUP_15K:.0f}×)")
    small, large = bases.get("synthetic 10k"), bases.get("synthetic 100k")
    growth = large["ask_median"] / small["ask_median"] if small and large else None
    at_most(f"100k patterns: ask() median ≤ {TARGET_GROWTH_100K:.0f}× the 10k median", growth,
            TARGET_GROWTH_100K, lambda v: f"{v:.2f}×", lambda v: f"over by {v:.2f}×")
    shipped = bases.get("shipped")
    at_most("Shipped base: ask() median < 1 ms", shipped and 1000 * shipped["ask_median"],
            TARGET_SHIPPED_ASK_MS, lambda v: f"{v:.2f} ms", lambda v: f"over by {v:.2f} ms")
    at_most("Shipped base: load < 200 ms (median, saved index restored)", shipped and 1000 * shipped["load_median"],
            TARGET_SHIPPED_LOAD_MS, lambda v: f"{v:.0f} ms", lambda v: f"over by {v:.0f} ms")
    hostile = results.get("hostile")
    at_most("Hostile input (1 MB pastes, junk): slowest median < 0.5 s", hostile and hostile["slowest_median"],
            hostile["target_seconds"] if hostile else 0.5, lambda v: f"{1000 * v:.0f} ms",
            lambda v: f"over by {1000 * v:.0f} ms")
    real = next((r for r in (results.get("real") or {}).get("sets", []) if r["set"].startswith("real_test")), None)
    engine_real = real["engine"] if real else None

    def share(key: str, of: str) -> float | None:
        return engine_real[key] / engine_real[of] if engine_real and engine_real[of] else None

    at_least("Real questions a topic covers (real_test): answered right ≥ 35% (issue 16)", share("right", "covered"),
             0.35, pct, points)
    at_least("Real questions a topic covers: right topic answered or offered ≥ 65%", share("offered", "covered"),
             0.65, pct, points)
    at_least("Real personal questions routed to personal_advice ≥ 80%", share("personal_right", "personal"),
             0.80, pct, points)
    at_most("Real off-topic questions confidently answered ≤ 5%", share("oos_answered", "oos"), 0.05, pct,
            lambda v: f"over by {100 * v:.1f} points")
    worst = (results.get("worst") or {}).get("worst")
    at_most("Slowest message of ≤ 2,000 characters found (adversarial search) < 50 ms of processor time",
            worst and worst["seconds"], (results.get("worst") or {}).get("target_seconds", 0.05),
            lambda v: f"{1000 * v:.1f} ms", lambda v: f"over by {1000 * v:.1f} ms")
    startup = results.get("startup")
    if startup and startup.get("measure") == "first prompt":
        at_most("First prompt < 0.5 s (median)", startup["median"], TARGET_FIRST_PROMPT,
                lambda v: f"{v:.2f} s", lambda v: f"over by {v:.2f} s")
    elif startup:
        value = startup["median"]
        rows.append(("First prompt < 0.5 s (median)",
                     f"no chat yet; `ask \"hello\"` takes {value:.2f} s",
                     "not measured", "stand-in " + ("within" if value <= TARGET_FIRST_PROMPT else
                                                     f"over by {value - TARGET_FIRST_PROMPT:.2f} s")))
    else:
        rows.append(("First prompt < 0.5 s (median)", "–", "not measured", ""))
    return rows


# --- plots ----------------------------------------------------------------------------------

def plot_threshold(clinc: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = clinc["methods"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
    engine = methods[ENGINE]
    xs = [r["threshold"] for r in engine["sweep"]]
    left.plot(xs, [100 * r["accuracy"] for r in engine["sweep"]], label="accuracy, 151 classes", lw=2)
    left.plot(xs, [100 * r["in_scope_accuracy"] for r in engine["sweep"]], label="in-scope accuracy")
    left.plot(xs, [100 * r["oos_recall"] for r in engine["sweep"]], label="out-of-scope recall")
    left.axvline(engine["threshold"], color="grey", ls="--", lw=1,
                 label=f"chosen threshold {engine['threshold']:.3f}")
    left.set_title("Engine on CLINC150 val: metrics vs threshold")
    left.set_xlabel("confidence threshold")
    left.set_ylabel("%")
    left.set_ylim(0, 102)
    left.grid(alpha=0.3)
    left.legend(loc="lower left", fontsize=8)
    for name, method in methods.items():
        sweep = method["sweep"]
        right.plot([r["threshold"] for r in sweep], [100 * r["accuracy"] for r in sweep], label=name,
                   lw=2.2 if name == ENGINE else 1.2)
    right.set_title("Val accuracy over 151 classes vs threshold, all methods")
    right.set_xlabel("threshold (rapidfuzz scores / 100; TF-IDF cosine)")
    right.set_ylabel("%")
    right.set_ylim(0, 100)
    right.grid(alpha=0.3)
    right.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(speed: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bases = [b for b in speed["bases"] if b["name"] != "shipped"]
    bases.sort(key=lambda b: b["patterns"])
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    xs = [b["patterns"] for b in bases]
    ax.plot(xs, [1000 * b["ask_median"] for b in bases], "o-", lw=2, label="engine ask(), median")
    ax.plot(xs, [1000 * b["ask_p99"] for b in bases], "o:", label="engine ask(), p99")
    ax.plot(xs, [1000 * b["brute_median"] for b in bases], "s-", label="brute-force extractOne (WRatio), median")
    for b in speed["bases"]:
        if b["name"] == "shipped":
            ax.plot([b["patterns"]], [1000 * b["ask_median"]], "D", color="black",
                    label=f"shipped base ask(), median ({b['patterns']:,} patterns)")
    for b in bases:
        ax.annotate(b["name"], (b["patterns"], 1000 * b["ask_median"]), textcoords="offset points",
                    xytext=(6, 5), fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("patterns in the knowledge base")
    ax.set_ylabel("latency per question (ms)")
    ax.set_title("Latency vs number of patterns")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --- the report -----------------------------------------------------------------------------

def _clinc_section(clinc: dict[str, Any], images: dict[str, str]) -> list[str]:
    out = ["## 1. CLINC150 (oos-threshold protocol, Full)", ""]
    if clinc.get("skipped"):
        return out + [f"**Skipped:** {clinc['skipped']}", ""]
    out += [
        f"{clinc['intents']} intents, {clinc['patterns']:,} training queries loaded as patterns "
        f"(`Bot.load(folder, threshold=0.0)`). Val: {clinc['val_questions']:,} questions "
        f"(in-scope + oos_val), test: {clinc['test_questions']:,} (in-scope + oos_test). "
        "Each method's threshold is the one with the best **val** accuracy over 151 classes "
        "(out-of-scope as its own class, predicted when the top score is below the threshold); "
        "test in-scope accuracy counts a question right when the top intent is right **and** "
        "its score reaches the threshold. Nothing is chosen on test.", "",
    ]
    for note in clinc.get("notes", []):
        out.append(f"- {note}")
    if clinc.get("notes"):
        out.append("")
    rows = []
    for name, m in clinc["methods"].items():
        scale = m.get("scale", 1.0)
        threshold = f"{m['threshold']:.1f}" if scale != 1.0 else f"{m['threshold']:.3f}"
        time_note = ms(m.get("seconds_per_question"))
        if m.get("batched"):
            time_note += " (batched)"
            time_note = time_note.replace("(batched)", "(batched, incl. fitting)")
        elif m.get("extract_one_check"):
            time_note += " (extractOne)"
        label = f"**{name}**" if name == ENGINE else name
        rows.append([label, pct(m["test"]["in_scope_accuracy"]), pct(m["test"]["oos_recall"]),
                     pct(m["test"]["top1"]), pct(m["val"]["accuracy"]), threshold, time_note])
    out += [table(["method", "test in-scope acc.", "test oos recall", "test top-1 (no threshold)",
                   "val acc. (151 classes)", "threshold (from val)", "time / question"], rows), ""]
    checks = [(n, m["extract_one_check"]) for n, m in clinc["methods"].items() if m.get("extract_one_check")]
    if checks:
        out.append("The rapidfuzz baselines' accuracy is computed with `process.cdist` (same scorer, "
                   "same `default_process`, first best on ties), which gives extractOne's answers in "
                   "a fraction of the time; a sample was re-run with literal `process.extractOne` to "
                   "check and to time it: " + "; ".join(
                       f"{n.replace('rapidfuzz extractOne ', '')}: {c['agree']:.0%} of {c['checked']} agree"
                       for n, c in checks) + ".")
        out.append("")
    engine = clinc["methods"].get(ENGINE)
    paper_rows = [[name, f"{a:.1f}", f"{r:.1f}", "Larson et al. 2019, Table 2"] for name, a, r in PAPER_TABLE_2]
    for name, m in clinc["methods"].items():
        paper_rows.append([f"**{name}**" if name == ENGINE else name,
                           f"{100 * m['test']['in_scope_accuracy']:.1f}", f"{100 * m['test']['oos_recall']:.1f}",
                           "this run"])
    paper_rows.sort(key=lambda r: float(r[1]))
    out += ["### Next to the paper's Table 2 (oos-threshold, Full)", "",
            table(["model", "in-scope accuracy %", "oos recall %", "source"], paper_rows, "lrrl"), ""]
    if "clinc_threshold" in images:
        out += [f"![metrics vs threshold on CLINC150 val]({images['clinc_threshold']})", ""]
    if engine and engine.get("diagnostics"):
        d = engine["diagnostics"]
        out += ["### Where the engine loses accuracy (val only)", ""]
        out.append(f"- Top-1 in-scope on val without a threshold: {pct(engine['val']['top1'])}; "
                   f"top-5: {pct(engine.get('val_top5'))} (test top-5: {pct(engine.get('test_top5'))}).")
        out.append(f"- Of {d['in_scope']:,} in-scope val questions, {d['wrong_top1']} get a wrong top intent "
                   f"({d['wrong_top1_in_top5']} of them have the right one in the top 5); "
                   f"{d['wrong_above_threshold']} of those wrong ones score above the threshold. "
                   f"{d['right_but_rejected']} right answers are rejected by the threshold. "
                   f"{d['oos_accepted']} of {d['oos']} out-of-scope val questions score above it.")
        quart = "; ".join(f"{k}: {v[0]:.2f} / {v[1]:.2f} / {v[2]:.2f}" for k, v in d["score_quartiles"].items())
        out.append(f"- Confidence quartiles (25% / median / 75%): {quart}.")
        out.append("- Most confused (expected → top intent, count): " + ", ".join(
            f"{a} → {b} ×{n}" for a, b, n in d["confused_pairs"]) + ".")
        out.append("- Intents with most errors: " + ", ".join(f"{a} ({n})" for a, n in d["weakest_intents"]) + ".")
        out.append("- Intents out-of-scope questions land on above the threshold: " + ", ".join(
            f"{a} ({n})" for a, n in d["oos_attractors"]) + ".")
        if d["examples"]:
            out += ["", "Examples of confident errors on val:", "",
                    table(["question", "expected", "top intent", "confidence"],
                          [[f"`{q}`", e, p, f"{c:.3f}"] for q, e, p, c in d["examples"]], "lllr")]
        out.append("")
    return out


def _shipped_section(shipped: dict[str, Any]) -> list[str]:
    out = ["## 2. The shipped knowledge base", ""]
    if shipped.get("skipped"):
        return out + [f"**Skipped:** {shipped['skipped']}", ""]
    out.append(f"`Bot.load()` ({shipped['intents']} intents), default threshold {shipped['threshold']:.2f}, "
               "questions from tests/data/questions/ (holdout: never tuned on). Accuracy = answered with "
               "an expected intent; confidently wrong = answered with a wrong one; red flags caught = "
               "emergency reply for the expected rule; false alarms = emergency reply where none "
               "was expected.")
    out.append("")
    rows = []
    for r in shipped["files"]:
        rows.append([f"`{r['file']}`", r["questions"], pct(r["accuracy"]),
                     "–" if r["confidently_wrong_rate"] is None else
                     f"{r['confidently_wrong']} ({pct(r['confidently_wrong_rate'])})",
                     pct(r["not_answered_rate"]), pct(r["off_topic_rejection"]),
                     pct(r["red_flags_caught"]) + (f" of {r['red_flags']}" if r["red_flags"] else ""),
                     r["false_alarms"]])
    t = shipped["total"]
    rows.append(["**all**", t["questions"], pct(t["accuracy"]),
                 f"{t['confidently_wrong']} ({pct(t['confidently_wrong_rate'])})", "", pct(t["off_topic_rejection"]),
                 "", sum(r["false_alarms"] for r in shipped["files"])])
    out += [table(["file", "questions", "accuracy", "confidently wrong", "not answered", "off-topic rejected",
                   "red flags caught", "false alarms"], rows), ""]
    pairs = [(r["file"], a, b, n) for r in shipped["files"] for a, b, n in r["confused_pairs"]]
    if pairs:
        out.append("Most confused (expected → answered): " + "; ".join(
            f"{Path(f).stem}: {a} → {b} ×{n}" for f, a, b, n in pairs[:10]) + ".")
        out.append("")
    return out


def _real_section(real: dict[str, Any]) -> list[str]:
    out = ["## 2b. Real consumer questions", ""]
    if real.get("skipped"):
        return out + [f"**Skipped:** {real['skipped']}", ""]
    out += ["Questions real patients and relatives sent to health services (`benchmarks/real_questions.py`; "
            "sources and licences in the files' headers). Of the questions a catalog topic covers: answered "
            "right, right topic answered or offered as a numbered option, right topic among the three best "
            "candidates; personal questions routed to personal_advice; off-topic questions answered "
            "confidently (an answer or an emergency reply). The baselines rank the same patterns and always "
            "answer with their best.", ""]
    rows = []
    for r in real["sets"]:
        for name, m in [("**engine**", r["engine"]), *r["baselines"].items()]:
            c = m["covered"] or 1
            rows.append([r["set"], name, f"{m['right']}/{m['covered']} ({pct(m['right'] / c)})",
                         f"{m['offered']}/{m['covered']} ({pct(m['offered'] / c)})",
                         f"{m['top3']}/{m['covered']} ({pct(m['top3'] / c)})",
                         f"{m['personal_right']}/{m['personal']}" if "personal" in m else "–",
                         f"{m['oos_answered']}/{m['oos']} ({pct(m['oos_answered'] / (m['oos'] or 1))})"])
    out += [table(["set", "method", "answered right", "answered or offered", "in top 3", "personal",
                   "off-topic answered"], rows), ""]
    pool = real.get("pool")
    if pool:
        n = pool["questions"]
        kinds = pool["kinds"]
        confident = kinds.get("answer", 0) + kinds.get("personal", 0) + kinds.get("emergency", 0)
        out += [f"Non-cancer pool (`tests/data/real/non_cancer_pool.yml`, {n:,} questions about other health "
                f"matters): {confident} answered confidently ({pct(confident / n)}): "
                + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ".", ""]
    return out


def _speed_section(speed: dict[str, Any], images: dict[str, str]) -> list[str]:
    out = ["## 3. Speed and scale", ""]
    out.append("Each base is measured in a fresh Python process. ask() and brute-force "
               "`process.extractOne(q, patterns, scorer=fuzz.WRatio, processor=utils.default_process)` "
               "are timed alternately, question by question, over several passes (spelling cache cleared "
               "before each pass); a question's time is its median over the passes, and the table gives "
               "the median and 99th percentile over questions. The speed-up is the ratio of the two "
               "medians over the same questions. Load: each process starts with an empty index cache, so "
               "its first `Bot.load` builds the matching index and saves it (\"first load\"), and the "
               "later ones restore it (\"load\": their median, what every start after the first costs). "
               "Memory: peak RSS of the process after the first load, and the RSS the loaded bot adds.")
    out.append("")
    for note in speed.get("notes", []):
        out.append(f"- {note}")
    out.append("")
    rows = []
    for b in speed["bases"]:
        rows.append([b["name"], f"{b['intents']:,}", f"{b['patterns']:,}", ms(b["load_median"]),
                     ms(b.get("load_built", b["load_median"])),
                     f"{b['peak_rss_mib']:.0f} MiB", f"{b['bot_rss_mib']:.0f} MiB", ms(b["ask_median"]),
                     ms(b["ask_p99"]), f"{b['qps']:,.0f}", ms(b["brute_median"]), f"{b['speedup']:.1f}×",
                     f"{b['questions']} / {b['brute_questions']}"])
    out += [table(["base", "intents", "patterns", "load", "first load", "peak RSS", "bot RSS", "ask() median", "ask() p99",
                   "questions/s", "extractOne median", "speed-up", "questions (engine / brute)"], rows), ""]
    out += ["Where ask() spends its time (median per question over one cold pass): analysis = "
            "normalise, spell-correct, stem, fold synonyms (`Analyzer.analyse`); ranking = `Matcher.rank`. "
            "ask() also scans for red flags (which analyses the text once more, with the spelling cache "
            "warm) and builds the reply; both are small, within the pass-to-pass noise.", ""]
    out += [table(["base", "analysis", "ranking", "analysis share of analysis + ranking", "ask() median"],
                  [[b["name"], ms(b["analyse_median"], 3), ms(b["rank_median"], 3), pct(b["analyse_share"]),
                    ms(b["ask_median"], 3)] for b in speed["bases"]]), ""]
    profiled = [b for b in speed["bases"] if b.get("profile") and b["name"] in ("CLINC150 (15k)", "synthetic 100k")]
    for b in profiled:
        out += [f"Most own time in one cProfile'd pass of ask() on {b['name']} (shares of the pass; "
                "the profiler inflates many small calls, so read proportions):", "",
                table(["function", "calls", "own time", "with callees"],
                      [[f"`{r['function']}`", f"{r['calls']:,}", pct(r["own_share"]), pct(r["cumulative_share"])]
                       for r in b["profile"]], "lrrr"), ""]
    if "latency" in images:
        out += [f"![latency vs number of patterns]({images['latency']})", ""]
    return out


def _hostile_section(hostile: dict[str, Any]) -> list[str]:
    rows = [[c["name"], f"{c['chars']:,}", f"{1000 * c['median']:.1f} ms", f"{1000 * c['max']:.1f} ms", c["kind"]]
            for c in hostile["cases"]]
    return ["## 4. Hostile input", "",
            f"`Bot.ask` on the shipped knowledge base, median of {hostile['repeats']} runs per case. "
            "Questions are cut to 2,000 characters before matching; red flags are looked for in the "
            "first 20,000.", "",
            table(["input", "characters", "median", "max", "reply"], rows, "lrrrl"), ""]


def _worst_case_section(worst: dict[str, Any]) -> list[str]:
    found = worst["worst"]
    rows = [[f["family"], f"{1000 * f['seconds']:.1f} ms"] for f in worst["per_family"]]
    return ["## 4b. Worst case: the slowest message of at most 2,000 characters", "",
            f"An adversarial search (`benchmarks/worst_case.py`) for {worst['search_seconds']:.0f} s: two "
            "messages of each family below, six mixtures, then "
            f"{worst['mutations']:,} mutations of the slowest (a stretch of words replaced by another "
            "family's), keeping whatever was slower. Each message is timed as the best of three runs of "
            "`Bot.ask` with the spelling, stemming and normalising caches cleared, so every word costs "
            "what a word never seen before costs. Times are processor time: on this shared machine a "
            "message that takes tens of milliseconds is interrupted by other jobs, and its wall-clock "
            "time measures them too (it is given beside"
            + (f"; the load average was {worst['load_average']} on {worst.get('cores', '?')} cores"
               if worst.get("load_average") is not None else "") + ").", "",
            table(["measure", "processor time", "wall clock"],
                  [["slowest message found (best of 7 runs)", f"{1000 * found['seconds']:.1f} ms",
                    f"{1000 * found['wall_seconds']:.1f} ms"],
                   ["the same, as the first message after a start (best of 3 fresh loads)",
                    f"{1000 * found['first_seconds']:.1f} ms", f"{1000 * found['first_wall_seconds']:.1f} ms"],
                   ["median ordinary question (labelled sets, caches warm)",
                    f"{1000 * worst['ordinary_median']:.2f} ms", f"{1000 * worst['ordinary_median_wall']:.2f} ms"]],
                  "lrr"), "",
            f"The slowest: {found['chars']:,} characters, {found['words']} words ({found['family']}), "
            f"reply `{found['kind']}`; it starts `{found['start'][:60]}`.", "",
            "Slowest of each family's starting messages (processor time):", "",
            table(["family", "slowest"], rows), ""]


def _startup_section(startup: dict[str, Any]) -> list[str]:
    out = ["## 5. Start-up", ""]
    for note in startup.get("notes", []):
        out += [f"- {note}"]
    if startup.get("notes"):
        out.append("")
    rows = []
    if startup.get("measure") == "first prompt":
        rows.append([f"`python run_bot.py` to the prompt `{startup['prompt']}` (pty)",
                     f"{startup['median']:.3f} s", f"{min(startup['seconds']):.3f}–{max(startup['seconds']):.3f} s"])
    for key, label in (("ask_hello", "`python run_bot.py ask \"hello\"` (start to exit)"),
                       ("import_bot", "`python -c \"import bot\"`"),
                       ("python_bare", "`python -c pass` (the interpreter alone)")):
        if key in startup:
            s = startup[key]
            rows.append([label, f"{s['median']:.3f} s", f"{min(s['seconds']):.3f}–{max(s['seconds']):.3f} s"])
    out += [f"Median of {startup['runs']} launches after one warm-up.", "",
            table(["measure", "median", "range"], rows), ""]
    return out


def render(results: dict[str, Any], images: dict[str, str] | None = None) -> str:
    """The Markdown text of RESULTS.md."""
    images = images or {}
    machine = results.get("machine", {})
    out = ["# Benchmarks", "",
           f"Generated by `{results.get('command', 'python benchmarks/run.py')}` on {machine.get('date', '?')}; "
           f"the run took {results.get('elapsed', float('nan')):.0f} s "
           f"({', '.join(f'{k} {v:.0f} s' for k, v in results.get('part_seconds', {}).items())}).", ""]
    if results.get("quick"):
        out += ["**Quick run (`--quick`): subsampled questions and fewer passes; for a smoke test, "
                "not for the record.**", ""]
    out += ["Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items() if k != "date") + ".", "",
            "Timings are medians over questions and repeated runs on a shared, noisy 2-core machine; "
            "ratios are measured in the same run, so they travel better than absolute times.", ""]
    out += ["## Targets (issues 6, 16 and 19)", "", table(["target", "measured", "status", "gap"], targets(results), "llll"), ""]
    if "clinc" in results:
        out += _clinc_section(results["clinc"], images)
    if "shipped" in results:
        out += _shipped_section(results["shipped"])
    if "real" in results:
        out += _real_section(results["real"])
    if "speed" in results:
        out += _speed_section(results["speed"], images)
    if "hostile" in results:
        out += _hostile_section(results["hostile"])
    if "worst" in results:
        out += _worst_case_section(results["worst"])
    if "startup" in results:
        out += _startup_section(results["startup"])
    out += ["---", "Files: this report, `results.json` (every number above), and the PNG plots, all "
            "written by `benchmarks/run.py`. Targets and protocol: issue 6.", ""]
    return "\n".join(out)


def write_report(results: dict[str, Any], out: str | Path, *, plots: bool = True) -> dict[str, Path]:
    """Write the Markdown report, results.json and (with matplotlib) the plots beside it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    images: dict[str, str] = {}
    written: dict[str, Path] = {}
    if plots:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            results.setdefault("notes", []).append("matplotlib is not installed: no plots.")
            plots = False
    if plots:
        clinc = results.get("clinc")
        if clinc and not clinc.get("skipped") and clinc.get("methods"):
            path = plot_threshold(clinc, out.parent / "clinc_threshold.png")
            images["clinc_threshold"] = path.name
            written["clinc_threshold"] = path
        speed = results.get("speed")
        if speed and any(b["name"] != "shipped" for b in speed.get("bases", [])):
            path = plot_latency(speed, out.parent / "latency.png")
            images["latency"] = path.name
            written["latency"] = path
    text = render(results, images)
    out.write_text(text, encoding="utf-8")
    written["report"] = out
    data = out.parent / "results.json"
    data.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    written["json"] = data
    return written
