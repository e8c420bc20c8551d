"""Relations of one object, as k9s' xray shows them: owners up (ownerReferences, recursively),
dependents down (objects whose ownerReferences name it), Service -> EndpointSlices (or Endpoints)
-> Pods, Ingress -> backend Services, HPA -> its scale target, PVC -> the Pods mounting it, and a
Pod's ConfigMaps, Secrets, PVCs, ServiceAccount and Node.

The tree is built from what a ``Source`` answers: a dict of objects in tests, the cluster (one
list call per question, remembered) in ``gok_tui.store.relations``. A kind the source may not
list becomes a leaf that says so; an object that is named but not there, a "not found" leaf; a
cycle of owners or a tree deeper than ``MAX_DEPTH`` ends in a leaf that says why."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from gok_tui.domain.kinds import KINDS, Kind, kind_for
from gok_tui.domain.pods import pod_facts, pod_tone
from gok_tui.domain.selectors import selector_string
from gok_tui.domain.table import Tone, as_int
from gok_tui.domain.text import clean
from gok_tui.domain.workloads import deployment_tone, desired_replicas, find_condition

Obj = Mapping[str, Any]
MAX_DEPTH = 8  # levels below the root; Ingress -> Service -> slice -> Pod -> Node is 4
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _kind(name: str, plural: str, group: str, namespaced: bool, *short: str) -> Kind:
    aliases = tuple(dict.fromkeys((*short, name.lower(), plural)))
    return Kind(name, plural, group, "v1", namespaced, aliases)


# Kinds the tree reaches that the console has no view of (yet): their paths, for a list or
# a describe. A kind in KINDS wins over the one here.
_MORE_KINDS: dict[str, Kind] = {
    k.plural: k
    for k in (
        _kind("EndpointSlice", "endpointslices", "discovery.k8s.io", True),
        _kind("ServiceAccount", "serviceaccounts", "", True, "sa"),
    )
}


def relation_kind(plural: str) -> Kind | None:
    """The Kind of a plural the tree uses, from the console's kinds or the few more above."""
    return KINDS.get(plural) or _MORE_KINDS.get(plural)


def relation_kind_for(alias: str) -> Kind | None:
    """``:xray KIND/NAME``'s KIND: whatever ``:KIND`` takes, and sa."""
    found = kind_for(alias)
    if found is not None:
        return found
    wanted = alias.strip().lower()
    return next((k for k in _MORE_KINDS.values() if wanted in k.aliases), None)


def _plural_of_kind(kind_name: str) -> str | None:
    for kinds in (KINDS, _MORE_KINDS):
        for plural, kind in kinds.items():
            if kind.name == kind_name:
                return plural
    return None


# -- what the tree asks, and how it is answered --------------------------------------------


@dataclass(frozen=True)
class Listing:
    """The answer to one question: the objects, or why there are none to show."""

    items: tuple[dict[str, Any], ...] = ()
    problem: str = ""  # "not allowed to list pods", a connection error, ... ("" when read)
    served: bool = True  # False: the server does not serve this kind at all (404)


class Source(Protocol):
    """Where the tree's objects come from. ``selector`` narrows what comes back (a label
    selector string): the tree filters what it is given itself, so a source may ignore it."""

    def named(self, plural: str, namespace: str | None, name: str) -> Listing: ...

    def selected(self, plural: str, namespace: str | None, selector: str | None) -> Listing: ...


class ObjectsSource:
    """A Source over objects held in memory (tests, and anything already listed)."""

    def __init__(
        self, objects: Mapping[str, Iterable[dict[str, Any]]], denied: Iterable[str] = ()
    ) -> None:
        self.objects = {plural: list(items) for plural, items in objects.items()}
        self.denied = frozenset(denied)  # plurals answered as a 403 would be

    def _all(self, plural: str, namespace: str | None) -> Listing:
        if plural in self.denied:
            return Listing(problem=f"not allowed to list {plural}")
        items = tuple(
            obj
            for obj in self.objects.get(plural, ())
            if namespace is None or _meta(obj).get("namespace") in (namespace, None)
        )
        return Listing(items)

    def named(self, plural: str, namespace: str | None, name: str) -> Listing:
        listing = self._all(plural, namespace)
        return Listing(
            tuple(o for o in listing.items if _meta(o).get("name") == name), listing.problem
        )

    def selected(self, plural: str, namespace: str | None, selector: str | None) -> Listing:
        return self._all(plural, namespace)


# -- the tree ---------------------------------------------------------------------------------

Relation = Literal[
    "",  # the root
    "owner",
    "owns",
    "endpoints",
    "endpoint",
    "backend",
    "target",
    "mounted by",
    "configmap",
    "secret",
    "volume",
    "service account",
    "node",
    "selected by",
    "note",  # not an object: why a branch ends
]


@dataclass(frozen=True)
class RelationNode:
    kind: str  # "Pod"; "" for a note
    namespace: str | None
    name: str
    status: str  # "Running", "2/2 ready", "not found", "not allowed to list pods"
    tone: Tone
    relation: Relation  # how it relates to its parent
    found: bool = True  # False: named by its parent but not there (or not readable)
    children: tuple[RelationNode, ...] = field(default=())

    @property
    def openable(self) -> bool:
        """Whether enter can describe it: an object that is there, of a kind with a path."""
        return self.found and self.plural is not None

    @property
    def plural(self) -> str | None:
        return _plural_of_kind(self.kind)

    def walk(self) -> Iterator[RelationNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def note(text: str, tone: Tone = "muted") -> RelationNode:
    return RelationNode("", None, "", text, tone, "note", found=False)


def _meta(obj: Obj) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _identity(kind: str, obj: Obj) -> tuple[str, str, str]:
    meta = _meta(obj)
    return kind, meta.get("namespace") or "", meta.get("name") or ""


# -- status words -------------------------------------------------------------------------------


def _replicas(ready: int, desired: int) -> tuple[str, Tone]:
    return f"{ready}/{desired} ready", ("ok" if ready >= desired else "progressing")


def status_of(kind: str, obj: Obj) -> tuple[str, Tone]:
    """A word or two on how the object is, and its tone."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    tone: Tone
    if kind == "Pod":
        facts = pod_facts(obj)
        return clean(facts[0], 40), pod_tone(facts[0], facts[1], facts[2])
    if kind == "Deployment":
        ready = as_int(status.get("readyReplicas"))
        return f"{ready}/{desired_replicas(spec)} ready", deployment_tone(dict(obj))
    if kind in ("ReplicaSet", "StatefulSet"):
        desired = desired_replicas(spec)
        if desired == 0 and not as_int(status.get("replicas")):
            return "0/0", "muted"
        return _replicas(as_int(status.get("readyReplicas")), desired)
    if kind == "DaemonSet":
        return _replicas(
            as_int(status.get("numberReady")), as_int(status.get("desiredNumberScheduled"))
        )
    if kind == "Job":
        job_tones: tuple[tuple[str, Tone], ...] = (("Complete", "ok"), ("Failed", "error"))
        for ctype, job_tone in job_tones:
            condition = find_condition(status.get("conditions") or (), ctype)
            if condition is not None and condition.get("status") == "True":
                return ctype, job_tone
        return f"{as_int(status.get('active'))} active", "progressing"
    if kind == "CronJob":
        if spec.get("suspend"):
            return "suspended", "muted"
        return clean(spec.get("schedule") or "", 40), "ok"
    if kind == "Service":
        return clean(spec.get("type") or "ClusterIP", 20), "ok"
    if kind == "EndpointSlice":
        endpoints = obj.get("endpoints") or ()
        ready = sum(1 for e in endpoints if (e.get("conditions") or {}).get("ready") is not False)
        tone = "ok" if endpoints and ready == len(endpoints) else "warning"
        return f"{ready}/{len(endpoints)} ready", tone
    if kind == "Endpoints":
        subsets = obj.get("subsets") or ()
        ready = sum(len(s.get("addresses") or ()) for s in subsets)
        not_ready = sum(len(s.get("notReadyAddresses") or ()) for s in subsets)
        tone = "ok" if ready and not not_ready else "warning"
        return f"{ready}/{ready + not_ready} ready", tone
    if kind == "HorizontalPodAutoscaler":
        current, desired = (
            as_int(status.get("currentReplicas")),
            as_int(status.get("desiredReplicas")),
        )
        return f"{current} -> {desired} replicas", "ok"
    if kind == "PersistentVolumeClaim":
        phase = status.get("phase") or "Pending"
        return clean(phase, 20), "ok" if phase == "Bound" else "warning"
    if kind == "Node":
        condition = find_condition(status.get("conditions") or (), "Ready")
        if condition is not None and condition.get("status") == "True":
            return (
                ("Ready,SchedulingDisabled", "warning")
                if spec.get("unschedulable")
                else ("Ready", "ok")
            )
        return "NotReady", "error"
    if kind == "ConfigMap":
        count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
        return f"{count} keys", "ok"
    if kind == "Secret":
        return clean(obj.get("type") or "Opaque", 40), "ok"
    if kind == "Ingress":
        rules = spec.get("rules") or ()
        return f"{len(rules)} rules", "ok"
    return "", "ok"


# -- relations of one object ------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    """One relation to follow: the related object's kind and name (and uid, when known)."""

    relation: Relation
    kind: str
    name: str
    uid: str = ""
    optional: bool = False  # a ConfigMap or Secret the pod runs without


# where a container's environment names a ConfigMap or Secret: (field, kind, relation)
_ENV_FROM: tuple[tuple[str, str, Relation], ...] = (
    ("configMapRef", "ConfigMap", "configmap"),
    ("secretRef", "Secret", "secret"),
)
_ENV_VALUE_FROM: tuple[tuple[str, str, Relation], ...] = (
    ("configMapKeyRef", "ConfigMap", "configmap"),
    ("secretKeyRef", "Secret", "secret"),
)


def pod_uses(pod: Obj) -> list[_Link]:
    """The ConfigMaps, Secrets, PVCs, ServiceAccount and Node a Pod names, each once."""
    spec = pod.get("spec") or {}
    found: dict[tuple[str, str], _Link] = {}

    def add(relation: Relation, kind: str, name: object, optional: object = False) -> None:
        if isinstance(name, str) and name and (kind, name) not in found:
            found[(kind, name)] = _Link(relation, kind, name, optional=bool(optional))

    for volume in spec.get("volumes") or ():
        if "configMap" in volume:
            config = volume.get("configMap") or {}
            add("configmap", "ConfigMap", config.get("name"), config.get("optional"))
        if "secret" in volume:
            secret = volume.get("secret") or {}
            add("secret", "Secret", secret.get("secretName"), secret.get("optional"))
        if "persistentVolumeClaim" in volume:
            add(
                "volume",
                "PersistentVolumeClaim",
                (volume.get("persistentVolumeClaim") or {}).get("claimName"),
            )
        for source in (volume.get("projected") or {}).get("sources") or ():
            if "configMap" in source:
                config = source.get("configMap") or {}
                add("configmap", "ConfigMap", config.get("name"), config.get("optional"))
            if "secret" in source:
                secret = source.get("secret") or {}
                add("secret", "Secret", secret.get("name"), secret.get("optional"))
    containers = [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]
    for container in containers:
        for source in container.get("envFrom") or ():
            for key, kind, relation in _ENV_FROM:
                if key in source:
                    ref = source.get(key) or {}
                    add(relation, kind, ref.get("name"), ref.get("optional"))
        for env in container.get("env") or ():
            value_from = env.get("valueFrom") or {}
            for key, kind, relation in _ENV_VALUE_FROM:
                if key in value_from:
                    ref = value_from.get(key) or {}
                    add(relation, kind, ref.get("name"), ref.get("optional"))
    for pull in spec.get("imagePullSecrets") or ():
        add("secret", "Secret", pull.get("name"))
    add("service account", "ServiceAccount", spec.get("serviceAccountName") or "default")
    add("node", "Node", spec.get("nodeName"))
    return list(found.values())


def ingress_backends(ingress: Obj) -> list[str]:
    """The Services an Ingress sends to (rules' paths, then the default backend), each once."""
    spec = ingress.get("spec") or {}
    backends = [spec.get("defaultBackend") or {}]
    for rule in spec.get("rules") or ():
        backends += [
            path.get("backend") or {} for path in (rule.get("http") or {}).get("paths") or ()
        ]
    names = [(b.get("service") or {}).get("name") for b in backends]
    ordered = [n for n in names[1:] + names[:1] if isinstance(n, str) and n]
    return list(dict.fromkeys(ordered))


# The kind of an owner's dependents (found by the owner's own label selector, then by uid).
OWNED_KINDS: dict[str, str] = {
    "Deployment": "ReplicaSet",
    "ReplicaSet": "Pod",
    "StatefulSet": "Pod",
    "DaemonSet": "Pod",
    "Job": "Pod",
    "CronJob": "Job",
}


def _owner_links(obj: Obj) -> list[_Link]:
    return [
        _Link(
            "owner",
            str(ref.get("kind") or ""),
            str(ref.get("name") or ""),
            str(ref.get("uid") or ""),
        )
        for ref in _meta(obj).get("ownerReferences") or ()
        if ref.get("kind") and ref.get("name")
    ]


def _owned_by(obj: Obj, uid: str) -> bool:
    return any(ref.get("uid") == uid for ref in _meta(obj).get("ownerReferences") or ())


Direction = Literal["root", "up", "down", "leaf"]  # leaf: shown, not followed
# what a relation leads to: an object to show (kind, object, relation, where to go on from it),
# or a node that says why there is none
_Found = RelationNode | tuple[str, dict[str, Any], Relation, Direction]


class _Builder:
    def __init__(self, source: Source, namespace: str | None, max_depth: int) -> None:
        self.source = source
        self.namespace = namespace
        self.max_depth = max_depth

    # -- looking objects up --------------------------------------------------------------
    def _namespace_for(self, plural: str) -> str | None:
        kind = relation_kind(plural)
        return self.namespace if kind is None or kind.namespaced else None

    def lookup(self, link: _Link) -> tuple[dict[str, Any] | None, RelationNode | None]:
        """The object a link names, or the node that says why it is not shown."""
        plural = _plural_of_kind(link.kind)
        if plural is None:  # a kind the console knows no path of (a CRD owner, say)
            return None, RelationNode(
                link.kind,
                self.namespace,
                link.name,
                "not looked up",
                "muted",
                link.relation,
                found=False,
            )
        listing = self.source.named(plural, self._namespace_for(plural), link.name)
        if listing.problem:
            return None, RelationNode(
                link.kind,
                self.namespace,
                link.name,
                listing.problem,
                "error",
                link.relation,
                found=False,
            )
        for obj in listing.items:
            if not link.uid or _meta(obj).get("uid") == link.uid:
                return obj, None
        gone = "not found (optional)" if link.optional else "not found"
        tone: Tone = "muted" if link.optional else "error"
        namespace = self._namespace_for(plural)
        return None, RelationNode(
            link.kind, namespace, link.name, gone, tone, link.relation, found=False
        )

    def select(self, kind: str, selector: str | None) -> Listing:
        plural = _plural_of_kind(kind)
        if plural is None:
            return Listing(problem=f"no path known for {kind}")
        return self.source.selected(plural, self._namespace_for(plural), selector)

    # -- building ----------------------------------------------------------------------
    def node(
        self,
        kind: str,
        obj: Obj,
        relation: Relation,
        direction: Direction,
        path: frozenset[tuple[str, str, str]],
        depth: int,
    ) -> RelationNode:
        meta = _meta(obj)
        status, tone = status_of(kind, obj)
        here = _identity(kind, obj)
        node = RelationNode(
            kind, meta.get("namespace"), clean(meta.get("name") or ""), status, tone, relation
        )
        if here in path:
            return RelationNode(
                node.kind, node.namespace, node.name, "cycle: already above", "warning", relation
            )
        path = path | {here}
        links = self.links(kind, obj, direction)
        if not links:
            return node
        if depth >= self.max_depth:
            return _with(node, (note(f"… deeper relations not shown (depth {self.max_depth})"),))
        children: list[RelationNode] = []
        for item in links:
            if isinstance(item, RelationNode):
                children.append(item)
                continue
            child_kind, child, child_relation, child_direction = item
            children.append(
                self.node(child_kind, child, child_relation, child_direction, path, depth + 1)
            )
        return _with(node, tuple(children))

    def links(self, kind: str, obj: Obj, direction: Direction) -> list[_Found]:
        """The related objects to show under ``obj``, or the nodes that say why one is not."""
        found: list[_Found] = []

        def follow(link: _Link, onward: Direction) -> None:
            related, missing = self.lookup(link)
            if related is not None:
                found.append((link.kind, related, link.relation, onward))
            elif missing is not None:
                found.append(missing)

        if direction == "leaf":
            return found
        if direction in ("root", "up"):
            for link in _owner_links(obj):
                follow(link, "up")
        if direction == "up":
            return found
        uid = _meta(obj).get("uid") or ""
        owned = OWNED_KINDS.get(kind)
        if owned is not None and uid:
            selector = (
                None
                if kind == "CronJob"
                else selector_string((obj.get("spec") or {}).get("selector"))
            )
            listing = self.select(owned, selector)
            if listing.problem:
                found.append(note(listing.problem, "error"))
            for child in sorted(listing.items, key=lambda o: _meta(o).get("name") or ""):
                if _owned_by(child, uid):
                    found.append((owned, child, "owns", "down"))
        if kind == "Service":
            found.extend(self.service_endpoints(obj))
        elif kind == "Ingress":
            for name in ingress_backends(obj):
                follow(_Link("backend", "Service", name), "down")
        elif kind == "HorizontalPodAutoscaler":
            target = (obj.get("spec") or {}).get("scaleTargetRef") or {}
            if target.get("kind") and target.get("name"):
                follow(_Link("target", str(target["kind"]), str(target["name"])), "down")
        elif kind == "PersistentVolumeClaim":
            listing = self.select("Pod", None)
            if listing.problem:
                found.append(note(listing.problem, "error"))
            claim = _meta(obj).get("name")
            for pod in sorted(listing.items, key=lambda o: _meta(o).get("name") or ""):
                volumes = (pod.get("spec") or {}).get("volumes") or ()
                if any(
                    (v.get("persistentVolumeClaim") or {}).get("claimName") == claim
                    for v in volumes
                ):
                    found.append(("Pod", pod, "mounted by", "down"))
        elif kind in ("EndpointSlice", "Endpoints"):
            found.extend(self.endpoint_pods(kind, obj))
        elif kind == "Pod":
            for link in pod_uses(obj):  # what it uses is shown, not what else uses that
                follow(link, "leaf")
            if direction == "root":
                found.extend(self.services_selecting(obj))
        return found

    def endpoint_pods(self, kind: str, obj: Obj) -> list[_Found]:
        """The Pods the endpoints point at, from one list of the namespace's Pods."""
        targets = endpoint_pods(kind, obj)
        if not targets:
            return []
        listing = self.select("Pod", None)
        if listing.problem:
            return [note(listing.problem, "error")]
        pods = {_name(pod): pod for pod in listing.items}
        found: list[_Found] = []
        for name, uid, _ready in sorted(targets):
            pod = pods.get(name)
            if pod is not None and (not uid or _meta(pod).get("uid") == uid):
                found.append(("Pod", pod, "endpoint", "down"))
            else:
                found.append(
                    RelationNode(
                        "Pod", self.namespace, clean(name), "not found", "error", "endpoint", False
                    )
                )
        return found

    def services_selecting(self, pod: Obj) -> list[_Found]:
        """The Services whose selector picks the Pod (its traffic comes through them)."""
        listing = self.select("Service", None)
        if listing.problem:
            return [note(listing.problem, "error")]
        labels = _meta(pod).get("labels") or {}
        found: list[_Found] = []
        for service in sorted(listing.items, key=_name):
            selector = (service.get("spec") or {}).get("selector") or {}
            if selector and all(labels.get(key) == value for key, value in selector.items()):
                found.append(("Service", service, "selected by", "leaf"))
        return found

    def service_endpoints(self, service: Obj) -> list[_Found]:
        """EndpointSlices labelled with the Service's name (Endpoints on a server without
        them), each with the Pods its endpoints point at."""
        name = _meta(service).get("name") or ""
        slices = self.select("EndpointSlice", f"{SERVICE_NAME_LABEL}={name}")
        mine = [
            s
            for s in slices.items
            if (_meta(s).get("labels") or {}).get(SERVICE_NAME_LABEL) == name
        ]
        found: list[_Found] = []
        if slices.problem and slices.served:
            found.append(note(slices.problem, "error"))
        if mine:
            found += [("EndpointSlice", s, "endpoints", "down") for s in sorted(mine, key=_name)]
            return found
        endpoints, missing = self.lookup(_Link("endpoints", "Endpoints", name))
        if endpoints is not None:
            found.append(("Endpoints", endpoints, "endpoints", "down"))
        elif missing is not None and not found:
            found.append(missing)
        return found


def _name(obj: Obj) -> str:
    return _meta(obj).get("name") or ""


def _with(node: RelationNode, children: tuple[RelationNode, ...]) -> RelationNode:
    return RelationNode(
        node.kind,
        node.namespace,
        node.name,
        node.status,
        node.tone,
        node.relation,
        node.found,
        children,
    )


def endpoint_pods(kind: str, obj: Obj) -> list[tuple[str, str, bool]]:
    """(pod name, uid, ready) of the Pods an EndpointSlice's or Endpoints' addresses target."""
    found: list[tuple[str, str, bool]] = []
    if kind == "EndpointSlice":
        for endpoint in obj.get("endpoints") or ():
            ref = endpoint.get("targetRef") or {}
            ready = (endpoint.get("conditions") or {}).get("ready") is not False
            if ref.get("kind") == "Pod" and ref.get("name"):
                found.append((str(ref["name"]), str(ref.get("uid") or ""), ready))
    else:
        for subset in obj.get("subsets") or ():
            for key, ready in (("addresses", True), ("notReadyAddresses", False)):
                for address in subset.get(key) or ():
                    ref = address.get("targetRef") or {}
                    if ref.get("kind") == "Pod" and ref.get("name"):
                        found.append((str(ref["name"]), str(ref.get("uid") or ""), ready))
    return found


def build_tree(kind: str, obj: Obj, source: Source, max_depth: int = MAX_DEPTH) -> RelationNode:
    """The relations of ``obj`` (of ``kind``, "Pod"), read from ``source`` in its namespace."""
    builder = _Builder(source, _meta(obj).get("namespace"), max_depth)
    return builder.node(kind, obj, "", "root", frozenset(), 0)


def relations_of(
    source: Source, plural: str, namespace: str | None, name: str, max_depth: int = MAX_DEPTH
) -> RelationNode:
    """The tree of the object ``plural``/``name``: a "not found" (or "not allowed") root when
    it cannot be read."""
    kind = relation_kind(plural)
    kind_name = kind.name if kind is not None else plural
    builder = _Builder(source, namespace, max_depth)
    obj, missing = builder.lookup(_Link("", kind_name, name))
    if obj is None:
        assert missing is not None
        return missing
    return build_tree(kind_name, obj, source, max_depth)


RELATION_WORDS: dict[str, str] = {
    "owner": "owned by",
    "owns": "owns",
    "endpoints": "endpoints",
    "endpoint": "endpoint",
    "backend": "backend",
    "target": "scales",
    "mounted by": "mounted by",
    "configmap": "uses",
    "secret": "uses",
    "volume": "mounts",
    "service account": "runs as",
    "node": "runs on",
    "selected by": "selected by",
}


def node_label(node: RelationNode) -> str:
    """One line for a node: "owned by ReplicaSet web-7d4f  2/2 ready" (cleaned, plain)."""
    if node.relation == "note":
        return node.status
    words = RELATION_WORDS.get(node.relation, "")
    head = f"{words} " if words else ""
    tail = f"  {node.status}" if node.status else ""
    return f"{head}{clean(node.kind, 60)} {clean(node.name)}{tail}"


def tree_lines(node: RelationNode, indent: str = "") -> list[str]:
    """The tree as indented text (tests, and a log of what was shown)."""
    lines = [indent + node_label(node)]
    for child in node.children:
        lines += tree_lines(child, indent + "  ")
    return lines
