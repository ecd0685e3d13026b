"""The saved matching index decides answers, so it is used only from a folder nobody else can
write, and only after every field has been checked. Whatever sits at the cache path (another
user's planted index, a link, a pipe, /dev/zero, a marshal bomb, values of the wrong type), the
bot answers as it would without a cache, red flags first, and starts every time.
"""

from __future__ import annotations

import marshal
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot import Bot
from bot.index_cache import CACHE_ENV

pytestmark = pytest.mark.slow  # every test here starts the bot in a separate process

ROOT = Path(__file__).resolve().parent.parent
GENEROUS = 120
"""Seconds a subprocess may take before the test calls it a hang (each takes about one)."""

SIGNS = "what are the signs my cancer has come back"
RED_FLAG = "I can't breathe"
WARNING = "recurrence-faq: warning: not using the saved index in "

FAQ = """\
    intents:
      - id: garden
        patterns: [how do i water tomatoes, when should i plant tomatoes, tomato care]
        answer: Water them at the base.
      - id: weather
        patterns: [will it rain tomorrow, what is the forecast, is it sunny]
        answer: I can't see the sky.
      - id: emergency
        type: red_flag
        question: (emergency)
        patterns: ["can not breathe|breath"]
        answer: Call 911 now.
    """
QUESTIONS = ["will it rain tomorrow", "when do i plant tomatoes", "tomatos", "what is the forecast for today",
             "hello there", RED_FLAG]


def saved(folder: Path) -> list[Path]:
    return sorted(folder.glob("index-*.marshal"))


def replies(bot: Bot, questions: list[str] = QUESTIONS) -> list[tuple[str, str | None, float]]:
    return [(r.kind, r.intent, r.confidence) for r in map(bot.ask, questions)]


# -- a planted index for the shipped knowledge base ------------------------------------------


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """(file name, contents) of an index an attacker would plant: it passes every check of the
    contents and answers SIGNS with declining_treatment at confidence 1.0."""
    genuine = tmp_path_factory.mktemp("genuine-cache")
    copy = tmp_path_factory.mktemp("planted") / "intents"
    shutil.copytree(ROOT / "intents", copy)
    treatment = copy / "treatment.yml"
    lines = treatment.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("  - id: declining_treatment\n")
    first = lines.index("    patterns:\n", start) + 1
    end = next(n for n in range(first, len(lines)) if not lines[n].startswith("      - "))
    # Every pattern of declining_treatment becomes the question, and there are as many as before.
    lines[first:end] = [f"      - {SIGNS}\n"] * (end - first)
    treatment.write_text("".join(lines), encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(CACHE_ENV, str(genuine))
        Bot.load()
        env.setenv(CACHE_ENV, "off")
        state = Bot.load(copy).matcher.state()
    [name] = saved(genuine)
    return name.name, marshal.dumps(state)


def plant(folder: Path, planted: tuple[str, bytes], mode: int = 0o700, file_mode: int = 0o600) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / planted[0]
    path.write_bytes(planted[1])
    path.chmod(file_mode)
    folder.chmod(mode)
    return path


@pytest.fixture
def cache_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    return lambda folder: monkeypatch.setenv(CACHE_ENV, str(folder))


def assert_genuine_answers(capsys: pytest.CaptureFixture[str], reason: str) -> None:
    bot = Bot.load()
    signs, flag = bot.ask(SIGNS), bot.ask(RED_FLAG)
    assert (signs.kind, signs.intent) == ("answer", "recurrence_signs")
    assert flag.kind == "emergency"
    err = capsys.readouterr().err
    assert err.startswith(WARNING) and err.count("\n") == 1, err
    assert reason in err
    assert "warning" not in signs.text + flag.text


def test_a_planted_index_in_the_users_own_private_folder_is_trusted(tmp_path: Path, planted, cache_at) -> None:
    # Why the folder checks matter: a saved index decides answers.
    cache_at(tmp_path / "mine")
    plant(tmp_path / "mine", planted)
    reply = Bot.load().ask(SIGNS)
    assert (reply.intent, reply.confidence) == ("declining_treatment", 1.0)


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o775, 0o757])
def test_a_planted_index_in_a_folder_others_can_write_is_not_used(tmp_path: Path, planted, cache_at, capsys,
                                                                   mode: int) -> None:
    folder = tmp_path / "faq"
    cache_at(folder)
    path = plant(folder, planted, mode=mode)
    assert_genuine_answers(capsys, f"the folder can be written by other users (mode {mode:04o})")
    assert list(folder.iterdir()) == [path] and path.read_bytes() == planted[1]  # nothing written


def test_a_symlinked_cache_folder_is_not_used(tmp_path: Path, planted, cache_at, capsys) -> None:
    plant(tmp_path / "theirs", planted)
    (tmp_path / "faq").symlink_to(tmp_path / "theirs")
    cache_at(tmp_path / "faq")
    assert_genuine_answers(capsys, "the folder is a symbolic link")
    assert len(list((tmp_path / "theirs").iterdir())) == 1


def test_a_symlinked_default_cache_folder_is_not_used(tmp_path: Path, planted, monkeypatch, capsys) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    plant(tmp_path / "theirs", planted)
    (tmp_path / "cache" / "recurrence-faq").symlink_to(tmp_path / "theirs")
    assert_genuine_answers(capsys, "the folder is a symbolic link")


def test_a_planted_file_others_can_write_is_not_used(tmp_path: Path, planted, cache_at, capsys) -> None:
    cache_at(tmp_path / "faq")
    plant(tmp_path / "faq", planted, file_mode=0o666)
    assert_genuine_answers(capsys, "can be written by other users (mode 0666)")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving files away needs root")
@pytest.mark.parametrize("given_away", ["folder", "file"])
def test_an_index_of_another_user_is_not_used(tmp_path: Path, planted, cache_at, capsys, given_away: str) -> None:
    folder = tmp_path / "faq"
    cache_at(folder)
    path = plant(folder, planted)
    os.chown(folder if given_away == "folder" else path, 65534, 65534)
    assert_genuine_answers(capsys, "belongs to another user (uid 65534)")


# -- what sits at the index path -------------------------------------------------------------


def ask_in_a_process(folder: Path, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """`run_bot.py ask --json` a red flag, with the cache in ``folder`` and, optionally, its
    address space capped."""
    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "ask", "--json", RED_FLAG],
                          capture_output=True, text=True, timeout=GENEROUS,
                          env={**os.environ, CACHE_ENV: str(folder)}, preexec_fn=cap if memory else None)


def test_a_pipe_at_the_index_path_does_not_hang_the_start(tmp_path: Path, planted) -> None:
    os.mkfifo(tmp_path / planted[0], 0o600)
    result = ask_in_a_process(tmp_path)
    assert result.returncode == 0 and '"kind": "emergency"' in result.stdout
    assert result.stderr == f"{WARNING}{tmp_path}: {planted[0]} is not a regular file; building it in " \
                            "memory (nothing is saved)\n"


def test_a_link_to_dev_zero_at_the_index_path_is_not_read(tmp_path: Path, planted) -> None:
    (tmp_path / planted[0]).symlink_to("/dev/zero")
    result = ask_in_a_process(tmp_path, memory=512 * 2**20)
    assert result.returncode == 0 and '"kind": "emergency"' in result.stdout
    assert f"{planted[0]} is a symbolic link" in result.stderr


def test_a_five_byte_marshal_bomb_is_rebuilt_under_a_memory_limit(tmp_path: Path, planted) -> None:
    # A list said to hold 2**31 items: 16 GB to allocate, MemoryError under the limit.
    bomb = tmp_path / planted[0]
    bomb.write_bytes(b"[\xff\xff\xff\x7f")
    bomb.chmod(0o600)
    for _ in range(2):  # the first start rebuilds and rewrites it, the second restores it
        result = ask_in_a_process(tmp_path, memory=512 * 2**20)
        assert result.returncode == 0 and '"kind": "emergency"' in result.stdout
        assert result.stderr == ""
    assert len(bomb.read_bytes()) > 1000


# -- damaged or wrongly typed contents: rebuilt without a word -------------------------------


@pytest.fixture
def small(tmp_path: Path, write_kb, cache_at) -> Iterator[tuple[Path, Path, list]]:
    """(knowledge base, its saved index, the replies without any cache)."""
    folder = write_kb(faq=FAQ)
    cache_at("off")
    expected = replies(Bot.load(folder))
    cache_at(tmp_path / "cache")
    Bot.load(folder)
    [path] = saved(tmp_path / "cache")
    yield folder, path, expected


# A code object with three bytes changed: SystemError from marshal on Python 3.11.
SYSTEM_ERROR = (b"c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xe4\xf3\n"
                b"\x00\x00\x00\x97\x00d\x00Z\x00d\x01S\x00)\x02\xe9\x01\x00\x00\x00N)\x01\xda\x01x\xa9\x00"
                b"\xf3\x00\x00\x00\x00\xda\x01f\xfa\x08<module>r\x06\x00\x00\x00\x01\x00\x00\x00s\x0e\x00"
                b"\x00\x00\xec\x03\x01\x01\x01\xd8\x02\x03\xcc\x01\x80\x01\x80\x01r\x04\x00\x00\x00")


@pytest.mark.parametrize("damage", [
    b"", b"\x00\xff junk", b"[\xff\xff\xff\x7f", SYSTEM_ERROR, b"[\x01\x00\x00\x00" * 5000 + b"N",
    marshal.dumps([1, 2, 3]), marshal.dumps({"version": 1}),
], ids=["empty", "junk", "bomb", "system-error", "deep", "a list", "one field"])
def test_a_damaged_index_is_rebuilt_without_a_word(small, capsys, damage: bytes) -> None:
    folder, path, expected = small
    path.write_bytes(damage)
    assert replies(Bot.load(folder)) == expected
    assert replies(Bot.load(folder)) == expected  # restored from the rewritten file
    assert capsys.readouterr().err == ""
    assert len(path.read_bytes()) > 100


def test_a_truncated_index_is_rebuilt(small) -> None:
    folder, path, expected = small
    path.write_bytes(path.read_bytes()[:-7])
    assert replies(Bot.load(folder)) == expected


def _set(*keys: object, value: object) -> Callable[[dict], None]:
    def change(state: dict) -> None:
        target = state
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


def _entry(number: int, field: int, value: object) -> Callable[[dict], None]:
    def change(state: dict) -> None:
        entry = list(state["index"][number])
        entry[field] = value
        state["index"][number] = tuple(entry)
    return change


def _first_posting(value: object) -> Callable[[dict], None]:
    def change(state: dict) -> None:
        term = next(iter(state["postings"]))
        state["postings"][term] = (value, *state["postings"][term][1:])
    return change


WRONG = {
    "version is a boolean": _set("version", value=True),
    "intents reordered": lambda s: s["intents"].reverse(),
    "an intent missing": lambda s: s["intents"].pop(),
    "max_idf is a number in text": _set("max_idf", value="2.5"),
    "max_idf is infinite": _set("max_idf", value=math.inf),
    "an idf is text": lambda s: s["idf"].update({next(iter(s["idf"])): "1.0"}),
    "an idf is NaN": lambda s: s["idf"].update({next(iter(s["idf"])): math.nan}),
    "an idf is negative": lambda s: s["idf"].update({next(iter(s["idf"])): -40.0}),
    "a posting names a missing intent": _first_posting((99, 0.5)),
    "a posting's intent is a boolean": _first_posting((True, 0.5)),
    "a posting is a list": _first_posting([0, 0.5]),
    "a posting has three fields": _first_posting((0, 0.5, 1)),
    "postings is a list": _set("postings", value=[]),
    "an extra field": _set("evil", value=1),
    "an entry has four fields": lambda s: s["index"].__setitem__(0, s["index"][0][:4]),
    "an entry has seven fields": lambda s: s["index"].__setitem__(0, (*s["index"][0], frozenset(), 1)),
    "an entry has a sixth field of the wrong kind": lambda s: s["index"].__setitem__(0, (*s["index"][0], ["x"])),
    "an entry is a dict": lambda s: s["index"].__setitem__(0, {}),
    "one text too many": _entry(0, 1, ["a", "b", "c", "d"]),
    "a text is a number": _entry(0, 1, [1, "b", "c"]),
    "a total is text": _entry(0, 2, ["1", 1.0, 1.0]),
    "subjects is a list": _entry(0, 0, ["lung"]),
    "an entry posting names a missing pattern": _entry(0, 3, {"water": [7]}),
    "an entry posting is a tuple": _entry(0, 3, {"water": (0,)}),
    "shortest names a missing pattern": _entry(0, 4, (0, 12)),
    "shortest is negative": _entry(0, 4, (-1,)),
    "index is short": lambda s: s["index"].pop(),
}


@pytest.mark.parametrize("change", WRONG.values(), ids=WRONG.keys())
def test_an_index_with_values_of_the_wrong_type_is_rebuilt(small, capsys, change) -> None:
    folder, path, expected = small
    state = marshal.loads(path.read_bytes())
    genuine = marshal.loads(path.read_bytes())
    change(state)
    path.write_bytes(marshal.dumps(state))
    assert replies(Bot.load(folder)) == expected
    assert capsys.readouterr().err == ""
    assert marshal.loads(path.read_bytes()) == genuine


# -- leftovers --------------------------------------------------------------------------------


def test_temporary_files_left_by_a_killed_build_are_removed(small, tmp_path: Path) -> None:
    folder, path, _ = small
    dead, live = path.parent / ".index-k1lled.tmp", path.parent / ".index-writing.tmp"
    for leftover in (dead, live):
        leftover.write_bytes(b"half an index")
    hour_ago = time.time() - 3600
    os.utime(dead, (hour_ago, hour_ago))
    Bot.load(folder)
    assert not dead.exists()
    assert live.exists()  # another process may be writing it right now
