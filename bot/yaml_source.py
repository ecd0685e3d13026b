"""Read YAML strictly and remember where every value came from.

The result is plain data (dict, list, str, int, float, bool, None, date) whose mappings and
lists also carry the line each entry starts on, so validators can say ``file:line: problem``.
Only the YAML core types load: a tag such as ``!!python/object`` is an error, never executed.
Duplicate keys and aliases (``*name``) are errors too: the first silently hides content, the
second can blow up memory ("billion laughs").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import IntentFileError

MAX_FILE_BYTES = 5 * 1024 * 1024

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
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise error(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                    path=path, line=line) from None
    return parse_yaml(text, path, error)


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
    if node is None:
        return None
    return _Builder(path, error).build(node)


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

    def build(self, node: Node) -> Any:
        if id(node) in self.seen:
            raise self.fail("YAML aliases (*name) are not supported; write the value out", node)
        self.seen.add(id(node))
        if isinstance(node, MappingNode):
            return self._mapping(node)
        if isinstance(node, SequenceNode):
            return self._sequence(node)
        return self._scalar(node)

    def _mapping(self, node: MappingNode) -> LocatedDict:
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
            out[key] = self.build(value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out

    def _sequence(self, node: SequenceNode) -> LocatedList:
        if node.tag != _CORE + "seq":
            raise self.fail(f"unsupported YAML tag {node.tag!r}", node)
        out = LocatedList()
        out.line = node.start_mark.line + 1
        for item in node.value:
            out.append(self.build(item))
            out.item_lines.append(item.start_mark.line + 1)
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
