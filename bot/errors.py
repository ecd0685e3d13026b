"""Exceptions raised by the bot, and warnings. The CLI and REPL turn them into one readable line.

Messages often quote a file name, a pattern or something typed, any of which may hold escape
sequences or line breaks: ``str()`` of every error, and every warning, goes through
``render.escaped``, so each stays one harmless line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .render import escaped

WARNING_PREFIX = "recurrence-faq: warning: "


class BotError(Exception):
    """Base class of every error the bot raises on purpose.

    >>> str(BotError("cannot write /tmp/\\x1b[2Jlog"))
    'cannot write /tmp/\\\\u001b[2Jlog'
    """

    def __str__(self) -> str:
        return escaped(super().__str__())


class IntentFileError(BotError):
    """A knowledge-base file is missing, unreadable or breaks the intent format.

    ``str(error)`` reads ``path:line: message`` (or ``path: message`` without a line),
    the form editors and CI logs make clickable.

    >>> str(IntentFileError("bad pattern", path="intents/lung.yml", line=12))
    'intents/lung.yml:12: bad pattern'
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        intent: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.intent = intent
        super().__init__(self.format_message())

    def format_message(self) -> str:
        where = self.path or "<knowledge base>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return escaped(f"{where}: {self.message}")


class ConversationFileError(IntentFileError):
    """A scripted conversation test file breaks its format."""


def warn(message: str) -> None:
    """One line on stderr about something the bot worked around (a cache it would not trust,
    a log it could not write): never part of a reply, never a traceback."""
    try:
        sys.stderr.write(f"{WARNING_PREFIX}{escaped(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no stderr, a closed one, a full pipe
        pass
