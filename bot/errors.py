"""Exceptions raised by the bot. The CLI and REPL turn them into one readable line."""

from __future__ import annotations

from pathlib import Path


class BotError(Exception):
    """Base class of every error the bot raises on purpose."""


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
        return f"{where}: {self.message}"


class ConversationFileError(IntentFileError):
    """A scripted conversation test file breaks its format."""
