"""Show replies in a terminal: wrapped, structured, optionally coloured, and always safe.

Nothing from a user's message or from a YAML answer reaches the terminal as a raw control
sequence: ``terminal_safe`` removes escape sequences, control characters and bidirectional
overrides (which can make text display differently from what it is).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Reply

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
    """The width to wrap answers to: the terminal's, kept between 40 and 100 columns so lines
    stay readable on very wide screens."""
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


def source_lines(title: str, url: str, width: int) -> str:
    """A source as a list item: "- title: url" if it fits, else the title wrapped and the URL
    on a line of its own, never broken (a URL cut in two cannot be copied or clicked).

    >>> print(source_lines("NCI", "https://www.cancer.gov/recurrence", 30))
    - NCI:
      https://www.cancer.gov/recurrence
    """
    title = terminal_safe(title) or "Source"
    url = "".join(terminal_safe(url).split())
    line = f"- {title}: {url}"
    if len(line) <= width:
        return line
    return f"{wrap(f'- {title}:', width)}\n  {url}"


def render_reply(reply: Reply, *, width: int = 80, style: Style = Style()) -> str:
    """The block of text a person sees for a reply: the notice, the text, the sources, and for an
    answer that offers nothing else, its related questions numbered so they can be picked."""
    parts: list[str] = []
    if reply.notice:
        parts.append(style.dim(wrap(terminal_safe(reply.notice), width)))
    body = wrap(terminal_safe(reply.text), width)
    parts.append(style.alert(body) if reply.kind == "emergency" else body)
    if reply.sources:
        lines = [style.heading("Sources:")]
        lines.extend(source_lines(source.title, source.url, width) for source in reply.sources)
        parts.append("\n".join(lines))
    if reply.related and reply.kind == "answer" and not reply.suggestions:
        lines = [style.heading("You might also ask:")]
        lines.extend(wrap(f"{n}) {terminal_safe(s.question)}", width) for n, s in enumerate(reply.related, 1))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# Characters that must never reach a terminal or a log raw: C0 and C1 controls (0x9b is a
# one-byte CSI on some terminals), bidi overrides, line separators and lone surrogates. JSON
# escapes C0 controls itself but leaves the others raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escaped(text: str) -> str:
    r"""Text for one line of plain output (an error, a ``check`` finding, a warning): every
    character ``json_line`` escapes is written the same way, as a visible ``\uXXXX``, so a file
    name or a pattern cannot move the cursor, clear the screen, reorder the line or start a new
    one. Everything else is left as it is.

    >>> print(escaped("intents/\x1b[2Jlung\u202e.yml:3: bad\npattern"))
    intents/\u001b[2Jlung\u202e.yml:3: bad\u000apattern
    """
    return _UNSAFE.sub(_escape, text)


def json_line(data: object) -> str:
    r"""``data`` as one line of JSON that can be printed or logged as it is: readable non-ASCII
    text, but every control, bidi or surrogate character written as a ``\uXXXX`` escape.

    >>> print(json_line({"q": "café \x1b[31m"}))
    {"q": "café \u001b[31m"}
    """
    return _UNSAFE.sub(_escape, json.dumps(data, ensure_ascii=False))


def one_line(text: str, limit: int = 200) -> str:
    """Text made safe and shortened to one line of at most ``limit`` characters, for echoing
    something a person typed (a 1 MB paste must not come back as 1 MB).

    >>> one_line("why\\n is it\\x1b[2J back?")
    'why is it back?'
    >>> one_line("x" * 10, limit=5)
    'xxxx…'
    """
    flat = " ".join(terminal_safe(text[: limit * 4]).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
