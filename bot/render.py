"""Show replies in a terminal: wrapped, structured, optionally coloured, and always safe.

Nothing from a user's message or from a YAML answer reaches the terminal as a raw control
sequence: ``terminal_safe`` removes escape sequences, control characters and bidirectional
overrides (which can make text display differently from what it is).
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Intent, Reply

_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)"
                     r"|\x9b[0-?]*[ -/]*[@-~]")
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def terminal_safe(text: str) -> str:
    """Text with escape sequences, control characters (but newline and tab) and bidi controls
    removed, and lone surrogates replaced, so it can be printed as it is.

    >>> terminal_safe("red\\x1b[31m alert\\x07\\u202e!")
    'red alert!'
    """
    text = _ESCAPE.sub("", text).translate(_BIDI)
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            out.append("\ufffd" if unicodedata.category(ch) == "Cs" else "")
        else:
            out.append(ch)
    return "".join(out)


def colour_wanted(no_color_flag: bool, stream_is_tty: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or the NO_COLOR convention."""
    return stream_is_tty and not no_color_flag and not os.environ.get("NO_COLOR")


@dataclass(frozen=True)
class Style:
    """ANSI styles, or none at all."""

    colour: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def alert(self, text: str) -> str:
        return self._wrap("1;31", text)

    def heading(self, text: str) -> str:
        return self._wrap("1;36", text)


def terminal_width(default: int = 80) -> int:
    return max(40, min(100, shutil.get_terminal_size((default, 24)).columns))


def wrap(text: str, width: int, indent: str = "") -> str:
    """Wrap each paragraph and list item, keeping the author's line structure."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            lines.append("")
            continue
        bullet = re.match(r"^(\s*(?:[-*•]|\d+[.)])\s+)", line)
        hanging = " " * len(bullet.group(1)) if bullet else ""
        lines.extend(textwrap.wrap(line, width=width - len(indent), initial_indent=indent,
                                   subsequent_indent=indent + hanging, break_long_words=True,
                                   break_on_hyphens=False) or [""])
    return "\n".join(lines)


def render_reply(reply: Reply, *, related: Sequence[Intent] = (), width: int = 80,
                 style: Style = Style()) -> str:
    """The block of text a person sees for a reply."""
    parts: list[str] = []
    if reply.notice:
        parts.append(style.dim(wrap(terminal_safe(reply.notice), width)))
    body = wrap(terminal_safe(reply.text), width)
    parts.append(style.alert(body) if reply.kind == "emergency" else body)
    if reply.sources:
        lines = [style.heading("Sources:")]
        for source in reply.sources:
            title = terminal_safe(source.title) or "Source"
            lines.append(wrap(f"- {title}: {terminal_safe(source.url)}", width))
        parts.append("\n".join(lines))
    if related and reply.kind == "answer":
        lines = [style.heading("You might also ask:")]
        lines.extend(wrap(f"- {terminal_safe(i.question)}", width) for i in related)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
