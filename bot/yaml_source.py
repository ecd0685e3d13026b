"""Read YAML strictly and remember where every value came from.

The result is plain data (dict, list, str, int, float, bool, None, date) whose mappings and
lists also carry the line each entry starts on, so validators can say ``file:line: problem``.
Only the YAML core types load: a tag such as ``!!python/object`` is an error, never executed.
Duplicate keys and aliases (``*name``) are errors too: the first silently hides content, the
second can blow up memory ("billion laughs"). A knowledge base may come from anyone, so its size
is checked before it is read and its nesting before it is walked.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import IntentFileError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20
"""Levels of nesting allowed; an intent file needs five (intents, intent, sources, source)."""

# libyaml's parser is several times faster and gives the same nodes and line marks; PyYAML
# wheels ship it, but a source build may not.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR = _CORE + "str"


class LocatedDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []


def line_of(value: Any, default: int = 0) -> int:
    return getattr(value, "line", default) or default


def read_yaml(path: str | Path, error: type[IntentFileError] = IntentFileError) -> Any:
    """Load one YAML file as located plain data; ``None`` for an empty file.

    Raises ``error`` (an IntentFileError) with the file and line of the first problem.
    """
    path = Path(path)
    try:
        raw = _read_capped(path, error)
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                    path=path, line=line) from None
    return parse_yaml(text, path, error)


def _read_capped(path: Path, error: type[IntentFileError]) -> bytes:
    """The file's bytes, refusing what is not a regular file or is over MAX_FILE_BYTES before
    reading more than that (a 2 GB file, a pipe or /dev/zero must not be read whole)."""
    too_big = f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    # Non-blocking, so that opening a pipe with no writer returns at once (and is refused).
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error("not a regular file (a folder, pipe or device cannot be a knowledge-base file)",
                        path=path)
        if info.st_size > MAX_FILE_BYTES:
            raise error(f"{too_big} ({info.st_size:,} bytes)", path=path)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:  # the file may grow while it is read
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise error(too_big, path=path)
    return b"".join(chunks)


def parse_yaml(text: str, path: str | Path, error: type[IntentFileError] = IntentFileError) -> Any:
    """Parse YAML text as ``read_yaml`` does; ``path`` is only used in messages."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            started = exc.context_mark
            if started is not None and mark is not None and started.line != mark.line:
                problem = f"{exc.context} (opened at line {started.line + 1}): {exc.problem}"
            else:
                problem = f"{exc.context}: {exc.problem}"
        if mark is not None and "cannot start any token" in problem:
            found = _character_at(text, mark.line, mark.column)
            if found == "\t":
                problem += " (a tab: YAML indents with spaces only)"
            elif found:
                problem += f" ({found!r})"
        raise error(f"YAML syntax error: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML error: {exc}", path=path) from None
    except RecursionError:  # the pure-Python composer recurses per level (libyaml does not)
        raise error(_TOO_DEEP, path=path, line=_too_deep_at(text)) from None
    if node is None:
        return None
    return _Builder(path, error).build(node)


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep (an intent file needs about five)"


def _too_deep_at(text: str) -> int | None:
    """The line where nesting first goes past MAX_DEPTH, read from the parser's events, which
    (unlike composing) never recurse."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1 if event.start_mark is not None else None
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


class _Builder:
    def __init__(self, path: str | Path, error: type[IntentFileError]) -> None:
        self.path = path
        self.error = error
        self.seen: set[int] = set()
        self.constructor = SafeConstructor()

    def fail(self, message: str, node: Node) -> IntentFileError:
        return self.error(message, path=self.path, line=node.start_mark.line + 1)

    def build(self, node: Node, depth: int = 1) -> Any:
        if id(node) in self.seen:
            raise self.fail("YAML aliases (*name) are not supported; write the value out", node)
        self.seen.add(id(node))
        if isinstance(node, (MappingNode, SequenceNode)) and depth > MAX_DEPTH:
            raise self.fail(_TOO_DEEP, node)
        if isinstance(node, MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, SequenceNode):
            return self._sequence(node, depth)
        assert isinstance(node, ScalarNode)
        return self._scalar(node)

    def _mapping(self, node: MappingNode, depth: int) -> LocatedDict:
        if node.tag != _CORE + "map":
            raise self.fail(f"unsupported YAML tag {node.tag!r}", node)
        out = LocatedDict()
        out.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail("a key must be a plain word, not a list or mapping", key_node)
            key = self._scalar(key_node)
            if key_node.tag == _CORE + "merge":
                raise self.fail("YAML merge keys (<<) are not supported", key_node)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            if key in out:
                first = out.key_lines[key]
                raise self.fail(f"duplicate key {key!r} (first at line {first})", key_node)
            out[key] = self.build(value_node, depth + 1)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out

    def _sequence(self, node: SequenceNode, depth: int) -> LocatedList:
        if node.tag != _CORE + "seq":
            raise self.fail(f"unsupported YAML tag {node.tag!r}", node)
        out = LocatedList()
        out.line = node.start_mark.line + 1
        seen, lines = self.seen, out.item_lines
        for item in node.value:
            # Lists of plain texts (patterns) are most of a knowledge base: read them directly.
            if type(item) is ScalarNode and item.tag == _STR and id(item) not in seen:
                seen.add(id(item))
                out.append(item.value)
            else:
                out.append(self.build(item, depth + 1))
            lines.append(item.start_mark.line + 1)
        return out

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == _CORE + "merge":
            return "<<"
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(f"unsupported YAML tag {node.tag!r} (only plain values are allowed)", node)
        if node.tag == _STR:
            return node.value  # most of a knowledge base: skip the constructor's bookkeeping
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            raise self.fail(f"cannot read value {node.value!r}: {exc}", node) from None
