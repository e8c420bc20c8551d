"""The fake cluster's state: objects, a global resourceVersion, and a bounded event history."""

from __future__ import annotations

import copy
import hashlib
import itertools
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tests.kubefake.errors import (
    already_exists,
    conflict,
    invalid,
    not_found,
    precondition_failed,
)
from tests.kubefake.resources import BY_PLURAL

# the kinds with metadata.generation
GENERATION_KINDS = frozenset(
    {
        "deployments",
        "replicasets",
        "ingresses",
        "poddisruptionbudgets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
    }
)
FIRST_RV = 1000
Key = tuple[str, str, str]  # plural, namespace ("" for cluster-scoped), name


def rfc3339(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # what the API server's generated names use


def rfc3339_after(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


@dataclass
class Change:
    rv: int
    plural: str
    namespace: str
    type: str
    obj: dict[str, Any]


class State:
    """Thread-safe object store; every write gets the next resourceVersion and an event."""

    def __init__(self, history_limit: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        # The cluster's wall clock: every timestamp the fake writes reads it (snapshot tests
        # freeze it, so ages and conditions read the same on every run).
        self.clock = clock
        # Generated names and uids are drawn from what they name and how many came before
        # under that name, not from a random source: the same on every run, whatever order
        # threads create them in, and a pod created again under its old name still gets a
        # new uid.
        self._serials: Counter[str] = Counter()
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.objects: dict[Key, dict[str, Any]] = {}
        self.history: deque[Change] = deque(maxlen=history_limit)
        # resourceVersions start where a cluster's history was compacted long ago, as on a real
        # server (etcd compacts every 5 minutes): a watch or an Exact list from below this
        # one gets 410 Gone
        self.rv = FIRST_RV
        self.compacted_rv = FIRST_RV
        self._names = itertools.count(1)
        self.writes: Counter[str] = Counter()  # writes per plural (what depends on a kind's)

    def timestamp(self, after: float = 0.0) -> str:
        """Now (or ``after`` seconds from now) on the cluster's clock, as RFC 3339."""
        return rfc3339(self.clock() + after)

    def _digest(self, seed: str) -> bytes:
        with self.lock:
            self._serials[seed] += 1
            serial = self._serials[seed]
        return hashlib.sha256(f"{seed}#{serial}".encode()).digest()

    def name_suffix(self, prefix: str, length: int = 5) -> str:
        """The random-looking tail of a generated name (``generateName``, a ReplicaSet's
        pods), as the API server's alphabet spells one."""
        number = int.from_bytes(self._digest(f"name:{prefix}")[:8], "big")
        out = ""
        for _ in range(length):
            number, index = divmod(number, len(NAME_ALPHABET))
            out += NAME_ALPHABET[index]
        return out

    def new_uid(self, key: Key) -> str:
        return str(uuid.UUID(bytes=self._digest("uid:" + "/".join(key))[:16], version=4))

    # -- reads -------------------------------------------------------------------------
    def get(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            obj = self.objects.get((plural, namespace, name))
            return copy.deepcopy(obj) if obj is not None else None

    def list(self, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                copy.deepcopy(obj)
                for (p, ns, _), obj in sorted(self.objects.items(), key=lambda item: item[0])
                if p == plural and (namespace is None or ns == namespace)
            ]

    def list_raw(self, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        """``list``'s objects in its order without copying them; only under ``lock``."""
        return [
            obj
            for (p, ns, _), obj in sorted(
                (item for item in self.objects.items() if item[0][0] == plural),
                key=lambda item: item[0],
            )
            if namespace is None or ns == namespace
        ]

    def iter_raw(self, plural: str) -> Iterator[dict[str, Any]]:
        """Objects without copying; only under ``lock``."""
        for (p, _, _), obj in self.objects.items():
            if p == plural:
                yield obj

    # -- writes ------------------------------------------------------------------------
    def _next_rv(self) -> int:
        self.rv += 1
        return self.rv

    def _record(self, plural: str, namespace: str, event_type: str, obj: dict[str, Any]) -> None:
        if len(self.history) == self.history.maxlen and self.history:
            self.compacted_rv = self.history[0].rv
        self.history.append(Change(self.rv, plural, namespace, event_type, copy.deepcopy(obj)))
        self.writes[plural] += 1
        self.changed.notify_all()

    def _store(self, key: Key, obj: dict[str, Any], event_type: str) -> dict[str, Any]:
        obj["metadata"]["resourceVersion"] = str(self._next_rv())
        self.objects[key] = obj
        self._record(key[0], key[1], event_type, obj)
        return copy.deepcopy(obj)

    def create(self, plural: str, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        resource = BY_PLURAL[plural]
        with self.lock:
            obj = copy.deepcopy(obj)
            meta = obj.setdefault("metadata", {})
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + self.name_suffix(meta["generateName"])
            name = meta.get("name")
            if not name:
                raise invalid(
                    plural, "", "metadata.name", "Required value: name or generateName is required"
                )
            namespace = meta.get("namespace", "") if resource.namespaced else ""
            if resource.namespaced and not namespace:
                namespace = meta["namespace"] = "default"
            key = (plural, namespace, name)
            if key in self.objects:
                raise already_exists(plural, name)
            obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
            meta.update(
                uid=self.new_uid(key),
                creationTimestamp=meta.get("creationTimestamp") or self.timestamp(),
            )
            if plural in GENERATION_KINDS:
                meta["generation"] = 1
            if dry_run:
                meta["resourceVersion"] = str(self.rv)
                return obj
            return self._store(key, obj, "ADDED")

    def replace(
        self,
        plural: str,
        namespace: str,
        name: str,
        obj: dict[str, Any],
        *,
        check_rv: bool = True,
        dry_run: bool = False,
        bump_generation: bool = True,
    ) -> dict[str, Any]:
        resource = BY_PLURAL[plural]
        with self.lock:
            key = (plural, namespace, name)
            current = self.objects.get(key)
            if current is None:
                raise not_found(plural, name)
            obj = copy.deepcopy(obj)
            meta = obj.setdefault("metadata", {})
            given_rv = meta.get("resourceVersion")
            if check_rv and given_rv and given_rv != current["metadata"]["resourceVersion"]:
                raise conflict(plural, name)
            old_meta = current["metadata"]
            for field in ("uid", "creationTimestamp", "name"):
                meta[field] = old_meta[field]
            if resource.namespaced:
                meta["namespace"] = namespace
            obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
            if "generation" in old_meta:
                changed_spec = obj.get("spec") != current.get("spec")
                meta["generation"] = old_meta["generation"] + (
                    1 if changed_spec and bump_generation else 0
                )
            if obj == current:
                return copy.deepcopy(current)
            if dry_run:
                return obj
            return self._store(key, obj, "MODIFIED")

    def delete(
        self,
        plural: str,
        namespace: str,
        name: str,
        *,
        dry_run: bool = False,
        preconditions: dict[str, Any] | None = None,
        grace: int | None = None,
    ) -> dict[str, Any]:
        """Remove an object; ``grace`` (pods, see ``deletion``): None or 0 removes it now (0
        first writes ``deletionTimestamp``, as the server does), more marks it terminating."""
        with self.lock:
            key = (plural, namespace, name)
            current = self.objects.get(key)
            if current is None:
                raise not_found(plural, name)
            for field_name, label in (("uid", "UID"), ("resourceVersion", "ResourceVersion")):
                wanted = (preconditions or {}).get(field_name)
                actual = current["metadata"].get(field_name)
                if wanted and wanted != actual:
                    raise precondition_failed(plural, name, label, wanted, str(actual))
            if grace is not None:
                meta = current["metadata"]
                pending = meta.get("deletionGracePeriodSeconds")
                if meta.get("deletionTimestamp") and pending is not None and grace >= pending:
                    return copy.deepcopy(current)  # already terminating, no sooner than asked
                marked = copy.deepcopy(current)
                marked["metadata"]["deletionTimestamp"] = rfc3339_after(grace)
                marked["metadata"]["deletionGracePeriodSeconds"] = grace
                if dry_run:
                    return marked
                current = self._store(key, marked, "MODIFIED")
                if grace > 0:
                    return current
                current = self.objects[key]
            if dry_run:
                return copy.deepcopy(current)
            del self.objects[key]
            current["metadata"]["resourceVersion"] = str(self._next_rv())
            self._record(plural, namespace, "DELETED", current)
            self._delete_dependents(current["metadata"]["uid"])
            return copy.deepcopy(current)

    def _delete_dependents(self, owner_uid: str) -> None:
        for key, obj in list(self.objects.items()):
            refs = obj["metadata"].get("ownerReferences") or []
            if any(ref.get("uid") == owner_uid for ref in refs):
                self.delete(*key)

    def mutate(
        self, plural: str, namespace: str, name: str, change: Callable[[dict[str, Any]], None]
    ) -> dict[str, Any] | None:
        """Read-modify-write without a resourceVersion check (controllers, test helpers)."""
        with self.lock:
            current = self.get(plural, namespace, name)
            if current is None:
                return None
            change(current)
            return self.replace(
                plural, namespace, name, current, check_rv=False, bump_generation=False
            )

    def rewrite(self, plural: str, namespace: str, name: str) -> None:
        """Store the object again as it is: its resourceVersion moves and watchers get a
        MODIFIED event, as after a controller's status write (all a client sees of one)."""
        with self.lock:
            key = (plural, namespace, name)
            if key in self.objects:
                self._store(key, self.objects[key], "MODIFIED")

    def compact(self) -> None:
        with self.lock:
            self.history.clear()
            self.compacted_rv = self.rv

    def changes_since(self, rv: int) -> list[Change]:
        with self.lock:
            return [change for change in self.history if change.rv > rv]
