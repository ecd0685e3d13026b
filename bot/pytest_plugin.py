"""pytest plugin: scripted conversations (``conversations/*.yml``) as test items.

Registered through the ``pytest11`` entry point, so plain ``pytest`` runs them next to the
Python tests: one item per conversation, located at its file and line, failing with the same
report as ``run_bot.py test``. A YAML file is collected only when it sits under a folder named
``conversations`` and has ``conversations:`` at its top level; every other file is left alone.
The shipped knowledge base is loaded once per session, on the first conversation that runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .conversation_tests import ConversationTest
    from .engine import Bot

_FOLDER = "conversations"
_DECLARES = re.compile(r"^conversations\s*:", re.MULTILINE)
_BOT = pytest.StashKey["Bot"]()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect a conversation test file; ignore everything else."""
    if file_path.suffix not in (".yml", ".yaml") or _FOLDER not in file_path.parent.parts:
        return None
    if not _declares_conversations(file_path):
        return None
    return ConversationFile.from_parent(parent, path=file_path)


def _declares_conversations(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return _DECLARES.search(head) is not None


class ConversationFailed(Exception):
    """A conversation's reply did not meet its expectations; the message is the report."""


class ConversationFile(pytest.File):
    """One YAML file of conversations."""

    def collect(self) -> Any:
        from .conversation_tests import read_conversation_file

        for test in read_conversation_file(self.path):
            yield ConversationItem.from_parent(self, name=test.name, test=test)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        from .errors import ConversationFileError

        if isinstance(excinfo.value, ConversationFileError):
            return _file_error(excinfo.value)
        return super().repr_failure(excinfo)


class ConversationItem(pytest.Item):
    """One scripted conversation, run against the shipped knowledge base."""

    def __init__(self, *, test: "ConversationTest", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test

    def runtest(self) -> None:
        from .conversation_tests import check_intent_ids, run_conversation

        bot = _session_bot(self.config)
        check_intent_ids(bot, [self.test])
        result = run_conversation(bot, self.test)
        if not result.passed:
            raise ConversationFailed(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from .errors import BotError, ConversationFileError

        if isinstance(excinfo.value, ConversationFileError):
            return _file_error(excinfo.value)
        if isinstance(excinfo.value, (ConversationFailed, BotError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.test.line - 1, f"conversation: {self.test.name}"


def _file_error(error: Any) -> str:
    """``path:line: message`` with the path as the curator would type it."""
    from .lint import shown

    where = shown(error.path) if error.path else "<conversations>"
    return f"{where}:{error.line}: {error.message}" if error.line else f"{where}: {error.message}"


def _session_bot(config: pytest.Config) -> "Bot":
    bot = config.stash.get(_BOT, None)
    if bot is None:
        from .engine import Bot

        bot = config.stash[_BOT] = Bot.load()
    return bot
