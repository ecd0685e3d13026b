"""The ``check`` command: validate a knowledge base and report every problem found."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .knowledge import validate_knowledge_base


def run_check(folder: Path | None, *, strict: bool = False, policy: str = "auto",
              locale: str | None = None, out: TextIO | None = None) -> int:
    """Print ``path:line: error: message`` per problem; return 1 if there are any."""
    out = out or sys.stdout
    kb, problems = validate_knowledge_base(folder, locale=locale)
    for problem in problems:
        where = problem.path or "<knowledge base>"
        if problem.line is not None:
            where = f"{where}:{problem.line}"
        out.write(f"{where}: error: {problem.message}\n")
    if problems:
        out.write(f"{len(problems)} error{'s' if len(problems) != 1 else ''}\n")
        return 1
    assert kb is not None
    out.write(f"ok: {len(kb.intents)} intents in {len(kb.files)} files\n")
    return 0
