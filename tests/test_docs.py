"""The documentation says what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    quick_start = shell_blocks()[:2]
    assert len(quick_start) == 2
    install_and_chat, install_and_test = (block.strip() for block in quick_start)
    assert "run_bot.py" in install_and_chat
    assert "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def test_every_command_and_option_is_in_the_readme() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"run_bot.py {name}" in README or f"`{name}`" in README, name
    for option in ("--intents", "--locale", "--history", "--log-misses", "--no-color", "--json",
                   "--strict", "--policy", "--coverage", "--sweep", "--min-accuracy", "--threshold"):
        assert option in README, option


def test_every_bot_module_is_described() -> None:
    for module in (ROOT / "bot").glob("*.py"):
        if module.name not in ("__init__.py", "__main__.py"):
            assert module.name in README, module.name
