"""`run_bot.py check`: the linter curators run after editing intents.

Each test writes a small knowledge base into tmp_path, makes the kind of edit a curator
might make, and reads the findings as `path:line: error|warning: message`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from bot.cli import main

TODAY = dt.date.today().isoformat()

TIMING = """\
  - id: recurrence_timing
    question: When does cancer usually come back?
    patterns:
      - when does cancer usually come back
      - how many years later can cancer return
      - can it come back years later
      - when is a relapse most likely
      - how long until i am safe from it returning
    answer: |
      Most cancers that come back do so in the first few years after treatment.
      Some come back later. Ask your care team what is usual for your cancer.
    sources:
      - url: https://www.cancer.gov/types/recurrent-cancer
        title: Recurrent Cancer (National Cancer Institute)
    reviewed: {reviewed}
"""

CHANCES = """\
  - id: recurrence_chances
    question: How likely is it that my cancer will come back?
    patterns:
      - how likely is it that my cancer will come back
      - what are my chances of recurrence
      - what is the risk of my tumour growing again
      - what are the odds of a relapse for me
      - is it probable the disease returns
    answer: |
      It depends on the type of cancer, its stage and the treatment you had.
      Your care team knows your case and can tell you more.
    sources:
      - url: https://www.cancer.org/cancer/survivorship/long-term-health-concerns/recurrence.html
        title: Understanding Recurrence (American Cancer Society)
    reviewed: {reviewed}
"""

RED_FLAGS = """\
intents:
  - id: emergency
    type: red_flag
    question: (emergency)
    patterns:
      - "can not breathe|breath"
      - "cough|coughing up blood"
    answer: This could be serious. Call 911 now.
"""


def knowledge_base(tmp_path: Path, *intents: str, red_flags: bool = True, reviewed: str = TODAY) -> Path:
    """An intents folder with the given intents in faq.yml (and the red flags in safety.yml)."""
    folder = tmp_path / "intents"
    folder.mkdir()
    text = "topic: Understanding recurrence\nintents:\n" + "".join(i.format(reviewed=reviewed) for i in intents)
    (folder / "faq.yml").write_text(text, encoding="utf-8")
    if red_flags:
        (folder / "safety.yml").write_text(RED_FLAGS, encoding="utf-8")
    return folder


def check(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *args], stdout=out, stderr=err)
    assert err.getvalue() == ""
    return code, out.getvalue()


def lines_of(path: Path, text: str) -> list[int]:
    """The lines of a file holding ``text``, so tests do not hard-code line numbers."""
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]


def line_of(path: Path, text: str) -> int:
    return lines_of(path, text)[0]


def findings(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.search(r": (error|warning): ", line)]


def test_a_clean_knowledge_base_passes_even_strictly(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES)

    code, out = check(str(folder), "--strict")

    assert code == 0
    assert out == "ok: 3 intents in 2 files, no problems found\n"


def test_schema_errors_are_reported_with_file_and_line(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES.replace("    answer: |", "    answr: |"))
    faq = folder / "faq.yml"

    code, out = check(str(folder))

    assert code == 1
    assert f"{faq}:{line_of(faq, 'answr:')}: error: intent 'recurrence_chances': unknown field 'answr'" in out
    assert out.splitlines()[-1].startswith("FAILED: ")


def test_the_same_pattern_in_two_intents_is_an_error_naming_both(tmp_path):
    copied = CHANCES.replace("is it probable the disease returns", "when does cancer usually come back")
    folder = knowledge_base(tmp_path, TIMING, copied)
    faq = folder / "faq.yml"
    first, second = lines_of(faq, "when does cancer usually come back")

    code, out = check(str(folder))

    assert code == 1
    assert (f"{faq}:{second}: error: pattern 'when does cancer usually come back' of intent "
            f"'recurrence_chances' is also a pattern of 'recurrence_timing' ({faq}:{first})") in out


def test_duplicates_are_found_after_normalising_case_and_punctuation(tmp_path):
    copied = CHANCES.replace("is it probable the disease returns", "\"When does cancer USUALLY come back?\"")
    folder = knowledge_base(tmp_path, TIMING, copied)

    code, out = check(str(folder))

    assert code == 1
    assert "pattern 'When does cancer USUALLY come back?' of intent 'recurrence_chances' is also a " \
           "pattern of 'recurrence_timing'" in out


def test_a_pattern_repeated_within_one_intent_is_a_warning_that_fails_only_strict(tmp_path):
    repeated = TIMING.replace("can it come back years later", "when is a relapse most likely")
    folder = knowledge_base(tmp_path, repeated, CHANCES)
    faq = folder / "faq.yml"
    lines = lines_of(faq, "when is a relapse most likely")

    code, out = check(str(folder))
    strict_code, strict_out = check(str(folder), "--strict")

    assert code == 0
    assert (f"{faq}:{lines[1]}: warning: intent 'recurrence_timing': pattern 'when is a relapse most likely' "
            f"repeats line {lines[0]}") in out
    assert out.splitlines()[-1] == "ok: 0 errors, 1 warning (3 intents in 2 files)"
    assert strict_code == 1
    assert strict_out.splitlines()[-1] == ("FAILED: 0 errors, 1 warning (3 intents in 2 files); "
                                           "--strict makes warnings fail")


def test_confusable_intents_are_reported_with_both_names_and_the_pattern(tmp_path):
    # "comes back" and "come back" read alike to the engine, so this pattern of
    # recurrence_chances is really recurrence_timing's question.
    confusable = CHANCES.replace("is it probable the disease returns", "when does cancer usually comes back")
    folder = knowledge_base(tmp_path, TIMING, confusable)
    faq = folder / "faq.yml"

    code, out = check(str(folder))

    where = f"{faq}:{line_of(faq, 'when does cancer usually comes back')}"
    assert code == 0
    assert any(line.startswith(f"{where}: warning: intents 'recurrence_chances' and 'recurrence_timing' compete: "
                               "pattern 'when does cancer usually comes back'") for line in findings(out))
    # The other side of the pair is flagged too: its pattern no longer leads clearly.
    assert f"{faq}:{line_of(faq, 'when does cancer usually come back')}: warning: intents " \
           "'recurrence_timing' and 'recurrence_chances' compete" in out


def test_a_pattern_is_checked_as_the_engine_reads_a_question(tmp_path):
    # Of two joined questions the engine answers the first, so this pattern of
    # recurrence_chances is really recurrence_timing's question, whatever its second half says.
    two = CHANCES.replace("is it probable the disease returns",
                          "when does cancer usually come back, and what are my chances of recurrence and the odds")
    folder = knowledge_base(tmp_path, TIMING, two)
    faq = folder / "faq.yml"

    code, out = check(str(folder))

    where = f"{faq}:{line_of(faq, 'when does cancer usually come back, and')}"
    assert any(line.startswith(f"{where}: warning: intents 'recurrence_chances' and 'recurrence_timing' compete")
               for line in findings(out))


def test_a_pattern_that_sets_off_a_red_flag_is_reported(tmp_path):
    alarming = TIMING.replace("can it come back years later", "can coughing up blood mean it came back")
    folder = knowledge_base(tmp_path, alarming, CHANCES)
    faq = folder / "faq.yml"

    code, out = check(str(folder))

    assert code == 0
    assert (f"{faq}:{line_of(faq, 'coughing up blood')}: warning: pattern 'can coughing up blood mean it "
            "came back' of intent 'recurrence_timing' sets off the red-flag rule 'cough|coughing up blood'") in out


def test_a_pattern_that_sets_off_another_intents_trigger_is_reported(tmp_path):
    ruled = CHANCES.replace("    patterns:\n", "    triggers:\n      - how long have i got\n    patterns:\n", 1)
    timing = TIMING.replace("how long until i am safe from it returning", "how long have i got before it returns")
    folder = knowledge_base(tmp_path, timing, ruled)
    faq = folder / "faq.yml"

    code, out = check(str(folder))

    assert code == 0
    assert (f"{faq}:{line_of(faq, 'how long have i got before')}: warning: pattern 'how long have i got before "
            "it returns' of intent 'recurrence_timing' sets off the trigger 'how long have i got' of "
            f"'recurrence_chances' ({faq}:{line_of(faq, 'triggers:') + 1}), so it always gets the "
            "'recurrence_chances' answer") in out


def test_an_intent_with_fewer_than_five_patterns_is_a_warning(tmp_path):
    thin = TIMING.replace("      - when is a relapse most likely\n", "").replace(
        "      - how long until i am safe from it returning\n", "")
    folder = knowledge_base(tmp_path, thin, CHANCES)
    faq = folder / "faq.yml"

    code, out = check(str(folder))

    assert code == 0
    assert (f"{faq}:{line_of(faq, 'id: recurrence_timing')}: warning: intent 'recurrence_timing' has "
            "3 patterns; add at least 5") in out


def test_a_knowledge_base_without_red_flags_is_warned(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES, red_flags=False)

    code, out = check(str(folder))

    assert code == 0
    assert f"{folder}: warning: no red_flag intent" in out


def test_policy_on_requires_sources_and_a_review_date(tmp_path):
    unsourced = re.sub(r"    sources:\n(      .*\n)+    reviewed: \{reviewed\}\n", "", CHANCES)
    folder = knowledge_base(tmp_path, TIMING, unsourced)
    faq = folder / "faq.yml"
    where = f"{faq}:{line_of(faq, 'id: recurrence_chances')}"

    code, out = check(str(folder), "--policy", "on")

    assert code == 1
    assert f"{where}: error: intent 'recurrence_chances' has no `sources:`" in out
    assert f"{where}: error: intent 'recurrence_chances' has no `reviewed:` date" in out


def test_policy_on_asks_for_ten_ways_of_asking_each_content_intent(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES)
    faq = folder / "faq.yml"

    code, out = check(str(folder), "--policy", "on")

    assert code == 0
    assert (f"{faq}:{line_of(faq, 'id: recurrence_timing')}: warning: intent 'recurrence_timing' has 5 patterns; "
            "shipped answers need at least 10 ways people ask it") in out
    # Off, five are enough: the fixture's intents pass the general rule.
    assert "patterns;" not in check(str(folder))[1]


def test_policy_on_warns_about_answers_shorter_than_forty_words(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES)
    faq = folder / "faq.yml"

    code, out = check(str(folder), "--policy", "on")

    assert code == 0
    assert (f"{faq}:{line_of(faq, 'answer: |')}: warning: intent 'recurrence_timing': the answer has 28 words; "
            "shipped answers have 40 to 160") in out


def test_policy_on_warns_about_reviews_older_than_twelve_months(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES, reviewed="2020-03-01")
    faq = folder / "faq.yml"

    code, out = check(str(folder), "--policy", "on")

    assert code == 0
    assert (f"{faq}:{line_of(faq, 'reviewed:')}: warning: intent 'recurrence_timing' was last reviewed on "
            "2020-03-01, more than 12 months ago") in out


def test_policy_on_warns_about_answers_above_reading_grade_eight(tmp_path):
    pytest.importorskip("textstat")
    dense = TIMING.replace(
        "      Most cancers that come back do so in the first few years after treatment.\n"
        "      Some come back later. Ask your care team what is usual for your cancer.\n",
        "      Locoregional and distant recurrences predominantly manifest within the initial "
        "postoperative surveillance interval, although considerable heterogeneity attributable to "
        "histological subtype, pathological staging and adjuvant therapeutic interventions "
        "necessitates individualised prognostication.\n")
    folder = knowledge_base(tmp_path, dense, CHANCES)
    faq = folder / "faq.yml"

    code, out = check(str(folder), "--policy", "on")

    assert code == 0
    assert re.search(rf"{re.escape(str(faq))}:{line_of(faq, 'answer:')}: warning: intent 'recurrence_timing': "
                     r"the answer reads at grade \d+\.\d \(Flesch-Kincaid\); aim for 8 or below", out)
    assert "intent 'recurrence_chances': the answer reads at grade" not in out


def test_the_content_policy_is_off_for_a_curators_own_folder_by_default(tmp_path):
    unsourced = re.sub(r"    sources:\n(      .*\n)+    reviewed: \{reviewed\}\n", "", CHANCES)
    folder = knowledge_base(tmp_path, TIMING, unsourced)

    code, out = check(str(folder))

    assert code == 0
    assert "sources" not in out


@pytest.mark.slow  # asks every one of the shipped base's ~6,000 patterns
def test_the_shipped_knowledge_base_passes_check_strict():
    code, out = check("--strict")

    assert findings(out) == []
    assert code == 0


class Terminal(io.StringIO):
    """stderr as a person waiting at a terminal has it."""

    def isatty(self) -> bool:
        return True


def test_on_a_terminal_check_tells_each_stage_as_it_starts(tmp_path):
    folder = knowledge_base(tmp_path, TIMING, CHANCES)
    out, err = io.StringIO(), Terminal()

    code = main(["check", str(folder), "--policy", "on"], stdout=out, stderr=err)

    assert code == 0
    assert err.getvalue().splitlines() == [
        f"run_bot.py: reading the files in {folder}...",
        "run_bot.py: building the matching index...",
        "run_bot.py: checking 10 patterns for confusable intents (the longest stage)...",
        "run_bot.py: checking sources, review dates and reading grades...",
    ]
    assert "reading the files" not in out.getvalue()  # the findings stay clean for a pipe


def test_piped_check_writes_only_its_findings(tmp_path, capsys):
    folder = knowledge_base(tmp_path, TIMING, CHANCES)

    code = main(["check", str(folder)])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    assert captured.out == "ok: 3 intents in 2 files, no problems found\n"
