"""Start-up: from launching ``python run_bot.py`` to the chat's first prompt, in a pseudo-terminal.

The prompt's text is read from bot/repl.py (a ``PROMPT...`` string constant). If the chat does
not exist yet (no bot/repl.py), has no recognisable prompt constant, or pexpect is missing, the
fallback measure is the wall time of ``python run_bot.py ask "hello"`` (start, load, answer,
exit), and the result says so. For context we also time a bare ``python -c pass``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import ROOT, median

TARGET_FIRST_PROMPT = 0.5
_PROMPT_CONSTANT = re.compile(r"""^\s*PROMPT\w*\s*(?::\s*\w+\s*)?=\s*[rbuf]?(["'])(?P<text>.+?)\1""", re.M)
_PROMPT_MESSAGE = re.compile(r"""\(\s*(["'])class:prompt\1\s*,\s*(["'])(?P<text>.+?)\2""")


def prompt_text(repl: Path = ROOT / "bot" / "repl.py") -> str | None:
    """The chat prompt's text, or None: the first ``PROMPT...`` string constant in bot/repl.py,
    else the ``("class:prompt", "...")`` fragment of its PromptSession message."""
    try:
        source = repl.read_text(encoding="utf-8")
    except OSError:
        return None
    found = _PROMPT_CONSTANT.search(source) or _PROMPT_MESSAGE.search(source)
    if not found:
        return None
    text = found.group("text").encode().decode("unicode_escape").strip()
    return text or None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TERM", "xterm-256color")
    env.pop("NO_COLOR", None)
    return env


_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible(raw: str) -> str:
    """Terminal output as text: escape sequences and control characters (but \\r, \\n) removed."""
    return _CONTROL.sub("", _ESCAPE.sub("", raw))


def prompt_shown(raw: str, prompt: str) -> bool:
    """Has the prompt been drawn at the start of a line (after stripping terminal codes)?"""
    text = visible(raw)
    return re.search(r"(?:^|[\r\n])" + re.escape(prompt.strip()), text) is not None


def time_first_prompt(prompt: str, *, timeout: float = 20.0) -> float:
    """Seconds from spawning ``python run_bot.py`` in a pty to ``prompt`` appearing at the start
    of a line. Cursor position requests are answered, as a terminal would."""
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, [str(ROOT / "run_bot.py")], cwd=str(ROOT), env=_env(),
                          dimensions=(24, 100), encoding="utf-8", codec_errors="replace", timeout=timeout)
    try:
        seen = ""
        while True:
            remaining = timeout - (time.perf_counter() - start)
            if remaining <= 0:
                raise TimeoutError(f"no prompt {prompt!r} within {timeout:.0f} s; saw {visible(seen)[-300:]!r}")
            try:
                seen += child.read_nonblocking(4096, timeout=remaining)
            except pexpect.TIMEOUT:
                continue
            if "\x1b[6n" in seen[-64:]:
                child.send("\x1b[1;1R")
            if prompt_shown(seen, prompt):
                return time.perf_counter() - start
    finally:
        try:
            child.sendeof()
            child.expect(pexpect.EOF, timeout=3)
        except Exception:  # noqa: BLE001 - the chat may ignore EOF; stop the child we started
            pass
        child.close(force=True)


def time_command(args: list[str], *, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=_env(), capture_output=True, timeout=timeout, check=True)
    return time.perf_counter() - start


def run_startup(*, runs: int = 7, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Median start-up times over ``runs`` launches (one untimed warm-up launch first)."""
    result: dict[str, Any] = {"runs": runs, "notes": []}
    prompt = prompt_text()
    if prompt is None:
        why = ("bot/repl.py does not exist yet" if not (ROOT / "bot" / "repl.py").exists()
               else "bot/repl.py has no PROMPT string constant to wait for")
    else:
        try:
            import pexpect  # noqa: F401
            why = None
        except ImportError:
            why = "pexpect is not installed (pip install -e '.[dev]')"
    if why is None:
        log(f"  first prompt {prompt!r}: {runs} launches in a pseudo-terminal")
        try:
            time_first_prompt(prompt)  # warm-up: file cache, .pyc
            times = [time_first_prompt(prompt) for _ in range(runs)]
            result.update(measure="first prompt", prompt=prompt, seconds=times, median=median(times))
        except Exception as exc:  # noqa: BLE001 - report, then fall back
            why = f"waiting for the prompt {prompt!r} failed ({type(exc).__name__}: {exc})"
    ask = [sys.executable, str(ROOT / "run_bot.py"), "ask", "hello"]
    log(f"  run_bot.py ask hello: {runs} launches")
    time_command(ask)
    ask_times = [time_command(ask) for _ in range(runs)]
    result["ask_hello"] = {"seconds": ask_times, "median": median(ask_times)}
    bare = [time_command([sys.executable, "-c", "pass"]) for _ in range(runs)]
    result["python_bare"] = {"seconds": bare, "median": median(bare)}
    imports = [time_command([sys.executable, "-c", "import bot"]) for _ in range(runs)]
    result["import_bot"] = {"seconds": imports, "median": median(imports)}
    if why is not None:
        result.update(measure="ask hello (fallback)", seconds=ask_times, median=median(ask_times))
        result["notes"].append(f"First prompt not measured: {why}. The start-up figure is the "
                               "wall time of `python run_bot.py ask \"hello\"` (start, load the "
                               "knowledge base, answer, exit) instead.")
    return result
