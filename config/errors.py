"""The one error type every config loader raises: it carries file, key and reason."""

from __future__ import annotations

from pathlib import Path


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
        return f"{prefix}: {self.problem}" if prefix else self.problem
