"""The opt-in record of questions the bot could not answer, for the people who curate it.

A patient's questions are health information, so nothing is written unless ``--log-misses FILE``
is given. Each fallback or clarify reply appends one JSON line::

    {"time": "2025-01-31T09:12:03Z", "question": "...", "kind": "fallback",
     "candidates": [{"intent": "what_is_adjuvant", "confidence": 0.41}, ...]}

A new file is created readable by its owner only (mode 0600); lines are appended and flushed
one by one, so a crash loses at most the line being written.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import TracebackType
from typing import TextIO

from .errors import BotError
from .model import Reply
from .render import json_line

MISS_KINDS = frozenset({"fallback", "clarify"})
MAX_CANDIDATES = 3
MAX_LOGGED_CHARS = 2000
"""As much of a question as the engine reads; a 1 MB paste must not become a 1 MB log line."""


def create_private(path: Path) -> None:
    """Create ``path`` with mode 0600 if it does not exist yet; leave an existing file alone.

    Raises BotError with a readable message if the file cannot be created.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise BotError(f"cannot create {path}: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o600)  # an unusual umask (say 0o277) could have taken bits away
    finally:
        os.close(fd)


class MissLog:
    """An open miss log. Use ``MissLog.open(path)`` and close it (or use it as a context manager)."""

    def __init__(self, path: Path, stream: TextIO) -> None:
        self.path = path
        self._stream = stream

    @classmethod
    def open(cls, path: str | Path) -> "MissLog":
        """Open ``path`` for appending, creating it with mode 0600 if it is new.

        Raises BotError if it cannot be opened (a missing folder, no permission).
        """
        path = Path(path)
        create_private(path)
        try:
            stream = open(path, "a", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise BotError(f"cannot write the miss log {path}: {exc.strerror or exc}") from None
        return cls(path, stream)

    def record(self, question: str, reply: Reply, *, now: dt.datetime | None = None) -> bool:
        """Append one line if ``reply`` is a fallback or a clarify; return whether it did."""
        if reply.kind not in MISS_KINDS:
            return False
        moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        entry = {
            "time": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "question": question[:MAX_LOGGED_CHARS],
            "kind": reply.kind,
            "candidates": [{"intent": m.intent, "confidence": round(m.confidence, 4)}
                           for m in reply.matches[:MAX_CANDIDATES]],
        }
        self._stream.write(json_line(entry) + "\n")
        self._stream.flush()
        return True

    def close(self) -> None:
        """Close the file; later records would fail."""
        self._stream.close()

    def __enter__(self) -> "MissLog":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
