"""Keep the built matching index between runs: building it is most of the load time.

The saved index is keyed on everything it is built from: the knowledge base's contents (every
intent's texts and the vocabulary, since any word may change spelling correction), the matcher's
tuning, the source of the bot package, and the Python and rapidfuzz versions. Any change means
a fresh build, so a saved index is never stale.

A saved index decides answers, so it is trusted only as far as the user's own files are. It is
used only when the folder and the file belong to the current user, others cannot write them,
neither is a symbolic link, and the file is a regular file under MAX_FILE_BYTES: each is opened
without following links and checked from the open descriptor before a byte is read. Anything
else (a shared or world-writable folder, a link, a pipe, a device) is not used and nothing is
written there: the index is built in memory, with one warning line on stderr.

What is read back is checked before use (``state_problem``: every field's type and shape, the
intents it belongs to); whatever fails, from unmarshalling (MemoryError, SystemError,
ValueError...) to the check, means the index is rebuilt and the file rewritten. A failed write
(a read-only or full disk) only costs speed. Temporary files a killed build left are removed.

The files hold plain values only (numbers, strings, lists, tuples, dicts, sets) in the
``marshal`` format, which never runs code. They live in ``$XDG_CACHE_HOME/recurrence-faq``
(``~/.cache/recurrence-faq`` by default); set ``RECURRENCE_FAQ_CACHE`` to another folder, or
to ``off`` to build the index every time.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import marshal
import math
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import chain
from operator import itemgetter
from pathlib import Path

import rapidfuzz

from .analysis import Analyzer
from .errors import BotError, warn
from .knowledge import KnowledgeBase
from .matcher import Matcher, Tuning
from .model import Intent

CACHE_ENV = "RECURRENCE_FAQ_CACHE"
KEEP_FILES = 8
"""Saved indexes kept per folder (one per knowledge base and version in use), newest first."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest saved index read (the shipped one is about 3 MB; 100,000 patterns about 30 MB)."""
STALE_SECONDS = 600
"""A temporary file older than this was left by a build that was killed: writing one takes
well under a second."""
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
        "lexicon": sorted((c.id, c.kind, c.terms, c.broader, c.endings)
                          for c in knowledge.lexicon.concepts.values()),
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
    """The Matcher for this knowledge base: restored from a saved index when one matches and
    can be trusted, otherwise built (and saved for next time when the folder is safe)."""
    folder = cache_folder()
    if folder is None or not _SUPPORTED:
        return Matcher(knowledge.intents, analyzer, tuning)
    name = f"index-{index_key(knowledge, tuning)[:40]}.marshal"
    try:
        with _SafeFolder.open(folder) as place:
            matcher = _restored(place.read(name), knowledge, analyzer, tuning)
            if matcher is None:
                matcher = Matcher(knowledge.intents, analyzer, tuning)
                place.write(name, matcher.state())
            place.tidy()
            return matcher
    except UntrustedCache as exc:
        warn(f"not using the saved index in {folder}: {exc}; building it in memory (nothing is saved)")
        return Matcher(knowledge.intents, analyzer, tuning)


def _restored(state: object, knowledge: KnowledgeBase, analyzer: Analyzer, tuning: Tuning) -> Matcher | None:
    """A Matcher from a saved state that passes ``state_problem``, or None (then it is rebuilt)."""
    if state is None or state_problem(state, knowledge.intents) is not None:
        return None
    try:
        return Matcher.from_state(knowledge.intents, analyzer, tuning, state)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - anything from a damaged state means: build afresh
        return None


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


def state_problem(state: object, intents: Sequence[Intent]) -> str | None:
    """What is wrong with a saved state for these intents, or None if every field has the type
    and shape ``Matcher.state()`` gives it, so that no answer can raise because of it.

    The values themselves are trusted: only the user can write a folder the index is read from.
    The checks run over whole columns at once (``map`` and ``chain`` in C): the shipped index
    has 150,000 numbers, and checking them one by one in Python would double the load time.

    >>> state_problem({"version": 1}, [])
    'its fields are not those of a saved index'
    """
    if not isinstance(state, dict) or set(state) != _FIELDS:
        return "its fields are not those of a saved index"
    matchable = [i for i in intents if i.type != "red_flag"]
    count = len(matchable)
    try:
        if type(state["version"]) is not int or state["version"] != Matcher.STATE_VERSION:
            return "it is of another version"
        if type(state["intents"]) is not list or state["intents"] != [i.id for i in matchable]:
            return "it belongs to other intents"
        if not _weights([state["max_idf"]]):
            return "max_idf is not a weight"
        idf = state["idf"]
        if type(idf) is not dict or not _all_of(idf, str) or not _weights(list(idf.values())):
            return "idf is not a mapping of terms to weights"
        postings = state["postings"]
        if type(postings) is not dict or not _all_of(postings, str) or not _all_of(postings.values(), tuple):
            return "postings is not a mapping of terms to tuples"
        pairs = list(chain.from_iterable(postings.values()))
        if not (_all_of(pairs, tuple) and set(map(len, pairs)) <= {2}
                and _numbers_below(list(map(_FIRST, pairs)), count) and _weights(list(map(_SECOND, pairs)))):
            return "postings are not (intent, share) pairs"
        index = state["index"]
        if type(index) is not list or len(index) != count:
            return "index does not have one entry per intent"
        for intent, entry in zip(matchable, index):
            problem = _entry_problem(entry, len(intent.patterns))
            if problem is not None:
                return f"the entry of {intent.id!r}: {problem}"
    except (TypeError, ValueError, OverflowError) as exc:  # a value that cannot even be compared
        return f"a value of the wrong kind ({exc})"
    return None


_FIELDS = frozenset({"version", "intents", "max_idf", "idf", "postings", "index"})
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _all_of(values: Iterable[object], kind: type) -> bool:
    return set(map(type, values)) <= {kind}


def _weights(values: list[object]) -> bool:
    """Finite floats, none negative (a negative weight could make a divisor zero). fsum is NaN
    or infinite if any value is."""
    return _all_of(values, float) and (not values or (min(values) >= 0.0  # type: ignore[type-var, operator]
                                                      and math.isfinite(math.fsum(values))))  # type: ignore[arg-type]


def _numbers_below(values: list[object], limit: int) -> bool:
    """Whole numbers (not booleans) in range(limit): usable as list indexes."""
    return _all_of(values, int) and (not values or (min(values) >= 0 and max(values) < limit))  # type: ignore[type-var, operator]


def _entry_problem(entry: object, patterns: int) -> str | None:
    if type(entry) is not tuple or len(entry) != 7:
        return "not seven fields"
    subjects, texts, totals, postings, shortest, declared, on_topic = entry
    if type(declared) is not frozenset or not _all_of(declared, str):
        return "declared features are not a set of features"
    if type(on_topic) is not float or not 0.0 <= on_topic <= 1.0:
        return "the share of patterns on topic is not a number from 0 to 1"
    if type(subjects) is not frozenset or not _all_of(subjects, str):
        return "subjects are not a set of terms"
    if type(texts) is not list or len(texts) != patterns or not _all_of(texts, str):
        return "not one text per pattern"
    if type(totals) is not list or len(totals) != patterns or not _weights(totals):
        return "not one total per pattern"
    if (type(postings) is not dict or not _all_of(postings, str) or not _all_of(postings.values(), list)
            or not _numbers_below(list(chain.from_iterable(postings.values())), patterns)):
        return "postings are not lists of patterns"
    if type(shortest) is not tuple or len(shortest) > 2 or not _numbers_below(list(shortest), patterns):
        return "shortest is not two patterns"
    return None


class UntrustedCache(BotError):
    """The cache folder or the saved file is not one the bot may trust (or cannot be opened)."""


# What the checks need: opening without following links, relative to an open folder, and
# knowing who we are. Without them (Windows) the index is built every time.
_SUPPORTED = (hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY") and hasattr(os, "geteuid")
              and os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_TEMPORARY = re.compile(r"^\.index-.*\.tmp$")
_SAVED = re.compile(r"^index-[0-9a-f]+\.marshal$")


def _owner_only(info: os.stat_result, what: str) -> None:
    """Raise UntrustedCache unless ``info`` is the current user's and others cannot write it."""
    if info.st_uid != os.geteuid():
        raise UntrustedCache(f"the {what} belongs to another user (uid {info.st_uid})")
    if info.st_mode & 0o022:
        raise UntrustedCache(f"the {what} can be written by other users (mode "
                             f"{stat.S_IMODE(info.st_mode):04o})")


class _SafeFolder:
    """The cache folder, opened once and checked; every file in it is reached through the open
    folder, so a folder renamed or replaced after the check is never used."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def open(cls, folder: Path) -> "_SafeFolder":
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK) or folder.is_symlink():
                raise UntrustedCache("the folder is a symbolic link") from None
            raise UntrustedCache(f"cannot open the folder ({exc.strerror or exc})") from None
        try:
            _owner_only(os.fstat(fd), "folder")
        except BaseException:
            os.close(fd)
            raise
        return cls(fd)

    def __enter__(self) -> "_SafeFolder":
        return self

    def __exit__(self, *exc_info: object) -> None:
        os.close(self.fd)

    def read(self, name: str) -> object:
        """The saved state, or None when there is none or it cannot be read back (it is then
        rebuilt and overwritten). Raises UntrustedCache for a file that must not be trusted."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK):
                raise UntrustedCache(f"{name} is a symbolic link") from None
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # a pipe would block, a device never end
                raise UntrustedCache(f"{name} is not a regular file")
            _owner_only(info, f"file {name}")
            if info.st_size > MAX_FILE_BYTES:
                raise UntrustedCache(f"{name} is larger than {MAX_FILE_BYTES // 2**20} MB")
            data = _read_at_most(fd, MAX_FILE_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(data) > MAX_FILE_BYTES:
            raise UntrustedCache(f"{name} is larger than {MAX_FILE_BYTES // 2**20} MB")
        try:
            return marshal.loads(data)
        except Exception:  # noqa: BLE001 - MemoryError, SystemError, ValueError, EOFError...
            return None

    def write(self, name: str, state: dict[str, object]) -> None:
        """Save atomically (another process may be reading). A read-only or full disk costs
        speed, never an answer: failures are ignored."""
        try:
            data = marshal.dumps(state)
        except ValueError:
            return
        if len(data) > MAX_FILE_BYTES:
            return  # it would be refused when read back
        temporary = f".index-{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=self.fd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            self._remove(temporary)

    def tidy(self) -> None:
        """Remove temporary files a killed build left behind, and all but the newest saved
        indexes. Only the user's own regular files are touched."""
        try:
            entries = [(e.name, e.stat(follow_symlinks=False)) for e in os.scandir(self.fd)]
        except OSError:
            return
        now = time.time()
        saved = []
        for name, info in entries:
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                continue
            if _TEMPORARY.match(name) and now - info.st_mtime > STALE_SECONDS:
                self._remove(name)
            elif _SAVED.match(name):
                saved.append((info.st_mtime, name))
        for _, name in sorted(saved, reverse=True)[KEEP_FILES:]:
            self._remove(name)

    def _remove(self, name: str) -> None:
        try:
            os.unlink(name, dir_fd=self.fd)
        except OSError:
            pass


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
