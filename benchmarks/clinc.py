"""CLINC150 (Larson et al. 2019), the paper's "oos-threshold" protocol, for the engine and baselines.

The 150 intents' training queries become the patterns of 150 YAML intents, loaded with
``Bot.load(folder, threshold=0.0)``. Every method gives each question a top intent and a score;
the out-of-scope threshold is the one with the best validation accuracy over 151 classes
(out-of-scope counted as its own class: predicted when the top score is below the threshold).
On the test split we report in-scope accuracy (right intent AND score at or above the threshold)
and out-of-scope recall (oos_test questions scored below it). Nothing is chosen on test.

For the lead who tunes the engine (train and validation only)::

    import sys; sys.path.insert(0, "/work/main")
    from benchmarks.clinc import evaluate_split
    from bot import Tuning
    evaluate_split(Tuning(char_weight=0.2))   # {'accuracy': ..., 'in_scope_accuracy': ..., ...}
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .common import clinc_dir, clinc_missing

OOS = "oos"

PAPER_TABLE_2 = [
    # Larson et al. 2019, Table 2, "oos-threshold" prediction, Full: in-scope accuracy, oos recall.
    ("SVM", 88.2, 18.0), ("FastText", 88.6, 28.3), ("DialogFlow", 90.8, 26.7), ("Rasa", 90.9, 31.2),
    ("CNN", 90.9, 30.9), ("MLP", 93.4, 49.1), ("BERT", 96.2, 52.3),
]

TARGET_IN_SCOPE = 0.91
TARGET_OOS_RECALL = 0.50


# --- data -----------------------------------------------------------------------------------

def load_clinc(folder: str | Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """The "Full" splits: train, val, test, oos_train, oos_val, oos_test as (query, intent) lists."""
    folder = clinc_dir(folder)
    problem = clinc_missing(folder)
    if problem:
        raise FileNotFoundError(problem)
    data = json.loads((folder / "data_full.json").read_text(encoding="utf-8"))
    return {split: [(str(q), str(i)) for q, i in items] for split, items in data.items()}


def intents_from(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """intent -> its queries, intents sorted by name, queries in file order."""
    by_intent: dict[str, list[str]] = {}
    for query, intent in pairs:
        by_intent.setdefault(intent, []).append(query)
    return {intent: by_intent[intent] for intent in sorted(by_intent)}


def humanise(intent_id: str) -> str:
    """"book_flight" -> "Book flight"."""
    return intent_id.replace("_", " ").strip().capitalize()


def _dumper() -> type:
    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_intents(folder: str | Path, intents: Mapping[str, Sequence[str]], *, per_file: int = 50,
                  topic: str = "CLINC150") -> list[Path]:
    """Write intents (id -> patterns) as knowledge-base YAML files, ``per_file`` intents a file.

    Each intent gets ``question`` = the humanised id and a placeholder answer.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    items = list(intents.items())
    paths: list[Path] = []
    for number, start in enumerate(range(0, len(items), per_file)):
        chunk = items[start : start + per_file]
        document = {
            "topic": topic,
            "intents": [
                {"id": intent, "question": humanise(intent), "patterns": list(patterns),
                 "answer": f"(benchmark intent {intent})"}
                for intent, patterns in chunk
            ],
        }
        path = folder / f"intents_{number:04d}.yml"
        path.write_text(yaml.dump(document, Dumper=_dumper(), allow_unicode=True, sort_keys=False,
                                  width=1000), encoding="utf-8")
        paths.append(path)
    return paths


# --- scoring and thresholds ----------------------------------------------------------------

@dataclass
class Scored:
    """Each question's label, the method's top intent and score (and the next few intents)."""

    labels: list[str]
    predicted: list[str]
    scores: list[float]
    top: list[tuple[str, ...]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)


def choose_threshold(scores: Sequence[float], correct: Sequence[bool], is_oos: Sequence[bool]
                     ) -> tuple[float, float]:
    """The threshold with the best accuracy over in-scope + out-of-scope classes, and that accuracy.

    An item counts as right when it is out-of-scope and scored below the threshold, or in scope,
    ``correct`` (right top intent) and scored at or above it. Ties go to the lowest threshold; the
    threshold returned lies midway between the neighbouring distinct scores, so it does not sit
    on a validation score (same accuracy, less knife-edge).
    """
    n = len(scores)
    if n == 0:
        return 0.0, 0.0
    order = sorted(range(n), key=lambda i: scores[i])
    # Start with threshold below everything: every item answered.
    right = sum(1 for i in range(n) if not is_oos[i] and correct[i])
    best_right, best_at = right, 0  # best_at: index in ``order`` of the first answered item
    k = 0
    while k < n:
        value = scores[order[k]]
        # Move every item with this score below the threshold.
        while k < n and scores[order[k]] == value:
            i = order[k]
            if is_oos[i]:
                right += 1
            elif correct[i]:
                right -= 1
            k += 1
        if right > best_right:
            best_right, best_at = right, k
    if best_at == 0:
        threshold = scores[order[0]]
        lower = None
    elif best_at == n:
        top = scores[order[-1]]
        threshold = top + max(abs(top) * 1e-6, 1e-6)
        lower = None
    else:
        threshold = scores[order[best_at]]
        lower = scores[order[best_at - 1]]
    if lower is not None:
        threshold = (threshold + lower) / 2
    return threshold, best_right / n


def metrics_at(scored: Scored, threshold: float) -> dict[str, float]:
    """accuracy over 151 classes, in-scope accuracy, out-of-scope recall at a threshold."""
    in_total = in_right = oos_total = oos_right = 0
    for label, predicted, score in zip(scored.labels, scored.predicted, scored.scores):
        if label == OOS:
            oos_total += 1
            oos_right += score < threshold
        else:
            in_total += 1
            in_right += predicted == label and score >= threshold
    total = in_total + oos_total
    return {
        "accuracy": (in_right + oos_right) / total if total else float("nan"),
        "in_scope_accuracy": in_right / in_total if in_total else float("nan"),
        "oos_recall": oos_right / oos_total if oos_total else float("nan"),
        "in_scope": in_total,
        "oos": oos_total,
    }


def best_threshold(scored: Scored) -> tuple[float, float]:
    correct = [p == l for p, l in zip(scored.predicted, scored.labels)]
    is_oos = [l == OOS for l in scored.labels]
    return choose_threshold(scored.scores, correct, is_oos)


def sweep(scored: Scored, thresholds: Iterable[float]) -> list[dict[str, float]]:
    return [{"threshold": t, **metrics_at(scored, t)} for t in thresholds]


def top1(scored: Scored) -> float:
    """In-scope accuracy with no threshold (top intent only)."""
    pairs = [(p, l) for p, l in zip(scored.predicted, scored.labels) if l != OOS]
    return sum(p == l for p, l in pairs) / len(pairs) if pairs else float("nan")


def topk(scored: Scored, k: int = 5) -> float:
    pairs = [(t, l) for t, l in zip(scored.top, scored.labels) if l != OOS]
    return sum(l in t[:k] for t, l in pairs) / len(pairs) if pairs else float("nan")


# --- the engine ------------------------------------------------------------------------------

def engine_scored(bot: Any, items: Sequence[tuple[str, str]]) -> tuple[Scored, float]:
    """The engine's top intent and confidence per question (``Bot.rank``), and seconds a question."""
    labels, predicted, scores, tops, queries = [], [], [], [], []
    start = time.perf_counter()
    for query, label in items:
        matches = bot.rank(query, limit=5)
        labels.append(label)
        queries.append(query)
        if matches:
            predicted.append(matches[0].intent)
            scores.append(float(matches[0].confidence))
        else:
            predicted.append(OOS)
            scores.append(0.0)
        tops.append(tuple(m.intent for m in matches))
    elapsed = time.perf_counter() - start
    return Scored(labels, predicted, scores, tops, queries), elapsed / max(1, len(items))


# --- baselines -------------------------------------------------------------------------------

def rapidfuzz_scored(items: Sequence[tuple[str, str]], patterns: Sequence[str],
                     pattern_intents: Sequence[str], scorer: Callable[..., float], *,
                     chunk: int = 256) -> Scored:
    """Brute-force best pattern by ``scorer`` with ``utils.default_process`` (extractOne's result,
    computed in batches with ``process.cdist``: the same scores and the same first-best tie rule)."""
    import numpy as np
    from rapidfuzz import process, utils

    queries = [q for q, _ in items]
    predicted: list[str] = []
    scores: list[float] = []
    for start in range(0, len(queries), chunk):
        matrix = process.cdist(queries[start : start + chunk], patterns, scorer=scorer,
                               processor=utils.default_process, workers=-1)
        best = np.argmax(matrix, axis=1)
        for row, column in enumerate(best):
            predicted.append(pattern_intents[int(column)])
            scores.append(float(matrix[row, column]))
    return Scored([l for _, l in items], predicted, scores, [(p,) for p in predicted], queries)


def extract_one_check(items: Sequence[tuple[str, str]], patterns: Sequence[str],
                      pattern_intents: Sequence[str], scorer: Callable[..., float],
                      expected: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Time literal ``process.extractOne`` on a few questions and check it agrees with the batch."""
    from rapidfuzz import process, utils

    times, agree = [], 0
    for index, (query, _) in enumerate(items):
        start = time.perf_counter()
        found = process.extractOne(query, patterns, scorer=scorer, processor=utils.default_process)
        times.append(time.perf_counter() - start)
        if found is not None and pattern_intents[found[2]] == expected[index][0] \
                and abs(found[1] - expected[index][1]) < 1e-3:
            agree += 1
    times.sort()
    return {"seconds_per_question": times[len(times) // 2], "checked": len(items),
            "agree": agree / max(1, len(items))}


def tfidf_scored(train: Sequence[tuple[str, str]], items: Sequence[tuple[str, str]], *,
                 analyzer: str, ngram_range: tuple[int, int], centroid: bool, chunk: int = 512) -> Scored:
    """TF-IDF (fit on train) cosine: nearest training query, or nearest intent centroid."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, sublinear_tf=True,
                                 lowercase=True)
    train_matrix = vectorizer.fit_transform([q for q, _ in train])
    train_labels = [l for _, l in train]
    if centroid:
        names = sorted(set(train_labels))
        rows = {name: [] for name in names}
        for index, label in enumerate(train_labels):
            rows[label].append(index)
        centres = np.vstack([np.asarray(train_matrix[rows[n]].mean(axis=0)) for n in names])
        reference = normalize(centres)
        reference_labels = names
    else:
        reference = train_matrix
        reference_labels = train_labels
    queries = vectorizer.transform([q for q, _ in items])
    predicted, scores = [], []
    for start in range(0, queries.shape[0], chunk):
        sims = queries[start : start + chunk] @ reference.T
        sims = sims.toarray() if hasattr(sims, "toarray") else np.asarray(sims)
        best = np.argmax(sims, axis=1)
        for row, column in enumerate(best):
            predicted.append(reference_labels[int(column)])
            scores.append(float(sims[row, column]))
    return Scored([l for _, l in items], predicted, scores, [(p,) for p in predicted],
                  [q for q, _ in items])


# --- the protocol ---------------------------------------------------------------------------

WRATIO_EVERY = 3
SWEEP_POINTS = [round(0.01 * i, 2) for i in range(101)]


def protocol(val: Scored, test: Scored | None, scale: float = 1.0) -> dict[str, Any]:
    """Threshold from val; val and test metrics at it; a val sweep (thresholds in 0..1 x scale)."""
    threshold, val_accuracy = best_threshold(val)
    result: dict[str, Any] = {
        "threshold": threshold,
        "scale": scale,
        "val": {**metrics_at(val, threshold), "top1": top1(val)},
        "sweep": [{**row, "threshold": row["threshold"] / scale}
                  for row in sweep(val, [t * scale for t in SWEEP_POINTS])],
    }
    result["val"]["accuracy"] = val_accuracy
    if test is not None:
        result["test"] = {**metrics_at(test, threshold), "top1": top1(test)}
    return result


def ordinal(n: int) -> str:
    """3 -> "3rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def subsample(items: Sequence[tuple[str, str]], every: int) -> list[tuple[str, str]]:
    return list(items[::every]) if every > 1 else list(items)


def engine_diagnostics(val: Scored, threshold: float) -> dict[str, Any]:
    """Where the engine loses accuracy on val (never test): confusions, rejections, scores."""
    in_scope = [i for i, l in enumerate(val.labels) if l != OOS]
    oos = [i for i, l in enumerate(val.labels) if l == OOS]
    wrong = [i for i in in_scope if val.predicted[i] != val.labels[i]]
    rejected_right = [i for i in in_scope if val.predicted[i] == val.labels[i] and val.scores[i] < threshold]
    wrong_above = [i for i in wrong if val.scores[i] >= threshold]
    oos_accepted = [i for i in oos if val.scores[i] >= threshold]
    pairs = Counter((val.labels[i], val.predicted[i]) for i in wrong)
    by_intent = Counter(val.labels[i] for i in wrong)
    in_top5 = sum(val.labels[i] in val.top[i][:5] for i in wrong)
    oos_by_intent = Counter(val.predicted[i] for i in oos_accepted)

    def quartiles(values: list[float]) -> list[float]:
        from .common import percentile

        return [round(percentile(values, q), 3) for q in (25, 50, 75)]

    return {
        "in_scope": len(in_scope),
        "oos": len(oos),
        "wrong_top1": len(wrong),
        "wrong_top1_in_top5": in_top5,
        "wrong_above_threshold": len(wrong_above),
        "right_but_rejected": len(rejected_right),
        "oos_accepted": len(oos_accepted),
        "score_quartiles": {
            "in-scope, right top intent": quartiles([val.scores[i] for i in in_scope if i not in set(wrong)]),
            "in-scope, wrong top intent": quartiles([val.scores[i] for i in wrong]),
            "out-of-scope": quartiles([val.scores[i] for i in oos]),
        },
        "confused_pairs": [(a, b, n) for (a, b), n in pairs.most_common(12)],
        "weakest_intents": by_intent.most_common(10),
        "oos_attractors": oos_by_intent.most_common(8),
        "examples": [(val.queries[i], val.labels[i], val.predicted[i], round(val.scores[i], 3))
                     for i in wrong_above[:12]],
    }


def run_clinc(data_dir: str | Path | None = None, *, quick: bool = False, tuning: Any = None,
              baselines: bool = True, log: Callable[[str], None] = print) -> dict[str, Any]:
    """The CLINC150 part: engine and baselines under the oos-threshold protocol.

    Returns ``{"skipped": reason}`` when the data is absent.
    """
    folder = clinc_dir(data_dir)
    problem = clinc_missing(folder)
    if problem:
        return {"skipped": problem}
    from bot import Bot

    data = load_clinc(folder)
    every = 5 if quick else 1
    val_items = subsample(data["val"] + data["oos_val"], every)
    test_items = subsample(data["test"] + data["oos_test"], every)
    intents = intents_from(data["train"])
    patterns = [q for queries in intents.values() for q in queries]
    pattern_intents = [i for i, queries in intents.items() for _ in queries]
    result: dict[str, Any] = {
        "data": str(folder),
        "intents": len(intents),
        "patterns": len(patterns),
        "val_questions": len(val_items),
        "test_questions": len(test_items),
        "subsampled": every,
        "methods": {},
        "notes": [],
        "paper": PAPER_TABLE_2,
    }
    if quick:
        result["notes"].append(f"--quick: every {ordinal(every)} val and test question only, for every method.")

    tmp = Path(tempfile.mkdtemp(prefix="clinc150_"))
    try:
        write_intents(tmp, intents)
        start = time.perf_counter()
        bot = Bot.load(tmp, threshold=0.0, tuning=tuning)
        load_seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"  engine: loaded {len(patterns):,} patterns in {load_seconds:.1f} s; scoring val and test")
    val, val_speed = engine_scored(bot, val_items)
    test, test_speed = engine_scored(bot, test_items)
    log(f"    {1000 * (val_speed + test_speed) / 2:.2f} ms a question")
    engine = protocol(val, test)
    engine.update(seconds_per_question=(val_speed + test_speed) / 2, load_seconds=load_seconds,
                  kind="engine", val_top5=topk(val), test_top5=topk(test))
    engine["diagnostics"] = engine_diagnostics(val, engine["threshold"])
    result["methods"]["engine (Bot.rank)"] = engine
    del bot

    if not baselines:
        return result
    from rapidfuzz import fuzz

    # WRatio costs ~15-50 ms a question against 15,000 patterns on 2 cores (no SIMD path), so
    # it runs on every WRATIO_EVERY-th question (intents stay balanced: the splits are ordered
    # by intent, out-of-scope last). token_sort_ratio is cheap enough for the full splits.
    for name, scorer, sub in (("rapidfuzz extractOne WRatio", fuzz.WRatio, WRATIO_EVERY),
                              ("rapidfuzz extractOne token_sort_ratio", fuzz.token_sort_ratio, 1)):
        bval_items, btest_items = subsample(val_items, sub), subsample(test_items, sub)
        log(f"  {name}: {len(bval_items):,} val and {len(btest_items):,} test questions "
            "(batched with process.cdist)")
        start = time.perf_counter()
        bval = rapidfuzz_scored(bval_items, patterns, pattern_intents, scorer)
        btest = rapidfuzz_scored(btest_items, patterns, pattern_intents, scorer)
        batch_seconds = time.perf_counter() - start
        method = protocol(bval, btest, scale=100.0)
        if sub > 1:
            method["subsampled"] = sub
            result["notes"].append(
                f"{name}: every {ordinal(sub)} question of val and test ({len(bval_items):,} and "
                f"{len(btest_items):,}{' of the --quick subsample' if quick else ''}), to keep the "
                "run within ten minutes; the other methods use every question.")
        step = max(1, len(btest_items) // (20 if quick else 40))
        picked = range(0, len(btest_items), step)
        check = extract_one_check([btest_items[i] for i in picked], patterns, pattern_intents, scorer,
                                  [(btest.predicted[i], btest.scores[i]) for i in picked])
        method.update(kind="baseline", seconds_per_question=check["seconds_per_question"],
                      extract_one_check=check, batch_seconds=batch_seconds)
        log(f"    {batch_seconds:.0f} s batched; literal extractOne {1000 * check['seconds_per_question']:.1f} ms "
            f"a question, agrees on {check['agree']:.0%} of {check['checked']}")
        result["methods"][name] = method

    try:
        import sklearn  # noqa: F401
    except ImportError:
        result["notes"].append("scikit-learn is not installed: TF-IDF baselines skipped "
                               "(pip install -e '.[bench]').")
        return result
    for name, kwargs in (
        ("TF-IDF char 2-5 nearest neighbour", dict(analyzer="char_wb", ngram_range=(2, 5), centroid=False)),
        ("TF-IDF char 2-5 nearest centroid", dict(analyzer="char_wb", ngram_range=(2, 5), centroid=True)),
        ("TF-IDF word 1-2 nearest centroid", dict(analyzer="word", ngram_range=(1, 2), centroid=True)),
    ):
        log(f"  {name}")
        start = time.perf_counter()
        tval = tfidf_scored(data["train"], val_items, **kwargs)
        ttest = tfidf_scored(data["train"], test_items, **kwargs)
        elapsed = time.perf_counter() - start
        method = protocol(tval, ttest)
        method.update(kind="baseline", seconds_per_question=elapsed / (len(val_items) + len(test_items)),
                      batched=True)
        log(f"    {elapsed:.0f} s")
        result["methods"][name] = method
    return result


# --- for tuning: validation only ----------------------------------------------------------

_CACHE: dict[str, Any] = {}


def _cached_folder(data_dir: str | Path | None) -> tuple[Path, dict[str, list[tuple[str, str]]]]:
    key = str(clinc_dir(data_dir))
    if _CACHE.get("key") != key:
        data = load_clinc(data_dir)
        folder = Path(tempfile.mkdtemp(prefix="clinc150_tune_"))
        atexit.register(shutil.rmtree, folder, True)
        write_intents(folder, intents_from(data["train"]))
        _CACHE.update(key=key, data=data, folder=folder)
    return _CACHE["folder"], _CACHE["data"]


def evaluate_split(tuning: Any = None, split: str = "val", *, data_dir: str | Path | None = None
                   ) -> dict[str, Any]:
    """Build the CLINC150 bot once with ``tuning`` and score a split under the paper's protocol.

    ``split="val"`` (the default, and the only one to tune on): the threshold is chosen on val
    and the numbers are val's. ``split="test"`` is for the final report: the threshold is still
    chosen on val, then applied to test. Returns ``accuracy`` (151 classes at the threshold),
    ``in_scope_accuracy``, ``oos_recall``, ``threshold``, ``top1`` (in-scope, no threshold),
    ``top5`` and ``seconds`` (build + scoring).
    """
    if split not in ("val", "test"):
        raise ValueError(f"split must be 'val' or 'test', not {split!r}")
    from bot import Bot, Tuning

    start = time.perf_counter()
    folder, data = _cached_folder(data_dir)
    bot = Bot.load(folder, threshold=0.0, tuning=tuning or Tuning())
    val, _ = engine_scored(bot, data["val"] + data["oos_val"])
    threshold, val_accuracy = best_threshold(val)
    if split == "val":
        scored, metrics = val, metrics_at(val, threshold)
        metrics["accuracy"] = val_accuracy
    else:
        scored, _ = engine_scored(bot, data["test"] + data["oos_test"])
        metrics = metrics_at(scored, threshold)
    return {
        "split": split,
        "threshold": threshold,
        "accuracy": metrics["accuracy"],
        "in_scope_accuracy": metrics["in_scope_accuracy"],
        "oos_recall": metrics["oos_recall"],
        "top1": top1(scored),
        "top5": topk(scored),
        "seconds": time.perf_counter() - start,
    }
