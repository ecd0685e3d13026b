"""pytest plugin: scripted conversation files (the ``test`` format) as test items, when asked for.

Installing the package registers the plugin (the ``pytest11`` entry point), but it collects
nothing until a project asks: ``faq_conversations`` in the pytest configuration names the files
(globs, relative to the rootdir), or a conversation file is named on the command line. The
conversations run against the knowledge base ``--faq-intents DIR`` names (ini ``faq_intents``,
relative to the rootdir; default: the shipped one). A curator's whole set-up::

    [tool.pytest.ini_options]
    faq_conversations = "conversations/*.yml"
    faq_intents = "intents"

Each conversation is one item, located at its file and line, failing with the same report as
``run_bot.py test``; a broken file, an unknown intent id or a knowledge base that does not load
is one ``path:line: message`` line. The knowledge base is loaded once per run, when the first
conversation runs.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .conversation_tests import ConversationTest
    from .engine import Bot

_SUFFIXES = (".yml", ".yaml")
_FILES = pytest.StashKey[frozenset[Path]]()
_BOTS = pytest.StashKey[dict[str, "Bot | BaseException"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--faq-intents`` and the ini settings ``faq_conversations`` and ``faq_intents``."""
    group = parser.getgroup("recurrence-faq", "scripted FAQ conversations (recurrence-faq)")
    group.addoption("--faq-intents", metavar="DIR", default=None,
                    help="knowledge-base folder the conversation files are tested against "
                         "(default: ini faq_intents, else the shipped knowledge base)")
    parser.addini("faq_conversations", type="args", default=[],
                  help="conversation test files to collect: globs relative to the rootdir, such as "
                       "conversations/*.yml (default: none, only files named on the command line)")
    parser.addini("faq_intents", type="string", default="",
                  help="knowledge-base folder for the conversation files, relative to the rootdir "
                       "(default: the shipped knowledge base)")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect the conversation files the project asked for; leave every other file alone."""
    if file_path.suffix not in _SUFFIXES:
        return None
    if file_path.resolve() not in _wanted_files(parent.config):
        return None
    return ConversationFile.from_parent(parent, path=file_path)


def _wanted_files(config: pytest.Config) -> frozenset[Path]:
    """The files matching ``faq_conversations`` and the YAML files named on the command line."""
    wanted = config.stash.get(_FILES, None)
    if wanted is None:
        root = str(config.rootpath)
        # os.path.join keeps an absolute glob as it is; recursive lets ** reach into folders.
        matched = [Path(p) for pattern in config.getini("faq_conversations")
                   for p in glob.glob(os.path.join(root, pattern), recursive=True)]
        here = config.invocation_params.dir
        named = [here / arg.split("::")[0] for arg in config.args]
        wanted = config.stash[_FILES] = frozenset(
            p.resolve() for p in [*matched, *named] if p.suffix in _SUFFIXES and p.is_file())
    return wanted


class ConversationFailed(Exception):
    """A conversation's reply did not meet its expectations; the message is the report."""


class ConversationFile(pytest.File):
    """One YAML file of conversations."""

    def collect(self) -> Iterator[pytest.Item]:
        from .conversation_tests import read_conversation_file

        for test in read_conversation_file(self.path):
            yield ConversationItem.from_parent(self, name=test.name, test=test)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        from .errors import BotError

        if isinstance(excinfo.value, BotError):
            return _one_line(excinfo.value)
        return super().repr_failure(excinfo)


class ConversationItem(pytest.Item):
    """One scripted conversation, run against the project's knowledge base."""

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
        from .errors import BotError

        if isinstance(excinfo.value, BotError):
            return _one_line(excinfo.value)
        if isinstance(excinfo.value, ConversationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.test.line - 1, f"conversation: {self.test.name}"


def _one_line(error: Exception) -> str:
    """``path:line: message``, with the path as the curator would type it."""
    from .errors import IntentFileError
    from .lint import shown

    if not isinstance(error, IntentFileError):
        return str(error)
    where = shown(error.path) if error.path else "<knowledge base>"
    return f"{where}:{error.line}: {error.message}" if error.line else f"{where}: {error.message}"


def intents_folder(config: pytest.Config) -> Path | None:
    """The knowledge base to test against: ``--faq-intents`` (relative to where pytest was
    started), else ini ``faq_intents`` (relative to the rootdir), else None for the shipped one."""
    given = config.getoption("faq_intents")
    if given:
        return config.invocation_params.dir / given
    configured = str(config.getini("faq_intents")).strip()
    return config.rootpath / configured if configured else None


def _session_bot(config: pytest.Config) -> "Bot":
    from .engine import Bot
    from .errors import BotError

    folder = intents_folder(config)
    bots = config.stash.setdefault(_BOTS, {})
    key = str(folder or "")
    if key not in bots:
        try:
            bots[key] = Bot.load(folder)
        except BotError as exc:  # a broken knowledge base: every item fails with its one line
            bots[key] = exc
    loaded = bots[key]
    if isinstance(loaded, BaseException):
        raise loaded
    return loaded
