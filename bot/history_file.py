"""The chat's input history in a file (``--history FILE``), kept private and never fatal.

prompt_toolkit's FileHistory opens the path anew for every line, following a symbolic link
planted there, and a failed write ends the prompt with an OSError. This History reads and
writes the same format (so an existing history file keeps working) through
``private_files.open_private``: never through a link, mode 0600, someone else's file refused.
If a write fails later (a full disk, a folder removed), saving stops with one warning and the
history stays in memory for the rest of the chat.

Imported only on the terminal path, like prompt_toolkit itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from prompt_toolkit.history import History

from .errors import BotError, warn
from .private_files import open_private

WHAT = "the history file"


class PrivateFileHistory(History):
    """Input history saved in ``path``. Raises PrivateFileError (a BotError) at once if the path
    is not safe to write, so a bad path fails before the chat begins."""

    def __init__(self, path: str | Path, *, warning: Callable[[str], None] = warn) -> None:
        super().__init__()
        self.path = Path(path)
        self._warning = warning
        self._saving = True
        open_private(self.path, WHAT, warning=warning).close()  # create it, or refuse it, now

    def load_history_strings(self) -> Iterable[str]:
        try:
            with open_private(self.path, WHAT, readable=True, warning=self._warning) as file:
                data = file.read_all()
        except (BotError, OSError) as exc:
            self._stop(exc)
            return []
        strings: list[str] = []
        lines: list[str] = []
        for raw in data.splitlines(keepends=True):
            line = raw.decode("utf-8", errors="replace")
            if line.startswith("+"):
                lines.append(line[1:])
            else:
                if lines:
                    strings.append("".join(lines)[:-1])  # without the last newline
                lines = []
        if lines:
            strings.append("".join(lines)[:-1])
        return reversed(strings)  # newest first

    def store_string(self, string: str) -> None:
        if not self._saving:
            return
        entry = f"\n# {dt.datetime.now()}\n" + "".join(f"+{line}\n" for line in string.split("\n"))
        try:
            with open_private(self.path, WHAT, warning=self._warning) as file:
                file.append(entry.encode("utf-8", errors="replace"))
        except (BotError, OSError) as exc:
            self._stop(exc)

    def _stop(self, exc: BaseException) -> None:
        if self._saving:
            self._saving = False
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._warning(f"could not save the chat history to {self.path} ({reason}); it is kept "
                          "in memory for the rest of this chat")
