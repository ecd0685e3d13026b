"""Keep the built matching index between runs: building it is most of the load time.

The saved index is keyed on everything it is built from: the knowledge base's contents (every
intent's texts and the vocabulary, since any word may change spelling correction), the matcher's
tuning, the source of the bot package, and the Python and rapidfuzz versions. Any change means
a fresh build, so a saved index is never stale. A missing, unreadable or damaged file is rebuilt
and rewritten; a folder that cannot be written is simply not used.

The files hold plain values only (numbers, strings, lists, tuples, dicts, sets) in the
``marshal`` format, which never runs code. They live in ``$XDG_CACHE_HOME/recurrence-faq``
(``~/.cache/recurrence-faq`` by default); set ``RECURRENCE_FAQ_CACHE`` to another folder, or
to ``off`` to build the index every time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
import os
import sys
import tempfile
from functools import cache
from pathlib import Path

import rapidfuzz

from .analysis import Analyzer
from .knowledge import KnowledgeBase
from .matcher import Matcher, Tuning

CACHE_ENV = "RECURRENCE_FAQ_CACHE"
KEEP_FILES = 8
"""Saved indexes kept per folder (one per knowledge base and version in use), newest first."""
_OFF = {"off", "0", "no", "false", "none"}


def cache_folder() -> Path | None:
    """Where saved indexes live, or None when caching is switched off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF or not chosen.strip() else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "recurrence-faq"


def index_key(knowledge: KnowledgeBase, tuning: Tuning) -> str:
    """A fingerprint of everything the matching index is built from."""
    vocabulary = knowledge.vocabulary
    content = {
        "intents": [(i.id, i.type, i.question, i.answer, i.patterns, i.exceptions, i.triggers, i.about, i.asks)
                    for i in knowledge.intents],
        "lexicon": sorted((c.id, c.kind, c.terms, c.broader) for c in knowledge.lexicon.concepts.values()),
        "question_types": [(t.id, t.rules) for t in knowledge.lexicon.question_types],
        "vocabulary": (vocabulary.synonyms, sorted(vocabulary.misspellings.items()), vocabulary.context,
                       sorted(vocabulary.real_words), vocabulary.topic),
        "tuning": {f.name: _describe(getattr(tuning, f.name)) for f in dataclasses.fields(tuning)},
        "code": _code_fingerprint(),
        "python": sys.version,
        "rapidfuzz": rapidfuzz.__version__,
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def cached_matcher(knowledge: KnowledgeBase, analyzer: Analyzer, tuning: Tuning) -> Matcher:
    """The Matcher for this knowledge base: restored from a saved index when one matches,
    otherwise built (and saved for next time)."""
    folder = cache_folder()
    if folder is None:
        return Matcher(knowledge.intents, analyzer, tuning)
    path = folder / f"index-{index_key(knowledge, tuning)[:40]}.marshal"
    state = _read(path)
    if state is not None:
        try:
            return Matcher.from_state(knowledge.intents, analyzer, tuning, state)
        except (ValueError, TypeError, KeyError, IndexError):
            pass  # damaged or foreign: build afresh and overwrite it
    matcher = Matcher(knowledge.intents, analyzer, tuning)
    _write(path, matcher.state())
    return matcher


def _describe(value: object) -> object:
    """A tuning value as text that is the same in every run (a function by its name, not its
    address)."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return value


@cache
def _code_fingerprint() -> str:
    """The bot package's source: a change to how patterns are read must not reuse an index."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode("utf-8"))
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> dict[str, object] | None:
    try:
        state = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return state if isinstance(state, dict) else None


def _write(path: Path, state: dict[str, object]) -> None:
    """Save atomically (another process may be reading), then keep only the newest files."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(marshal.dumps(state))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        saved = sorted(path.parent.glob("index-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in saved[KEEP_FILES:]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass  # a read-only or full disk costs speed, never an answer
