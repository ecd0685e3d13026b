"""The slowest message we can find (issue 19): an adversarial search over messages of at most
2,000 characters, the most the engine reads, reported beside the median ordinary question.

Candidates come from families meant to be expensive: fresh junk words of every length (each is a
new spelling correction), one-letter typos of the knowledge base's own words (each has close
candidates to rank), trigger-heavy mixes (the words red-flag and other triggers start and
continue with, so that many searches start and run long), numbers (every number-range trigger
is tried at each), other alphabets, many short sentences, and mixtures. The slowest few are then
mutated (a stretch of words replaced by words of another family) for a number of rounds,
keeping whatever is slower.

A message is timed as the best of a few runs of ``Bot.ask``, each with the spelling, stemming
and normalising caches cleared first, so that every word costs what a word never seen before
costs (the worst case). Both the processor time the message costs and the wall-clock time are
recorded; the search and the target use processor time, because on a shared machine a message
that takes tens of milliseconds is interrupted by other jobs and its wall-clock time measures
them as much as the bot (the wall-clock figure is reported beside it). The median of ordinary
questions (the labelled sets, caches warm as in use) is measured in the same process.
"""

from __future__ import annotations

import os
import random
import string
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, median

TARGET_SECONDS = 0.050
LIMIT = 2000
ALPHABETS = {
    "Cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "Greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "Arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "CJK": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "accented Latin": "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœß",
}


def _clear_caches(bot: Any) -> None:
    """Forget every word seen so far: the next message costs what fresh words cost."""
    from bot import normalise, stemmer

    bot.analyzer.speller.correct.cache_clear()
    stemmer.stem.cache_clear()
    normalise._short_words.cache_clear()


def time_message(bot: Any, text: str, runs: int = 3) -> tuple[float, float]:
    """(processor seconds, wall-clock seconds) for ``bot.ask(text)`` with cold caches, each the
    best of ``runs``."""
    cpu = wall = float("inf")
    for _ in range(runs):
        _clear_caches(bot)
        started, started_cpu = time.perf_counter(), time.process_time()
        bot.ask(text)
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return cpu, wall


class Families:
    """Word generators for the candidate families, from the loaded bot's own vocabulary."""

    def __init__(self, bot: Any, rng: random.Random) -> None:
        self.rng = rng
        self.known = sorted(w for w in bot.analyzer.speller._known if len(w) >= 5 and w.isalpha())
        rules = [text for intent in bot.intents
                 for text in (intent.patterns if intent.type == "red_flag" else intent.triggers)]
        self.trigger_words = sorted({w for text in rules for w in text.replace("|", " ").split()
                                     if w not in ("...", "&") and not w.startswith("{")})
        self.first_words = sorted({w for text in rules for w in text.split()[0].split("|")
                                   if not w.startswith("{")})

    def junk(self, length: int) -> Callable[[], str]:
        return lambda: "".join(self.rng.choice(string.ascii_lowercase) for _ in range(length))

    def typo(self) -> str:
        word = self.rng.choice(self.known)
        i = self.rng.randrange(len(word))
        kind = self.rng.randrange(3)
        letter = self.rng.choice(string.ascii_lowercase)
        if kind == 0:
            return word[:i] + letter + word[i + 1:]
        if kind == 1:
            return word[:i] + letter + word[i:]
        return word[:i] + word[i + 1:]

    def trigger(self) -> str:
        return self.rng.choice(self.first_words if self.rng.random() < 0.5 else self.trigger_words)

    def number(self) -> str:
        return self.rng.choice([str(self.rng.randint(30, 120)), f"{self.rng.uniform(35, 42):.1f}"])

    def alphabet(self, letters: str) -> Callable[[], str]:
        return lambda: "".join(self.rng.choice(letters) for _ in range(self.rng.randint(3, 9)))

    def sentence_word(self) -> str:
        return self.junk(self.rng.randint(5, 8))() + self.rng.choice([".", "?", "!", ""])

    def generators(self) -> dict[str, Callable[[], str]]:
        out: dict[str, Callable[[], str]] = {f"junk words of {n} letters": self.junk(n) for n in range(3, 15)}
        out["junk words of 30 letters"] = self.junk(30)
        out["one-letter typos of knowledge-base words"] = self.typo
        out["trigger words"] = self.trigger
        out["numbers"] = self.number
        out.update({f"{name} words": self.alphabet(letters) for name, letters in ALPHABETS.items()})
        out["short sentences of junk"] = self.sentence_word
        return out


def fill(make: Callable[[], str], limit: int = LIMIT) -> str:
    """Words from ``make`` up to ``limit`` characters."""
    words: list[str] = []
    size = -1
    while True:
        word = make()
        if size + 1 + len(word) > limit:
            return " ".join(words)
        words.append(word)
        size += 1 + len(word)


def mutate(text: str, make: Callable[[], str], rng: random.Random) -> str:
    """``text`` with a stretch of its words replaced by words from ``make``, cut to LIMIT."""
    words = text.split(" ")
    start = rng.randrange(len(words))
    stop = min(len(words), start + rng.randint(1, max(1, len(words) // 3)))
    fresh = fill(make, sum(len(w) + 1 for w in words[start:stop]))
    out = " ".join([*words[:start], fresh, *words[stop:]]).strip()
    return out[:LIMIT].rsplit(" ", 1)[0] if len(out) > LIMIT else out


def ordinary_median(bot: Any, limit: int = 2000) -> tuple[float, float]:
    """(processor, wall-clock) median seconds per labelled question, caches warm as in use,
    over ``limit`` of them spread across the sets."""
    from bot.evaluate import read_labelled

    folder = ROOT / "tests" / "data" / "questions"
    questions = [item.question for path in sorted(Path(folder).glob("*.tsv")) for item in read_labelled(path)]
    questions = questions[:: max(1, len(questions) // limit)]
    for question in questions:
        bot.ask(question)
    cpu, wall = [], []
    for question in questions:
        started, started_cpu = time.perf_counter(), time.process_time()
        bot.ask(question)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return median(cpu), median(wall)


def run_worst_case(*, seconds: float = 60.0, seed: int = 19, ordinary: int = 2000,
                   log: Callable[[str], None] = print) -> dict[str, Any]:
    """Search for the slowest message for about ``seconds`` (after the starting messages);
    return the findings. ``ordinary`` is how many labelled questions the median is taken over."""
    from bot import Bot
    from bot.render import escaped

    bot = Bot.load()
    rng = random.Random(seed)
    generators = Families(bot, rng).generators()
    deadline = time.perf_counter() + seconds

    found: list[tuple[float, str, str]] = []  # (processor seconds, family, text)
    per_family: dict[str, float] = {}

    def consider(family: str, text: str) -> float:
        took = time_message(bot, text)[0]
        found.append((took, family, text))
        per_family[family] = max(per_family.get(family, 0.0), took)
        return took

    for name, make in generators.items():
        for _ in range(2):
            consider(name, fill(make))
    makers = list(generators.values())
    for _ in range(6):
        chosen = rng.sample(makers, 3)
        consider("a mixture of three families", fill(lambda: rng.choice(chosen)()))
    found.sort(reverse=True)
    log(f"  {len(found)} seed messages; slowest {1000 * found[0][0]:.1f} ms of processor time ({found[0][1]})")

    rounds = 0
    names = list(generators)
    while time.perf_counter() < deadline:
        _, family, text = found[rng.randrange(min(3, len(found)))]
        other = rng.choice(names)
        label = family if other in family else f"{family} + {other}"
        candidate = mutate(text, generators[other], rng)
        took = time_message(bot, candidate)[0]
        rounds += 1
        if took > found[-1][0]:
            found.append((took, label if len(label) < 160 else family, candidate))
            found.sort(reverse=True)
            del found[20:]
    _, worst_family, worst_text = found[0]
    # The search kept the luckiest of its timings; time the winner again, more carefully.
    worst_cpu, worst_wall = time_message(bot, worst_text, runs=7)
    # As the first message after a start it also pays for what the corrector builds on first
    # use; one run each on a few freshly loaded bots.
    first_cpu, first_wall = min(time_message(Bot.load(), worst_text, runs=1) for _ in range(3))
    ordinary_cpu, ordinary_wall = ordinary_median(bot, ordinary)
    log(f"  after {rounds} mutations: slowest {1000 * worst_cpu:.1f} ms of processor time "
        f"({1000 * worst_wall:.1f} ms wall clock; {worst_family}); ordinary median "
        f"{1000 * ordinary_cpu:.2f} ms ({1000 * ordinary_wall:.2f} ms)")
    return {
        "load_average": _load_average(),
        "cores": os.cpu_count(),
        "target_seconds": TARGET_SECONDS,
        "search_seconds": seconds,
        "mutations": rounds,
        "worst": {"seconds": worst_cpu, "wall_seconds": worst_wall, "family": worst_family,
                  "first_seconds": first_cpu, "first_wall_seconds": first_wall,
                  "chars": len(worst_text), "words": len(worst_text.split()), "kind": bot.ask(worst_text).kind,
                  "start": escaped(worst_text[:100])},
        "per_family": [{"family": name, "seconds": took}
                       for name, took in sorted(per_family.items(), key=lambda item: -item[1])],
        "ordinary_median": ordinary_cpu,
        "ordinary_median_wall": ordinary_wall,
    }


def _load_average() -> float | None:
    """The machine's one-minute load average: how many other jobs wanted the processor."""
    try:
        return round(os.getloadavg()[0], 1)
    except (AttributeError, OSError):
        return None
