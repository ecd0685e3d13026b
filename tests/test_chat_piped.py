"""The chat with piped input, as a script or a shell pipeline runs it: questions on stdin, as
bytes. Most tests run the command line in this process (``main`` with byte streams, what a
pipe gives it); a few run ``python run_bot.py`` as a process of its own, for what only a real
process shows: the pipeline end to end, start-up imports and a clean end on SIGTERM. Also the
files the chat may write (miss log, history).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import Bot
from bot.cli import main
from bot.repl import run_chat

pytestmark = pytest.mark.slow  # most tests here run the chat as a separate process

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "run_bot.py"
TIMEOUT = 120  # generous: CI machines are noisy, and nothing here measures time

LUNG = "why did my lung cancer come back?"
ADJUVANT = "what is adjuvant therapy"
EMERGENCY = "I'm having chest pain right now"
NONSENSE = "zxqv blorft"


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.load()


def env(**extra: str) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    values.update(PYTHONIOENCODING="utf-8", **extra)
    return values


def run(data: bytes, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, input=data,
                          capture_output=True, timeout=TIMEOUT, env=env())


@dataclass(frozen=True)
class Piped:
    """What a run of the command line left: its exit code and the bytes it wrote."""

    returncode: int
    stdout: bytes
    stderr: bytes


def pipe(data: bytes, *args: str) -> Piped:
    """Run the command line in this process on piped bytes, as ``printf ... | run_bot.py`` does."""
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    stdout, stderr = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(stdout, encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(stderr, encoding="utf-8", write_through=True)
    code = main(list(args), stdin=stdin, stdout=out, stderr=err)
    return Piped(code, stdout.getvalue(), stderr.getvalue())


def flat(text: str) -> str:
    return " ".join(text.split())


def answer_start(bot: Bot, intent_id: str) -> str:
    return flat(bot.intent(intent_id).answer)[:80]


def assert_clean(result: subprocess.CompletedProcess[bytes] | Piped) -> None:
    """Exit 0, nothing on stderr, and no raw escape or C1 control byte in the output."""
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    assert result.stderr == b""
    assert b"\x1b" not in result.stdout
    assert b"\xc2\x9b" not in result.stdout  # U+009B, a one-character CSI


def test_each_question_gets_its_answer_block_in_order(bot: Bot) -> None:
    result = run(f"{LUNG}\n{ADJUVANT}\n".encode())
    assert_clean(result)
    out = flat(result.stdout.decode())
    assert flat(bot.disclaimer) in out
    lung, adjuvant = answer_start(bot, "lung_recurrence_after_surgery"), answer_start(bot, "what_is_adjuvant")
    assert lung in out and adjuvant in out
    assert out.index(f"> {LUNG}") < out.index(lung) < out.index(f"> {ADJUVANT}") < out.index(adjuvant)
    assert out.count("Sources:") == 2


def test_blank_lines_are_skipped_and_end_of_input_exits_0(bot: Bot) -> None:
    result = pipe(f"\n   \n\r\n{ADJUVANT}\r\n\n".encode())
    assert_clean(result)
    out = result.stdout.decode()
    assert out.count("\n> ") == 1
    assert answer_start(bot, "what_is_adjuvant") in flat(out)


def test_no_input_at_all_exits_0() -> None:
    assert_clean(pipe(b""))


def test_numbered_options_work_when_piped(bot: Bot) -> None:
    for word in ("chemo", "treatment", "cancer", "scans", "recurrence", "tests"):
        offered = bot.conversation().ask(word)
        if offered.kind in ("clarify", "fallback") and len(offered.suggestions) >= 2:
            break
    else:
        pytest.fail("no one-word question gives numbered options any more; add one to this list")
    result = pipe(f"{word}\n2\n".encode())
    assert_clean(result)
    assert answer_start(bot, offered.suggestions[1].intent) in flat(result.stdout.decode())


def test_slash_commands_work_when_piped(bot: Bot) -> None:
    result = pipe(f"{LUNG}\n/why\n/sources\n/quit\n{ADJUVANT}\n".encode())
    assert_clean(result)
    out = result.stdout.decode()
    assert "Why this reply:" in out and "lung_recurrence_after_surgery" in out
    assert "Sources for" in out
    assert answer_start(bot, "what_is_adjuvant") not in flat(out)  # after /quit


def test_json_gives_one_object_per_question(bot: Bot) -> None:
    questions = [LUNG, ADJUVANT, EMERGENCY, NONSENSE]
    result = pipe(("\n".join(questions) + "\n\n").encode(), "--json")
    assert_clean(result)
    lines = result.stdout.decode().splitlines()
    assert len(lines) == len(questions)
    replies = [json.loads(line) for line in lines]
    assert [r["kind"] for r in replies] == ["answer", "answer", "emergency", "fallback"]
    assert replies[0]["intent"] == "lung_recurrence_after_surgery"
    assert replies[1]["intent"] == "what_is_adjuvant"
    assert replies[0] == json.loads(json.dumps(bot.ask(LUNG).to_dict()))
    for reply in replies:
        assert {"kind", "intent", "confidence", "text", "suggestions", "sources", "notice"} <= set(reply)


def test_json_mode_runs_slash_commands_as_commands(bot: Bot) -> None:
    out = io.StringIO()
    lines = [LUNG, "/why", "/topic 1", "/sources", "/frobnicate", ADJUVANT]

    assert main(["--json"], stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out) == 0

    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r.get("command") for r in replies] == [None, "/why", "/topics", "/sources", "/frobnicate", None]
    assert [r.get("intent") for r in replies] == ["lung_recurrence_after_surgery", None, None, None, None,
                                                  "what_is_adjuvant"]
    why, topic, sources, unknown = replies[1:5]
    assert "Why this reply:" in why["text"] and "lung_recurrence_after_surgery" in why["text"]
    assert topic["text"].startswith("1) ")
    assert bot.intent("lung_recurrence_after_surgery").sources[0].url in sources["text"]
    assert "don't know the command" in unknown["text"]
    assert not any(r.get("done") for r in replies)


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize("goodbye", ["/quit", "bye", "Ok, bye!", "QUIT"])
def test_a_goodbye_ends_the_piped_chat_after_the_farewell(bot: Bot, as_json: bool, goodbye: str) -> None:
    out = io.StringIO()

    code = main(["--json"] if as_json else [], stdin=io.StringIO(f"{ADJUVANT}\n{goodbye}\n{LUNG}\n"), stdout=out)

    assert code == 0
    farewell = bot.message("farewell")
    if as_json:
        replies = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len(replies) == 2
        assert replies[1] == {"command": "/quit", "text": farewell, "done": True}
    else:
        assert out.getvalue().rstrip().endswith(farewell)
        assert answer_start(bot, "lung_recurrence_after_surgery") not in flat(out.getvalue())


HOSTILE = [
    b"\xff\xfe\x00",
    b"\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J why did my lung cancer come back?",
    "\u009b31m c1 csi and \u202eright to left\u202c".encode(),
    b"\x00\x07\x7f\x08\x0c",
    b"\xed\xa0\x80 encoded surrogate",
    b"/\x1b[2J\x1b[31mcommand",
    b"what is adjuvant therapy \xe2\x80",
]


@pytest.mark.parametrize("as_json", [False, True])
def test_junk_bytes_and_escape_sequences_are_never_echoed_raw(as_json: bool) -> None:
    result = pipe(b"\n".join(HOSTILE) + b"\n", *(["--json"] if as_json else []))
    assert_clean(result)
    out = result.stdout.decode("utf-8")  # the output itself is valid UTF-8
    if as_json:
        assert len([json.loads(line) for line in out.splitlines()]) == len(HOSTILE)
    else:
        assert out.count("\n> ") == len(HOSTILE) - 1  # every line but the command got a block


@pytest.mark.parametrize("as_json", [False, True])
def test_a_one_megabyte_line_is_cut_with_a_notice(bot: Bot, as_json: bool) -> None:
    big = ("why did my lung cancer come back " * 40_000)[:1_000_000].encode() + b"\x1b[31m\n"
    result = pipe(big + ADJUVANT.encode() + b"\n", *(["--json"] if as_json else []))
    assert_clean(result)
    assert len(result.stdout) < 100_000  # the paste is not echoed back
    notice = bot.ask("x" * 3000).notice
    if as_json:
        first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
        assert first["notice"] == notice
        assert second["intent"] == "what_is_adjuvant"
    else:
        out = flat(result.stdout.decode())
        assert out.count(flat(notice)) == 1
        assert answer_start(bot, "what_is_adjuvant") in out


def test_log_misses_writes_private_json_lines_and_appends(bot: Bot, tmp_path: Path) -> None:
    log = tmp_path / "misses.jsonl"
    questions = [NONSENSE, "chemo", LUNG, EMERGENCY]
    conversation = bot.conversation()
    misses = [q for q in questions if conversation.ask(q).kind in ("fallback", "clarify")]
    assert NONSENSE in misses and LUNG not in misses and EMERGENCY not in misses
    data = "".join(f"{q}\n" for q in questions).encode()
    assert_clean(pipe(data, "--log-misses", str(log)))
    assert log.stat().st_mode & 0o777 == 0o600
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [e["question"] for e in entries] == misses
    for entry in entries:
        assert entry["kind"] in ("fallback", "clarify")
        assert entry["time"].endswith("Z") and "T" in entry["time"]
        assert all(set(c) == {"intent", "confidence"} for c in entry["candidates"])
    if "chemo" in misses:
        assert entries[misses.index("chemo")]["candidates"], "a near miss names its candidates"

    assert_clean(pipe(data, "--json", "--log-misses", str(log)))
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2 * len(misses)  # appended


def test_miss_log_records_only_fallbacks_and_clarifies(bot: Bot, tmp_path: Path) -> None:
    import datetime as dt

    from bot.miss_log import MissLog

    when = dt.datetime(2025, 1, 31, 9, 12, 3, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with MissLog.open(tmp_path / "log") as log:
        assert not log.record(LUNG, bot.ask(LUNG))
        assert not log.record(EMERGENCY, bot.ask(EMERGENCY))
        assert log.record(NONSENSE, bot.ask(NONSENSE), now=when)
    (entry,) = [json.loads(line) for line in (tmp_path / "log").read_text().splitlines()]
    assert entry["time"] == "2025-01-31T07:12:03Z"
    assert entry["question"] == NONSENSE and entry["kind"] == "fallback"


def test_log_misses_escapes_what_it_records(tmp_path: Path) -> None:
    log = tmp_path / "misses.jsonl"
    assert_clean(pipe(b"\x1b[31mzxqv\x1b[0m \xff blorft\n", "--log-misses", str(log)))
    raw = log.read_bytes()
    assert b"\x1b" not in raw
    assert "zxqv" in json.loads(raw)["question"]


def test_log_misses_in_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = pipe(f"{NONSENSE}\n".encode(), "--log-misses", str(tmp_path / "no" / "such" / "log"))
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_nothing_is_written_without_the_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = pipe(f"{LUNG}\n{NONSENSE}\n".encode())
    assert_clean(result)
    assert list(tmp_path.iterdir()) == []


def test_history_file_is_created_private(bot: Bot, tmp_path: Path) -> None:
    from bot.repl import make_session

    path = tmp_path / "history"
    make_session(bot, history=path)
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600


def test_history_file_is_created_private_even_with_a_loose_umask(bot: Bot, tmp_path: Path) -> None:
    from bot.repl import make_session

    old = os.umask(0)
    try:
        make_session(bot, history=tmp_path / "history")
    finally:
        os.umask(old)
    assert (tmp_path / "history").stat().st_mode & 0o777 == 0o600


def test_run_chat_with_text_streams(bot: Bot) -> None:
    out = io.StringIO()
    assert run_chat(bot, stdin=io.StringIO(f"{ADJUVANT}\n"), stdout=out, as_json=True) == 0
    assert json.loads(out.getvalue())["intent"] == "what_is_adjuvant"


def test_piped_chat_does_not_import_prompt_toolkit() -> None:
    code = ("import io, sys; from bot.cli import main; out = io.StringIO(); "
            "rc = main([], stdin=io.StringIO('what is adjuvant therapy\\n'), stdout=out); "
            "print(rc, 'prompt_toolkit' in sys.modules, 'Sources:' in out.getvalue())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            timeout=TIMEOUT, env=env())
    assert result.stdout.split() == [b"0", b"False", b"True"], result.stderr


def test_main_runs_the_piped_chat_in_process() -> None:
    out = io.StringIO()
    assert main(["--json"], stdin=io.StringIO(f"{EMERGENCY}\n"), stdout=out) == 0
    assert json.loads(out.getvalue())["kind"] == "emergency"


def _started(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(SCRIPT), *args], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())


def _terminate(proc: subprocess.Popen[bytes]) -> tuple[int, bytes]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, err


def test_sigterm_while_waiting_for_input_ends_cleanly() -> None:
    proc = _started()
    try:
        assert proc.stdout.readline()  # the disclaimer: the chat is running and reading
        code, err = _terminate(proc)
    finally:
        proc.kill()
    assert code == 143
    assert b"Traceback" not in err


@pytest.mark.parametrize("as_json", [False, True])
def test_sigterm_after_an_answer_ends_cleanly(as_json: bool) -> None:
    proc = _started(*(["--json"] if as_json else []))
    try:
        proc.stdin.write(f"{ADJUVANT}\n".encode())
        proc.stdin.flush()
        if as_json:
            assert json.loads(proc.stdout.readline())["intent"] == "what_is_adjuvant"
        else:
            while b"Sources:" not in proc.stdout.readline():
                assert proc.poll() is None
        code, err = _terminate(proc)
    finally:
        proc.kill()
    assert code == 143
    assert b"Traceback" not in err
