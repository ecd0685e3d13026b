"""`run_bot.py eval FILE`: how well a knowledge base answers a curator's labelled questions.

Each test builds a small knowledge base and a labelled file in tmp_path and runs the command
as a curator would, through ``bot.cli.main``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main


# Four in-scope questions the bot gets right, one whose label disagrees with the bot (a
# confident wrong answer as far as the file is concerned), and two off-topic questions.
LABELLED = """\
# question\texpected intent
why did my lung cancer come back after surgery\tlung_recurrence
how is recurrent breast cancer treated now\tbreast_treatment
treatment options for lung cancer that came back\tlung_treatment
i can't breathe\temergency
why did my lung cancer come back\tlung_treatment
what is the weather tomorrow\t-
best pizza in town\t
"""


@pytest.fixture
def knowledge(recurrence_kb: Path) -> Path:
    return recurrence_kb


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "questions.tsv"
    path.write_text(LABELLED, encoding="utf-8")
    return path


def run(knowledge: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--intents", str(knowledge), "eval", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_report_gives_accuracy_confident_wrong_and_off_topic_rejection(knowledge, labelled):
    code, out, _ = run(knowledge, str(labelled))

    assert code == 0
    assert "7 questions (5 in scope, 2 off-topic)" in out
    assert "accuracy" in out and "80.0%" in out
    assert "confidently wrong" in out and "(1 answered with a wrong intent)" in out
    assert "off-topic rejected   100.0%" in out


def test_report_lists_intents_with_low_recall_and_the_confused_pair(knowledge, labelled):
    code, out, _ = run(knowledge, str(labelled))

    assert code == 0
    assert "per-intent recall below 100%" in out
    recall = out.split("per-intent recall below 100%")[1]
    assert "lung_treatment" in recall and "1/2" in recall
    assert "lung_treatment -> lung_recurrence  x1" in out


def test_failures_name_the_file_and_line_of_each_wrong_question(knowledge, labelled):
    code, out, _ = run(knowledge, str(labelled), "--failures")

    assert code == 0
    assert f"{labelled}:6: 'why did my lung cancer come back': expected lung_treatment" in out


def test_json_report_is_machine_readable(knowledge, labelled):
    code, out, _ = run(knowledge, str(labelled), "--json")

    report = json.loads(out)
    assert code == 0
    assert report["questions"] == 7
    assert report["accuracy"] == 0.8
    assert report["confidently_wrong"] == 1
    assert report["off_topic_rejection"] == 1.0
    assert report["recall_by_intent"]["lung_treatment"] == {"correct": 1, "total": 2}
    assert report["confused_pairs"] == [{"expected": "lung_treatment", "answered": "lung_recurrence",
                                         "count": 1}]


def test_min_accuracy_fails_the_run_for_ci_when_accuracy_is_lower(knowledge, labelled):
    code, out, _ = run(knowledge, str(labelled), "--min-accuracy", "0.95")

    assert code == 1
    assert "FAILED: accuracy 80.0% is below --min-accuracy 95.0%" in out


def test_min_accuracy_passes_when_accuracy_is_high_enough(knowledge, labelled):
    code, _, _ = run(knowledge, str(labelled), "--min-accuracy", "0.8")

    assert code == 0


def sweep_table(out: str) -> list[str]:
    return out.split("threshold  accuracy  confidently-wrong  off-topic-rejected\n")[1].splitlines()


def test_sweep_prints_accuracy_and_rejection_for_each_threshold(knowledge, labelled):
    code, out, _ = run(knowledge, str(labelled), "--sweep")

    table = sweep_table(out)
    assert code == 0
    grid = [f"{0.05 * i:.2f}" for i in range(21)]
    assert [row.split()[0] for row in table] == sorted([*grid, "0.32"])  # and the threshold in use
    # Answering everything (threshold 0) gives up off-topic rejection.
    assert table[0].split()[3] == "0.0%"
    assert table[-1].split()[3] == "100.0%"


def test_sweep_marks_the_threshold_in_use(knowledge, labelled):
    _, default, _ = run(knowledge, str(labelled), "--sweep")
    _, chosen, _ = run(knowledge, str(labelled), "--sweep", "--threshold", "0.5")

    assert [row.split()[0] for row in sweep_table(default) if row.endswith("<- current")] == ["0.32"]
    assert [row.split()[0] for row in sweep_table(chosen) if row.endswith("<- current")] == ["0.50"]


def test_sweep_is_included_in_the_json_report(knowledge, labelled):
    _, out, _ = run(knowledge, str(labelled), "--json", "--sweep")

    sweep = json.loads(out)["sweep"]
    assert len(sweep) == 22
    assert set(sweep[0]) == {"threshold", "accuracy", "confidently_wrong_rate", "off_topic_rejection", "current"}
    assert [row["threshold"] for row in sweep if row["current"]] == [0.32]


def test_threshold_override_changes_what_is_answered(knowledge, labelled):
    _, strict_out, _ = run(knowledge, str(labelled), "--json", "--threshold", "1.0")

    strict = json.loads(strict_out)
    assert strict["threshold"] == 1.0
    # Only exact restatements of a pattern (and red flags) are still answered.
    assert strict["accuracy"] < 0.8


def test_labelled_questions_can_be_yaml_with_several_acceptable_ids(knowledge, tmp_path):
    path = tmp_path / "questions.yml"
    path.write_text(
        "questions:\n"
        "  - question: why did my lung cancer come back after surgery\n"
        "    expect: [lung_recurrence, lung_treatment]\n"
        "  - question: what is the weather tomorrow\n"
        "    expect: '-'\n",
        encoding="utf-8",
    )

    code, out, _ = run(knowledge, str(path), "--json")

    report = json.loads(out)
    assert code == 0
    assert (report["in_scope"], report["off_topic"], report["accuracy"]) == (1, 1, 1.0)


def test_a_line_without_a_tab_is_reported_with_its_file_and_line(knowledge, tmp_path):
    path = tmp_path / "questions.tsv"
    path.write_text("why did my lung cancer come back after surgery\tlung_recurrence\n"
                    "what are the options when it returns    lung_treatment\n", encoding="utf-8")

    code, out, err = run(knowledge, str(path))

    assert code == 2
    assert out == ""
    assert f"{path}:2: expected `question<TAB>expected intent`" in err


def test_a_misspelled_label_is_one_line_with_file_line_and_a_suggestion(knowledge, tmp_path):
    path = tmp_path / "questions.tsv"
    path.write_text("why did my lung cancer come back after surgery\tlung_recurrence\n"
                    "# a comment line\n"
                    "how is recurrent breast cancer treated now\tbreast_treatmnt\n", encoding="utf-8")

    code, out, err = run(knowledge, str(path))

    assert code == 2
    assert out == ""
    assert err == (f"run_bot.py: error: {path}:3: unknown intent 'breast_treatmnt' "
                   "(did you mean 'breast_treatment'?)\n")


def test_a_misspelled_id_among_acceptable_ones_is_reported_too(knowledge, tmp_path):
    path = tmp_path / "questions.tsv"
    path.write_text("lung cancer came back after surgery\tlung_recurrence|lung_treatmen\n", encoding="utf-8")

    code, _, err = run(knowledge, str(path))

    assert code == 2
    assert f"{path}:1: unknown intent 'lung_treatmen' (did you mean 'lung_treatment'?)" in err


def test_emergency_and_crisis_are_valid_labels_with_any_knowledge_base(knowledge, tmp_path):
    # This knowledge base has an `emergency` red flag but no `crisis` one.
    path = tmp_path / "questions.tsv"
    path.write_text("i can't breathe\temergency\n"
                    "i want to end my life\tcrisis\n", encoding="utf-8")

    code, out, _ = run(knowledge, str(path), "--json")

    report = json.loads(out)
    assert code == 0
    assert report["recall_by_intent"] == {"emergency": {"correct": 1, "total": 1},
                                          "crisis": {"correct": 0, "total": 1}}


def test_a_question_with_two_acceptable_ids_counts_once_in_recall(knowledge, tmp_path):
    path = tmp_path / "questions.tsv"
    path.write_text("why did my lung cancer come back after surgery\tlung_recurrence\n"
                    "lung cancer came back after surgery\tlung_recurrence|lung_treatment\n"
                    "how is recurrent breast cancer treated now\tbreast_treatment\n", encoding="utf-8")

    code, out, _ = run(knowledge, str(path), "--json")

    recall = json.loads(out)["recall_by_intent"]
    assert code == 0
    assert recall == {"breast_treatment": {"correct": 1, "total": 1},
                      "lung_recurrence": {"correct": 1, "total": 1},
                      "lung_recurrence|lung_treatment": {"correct": 1, "total": 1}}
    assert sum(row["total"] for row in recall.values()) == 3  # one per question


def test_the_floor_in_a_files_header_fails_the_run_when_it_is_not_met(knowledge, tmp_path):
    path = tmp_path / "questions.tsv"
    path.write_text("# floor: correct>=0.9 wrong<=0.1 declined>=0.9\n" + LABELLED, encoding="utf-8")

    code, out, _ = run(knowledge, str(path))

    assert code == 1
    assert "  floor (line 1)  correct>=0.9 wrong<=0.1 declined>=0.9: NOT met" in out
    assert f"FAILED: correct 80.00% is below 90.00% (the floor at {path}:1)" in out
    assert f"FAILED: wrong 20.00% is above 10.00% (the floor at {path}:1)" in out


def test_a_floor_that_is_met_passes_and_shows_in_the_json_report(knowledge, tmp_path):
    path = tmp_path / "questions.tsv"
    path.write_text("# measured on arrival: 80% correct\n# floor: correct>=0.75 wrong<=0.25\n" + LABELLED,
                    encoding="utf-8")

    code, out, _ = run(knowledge, str(path), "--json")

    report = json.loads(out)
    assert code == 0
    assert report["floor"] == {"correct": 0.75, "wrong": 0.25, "declined": None, "line": 2, "met": True}
    assert report["failed"] == []


@pytest.mark.parametrize("floor", ["correct>94%", "correct<=0.94", "accuracy>=0.9", "wrong<=1.5", ""])
def test_a_floor_line_that_cannot_be_read_is_one_line_with_file_and_line(knowledge, tmp_path, floor):
    path = tmp_path / "questions.tsv"
    path.write_text(f"# set 1\n# floor: {floor}\n" + LABELLED, encoding="utf-8")

    code, out, err = run(knowledge, str(path))

    assert code == 2
    assert out == ""
    assert err.startswith(f"run_bot.py: error: {path}:2: ")
    assert "correct>=0.94 wrong<=0.015" in err  # says how to write it
