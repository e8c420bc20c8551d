"""The audit log: one JSON line per executed action, rotated by size, never a secret and never
a literal env value (a digest of it instead)."""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gok_tui.actions.base import Plan

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_BACKUPS = 5
QUIT_IN_FLIGHT = (
    "gok-tui quit before the cluster answered: the change may or may not have been made "
    "(check the object)"
)
_SECRET_KINDS = frozenset({"secrets"})
_SECRET_KEYS = frozenset({"token", "password", "client-key-data", "data", "stringData"})


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<redacted>" if k in _SECRET_KEYS else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def env_digest(value: str) -> str:
    """What the audit log keeps of a literal env value: enough to tell two apart, not to read."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _env_var(entry: Any) -> Any:
    """One ``env`` item with its literal value as a digest (name and valueFrom kept)."""
    if isinstance(entry, dict) and isinstance(entry.get("value"), str):
        return {**entry, "value": env_digest(entry["value"])}
    return entry


# a JSON patch op aimed into an env list: .../env, .../env/3 (or /-), .../env/3/value
_ENV_OP_PATH = re.compile(r"/env(?:/(?:\d+|-)(/value)?)?$")


def without_env_values(value: Any) -> Any:
    """A copy of a patch or manifest where every literal env value (a pod template's
    ``containers[].env[].value``, in any patch type) is a digest. Values from Secrets are
    references already (``valueFrom``) and stay as they are."""
    if isinstance(value, list):
        return [without_env_values(item) for item in value]
    if not isinstance(value, dict):
        return value
    copied = {
        key: (
            [_env_var(item) for item in inner]
            if key == "env" and isinstance(inner, list)
            else without_env_values(inner)
        )
        for key, inner in value.items()
    }
    path = value.get("path")
    if "op" in value and "value" in value and isinstance(path, str):
        aimed = _ENV_OP_PATH.search(path)
        if aimed is not None:
            target = value["value"]
            if aimed.group(1):  # .../env/N/value: the value itself
                copied["value"] = env_digest(target) if isinstance(target, str) else target
            elif isinstance(target, list):  # .../env: the whole list
                copied["value"] = [_env_var(item) for item in target]
            else:  # .../env/N: one item
                copied["value"] = _env_var(target)
    return copied


def _for_the_log(body: Any) -> Any:
    return without_env_values(_redact(body))


class AuditLog:
    def __init__(
        self,
        path: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        backups: int = DEFAULT_BACKUPS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.clock = clock  # an entry's time (local, as written)
        self.max_bytes = max_bytes
        self.backups = backups
        self._lock = threading.Lock()
        self._in_flight: dict[object, tuple[Plan, str, float]] = {}
        self._in_flight_changed = threading.Condition()

    @contextlib.contextmanager
    def sending(self, plan: Plan, *, kube_user: str) -> Iterator[None]:
        """Around the execution of a confirmed plan (which records its own outcome): if
        gok-tui quits before it ends, ``settle`` records that the outcome is unknown."""
        token = object()
        with self._in_flight_changed:
            self._in_flight[token] = (plan, kube_user, time.monotonic())
        try:
            yield
        finally:
            with self._in_flight_changed:
                self._in_flight.pop(token, None)
                self._in_flight_changed.notify_all()

    def settle(self, wait: float) -> int:
        """On quit: give executions in flight up to ``wait`` seconds to record their outcome,
        then record each one still waiting on the cluster as unknown. Returns how many."""
        deadline = time.monotonic() + wait
        with self._in_flight_changed:
            while self._in_flight and (left := deadline - time.monotonic()) > 0:
                self._in_flight_changed.wait(left)
            waiting = list(self._in_flight.values())
            self._in_flight.clear()
        for plan, kube_user, started in waiting:
            self.record(
                plan,
                kube_user=kube_user,
                result=QUIT_IN_FLIGHT,
                ok=False,
                duration_s=time.monotonic() - started,
            )
        return len(waiting)

    def record(
        self,
        plan: Plan,
        *,
        kube_user: str,
        result: str,
        ok: bool,
        duration_s: float,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        body = "<redacted>" if plan.ref.kind in _SECRET_KINDS else _for_the_log(plan.body)
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.clock())),
            "local_user": _local_user(),
            "kube_user": kube_user,
            "context": plan.ref.context,
            "cluster": plan.ref.server,
            "namespace": plan.ref.namespace,
            "kind": plan.ref.kind,
            "name": plan.ref.name,
            "action": plan.action,
            "summary": plan.summary,
            "from": plan.before,
            "to": plan.after,
            "method": plan.method,
            "path": plan.path,
            "patch_type": plan.content_type,
            "patch": body,
            "then": [
                {"method": r.method, "path": r.path, "patch": _for_the_log(r.body)}
                for r in plan.then
            ],
            "dry_run": dry_run,
            "ok": ok,
            "result": result,
            "duration_ms": round(duration_s * 1000),
        }
        line = json.dumps(entry, sort_keys=False, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._rotate_if_needed(len(line.encode()))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
            finally:
                os.close(fd)
        return entry

    def _rotate_if_needed(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size + incoming <= self.max_bytes:
            return
        for index in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{index + 1}"))
        self.path.replace(self.path.with_name(f"{self.path.name}.1"))

    def entries(self, path: Path | None = None) -> Iterator[dict[str, Any]]:
        """A file's entries (the current one by default), oldest first; a damaged line (a
        crash mid-write, an editor) is skipped rather than hiding every other entry."""
        try:
            with (path or self.path).open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        continue
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(entry, dict):
                        yield entry
        except FileNotFoundError:
            return

    def recent(self, limit: int = 500) -> list[dict[str, Any]]:
        """The newest entries first, reaching into the rotated files when needed."""
        found: list[dict[str, Any]] = []
        for index in range(self.backups + 1):
            path = self.path if index == 0 else self.path.with_name(f"{self.path.name}.{index}")
            found.extend(reversed(list(self.entries(path))))
            if len(found) >= limit:
                break
        return found[:limit]

    def stamp(self) -> tuple[float, int]:
        """Changes whenever an entry is written (for views that re-read)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return (0.0, 0)
        return (stat.st_mtime, stat.st_size)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return str(os.getuid())


def local_user() -> str:
    """Who the audit log names as the local user of this process."""
    return _local_user()
