"""Open a file the chat writes for one person (the miss log, the input history) privately.

These files hold health questions. Whoever can write the folder they are in (a shared /tmp, a
curator's group folder) may have put something at the path first, so the file is opened
without following a symbolic link (O_NOFOLLOW), for appending only (O_APPEND), created with
mode 0600, and then checked from the open descriptor (fstat), so that what is checked is what
will be written:

- a symbolic link at the path, a pipe, a device or a folder: refused;
- a file of another user, or one with other hard links (another name for it may be someone
  else's file, say their ~/.bashrc): refused;
- the user's own file, readable or writable by others (say 0644): made 0600 on the spot, with
  a warning that what it already held may have been read.

A refusal raises PrivateFileError (a BotError: one line and exit code 2, before the chat
starts). Writing is one ``os.write`` per record, so a record is never split by buffering; a
failed write raises OSError for the caller to turn logging off.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .errors import BotError, warn

MAX_READ_BYTES = 16 * 1024 * 1024
"""The most of an existing file ``read_all`` reads (the history: its newest part)."""

_SYMLINK_ERRORS = {errno.ELOOP, errno.EMLINK}  # Linux says ELOOP, the BSDs EMLINK
_FLAGS = (os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
          # A pipe must not block the open; on a regular file this changes nothing.
          | getattr(os, "O_NONBLOCK", 0))


class PrivateFileError(BotError):
    """A file the chat would write is not safe to write, or cannot be opened."""

    def __init__(self, message: str, path: Path) -> None:
        self.path = path
        super().__init__(message)


class PrivateFile:
    """An open private file: append records, read it back, close it."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    def append(self, data: bytes) -> None:
        """Write ``data`` at the end of the file. Raises OSError (a full disk, a lost mount)."""
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def read_all(self) -> bytes:
        """The file's contents (its last MAX_READ_BYTES if it is larger)."""
        start = max(0, os.fstat(self.fd).st_size - MAX_READ_BYTES)
        chunks: list[bytes] = []
        total = 0
        while total < MAX_READ_BYTES:
            chunk = os.pread(self.fd, MAX_READ_BYTES - total, start + total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)

    def __enter__(self) -> "PrivateFile":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def open_private(path: str | Path, what: str, *, readable: bool = False,
                 warning: Callable[[str], None] = warn) -> PrivateFile:
    """Open ``path`` for appending (and reading, with ``readable``), creating it with mode 0600.

    ``what`` names the file in messages ("the miss log"). Raises PrivateFileError if the path
    is unsafe or cannot be opened; calls ``warning`` once if a loose mode had to be fixed.
    """
    path = Path(path)
    access = os.O_RDWR if readable else os.O_WRONLY
    try:
        try:
            fd = os.open(path, access | _FLAGS | os.O_CREAT | os.O_EXCL, 0o600)
            created = True
        except FileExistsError:
            fd = os.open(path, access | _FLAGS)
            created = False
    except OSError as exc:
        raise PrivateFileError(_open_problem(exc, path, what), path) from None
    try:
        _check(fd, path, what, created, warning)
    except BaseException:
        os.close(fd)
        raise
    return PrivateFile(fd, path)


def _open_problem(exc: OSError, path: Path, what: str) -> str:
    if exc.errno in _SYMLINK_ERRORS or path.is_symlink():
        return (f"will not write {what} {path}: it is a symbolic link, which could lead anywhere; "
                "give the path of a regular file")
    if exc.errno == errno.ENXIO:  # a pipe with nobody reading it
        return f"will not write {what} {path}: it is not a regular file"
    return f"cannot write {what} {path}: {exc.strerror or exc}"


def _check(fd: int, path: Path, what: str, created: bool, warning: Callable[[str], None]) -> None:
    info = os.fstat(fd)
    refuse = f"will not write {what} {path}"
    if not stat.S_ISREG(info.st_mode):
        raise PrivateFileError(f"{refuse}: it is not a regular file", path)
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise PrivateFileError(f"{refuse}: it belongs to another user (uid {info.st_uid})", path)
    if info.st_nlink > 1:
        raise PrivateFileError(f"{refuse}: it has {info.st_nlink} names (hard links), and another "
                               "name may be someone else's file", path)
    loose = stat.S_IMODE(info.st_mode) & 0o077
    if created or loose:
        os.fchmod(fd, 0o600)  # a new file: an unusual umask (say 0o277) could have taken bits away
    if loose and not created:
        warning(f"{what} {path} was readable or writable by others (mode "
                f"{stat.S_IMODE(info.st_mode):04o}); made it private (0600). What it held before "
                "may have been read")
