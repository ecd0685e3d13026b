"""The package type-checks: a library that ships ``py.typed`` promises its hints are true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_errors_in_the_bot_package() -> None:
    pytest.importorskip("mypy", reason="mypy (dev extra) checks the type hints")
    # A process of its own, as a developer runs it: mypy reads [tool.mypy] in pyproject.toml.
    result = subprocess.run([sys.executable, "-m", "mypy", "bot"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")
