"""The benchmark code works on tiny inputs (no timing assertions, no CLINC150 needed)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import clinc, report, startup, synthetic  # noqa: E402
from benchmarks.common import CLINC_ENV, clinc_dir, percentile  # noqa: E402
from bot import Bot  # noqa: E402

TINY = {
    "book_flight": ["book a flight to paris", "i need a plane ticket to rome", "reserve a flight for me",
                    "get me a flight to tokyo tomorrow"],
    "weather": ["what is the weather like today", "will it rain tomorrow", "is it sunny outside",
                "how cold is it outside"],
    "tell_joke": ["tell me a joke", "make me laugh", "say something funny", "do you know any jokes"],
}


def tiny_clinc(folder: Path) -> Path:
    """A CLINC-shaped data_full.json with the three TINY intents."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "train": [[q, i] for i, qs in TINY.items() for q in qs],
        "val": [["book me a flight to berlin", "book_flight"], ["is it going to rain", "weather"],
                ["tell me something funny", "tell_joke"]],
        "test": [["i want a flight to madrid", "book_flight"], ["what's the weather tomorrow", "weather"],
                 ["know any good jokes", "tell_joke"]],
        "oos_train": [["how do i cook rice", "oos"]],
        "oos_val": [["what is my credit score", "oos"], ["play some music", "oos"]],
        "oos_test": [["how tall is everest", "oos"], ["order a pizza", "oos"]],
    }
    (folder / "data_full.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_yaml_writer_round_trips_three_intents(tmp_path: Path) -> None:
    clinc.write_intents(tmp_path, {**TINY, "yes": ["yes", "no", "on"]}, per_file=2)
    assert len(list(tmp_path.glob("*.yml"))) == 2
    bot = Bot.load(tmp_path, threshold=0.0)
    by_id = {i.id: i for i in bot.intents}
    assert set(by_id) == {*TINY, "yes"}
    assert by_id["book_flight"].question == "Book flight"
    assert list(by_id["weather"].patterns) == TINY["weather"]
    assert list(by_id["yes"].patterns) == ["yes", "no", "on"]  # not read as YAML booleans
    top = bot.rank("tell me a joke", limit=1)[0]
    assert top.intent == "tell_joke" and top.confidence == 1.0


def test_threshold_chooser_on_a_hand_made_example() -> None:
    # in-scope right: 0.9, 0.8, 0.6; in-scope wrong: 0.5; out-of-scope: 0.3, 0.55, 0.2
    scores = [0.9, 0.8, 0.6, 0.5, 0.3, 0.55, 0.2]
    correct = [True, True, True, False, False, False, False]
    is_oos = [False, False, False, False, True, True, True]
    threshold, accuracy = clinc.choose_threshold(scores, correct, is_oos)
    # Best: answer 0.6 and up (3 right) and reject the rest (all 3 oos right; the in-scope
    # question with the wrong intent is wrong whatever the threshold): 6/7.
    assert accuracy == pytest.approx(6 / 7)
    assert 0.55 < threshold <= 0.6
    assert threshold == pytest.approx((0.55 + 0.6) / 2)


def test_threshold_chooser_edges() -> None:
    assert clinc.choose_threshold([], [], []) == (0.0, 0.0)
    # Everything right and in scope: answer all (lowest threshold).
    threshold, accuracy = clinc.choose_threshold([0.4, 0.7], [True, True], [False, False])
    assert accuracy == 1.0 and threshold <= 0.4
    # Everything out of scope: reject all.
    threshold, accuracy = clinc.choose_threshold([0.4, 0.7], [False, False], [True, True])
    assert accuracy == 1.0 and threshold > 0.7


def test_metrics_and_sweep() -> None:
    scored = clinc.Scored(labels=["a", "b", "oos", "oos"], predicted=["a", "a", "a", "b"],
                          scores=[0.9, 0.8, 0.4, 0.7])
    m = clinc.metrics_at(scored, 0.5)
    assert m["in_scope_accuracy"] == 0.5 and m["oos_recall"] == 0.5 and m["accuracy"] == 0.5
    rows = clinc.sweep(scored, [0.0, 1.0])
    assert rows[0]["oos_recall"] == 0.0 and rows[1]["oos_recall"] == 1.0
    assert clinc.top1(scored) == 0.5


def test_batched_rapidfuzz_agrees_with_extract_one() -> None:
    pytest.importorskip("numpy", reason="process.cdist needs numpy (the bench extra)")
    from rapidfuzz import fuzz, process, utils

    patterns = [q for qs in TINY.values() for q in qs]
    owners = [i for i, qs in TINY.items() for _ in qs]
    items = [("book a flight", "book_flight"), ("joke please", "tell_joke"), ("rain today?", "weather")]
    for scorer in (fuzz.WRatio, fuzz.token_sort_ratio):
        batch = clinc.rapidfuzz_scored(items, patterns, owners, scorer)
        for (query, _), predicted, score in zip(items, batch.predicted, batch.scores):
            found = process.extractOne(query, patterns, scorer=scorer, processor=utils.default_process)
            assert owners[found[2]] == predicted and found[1] == pytest.approx(score, abs=1e-3)


def test_clinc_part_skips_cleanly_without_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = clinc.run_clinc(tmp_path / "absent", log=lambda _: None)
    assert set(result) == {"skipped"} and "data_full.json" in result["skipped"]
    monkeypatch.setenv(CLINC_ENV, str(tmp_path / "elsewhere"))
    assert clinc_dir() == tmp_path / "elsewhere"
    assert "skipped" in clinc.run_clinc(log=lambda _: None)
    text = report.render({"clinc": result})
    assert "**Skipped:**" in text and "not measured" in text


@pytest.mark.slow
def test_clinc_protocol_end_to_end_on_tiny_data(tmp_path: Path) -> None:
    pytest.importorskip("numpy", reason="the rapidfuzz baselines use process.cdist, which needs numpy "
                        "(the bench extra)")
    folder = tiny_clinc(tmp_path / "clinc")
    result = clinc.run_clinc(folder, log=lambda _: None)
    engine = result["methods"]["engine (Bot.rank)"]
    assert engine["val"]["top1"] == 1.0
    assert {"in_scope_accuracy", "oos_recall"} <= set(engine["test"])
    assert any("token_sort_ratio" in name for name in result["methods"])
    split = clinc.evaluate_split(split="val", data_dir=folder)
    assert split["top1"] == 1.0 and 0.0 <= split["threshold"] <= 1.0
    assert set(split) >= {"accuracy", "in_scope_accuracy", "oos_recall", "threshold"}
    with pytest.raises(ValueError):
        clinc.evaluate_split(split="train", data_dir=folder)


def test_synthetic_bases_have_the_asked_size_and_distinct_replicas() -> None:
    small = synthetic.synthetic_base(TINY, 6)
    assert sum(len(v) for v in small.values()) == 6 and set(small) == set(TINY)
    big = synthetic.synthetic_base(TINY, 30)
    assert sum(len(v) for v in big.values()) == 30
    assert "weather_r1" in big and big["weather_r1"] != big["weather"]
    rng = random.Random(1)
    for _ in range(50):
        assert synthetic.perturb("a b", rng).strip()


def test_report_writer_writes_tables(tmp_path: Path) -> None:
    results = {
        "command": "python benchmarks/run.py --parts shipped",
        "machine": {"cpu": "test", "cores": "2", "date": "today"},
        "elapsed": 1.0,
        "part_seconds": {"shipped": 1.0},
        "shipped": {"threshold": 0.5, "intents": 3, "load_seconds": 0.01, "files": [{
            "file": "tests/data/questions/x.tsv", "questions": 2, "in_scope": 1, "off_topic": 1,
            "accuracy": 1.0, "confidently_wrong": 0, "confidently_wrong_rate": 0.0, "not_answered_rate": 0.0,
            "off_topic_rejection": 1.0, "red_flags": 0, "red_flags_caught": None, "false_alarms": 0,
            "confused_pairs": []}],
            "total": {"questions": 2, "accuracy": 1.0, "confidently_wrong": 0, "confidently_wrong_rate": 0.0,
                      "off_topic_rejection": 1.0}},
    }
    written = report.write_report(results, tmp_path / "RESULTS.md", plots=False)
    text = written["report"].read_text(encoding="utf-8")
    assert "| file | questions | accuracy |" in text
    assert "python benchmarks/run.py --parts shipped" in text
    assert json.loads(written["json"].read_text(encoding="utf-8"))["shipped"]["intents"] == 3
    assert report.table(["a", "b"], [[1, "x|y"]]).splitlines()[2] == "| 1 | x\\|y |"


def test_percentile() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1, 2], 100) == 2
    assert percentile([10], 99) == 10


def test_prompt_detection_in_terminal_output(tmp_path: Path) -> None:
    repl = tmp_path / "repl.py"
    repl.write_text('session = PromptSession(message=[("class:prompt", "> ")])\n', encoding="utf-8")
    assert startup.prompt_text(repl) == ">"
    repl.write_text('PROMPT = "you: "\n', encoding="utf-8")
    assert startup.prompt_text(repl) == "you:"
    assert startup.prompt_text(tmp_path / "missing.py") is None
    raw = "\x1b[1mHello.\x1b[0m\r\n\x1b[6n\x1b[?2004h\x1b[0m\x1b[J\x1b[0;1m>\x08\x1b[2C"
    assert startup.prompt_shown(raw, ">")
    assert not startup.prompt_shown("\x1b[1mHello > there\x1b[0m", ">")


@pytest.mark.slow  # a whole benchmark part: a 1 MB paste and 20,000-character letters
def test_hostile_part_reports_every_case_and_catches_the_late_red_flag() -> None:
    from benchmarks.hostile import cases, run_hostile

    result = run_hostile(repeats=1, log=lambda _: None)
    assert [c["name"] for c in result["cases"]] == list(cases())
    kinds = {c["name"]: c["kind"] for c in result["cases"]}
    assert kinds["20,000-character letter, red flag at the end"] == "emergency"
    assert set(kinds.values()) <= {"answer", "clarify", "fallback", "emergency"}
