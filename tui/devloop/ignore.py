"""Which file changes matter: .dockerignore, .gitignore and gok.toml's ignore globs.

``.dockerignore`` patterns are relative to the build context root (``foo`` means only the
top-level ``foo``), so they are anchored before being read with gitignore syntax; ``.gitignore``
patterns keep git's meaning (``foo`` anywhere). ``.git/`` is always ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

ALWAYS_IGNORED = (".git/", ".gok/", "__pycache__/", "*.swp", "*~", ".#*", "4913")


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def dockerignore_patterns(context: Path) -> list[str]:
    patterns = []
    for line in _read_lines(context / ".dockerignore"):
        negated = line.startswith("!")
        body = line[1:] if negated else line
        body = body.lstrip("/")
        if body.startswith("./"):
            body = body[2:]
        patterns.append(("!" if negated else "") + "/" + body)
    return patterns


@dataclass
class IgnoreRules:
    root: Path
    _watch: pathspec.PathSpec
    _build: pathspec.PathSpec
    context: Path

    @classmethod
    def for_project(cls, root: Path, context: Path, extra: Iterable[str] = ()) -> IgnoreRules:
        root, context = root.resolve(), context.resolve()
        watch_lines = [*ALWAYS_IGNORED, *_read_lines(root / ".gitignore"), *extra]
        build_lines = [*ALWAYS_IGNORED, *dockerignore_patterns(context)]
        return cls(
            root,
            pathspec.GitIgnoreSpec.from_lines(watch_lines),
            pathspec.GitIgnoreSpec.from_lines(build_lines),
            context,
        )

    def _relative(self, path: Path, base: Path) -> str | None:
        try:
            relative = path.resolve().relative_to(base).as_posix()
        except ValueError:
            return None
        # "dir/" patterns match directories only, and a path is a directory only with the slash
        return relative + "/" if relative != "." and path.is_dir() else relative

    def ignored(self, path: Path) -> bool:
        """Not worth a look at all: git-ignored, gok.toml-ignored, editor droppings, .git."""
        relative = self._relative(path, self.root)
        return relative is None or self._watch.match_file(relative)

    def in_build_context(self, path: Path) -> bool:
        """The file is sent to the engine: under the context and not in .dockerignore."""
        relative = self._relative(path, self.context)
        return relative is not None and not self._build.match_file(relative)

    def context_files(self) -> list[Path]:
        """Every file the engine would receive, sorted (what the content tag hashes)."""
        files = []
        for path in sorted(self.context.rglob("*")):
            if path.is_file() and self.in_build_context(path):
                relative = path.relative_to(self.context).as_posix()
                if not self._build.match_file(relative):
                    files.append(path)
        return files
