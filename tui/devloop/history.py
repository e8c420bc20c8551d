"""Build history: one JSON line per build in the state directory, newest last."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_KEPT = 500  # lines; older ones are dropped when the file is rewritten


@dataclass(frozen=True)
class BuildRecord:
    started_at: float  # epoch seconds
    trigger: tuple[str, ...]  # files that triggered it (relative), or ("manual",)
    duration_s: float
    result: str  # "ok", "failed", "cancelled", "push failed", ...
    tag: str = ""
    image_id: str = ""
    size: int | None = None
    message: str = ""
    project: str = ""
    steps_cached: int = 0
    steps_total: int = 0
    deployed: bool = False
    image: str = ""  # repository:tag as delivered (pushed, loaded or left in the engine)
    delivery: str = ""  # "push", "load" or "none": how ``image`` reached the cluster
    loaded_into: str = ""  # the context a "load" or "none" delivery reached (no registry)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result == "ok"


class BuildHistory:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: BuildRecord) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(asdict(record), sort_keys=True) + "\n")
            self._trim()

    def _trim(self) -> None:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_KEPT * 2:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text("\n".join(lines[-MAX_KEPT:]) + "\n", encoding="utf-8")
            tmp.replace(self.path)

    def load(self, project: str | None = None, limit: int = 50) -> list[BuildRecord]:
        """The newest ``limit`` records (of one project when given), oldest first. Lines that
        do not parse (a crash mid-write, a newer format) are skipped."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        records = []
        for line in lines:
            try:
                data = json.loads(line)
                data["trigger"] = tuple(data.get("trigger") or ())
                record = BuildRecord(**data)
            except (ValueError, TypeError):
                continue
            if project is None or record.project == project:
                records.append(record)
        return records[-limit:]
