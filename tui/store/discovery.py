"""The kinds each cluster serves, cached on disk between runs and refreshed in the background.

The cache is one JSON file per cluster (server URL and user, or in-cluster) in the user cache
dir, written atomically (a temporary file renamed over the old one). It is read without any
request, so ``:KIND`` completes and resolves at once after a restart; a file that cannot be read
or parsed is ignored. ``discover`` (a worker calls it, after the first table is up) asks the
server and rewrites the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.config.kubeconfig import KubeTarget
from gok_tui.domain.discovery import BUILTIN, KindCatalog, kinds_from_records

CACHE_FORMAT = 1
MAX_CACHE_BYTES = 8 * 1024 * 1024
DISCOVERY_TIMEOUT = (5.0, 15.0)


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("gok-tui") / "discovery"


def cluster_key(target: KubeTarget) -> str:
    """Who asks whom: what a server answers depends on the server and on the user (RBAC may
    hide groups)."""
    if target.in_cluster:
        return f"in-cluster {target.cluster_server}"
    return f"{target.cluster_server} {target.user}"


class DiscoveryCache:
    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    @property
    def directory(self) -> Path:
        return self._directory if self._directory is not None else cache_dir()

    def path_for(self, target: KubeTarget) -> Path:
        digest = hashlib.sha256(cluster_key(target).encode()).hexdigest()[:32]
        return self.directory / f"{digest}.json"

    def load(self, target: KubeTarget) -> KindCatalog | None:
        """The cached catalog of this cluster; None when there is none or it is unreadable."""
        path = self.path_for(target)
        try:
            if path.stat().st_size > MAX_CACHE_BYTES:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return None
        if data.get("cluster") != cluster_key(target):
            return None  # a hash collision, or a file copied from elsewhere
        records = data.get("kinds")
        if not isinstance(records, list):
            return None
        return KindCatalog(kinds_from_records(records), from_server=True)

    def save(self, target: KubeTarget, catalog: KindCatalog) -> None:
        """Write atomically: a reader sees the old file or the new one, never half of one."""
        path = self.path_for(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": CACHE_FORMAT,
            "cluster": cluster_key(target),
            "saved": time.time(),
            "kinds": catalog.records(),
        }
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".discovery-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, separators=(",", ":"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


@dataclass(frozen=True)
class Refreshed:
    """The outcome of one refresh: the catalog now held, or why the server did not say."""

    catalog: KindCatalog
    error: str = ""
    status: int | None = None


class DiscoveryStore:
    """The catalog of each cluster the session points at: the cached one until the server
    has answered, the hand-listed kinds when there is neither."""

    def __init__(self, cache: DiscoveryCache | None = None) -> None:
        self.cache = cache or DiscoveryCache()
        self._catalogs: dict[str, KindCatalog] = {}
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._asked = itertools.count(1)
        self._kept_from: dict[str, int] = {}  # cluster -> when the catalog held was asked for

    def catalog(self, target: KubeTarget | None) -> KindCatalog:
        if target is None:
            return BUILTIN
        key = cluster_key(target)
        with self._lock:
            known = self._catalogs.get(key)
        if known is not None:
            return known
        loaded = self.cache.load(target) or BUILTIN
        with self._lock:
            return self._catalogs.setdefault(key, loaded)

    def discover(self, backend: KubeBackend, target: KubeTarget) -> Refreshed:
        """Ask the server (blocking: a worker's call). On failure the catalog held stays; an
        answer to an older request than the one held is not kept (two may overlap)."""
        asked = next(self._asked)
        try:
            catalog = backend.discover(timeout=DISCOVERY_TIMEOUT)
        except KubeError as error:
            return Refreshed(self.catalog(target), error.message, error.status)
        except ValueError as error:  # a 200 that is not an API server's JSON
            return Refreshed(self.catalog(target), str(error)[:200])
        key = cluster_key(target)
        with self._lock:
            if self._kept_from.get(key, 0) > asked:
                return Refreshed(self._catalogs[key])
            self._catalogs[key] = catalog
            self._kept_from[key] = asked
        with self._save_lock, contextlib.suppress(OSError):
            self.cache.save(target, self.catalog(target))  # the newest, whoever saves last
        return Refreshed(catalog)
