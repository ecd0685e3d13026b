"""Shared fixtures: the shipped bot (built once), and small knowledge bases in tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import Bot

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture
def small_kb(write_kb: Callable[..., Path]) -> Path:
    return write_kb(garden=SMALL_KB)
