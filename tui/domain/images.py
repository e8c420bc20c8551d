"""Local images as the Images view lists them: which Deployments run them, what prune removes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from gok_tui.domain.table import Row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import human_duration

KEEP_NEWEST = 3  # prune keeps this many of the project's newest builds, used or not


class ImageLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def created(self) -> datetime: ...
    @property
    def size(self) -> int: ...
    @property
    def digests(self) -> tuple[str, ...]: ...


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def deployment_images(deployments: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """image reference -> ["deploy/name", ...] for every container of every Deployment."""
    used: dict[str, list[str]] = {}
    for obj in deployments:
        name = (obj.get("metadata") or {}).get("name", "")
        spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
        for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
            image = str(container.get("image") or "")
            if image:
                used.setdefault(image, []).append(f"deploy/{name}")
    return used


def _normalise(ref: str) -> str:
    """docker.io/library/x:tag and x:tag are the same image; no tag means latest."""
    name, _, digest = ref.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and not digest:
        name += ":latest"
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return f"{name}@{digest}" if digest else name


def users_of(image: ImageLike, used: Mapping[str, Sequence[str]]) -> list[str]:
    """The Deployments that run this image, by tag or by digest (repo@sha256:...)."""
    wanted = {_normalise(ref) for ref in (*image.tags, *image.digests)}
    digests = {d.partition("@")[2] for d in image.digests}
    found: list[str] = []
    for ref, names in used.items():
        normal = _normalise(ref)
        _, _, digest = normal.partition("@")
        if normal in wanted or (digest and digest in digests):
            found.extend(n for n in names if n not in found)
    return found


@dataclass(frozen=True)
class ImageEntry:
    image: Any  # ImageSummary
    users: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.image.id


# At 80 columns a repository:tag of ~35 characters leaves room for four short columns: which
# Deployments run the image comes before its id (the layers panel, enter, shows the id whole).
IMAGE_COLUMNS = ("REPOSITORY:TAG", "CREATED", "SIZE", "RUNS IN", "IMAGE ID")


def image_row(entry: ImageEntry, now: datetime) -> Row:
    image = entry.image
    tags = ", ".join(image.tags) or "<none>"
    short_id = image.id.removeprefix("sha256:")[:12]
    age = human_duration((now - image.created).total_seconds())
    return Row(
        entry.key,
        (
            clean(tags, 80),
            age,
            human_size(image.size),
            clean(", ".join(entry.users), 60) or "-",
            short_id,
        ),
        "ok" if entry.users else "muted",
    )


def sort_entries(entries: Sequence[ImageEntry], by: str) -> list[ImageEntry]:
    if by == "size":
        return sorted(entries, key=lambda e: e.image.size, reverse=True)
    return sorted(entries, key=lambda e: e.image.created, reverse=True)


def prune_candidates(
    entries: Sequence[ImageEntry], repository: str, keep: int = KEEP_NEWEST
) -> list[ImageEntry]:
    """Old builds of the project's repository that no Deployment runs, newest ``keep`` kept."""
    mine = [
        e
        for e in sort_entries(entries, "age")
        if any(tag.rsplit(":", 1)[0] == repository for tag in e.image.tags)
    ]
    return [e for e in mine[keep:] if not e.users]
