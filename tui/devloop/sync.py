"""Live update, the pure half: which path a set of changed files takes, and the tar to send.

Every changed file under a ``[[sync]]`` rule is copied into the running containers; one
changed file outside every rule, or a change of the Dockerfile or ``.dockerignore`` (which
decide what an image holds), means a full build. Nothing here talks to a cluster.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gok_tui.config.project import SyncRule

# files whose change alters how every other file becomes the image: never synced
_BUILD_RECIPES = (".dockerignore",)


@dataclass(frozen=True)
class SyncCopy:
    source: Path  # the local file (or directory), absolute
    target: str  # where it goes in the container, absolute POSIX path


@dataclass(frozen=True)
class SyncChanges:
    """Live update: every change lands under a sync rule."""

    copies: tuple[SyncCopy, ...]
    deletions: tuple[str, ...]  # container paths of files gone locally
    runs: tuple[tuple[str, ...], ...]  # the ``run`` argv of each rule touched, in rule order
    files: tuple[str, ...]  # the changed files as the user names them (relative)

    @property
    def count(self) -> int:
        return len(self.copies) + len(self.deletions)


@dataclass(frozen=True)
class NeedsBuild:
    """A full build, and why (one phrase: "Dockerfile changed")."""

    reason: str


def _within(path: Path, folder: Path) -> Path | None:
    try:
        return path.relative_to(folder)
    except ValueError:
        return None


def container_path(rule: SyncRule, relative: Path) -> str:
    """Where a file ``relative`` to the rule's local path goes in the container."""
    if relative == Path("."):
        return posixpath.normpath(rule.container)
    return posixpath.normpath(posixpath.join(rule.container, relative.as_posix()))


def route(
    rules: Sequence[SyncRule],
    context: Path,
    dockerfile: Path,
    changed: Iterable[Path],
    *,
    exists: bool | None = None,
) -> SyncChanges | NeedsBuild:
    """Decide the path of one change set. ``changed`` are absolute paths of files in the build
    context (the loop drops the rest before); ``exists`` overrides the look at the disk (for
    tests of deletions without a disk)."""
    context, dockerfile = context.resolve(), dockerfile.resolve()
    if not rules:
        return NeedsBuild("no sync rule")
    locals_ = [(rule, (context / rule.local).resolve()) for rule in rules]
    copies: list[SyncCopy] = []
    deletions: list[str] = []
    touched: list[SyncRule] = []
    names: list[str] = []
    for raw in changed:
        path = raw if raw.is_absolute() else context / raw
        path = path.parent.resolve() / path.name  # the file itself, not a symlink's target
        name = (_within(path, context) or path).as_posix()
        if path == dockerfile:
            return NeedsBuild(f"{name} changed")
        if path.name in _BUILD_RECIPES or path.name == dockerfile.name + ".dockerignore":
            return NeedsBuild(f"{name} changed")
        found = next(
            (
                (rule, relative)
                for rule, local in locals_
                if (relative := _within(path, local)) is not None
            ),
            None,
        )
        if found is None:
            return NeedsBuild(f"{name} is outside the sync rules")
        rule, relative = found
        target = container_path(rule, relative)
        present = (path.exists() or path.is_symlink()) if exists is None else exists
        if present:
            copies.append(SyncCopy(path, target))
        else:
            deletions.append(target)
        if rule not in touched:
            touched.append(rule)
        names.append(name)
    if not names:
        return NeedsBuild("nothing changed")
    runs = tuple(rule.run for rule in rules if rule in touched and rule.run)
    return SyncChanges(
        tuple(dict.fromkeys(copies)),
        tuple(dict.fromkeys(deletions)),
        runs,
        tuple(dict.fromkeys(names)),
    )


def tar_of(copies: Iterable[SyncCopy]) -> bytes:
    """An in-memory tar of the copies, named by their container paths less the leading ``/``
    (so ``tar -xf - -C /`` puts each where it belongs), file modes and times kept. Owners are
    root: the local user's ids mean nothing in the container (a non-root ``tar`` extracts
    as itself anyway)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for copy in copies:
            try:
                info = archive.gettarinfo(str(copy.source), arcname=copy.target.lstrip("/"))
            except FileNotFoundError:  # gone since the change was seen: its deletion comes next
                continue
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if info.isreg():
                with copy.source.open("rb") as handle:
                    archive.addfile(info, handle)
            else:  # a directory or a symlink: the entry itself, its files come as changes
                archive.addfile(info)
    return buffer.getvalue()
