"""The one error type every config loader raises: it carries file, key and reason."""

from __future__ import annotations

import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    """Keys and values come from the user's files: a newline or an escape in them must not
    break the one-line message or reach the terminal raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


QUOTED_CHARS = 40  # of a value longer than SHORT_VALUE, an error message quotes this many
SHORT_VALUE = 60


def shown(value: object) -> str:
    """A value from the user's file, for an error message: quoted whole when short, else its
    first characters and its length (a 5 MB value must not come back as a 5 MB message), and
    never itself an error (TOML's ``0xfff…`` reads as an int too long for Python to print)."""
    if isinstance(value, str):
        if len(value) <= SHORT_VALUE:
            return repr(value)
        return f"{value[:QUOTED_CHARS]!r}… ({len(value):,} characters)"
    try:
        text = repr(value)
    except ValueError:
        return "a number too long to show"
    return (
        text if len(text) <= SHORT_VALUE else f"{text[:QUOTED_CHARS]}… ({len(text):,} characters)"
    )


def short_name(name: str) -> str:
    """A name (a key, a context) from the user's file, unquoted, cut as ``shown`` cuts."""
    if len(name) <= SHORT_VALUE:
        return name
    return f"{name[:QUOTED_CHARS]}… ({len(name):,} characters)"


class ConfigError(Exception):
    """A configuration problem that the CLI prints as one line and exits with code 2."""

    def __init__(self, source: str | Path | None, key: str | None, problem: str) -> None:
        self.source = str(source) if source is not None else None
        self.key = short_name(key) if key is not None else None  # keys come from the file too
        self.problem = problem
        super().__init__(self.line())

    def line(self) -> str:
        where = [part for part in (self.source, self.key) if part]
        prefix = ": ".join(where)
        line = f"{prefix}: {self.problem}" if prefix else self.problem
        return _visible(line)
