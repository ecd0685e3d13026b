"""Synthetic knowledge bases of any size, built from CLINC150's training queries.

Below 15,000 patterns: all 150 CLINC intents, each with an equal share of its own queries (so a
1k base has 150 intents of 6-7 patterns). At 15,000 and above: the 150 original intents in full,
then replicas ``<intent>_r1``, ``<intent>_r2``, ... whose patterns are the originals with 1-2
word-level perturbations each (swap two neighbouring words, drop a word, duplicate a word, or a
typo in a word), so no replica repeats another verbatim. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence


def typo(word: str, rng: random.Random) -> str:
    """One keyboard-style slip in a word of 4+ letters: swap, drop, double or replace a letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1 :]


def perturb(text: str, rng: random.Random, edits: int | None = None) -> str:
    """The text with 1-2 word-level perturbations (never empty)."""
    words = text.split()
    for _ in range(edits if edits is not None else rng.randint(1, 2)):
        if not words:
            break
        kind = rng.randrange(4)
        i = rng.randrange(len(words))
        if kind == 0 and len(words) > 1:
            j = i + 1 if i + 1 < len(words) else i - 1
            words[i], words[j] = words[j], words[i]
        elif kind == 1 and len(words) > 2:
            del words[i]
        elif kind == 2:
            words.insert(i, words[i])
        else:
            words[i] = typo(words[i], rng)
    return " ".join(words) if words else text


def synthetic_base(intents: Mapping[str, Sequence[str]], size: int, *, seed: int = 13
                   ) -> dict[str, list[str]]:
    """A knowledge base (intent id -> patterns) with exactly ``size`` patterns (see module doc)."""
    names = list(intents)
    total = sum(len(v) for v in intents.values())
    if size <= 0:
        return {}
    if size < total:
        # Round robin over intents so every intent keeps an equal share.
        out: dict[str, list[str]] = {name: [] for name in names}
        position, taken = 0, 0
        while taken < size:
            for name in names:
                if taken == size:
                    break
                if position < len(intents[name]):
                    out[name].append(intents[name][position])
                    taken += 1
            position += 1
        return {k: v for k, v in out.items() if v}
    rng = random.Random(seed)
    out = {name: list(intents[name]) for name in names}
    taken = total
    replica = 0
    while taken < size:
        replica += 1
        for name in names:
            if taken == size:
                break
            patterns = [perturb(p, rng) for p in intents[name]][: size - taken]
            out[f"{name}_r{replica}"] = patterns
            taken += len(patterns)
    return out
