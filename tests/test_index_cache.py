"""The saved matching index: loading is quicker the second time, and never changes an answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Bot
from bot import index_cache
from bot.index_cache import CACHE_ENV

QUESTIONS = ["why did my lung cancer come back?", "wat is adjuvent therapy", "how often will I have scans",
             "npc came back, what now", "what is the weather tomorrow", "scared every time I get a headache"]

FAQ = """\
    intents:
      - id: garden
        patterns: [how do i water tomatoes, when should i plant tomatoes]
        answer: Water them at the base.
      - id: weather
        patterns: [will it rain tomorrow, what is the forecast]
        answer: I can't see the sky.
    """


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def saved(folder: Path) -> list[Path]:
    return sorted(folder.glob("index-*.marshal"))


def answers(bot: Bot) -> list[tuple[str | None, float]]:
    return [(r.intent, r.confidence) for r in map(bot.ask, QUESTIONS)]


@pytest.mark.slow
def test_a_restored_index_answers_exactly_like_a_fresh_build(cache: Path, monkeypatch) -> None:
    built = Bot.load()
    assert len(saved(cache)) == 1
    restored = Bot.load()
    monkeypatch.setenv(CACHE_ENV, "off")
    uncached = Bot.load()
    assert answers(restored) == answers(built) == answers(uncached)
    assert restored.rank("lung cancer back after surgery") == uncached.rank("lung cancer back after surgery")


def test_a_saved_index_is_used_again_not_rebuilt(cache: Path, write_kb, capsys) -> None:
    # Every check of what is read back must accept what the matcher itself saved: a check
    # that fell behind the matcher's state would rebuild at every start, without a word.
    folder = write_kb(faq=FAQ)
    Bot.load(folder)
    [path] = saved(cache)
    first = path.stat()
    assert Bot.load(folder).ask("will it rain tomorrow").intent == "weather"
    [again] = saved(cache)
    assert (again.stat().st_ino, again.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert capsys.readouterr().err == ""


def test_editing_a_pattern_builds_a_new_index(cache: Path, write_kb) -> None:
    folder = write_kb(faq=FAQ)
    assert Bot.load(folder).ask("is it going to snow").intent is None
    write_kb(faq=FAQ.replace("what is the forecast", "is it going to snow"))
    assert Bot.load(folder).ask("is it going to snow").intent == "weather"
    assert len(saved(cache)) == 2


def test_a_damaged_file_is_rebuilt_without_a_word(cache: Path, write_kb) -> None:
    folder = write_kb(faq=FAQ)
    Bot.load(folder)
    [path] = saved(cache)
    for damage in (b"", b"\x00\xff junk", path.read_bytes()[:100]):
        path.write_bytes(damage)
        assert Bot.load(folder).ask("will it rain tomorrow").intent == "weather"
    assert Bot.load(folder).ask("when do i plant tomatoes").intent == "garden"


def test_a_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path, monkeypatch, write_kb) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert Bot.load(write_kb(faq=FAQ)).ask("will it rain tomorrow").intent == "weather"


def test_caching_can_be_switched_off(tmp_path: Path, monkeypatch, write_kb) -> None:
    monkeypatch.setenv(CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Bot.load(write_kb(faq=FAQ)).ask("will it rain tomorrow").intent == "weather"
    assert not (tmp_path / "xdg").exists()


def test_only_the_newest_indexes_are_kept(cache: Path, monkeypatch, write_kb) -> None:
    monkeypatch.setattr(index_cache, "KEEP_FILES", 2)
    folder = write_kb(faq=FAQ)
    for n in range(4):
        write_kb(faq=FAQ.replace("what is the forecast", f"what is the forecast for day {n}"))
        Bot.load(folder)
    assert len(saved(cache)) == 2
