"""Log lines made safe to show, recognised (JSON, level), kept in a bounded buffer, filtered.

Pure. Log bytes are untrusted: they are decoded leniently, every control sequence (ANSI colours,
OSC titles, cursor moves) and control character is removed or made visible, as are invisible
format characters (bidi overrides that would reorder what is shown, line separators), and
overlong lines are cut, so nothing in a log can drive the terminal or disguise a line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .search import compile_filter
from .text import escape_unprintable, strip_sequences

if TYPE_CHECKING:
    from regex import Pattern

MAX_LINE_CHARS = 4_000
LEVELS = ("trace", "debug", "info", "warn", "error", "fatal")
_LEVEL_ALIASES = {
    "trace": "trace",
    "debug": "debug",
    "dbg": "debug",
    "info": "info",
    "information": "info",
    "notice": "info",
    "warn": "warn",
    "warning": "warn",
    "error": "error",
    "err": "error",
    "critical": "fatal",
    "crit": "fatal",
    "fatal": "fatal",
    "panic": "fatal",
    "alert": "fatal",
    "emergency": "fatal",
}
_LEVEL_KEYS = ("level", "lvl", "severity", "log.level", "loglevel")
_MESSAGE_KEYS = ("msg", "message", "log", "text")
_TEXT_LEVEL = re.compile(r"\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|ERR|FATAL|PANIC|CRITICAL)\b")

# \n too: a JSON message or field ("msg": "a\nb", a stack trace) holds newlines, and a raw one
# in a rendered line moves the terminal's cursor
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def sanitize(raw: bytes | str, limit: int = MAX_LINE_CHARS) -> str:
    """Text that is safe for the terminal: no escape sequences, no control characters."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = strip_sequences(text.rstrip("\r\n"))
    text = text.replace("\t", "    ")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if not text.isprintable():  # bidi overrides, zero-width and line separators, ...
        text = escape_unprintable(text)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text


def normalise_level(value: object) -> str | None:
    if isinstance(value, str):
        return _LEVEL_ALIASES.get(value.strip().lower())
    if isinstance(value, int):  # bunyan/pino numeric levels
        return {10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal"}.get(
            value
        )
    return None


@dataclass(frozen=True, slots=True)
class ParsedLine:
    text: str  # sanitised; for JSON lines the message
    timestamp: str = ""  # RFC 3339 from the API server, when asked for
    level: str | None = None
    fields: tuple[tuple[str, str], ...] = ()  # other JSON fields, sanitised
    structured: bool = False  # a JSON log line: message first, level shown, fields apart


class LogLine:
    """One line as received; decoded, sanitised and recognised on first use. Most lines of a
    fast stream are never looked at (they scroll by, or fall off the buffer), so ingesting
    one costs an object, not a parse."""

    __slots__ = ("_parsed", "_raw", "_timestamped", "marker", "source")

    def __init__(
        self, source: int, raw: bytes, timestamped: bool = False, *, marker: bool = False
    ) -> None:
        self.source = source  # index into the follower's sources (pod/container)
        self._raw = raw
        self._timestamped = timestamped
        self._parsed: ParsedLine | None = None
        self.marker = marker  # a line gok-tui wrote (restart, waiting, stream ended)

    @property
    def parsed(self) -> ParsedLine:
        if self._parsed is None:
            self._parsed = _parse(self._raw, self._timestamped)
        return self._parsed

    @property
    def text(self) -> str:
        return self.parsed.text

    @property
    def timestamp(self) -> str:
        return self.parsed.timestamp

    @property
    def level(self) -> str | None:
        return self.parsed.level

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        return self.parsed.fields

    @property
    def structured(self) -> bool:
        return self.parsed.structured

    def raw_timestamp(self) -> str:
        """The RFC 3339 prefix without parsing the rest (for resuming a stream)."""
        if not self._timestamped:
            return ""
        stamp, sep, _ = self._raw.partition(b" ")
        return stamp.decode("ascii", "replace") if sep and stamp[:1].isdigit() else ""

    def raw_bytes(self, timestamp: bool) -> bytes:
        """The bytes the container wrote, after the API server's timestamp when ``timestamp``
        (as ``kubectl logs --timestamps`` has it). Unsanitised: for files, not the terminal."""
        if self._timestamped and not timestamp:
            stamp, sep, rest = self._raw.partition(b" ")
            if sep and stamp[:1].isdigit():
                return rest
        return self._raw

    def __repr__(self) -> str:
        return f"LogLine({self.source}, {self.text!r})"


def parse_line(source: int, raw: bytes, timestamped: bool = False) -> LogLine:
    """One raw line from the API server (optionally ``<RFC3339> <text>``), parsed lazily."""
    return LogLine(source, raw, timestamped)


def _parse(raw: bytes, timestamped: bool) -> ParsedLine:
    timestamp = ""
    if timestamped:
        stamp, sep, rest = raw.partition(b" ")
        if sep and stamp[:1].isdigit():
            timestamp, raw = sanitize(stamp.decode("ascii", "replace"), 64), rest
    text = raw.decode("utf-8", "replace").rstrip("\r\n")
    stripped = text.lstrip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            data = None
        if isinstance(data, dict):
            return _json_line(data, timestamp)
    match = _TEXT_LEVEL.search(text[:200])
    level = normalise_level(match.group(1)) if match else None
    return ParsedLine(sanitize(text), timestamp, level)


def _json_line(data: dict[str, object], timestamp: str) -> ParsedLine:
    level = next((normalise_level(data[k]) for k in _LEVEL_KEYS if k in data), None)
    message_key = next((k for k in _MESSAGE_KEYS if isinstance(data.get(k), str)), None)
    message = str(data[message_key]) if message_key else ""
    others = tuple(
        (sanitize(str(k), 64), sanitize(v if isinstance(v, str) else json.dumps(v), 400))
        for k, v in data.items()
        if k != message_key and k not in _LEVEL_KEYS
    )
    text = sanitize(message) if message else " ".join(f"{k}={v}" for k, v in others)
    return ParsedLine(text, timestamp, level, others, structured=True)


def marker(source: int, text: str) -> LogLine:
    line = LogLine(source, b"", marker=True)
    line._parsed = ParsedLine(sanitize(text))
    return line


class RingBuffer:
    """The newest ``capacity`` lines; counts what fell off the front. A list, not a deque:
    the view reads lines by index, and deque indexing is O(n) in the middle."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self.lines: list[LogLine] = []
        self.dropped = 0
        self.total = 0  # lines ever appended: line number of lines[0] is dropped

    def extend(self, batch: Sequence[LogLine]) -> int:
        """Append a batch; returns how many lines fell off the front."""
        self.lines.extend(batch)
        self.total += len(batch)
        overflow = len(self.lines) - self.capacity
        if overflow <= 0:
            return 0
        del self.lines[:overflow]
        self.dropped += overflow
        return overflow

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class LogFilter:
    """Which lines show: a regex (or none), a minimum level, and N lines of context."""

    pattern: str = ""
    min_level: str | None = None
    context: int = 0
    inverse: bool = False
    _regex: Pattern[str] | None = field(default=None, init=False, repr=False)
    error: str = ""

    def __post_init__(self) -> None:
        text = self.pattern
        if text.startswith("!"):
            self.inverse, text = True, text[1:]
        if text:
            self._regex, self.error = compile_filter(text)

    @property
    def active(self) -> bool:
        return self._regex is not None or self.min_level is not None

    def level_ok(self, line: LogLine) -> bool:
        if self.min_level is None or line.marker:
            return True
        if line.level is None:
            return False
        return LEVELS.index(line.level) >= LEVELS.index(self.min_level)

    def matches(self, line: LogLine) -> bool:
        if not self.level_ok(line):
            return False
        if self._regex is None:
            return True
        found = self._regex.search(line.text) is not None or any(
            self._regex.search(f"{k}={v}") for k, v in line.fields
        )
        return found != self.inverse

    def highlights(self, text: str) -> list[tuple[int, int]]:
        if self._regex is None or self.inverse:
            return []
        return [m.span() for m in self._regex.finditer(text) if m.end() > m.start()]

    def visible(self, lines: Sequence[LogLine]) -> tuple[list[int], set[int]]:
        """Indexes of the lines to show (matches with their context, in order), and which of
        them are matches. Context comes from the match's own pod/container, as streams of
        several pods interleave."""
        if not self.active:
            return list(range(len(lines))), set()
        matches = [i for i, line in enumerate(lines) if self.matches(line)]
        if not self.context:
            return matches, set(matches)
        by_source: dict[int, list[int]] = {}
        for i, line in enumerate(lines):
            by_source.setdefault(line.source, []).append(i)
        position = {i: n for indexes in by_source.values() for n, i in enumerate(indexes)}
        shown: set[int] = set()
        for i in matches:
            own = by_source[lines[i].source]
            n = position[i]
            shown.update(own[max(0, n - self.context) : n + self.context + 1])
        return sorted(shown), set(matches)


def render_raw(lines: Iterable[LogLine], prefixes: Sequence[str], timestamps: bool) -> bytes:
    """Lines as the containers wrote them, for save, like ``kubectl logs [--prefix]
    [--timestamps] > file``: the pod/container from ``prefixes`` when it has one, then the
    bytes untouched (colours, tabs, JSON, long lines and all), one line each. The lines
    gok-tui wrote itself (restarts, waiting) are left out."""
    out = bytearray()
    for line in lines:
        if line.marker:
            continue
        if 0 <= line.source < len(prefixes):
            out += prefixes[line.source].encode() + b" "
        out += line.raw_bytes(timestamps) + b"\n"
    return bytes(out)
