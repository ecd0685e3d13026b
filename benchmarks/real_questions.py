"""Real consumer health questions: what the bot does with messages real people wrote.

The sets (all labelled by hand before any bot was run on them; licences in their headers):

- tests/data/real/real_test.yml: 169 questions from MeQSum, MEDIQA 2021 and K-QA, held out until
  its misses were read in the fourth session (docs/evaluation.md);
- ../shared/data/real-questions/dev.yml: 78 questions from the same sources, the development
  set (skipped when absent);
- tests/data/real/non_cancer_pool.yml: 2,067 questions about other health matters, unlabelled
  one by one but off-topic as a group.

For the questions a catalog entry covers (a catalog id, ``personal`` or ``redflag``):
answered right (the reply is that answer, personal_advice for a personal question, an emergency
reply for a red flag), right topic answered or offered as a numbered option, right topic among
the three best candidates. For ``personal`` questions: routed to personal_advice. For
off-topic (``oos``) questions: confidently answered (an answer or an emergency reply).

Baselines in the same run, over the same patterns: rapidfuzz ``extractOne``-style nearest
pattern (WRatio, best pattern per intent) and, with scikit-learn, TF-IDF nearest centroid. They
always answer, so their "answered right" is their top-1 and every off-topic question counts as
answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .common import ROOT

REAL = ROOT / "tests" / "data" / "real"
DEV = ROOT.parent / "shared" / "data" / "real-questions" / "dev.yml"
COVERED_LABELS = ("personal", "redflag")


def read_real(path: Path) -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])


def _expected(label: str) -> set[str]:
    return {"personal_advice"} if label == "personal" else set(label.split("|"))


def _covered(label: str) -> bool:
    return label in COVERED_LABELS or not (label == "oos" or label.startswith("uncovered"))


def measure_engine(bot: Any, questions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    covered = right = offered = top3 = personal = personal_right = oos = oos_answered = 0
    for q in questions:
        label = q["label"]
        reply = bot.ask(q["text"])
        answered = reply.kind in ("answer", "emergency")
        if label == "oos":
            oos += 1
            oos_answered += answered
            continue
        if not _covered(label):
            continue
        covered += 1
        if label == "redflag":
            good = reply.kind == "emergency"
            right += good
            offered += good
            top3 += good
            continue
        ids = _expected(label)
        good = reply.kind == "answer" and reply.intent in ids
        shown = {s.intent for s in reply.suggestions}
        right += good
        offered += good or bool(ids & shown)
        top3 += good or bool(ids & {m.intent for m in reply.matches[:3]})
        if label == "personal":
            personal += 1
            personal_right += good
    return {"covered": covered, "right": right, "offered": offered, "top3": top3, "personal": personal,
            "personal_right": personal_right, "oos": oos, "oos_answered": oos_answered}


def measure_baseline(rank: Callable[[str], list[str]], questions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A method that always answers with its best intent and offers its next two."""
    covered = right = top3 = oos = 0
    for q in questions:
        label = q["label"]
        if label == "oos":
            oos += 1
            continue
        if not _covered(label) or label == "redflag":
            continue
        covered += 1
        ids = _expected(label)
        best = rank(q["text"])[:3]
        right += bool(best) and best[0] in ids
        top3 += bool(ids & set(best))
    return {"covered": covered, "right": right, "offered": top3, "top3": top3, "oos": oos, "oos_answered": oos}


def _rapidfuzz_ranker(bot: Any) -> Callable[[str], list[str]]:
    from rapidfuzz import fuzz, process, utils

    choices = [(p, i.id) for i in bot.intents if i.type in ("content", "conversation") for p in i.patterns]
    texts = [p for p, _ in choices]

    def rank(text: str) -> list[str]:
        found = process.extract(text[:2000], texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=60)
        return list(dict.fromkeys(choices[index][1] for _, _, index in found))

    return rank


def _tfidf_ranker(bot: Any) -> Callable[[str], list[str]] | None:
    try:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        return None
    intents = [i for i in bot.intents if i.type in ("content", "conversation")]
    docs = [p for i in intents for p in i.patterns]
    owners = [n for n, i in enumerate(intents) for _ in i.patterns]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs)
    centroids = np.vstack([np.asarray(matrix[[k for k, o in enumerate(owners) if o == n]].mean(axis=0))
                           for n in range(len(intents))])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-12

    def rank(text: str) -> list[str]:
        scores = centroids @ vectorizer.transform([text[:2000]]).toarray()[0]
        return [intents[n].id for n in np.argsort(-scores)[:3]]

    return rank


def run_real_questions(*, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Every set that is present, the engine beside the baselines."""
    from bot import Bot

    sets = [("real_test (misses read)", REAL / "real_test.yml"), ("dev", DEV)]
    sets = [(name, path) for name, path in sets if path.exists()]
    if not sets:
        return {"skipped": "no real-question sets found"}
    bot = Bot.load()
    rankers: dict[str, Callable[[str], list[str]]] = {"rapidfuzz WRatio nearest pattern": _rapidfuzz_ranker(bot)}
    tfidf = _tfidf_ranker(bot)
    if tfidf is not None:
        rankers["TF-IDF word 1-2 nearest centroid"] = tfidf
    out: dict[str, Any] = {"sets": []}
    for name, path in sets:
        questions = read_real(path)
        start = time.perf_counter()
        row = {"set": name, "file": str(path.relative_to(ROOT.parent)) if path.is_relative_to(ROOT.parent) else str(path),
               "engine": measure_engine(bot, questions)}
        row["seconds"] = time.perf_counter() - start
        row["baselines"] = {label: measure_baseline(rank, questions) for label, rank in rankers.items()}
        out["sets"].append(row)
        log(f"  {name}: {row['engine']}")
    pool_path = REAL / "non_cancer_pool.yml"
    if pool_path.exists():
        pool = read_real(pool_path)
        kinds: dict[str, int] = {}
        for q in pool:
            reply = bot.ask(q["text"])
            kind = "personal" if reply.intent == "personal_advice" else reply.kind
            kinds[kind] = kinds.get(kind, 0) + 1
        out["pool"] = {"questions": len(pool), "kinds": kinds}
        log(f"  non-cancer pool: {kinds}")
    return out
