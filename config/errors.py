"""The one error type every config loader raises: it carries file, key and reason."""

from __future__ import annotations

import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    """Keys and values come from the user's files: a newline or an escape in them must not
    break the one-line message or reach the terminal raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class ConfigError(Exception):
    """A configuration problem that the CLI prints as one line and exits with code 2."""

    def __init__(self, source: str | Path | None, key: str | None, problem: str) -> None:
        self.source = str(source) if source is not None else None
        self.key = key
        self.problem = problem
        super().__init__(self.line())

    def line(self) -> str:
        where = [part for part in (self.source, self.key) if part]
        prefix = ": ".join(where)
        line = f"{prefix}: {self.problem}" if prefix else self.problem
        return _visible(line)
