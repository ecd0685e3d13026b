"""The files a chat writes (--log-misses, --history) hold health questions: they are never
written through a link or into someone else's file, are kept private, and a failed write never
ends the chat.

The choice for the person's own file that others can read (say 0644): it is made 0600 on the
spot, with one warning line, and used (SECURITY.md). Anything not safe to fix is refused with
one line and exit code 2, before the chat starts.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot import Bot, BotError
from bot.cli import main
from bot.miss_log import MissLog
from bot.repl import make_session, repl_loop, run_chat

ROOT = Path(__file__).resolve().parent.parent
NONSENSE = "zxqv blorft"
CANT_BREATHE = "I cant breathe"
LUNG = "why did my lung cancer come back?"
ENTER, CTRL_D = "\r", "\x04"
BASHRC = "# my shell settings\nexport PATH=$HOME/bin:$PATH\n"


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.load()


def chat_piped(*argv: str, lines: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def emergency_text(bot: Bot) -> str:
    return " ".join(bot.ask(CANT_BREATHE).text.split())[:60]


def planted_bashrc(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    bashrc = home / ".bashrc"
    bashrc.write_text(BASHRC)
    return bashrc


class ScriptedSession:
    """A PromptSession that is sent the next line just before each prompt (Ctrl-D at the end)."""

    def __init__(self, session, pipe, lines: list[str]) -> None:
        self.session, self.pipe, self.lines = session, pipe, list(lines)

    def prompt(self) -> str:
        self.pipe.send_text(self.lines.pop(0) + ENTER if self.lines else CTRL_D)
        return self.session.prompt()


def terminal_chat(bot: Bot, history: Path, lines: list[str], before=lambda: None) -> str:
    out: list[str] = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        session = make_session(bot, history=history)
        before()
        repl_loop(bot, ScriptedSession(session, pipe, lines), out.append, width=80)
    return " ".join("\n".join(out).split())


# -- links, pipes and other people's files ----------------------------------------------------


def test_a_symlink_at_the_log_misses_path_is_refused_and_nothing_is_written_through_it(tmp_path: Path) -> None:
    bashrc = planted_bashrc(tmp_path)
    link = tmp_path / "misses.jsonl"
    link.symlink_to(bashrc)
    code, out, err = chat_piped("--log-misses", str(link), lines=[NONSENSE])
    assert code == 2 and out == ""
    assert err == f"run_bot.py: error: will not write the miss log {link}: it is a symbolic link, which could " \
                  "lead anywhere; give the path of a regular file\n"
    assert bashrc.read_text() == BASHRC and link.is_symlink()


def test_a_dangling_symlink_at_the_log_misses_path_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "victim" / "created-by-the-bot"
    target.parent.mkdir()
    link = tmp_path / "misses.jsonl"
    link.symlink_to(target)
    code, _, err = chat_piped("--log-misses", str(link), lines=[NONSENSE])
    assert code == 2 and "symbolic link" in err
    assert not target.exists()


def test_a_symlink_at_the_history_path_is_refused_and_nothing_is_written_through_it(bot: Bot, tmp_path: Path) -> None:
    bashrc = planted_bashrc(tmp_path)
    link = tmp_path / "history"
    link.symlink_to(bashrc)
    with pytest.raises(BotError, match="will not write the history file .*: it is a symbolic link"):
        make_session(bot, history=link)
    assert bashrc.read_text() == BASHRC


def test_a_symlink_at_the_history_path_stops_the_terminal_chat_before_it_starts(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    bashrc = planted_bashrc(tmp_path)
    link = tmp_path / "history"
    link.symlink_to(bashrc)
    child = pexpect.spawn(sys.executable, ["run_bot.py", "--history", str(link)], cwd=str(ROOT),
                          env={**os.environ, "TERM": "xterm-256color"}, dimensions=(40, 100),
                          timeout=60, encoding="utf-8")
    try:
        child.expect_exact("it is a symbolic link")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 2
    assert "Traceback" not in (child.before or "")
    assert bashrc.read_text() == BASHRC


def test_a_hard_link_to_another_file_is_refused(tmp_path: Path) -> None:
    bashrc = planted_bashrc(tmp_path)
    path = tmp_path / "misses.jsonl"
    os.link(bashrc, path)
    code, _, err = chat_piped("--log-misses", str(path), lines=[NONSENSE])
    assert code == 2 and "it has 2 names (hard links)" in err
    assert bashrc.read_text() == BASHRC


def test_a_pipe_at_the_log_misses_path_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    os.mkfifo(path)
    # Opening a pipe nobody reads would block for ever; it is refused instead.
    code, _, err = chat_piped("--log-misses", str(path), lines=[NONSENSE])
    assert code == 2 and "it is not a regular file" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user needs root")
def test_a_file_of_another_user_is_refused(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    path.write_text("")
    os.chown(path, 65534, 65534)  # nobody
    code, _, err = chat_piped("--log-misses", str(path), lines=[NONSENSE])
    assert code == 2 and "it belongs to another user (uid 65534)" in err
    with pytest.raises(BotError, match="belongs to another user"):
        make_session(bot, history=path)
    assert path.read_text() == ""


# -- modes ------------------------------------------------------------------------------------


def test_the_users_own_readable_log_is_made_private_with_one_warning(tmp_path: Path, capsys) -> None:
    path = tmp_path / "misses.jsonl"
    path.write_text('{"question": "an earlier miss"}\n')
    path.chmod(0o644)
    code, _, err = chat_piped("--log-misses", str(path), lines=[NONSENSE, LUNG])
    assert code == 0 and err == ""
    assert capsys.readouterr().err == (f"recurrence-faq: warning: the miss log {path} was readable or writable by others "
                   "(mode 0644); made it private (0600). What it held before may have been read\n")
    assert path.stat().st_mode & 0o777 == 0o600
    questions = [json.loads(line)["question"] for line in path.read_text().splitlines()]
    assert questions == ["an earlier miss", NONSENSE]


def test_the_users_own_readable_history_is_made_private_and_kept(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("\n# 2025-01-01 10:00:00\n+what is adjuvant therapy\n")
    path.chmod(0o664)
    warnings: list[str] = []
    from bot.history_file import PrivateFileHistory

    history = PrivateFileHistory(path, warning=warnings.append)
    assert list(history.load_history_strings()) == ["what is adjuvant therapy"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(warnings) == 1 and "(mode 0664); made it private (0600)" in warnings[0]


def test_a_new_log_is_private_whatever_the_umask(bot: Bot, tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    old = os.umask(0o277)  # would leave the owner unable to write
    try:
        with MissLog.open(path) as log:
            assert log.record(NONSENSE, bot.ask(NONSENSE))
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["question"] == NONSENSE


# -- failed writes ----------------------------------------------------------------------------


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write to a file on disk fails with ENOSPC (pipes, such as the test's terminal
    input, still work)."""
    write = os.write

    def no_space(fd: int, data: bytes) -> int:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write(fd, data)

    monkeypatch.setattr(os, "write", no_space)


def test_a_full_disk_turns_the_miss_log_off_and_the_chat_goes_on(bot: Bot, tmp_path: Path, full_disk,
                                                               capsys) -> None:
    path = tmp_path / "misses.jsonl"
    out = io.StringIO()
    code = run_chat(bot, stdin=io.StringIO(f"{NONSENSE}\n{CANT_BREATHE}\nblorft zxqv again\n{LUNG}\n"),
                    stdout=out, log_misses=path)
    assert code == 0
    shown = " ".join(out.getvalue().split())
    assert emergency_text(bot) in shown
    assert " ".join(bot.ask(LUNG).text.split())[:60] in shown
    err = capsys.readouterr().err
    assert err == (f"recurrence-faq: warning: could not write the miss log {path} (No space left on "
                   "device); unanswered questions are no longer logged in this chat\n")


def test_a_full_disk_stops_saving_history_and_the_chat_goes_on(bot: Bot, tmp_path: Path, full_disk,
                                                             capsys) -> None:
    path = tmp_path / "history"
    shown = terminal_chat(bot, path, [NONSENSE, CANT_BREATHE, LUNG])
    assert emergency_text(bot) in shown
    assert " ".join(bot.ask(LUNG).text.split())[:60] in shown
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"recurrence-faq: warning: could not save the chat history to {path} "
                          "(No space left on device); it is kept in memory")


def test_a_history_folder_removed_during_the_chat_does_not_end_it(bot: Bot, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "private"
    folder.mkdir()
    shown = terminal_chat(bot, folder / "history", [NONSENSE, CANT_BREATHE],
                          before=lambda: shutil.rmtree(folder))
    assert emergency_text(bot) in shown
    assert "could not save the chat history" in capsys.readouterr().err
    assert not folder.exists()
