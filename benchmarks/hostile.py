"""How long hostile input takes (issue 7): 1 MB pastes and junk must answer well under 0.5 s.

Each case is asked of the shipped bot several times; the median is reported. The bot cuts
questions to 2,000 characters and looks for red flags in the first 20,000, so no input can make
it slow; this part shows it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import median

TARGET_SECONDS = 0.5


def cases(seed: int = 7) -> dict[str, str]:
    """Named hostile inputs, each about 1 MB unless the name says otherwise."""
    rng = random.Random(seed)
    megabyte = 1_000_000
    letters = "abcdefghijklmnopqrstuvwxyz     "
    return {
        "1 MB of one question repeated": ("why did my lung cancer come back " * 40_000)[:megabyte],
        "1 MB of a single letter": "a" * megabyte,
        "1 MB of random letters and spaces": "".join(rng.choice(letters) for _ in range(megabyte)),
        "1 MB of random Unicode (no surrogates)": "".join(
            chr(rng.choice((rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x2FFFF))))
            for _ in range(megabyte)),
        "1 MB of control and escape characters": ("\x1b[31m\x00\x07\u202e" * 200_000)[:megabyte],
        "20,000-character letter, red flag at the end": "Dear doctor, here is my history. " * 600
        + "Today I am coughing up blood.",
    }


def run_hostile(*, repeats: int = 5, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Median seconds per case for Bot.ask on the shipped knowledge base."""
    from bot import Bot

    bot = Bot.load()
    results: dict[str, Any] = {"repeats": repeats, "target_seconds": TARGET_SECONDS, "cases": []}
    for name, text in cases().items():
        times = []
        kind = ""
        for _ in range(repeats):
            start = time.perf_counter()
            kind = bot.ask(text).kind
            times.append(time.perf_counter() - start)
        results["cases"].append({"name": name, "chars": len(text), "median": median(times),
                                 "max": max(times), "kind": kind})
        log(f"  {name}: {1000 * median(times):.1f} ms ({kind})")
    results["slowest_median"] = max(c["median"] for c in results["cases"])
    return results
