"""The opt-in record of questions the bot could not answer, for the people who curate it.

A patient's questions are health information, so nothing is written unless ``--log-misses FILE``
is given. Each fallback or clarify reply appends one JSON line::

    {"time": "2025-01-31T09:12:03Z", "question": "...", "kind": "fallback",
     "candidates": [{"intent": "what_is_adjuvant", "confidence": 0.41}, ...]}

The file is opened by ``private_files.open_private``: never through a symbolic link, created
readable by its owner only (mode 0600), refused if it is someone else's. Each line is one
append, so a crash loses at most the line being written. A write that fails (a full disk, a
lost mount) turns logging off with one warning line: the chat goes on answering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .errors import warn
from .model import Reply
from .private_files import PrivateFile, open_private
from .render import json_line

MISS_KINDS = frozenset({"fallback", "clarify"})
MAX_CANDIDATES = 3
MAX_LOGGED_CHARS = 2000
"""As much of a question as the engine reads; a 1 MB paste must not become a 1 MB log line."""


class MissLog:
    """An open miss log. Use ``MissLog.open(path)`` and close it (or use it as a context manager)."""

    def __init__(self, path: Path, file: PrivateFile, *, warning: Callable[[str], None] = warn) -> None:
        self.path = path
        self._file: PrivateFile | None = file
        self._warning = warning

    @classmethod
    def open(cls, path: str | Path, *, warning: Callable[[str], None] = warn) -> "MissLog":
        """Open ``path`` for appending, creating it with mode 0600 if it is new.

        Raises PrivateFileError (a BotError) if it cannot be opened or is not safe to write:
        a missing folder, no permission, a symbolic link, another user's file.
        """
        path = Path(path)
        return cls(path, open_private(path, "the miss log", warning=warning), warning=warning)

    @property
    def active(self) -> bool:
        """Whether records are still written (False once a write has failed, or after close)."""
        return self._file is not None

    def record(self, question: str, reply: Reply, *, now: dt.datetime | None = None) -> bool:
        """Append one line if ``reply`` is a fallback or a clarify; return whether it did."""
        if reply.kind not in MISS_KINDS or self._file is None:
            return False
        moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        entry = {
            "time": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "question": question[:MAX_LOGGED_CHARS],
            "kind": reply.kind,
            "candidates": [{"intent": m.intent, "confidence": round(m.confidence, 4)}
                           for m in reply.matches[:MAX_CANDIDATES]],
        }
        try:
            self._file.append((json_line(entry) + "\n").encode("utf-8"))
        except OSError as exc:
            self.close()
            self._warning(f"could not write the miss log {self.path} ({exc.strerror or exc}); "
                          "unanswered questions are no longer logged in this chat")
            return False
        return True

    def close(self) -> None:
        """Close the file; later records are not written."""
        if self._file is not None:
            file, self._file = self._file, None
            file.close()

    def __enter__(self) -> "MissLog":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
