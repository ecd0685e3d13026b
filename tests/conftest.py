"""Shared fixtures: the shipped bot (built once), and small knowledge bases in tmp_path."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import Bot
from bot.index_cache import CACHE_ENV

ROOT = Path(__file__).resolve().parent.parent

# Saved matching indexes go to a folder of this test run, never the user's ~/.cache (child
# processes the tests start inherit it).
os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="recurrence-faq-test-cache-")


@pytest.fixture(scope="session")
def shipped_bot() -> Bot:
    return Bot.load()


@pytest.fixture
def write_kb(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML files into a fresh knowledge-base folder: write_kb(name=text, ...) -> folder."""

    def write(**files: str) -> Path:
        folder = tmp_path / "kb"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / f"{name}.yml").write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return write


SMALL_KB = """\
    topic: Garden
    intents:
      - id: water_tomatoes
        question: How often should I water tomatoes?
        patterns:
          - how often should i water tomatoes
          - how much water do tomato plants need
          - watering tomatoes schedule
        answer: Water deeply twice a week.
        sources:
          - url: https://example.org/tomatoes
            title: Tomatoes
        reviewed: 2026-11-01
      - id: prune_roses
        question: When should I prune roses?
        patterns:
          - when should i prune roses
          - best time to cut back rose bushes
          - pruning roses in winter
        answer: Prune roses in late winter.
      - id: greeting
        question: Hello
        type: conversation
        patterns:
          - hello
          - hi there
        answer: Hello! Ask me about your garden.
      - id: emergency
        question: (garden emergency)
        type: red_flag
        patterns:
          - bee|wasp sting throat|tongue
          - can not breathe|breath
        answer: Call {emergency_number} now.
"""


# A small lung/breast knowledge base for the curator tools' tests (conversation tests, eval).
RECURRENCE_KB = """\
topic: Recurrence
intents:
  - id: lung_recurrence
    question: Why did my lung cancer come back?
    patterns:
      - why did my lung cancer come back
      - lung cancer came back after surgery
      - how can lung cancer return after it was removed
      - my lung tumour is back why
      - lung cancer recurrence after lobectomy
    answer: Small groups of cancer cells can stay in the body after surgery and grow later.
  - id: lung_treatment
    question: How is recurrent lung cancer treated?
    patterns:
      - how is recurrent lung cancer treated
      - treatment for lung cancer that came back
      - what are the options when lung cancer returns
      - can they operate again on lung cancer
      - chemo for lung cancer recurrence
    answer: Treatment depends on where it came back. Options include surgery, radiotherapy and drugs.
  - id: breast_treatment
    question: How is recurrent breast cancer treated?
    patterns:
      - how is recurrent breast cancer treated
      - treatment for breast cancer that came back
      - what are the options when breast cancer returns
      - can they operate again on breast cancer
      - hormone therapy for breast cancer recurrence
    answer: Treatment depends on where it came back. Options include surgery and hormone therapy.
  - id: greeting
    type: conversation
    question: Hello
    patterns: [hello, hi, good morning, hey there, hiya]
    answer: Hello. Ask me about cancer that has come back.
  - id: emergency
    type: red_flag
    question: (emergency)
    patterns:
      - "can not breathe|breath"
      - "cough|coughing up blood"
    answer: This could be serious. Call 911 now.
vocabulary:
  context: [lung, breast]
  synonyms:
    - [recur, come back, came back, coming back, return, relapse]
"""


@pytest.fixture
def recurrence_kb(tmp_path: Path) -> Path:
    folder = tmp_path / "intents"
    folder.mkdir()
    (folder / "recurrence.yml").write_text(RECURRENCE_KB, encoding="utf-8")
    return folder


@pytest.fixture
def small_kb(write_kb: Callable[..., Path]) -> Path:
    return write_kb(garden=SMALL_KB)
