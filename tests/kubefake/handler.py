"""HTTP handling of the fake API server: routing, verbs, watch and log streams."""

from __future__ import annotations

import copy
import json
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.kubefake.resources import (
    GROUP_VERSIONS,
    RESOURCES,
    PatchError,
    field_matcher,
    json_patch,
    label_matcher,
    merge_patch,
    strategic_merge,
)
from tests.kubefake.server import RequestRecord, Route, parse_route
from tests.kubefake.state import ApiError

if TYPE_CHECKING:
    from tests.kubefake.server import FakeKube

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
STATUS_SUBRESOURCE_KINDS = frozenset(
    {
        "pods",
        "deployments",
        "replicasets",
        "services",
        "ingresses",
        "persistentvolumeclaims",
        "horizontalpodautoscalers",
        "nodes",
        "namespaces",
    }
)


class ClientGone(Exception):
    pass


def make_handler(fake: FakeKube) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.fake = fake
    return Handler


LIST_HOLD_LIMIT = 30.0  # seconds a held list waits at most for release_lists()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeKube

    def log_message(self, format: str, *args: Any) -> None:
        return

    # -- dispatch --------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        self.fake.record(RequestRecord(method, url.path, query, content_type))
        body = self._read_body()
        if self.fake.latency:
            time.sleep(self.fake.latency)
        try:
            self._route(method, url.path, query, content_type, body)
        except ApiError as error:
            # API Priority and Fairness answers 429 with Retry-After, as do overloaded servers
            extra = {"Retry-After": "1"} if error.code in (429, 503) else {}
            self._json(error.code, error.status(), extra)
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except PatchError as error:
            self._json(422, ApiError(422, "Invalid", str(error)).status())
        except ValueError as error:
            self._json(400, ApiError(400, "BadRequest", str(error)).status())

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _route(
        self, method: str, path: str, query: dict[str, str], content_type: str, body: bytes
    ) -> None:
        discovery = self._discovery(path)
        if discovery is not None:
            if (
                self.fake._token is not None
                and self.headers.get("Authorization", "") != f"Bearer {self.fake._token}"
            ):
                raise ApiError(401, "Unauthorized", "Unauthorized")
            self._json(200, discovery)
            return
        route = parse_route(path)
        if route is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        self.fake.check_access(method, route, query, self.headers)
        dry_run = query.get("dryRun") == "All"
        if method == "GET":
            self._get(route, query)
        elif method == "POST":
            obj = _decode(body, content_type)
            self._created(route, obj, dry_run)
        elif method == "PUT":
            obj = _decode(body, content_type)
            self._json(200, self._replace(route, obj, dry_run))
        elif method == "PATCH":
            self._json(200, self._patch(route, body, content_type, query, dry_run))
        elif method == "DELETE":
            options = _decode(body, content_type) if body else {}
            self._delete(route, options.get("preconditions") or {}, dry_run)
        self.fake.controllers.wake.set()

    # -- discovery ---------------------------------------------------------------------------
    def _discovery(self, path: str) -> dict[str, Any] | None:
        path = path.rstrip("/")
        if path == "/version":
            return {
                "major": "1",
                "minor": "31",
                "gitVersion": "v1.31.0-gok-fake",
                "platform": "linux/amd64",
            }
        if path == "/api":
            return {
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}
                ],
            }
        if path == "/apis":
            return {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [
                    {
                        "name": group,
                        "versions": [{"groupVersion": f"{group}/{version}", "version": version}],
                        "preferredVersion": {
                            "groupVersion": f"{group}/{version}",
                            "version": version,
                        },
                    }
                    for group, version in GROUP_VERSIONS
                ],
            }
        for group, version in [("", "v1"), *GROUP_VERSIONS]:
            prefix = f"/apis/{group}/{version}" if group else "/api/v1"
            if path == prefix:
                return _resource_list(group, version)
        return None

    # -- reads ---------------------------------------------------------------------------------
    def _get(self, route: Route, query: dict[str, str]) -> None:
        state = self.fake.state
        if route.name:
            obj = state.get(route.resource.plural, route.namespace, route.name)
            if obj is None:
                raise _not_found(route)
            if route.subresource == "log":
                self._log(route, obj, query)
            elif route.subresource == "scale":
                self._json(200, _scale_of(obj))
            else:
                self._json(200, obj)
            return
        if query.get("watch") in ("1", "true"):
            self._watch(route, query)
            return
        self.fake.lists_open.wait(LIST_HOLD_LIMIT)  # hold_lists(): until release_lists()
        self._json(200, self._list(route, query))

    def _matching(self, route: Route, query: dict[str, str]):
        labels = label_matcher(query.get("labelSelector"))
        fields = field_matcher(query.get("fieldSelector"))
        plural, namespace = route.resource.plural, route.namespace

        def matches(obj: dict[str, Any]) -> bool:
            meta = obj.get("metadata") or {}
            if namespace and meta.get("namespace", "") != namespace:
                return False
            return labels(meta.get("labels") or {}) and fields(obj)

        return plural, matches

    def _list(self, route: Route, query: dict[str, str]) -> dict[str, Any]:
        state = self.fake.state
        plural, matches = self._matching(route, query)
        with state.lock:
            items = [obj for obj in state.list(plural, route.namespace or None) if matches(obj)]
            list_rv = state.rv
        start = 0
        token = query.get("continue")
        if token:
            rv_text, _, offset = token.partition(":")
            start, list_rv = int(offset), int(rv_text)
        limit = int(query.get("limit") or 0)
        page = items[start : start + limit] if limit else items[start:]
        metadata: dict[str, Any] = {"resourceVersion": str(list_rv)}
        if limit and start + limit < len(items):
            metadata["continue"] = f"{list_rv}:{start + limit}"
            metadata["remainingItemCount"] = len(items) - start - limit
        return {
            "kind": f"{route.resource.kind}List",
            "apiVersion": route.resource.api_version,
            "metadata": metadata,
            "items": page,
        }

    def _watch(self, route: Route, query: dict[str, str]) -> None:
        fake, state = self.fake, self.fake.state
        plural, matches = self._matching(route, query)
        timeout = float(query.get("timeoutSeconds") or 1800)
        deadline = time.monotonic() + timeout
        self._start_stream()
        if fake.take_gone():
            self._event("ERROR", _gone_status(query.get("resourceVersion", "0"), state.rv))
            self._end_stream()
            return
        requested = query.get("resourceVersion") or "0"
        with state.lock:
            epoch = fake.watch_epoch
            if requested in ("", "0"):
                last = state.rv
                initial = [
                    obj for obj in state.list(plural, route.namespace or None) if matches(obj)
                ]
            else:
                last = int(requested)
                initial = []
                if last < state.compacted_rv:
                    self._event("ERROR", _gone_status(requested, state.rv))
                    self._end_stream()
                    return
        for obj in initial:
            self._event("ADDED", obj)
        while time.monotonic() < deadline:
            with state.lock:
                if fake.watch_epoch != epoch or fake._server is None:
                    break
                changes = state.changes_since(last)
                if not changes:
                    state.changed.wait(min(0.5, max(0.0, deadline - time.monotonic())))
                    continue
            for change in changes:
                last = change.rv
                if change.plural == plural and matches(change.obj):
                    self._event(change.type, change.obj)
        self._end_stream()

    def _log(self, route: Route, pod: dict[str, Any], query: dict[str, str]) -> None:
        name = route.name
        spec = pod.get("spec") or {}
        containers = [c.get("name", "") for c in spec.get("containers") or []]
        init_containers = [c.get("name", "") for c in spec.get("initContainers") or []]
        container = query.get("container")
        if not container:
            if len(containers) != 1:
                raise ApiError(
                    400,
                    "BadRequest",
                    f"a container name must be specified for pod {name}, "
                    f"choose one of: [{' '.join(containers)}]",
                )
            container = containers[0]
        if container not in containers + init_containers:
            raise ApiError(400, "BadRequest", f"container {container} is not valid for pod {name}")
        key = (route.namespace, name, container)
        logs = self.fake.logs
        previous = query.get("previous") in ("true", "1")
        with logs.lock:
            if previous:
                if key not in logs.previous:
                    raise ApiError(
                        400,
                        "BadRequest",
                        f'previous terminated container "{container}" in pod "{name}" not found',
                    )
                lines = list(logs.previous[key])
            else:
                lines = list(logs.lines.get(key, []))
            sent = len(logs.lines.get(key, []))
            generation = logs.generation.get(key, 0)
        if "sinceSeconds" in query:
            cutoff = logs.clock() - int(query["sinceSeconds"])
            lines = [line for line in lines if line[0] >= cutoff]
        elif "sinceTime" in query:  # RFC 3339, second precision, as the kubelet reads it
            try:
                since = datetime.strptime(query["sinceTime"], "%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                raise ApiError(
                    400, "BadRequest", f"invalid sinceTime {query['sinceTime']!r}"
                ) from None
            cutoff = since.replace(tzinfo=UTC).timestamp()
            lines = [line for line in lines if line[0] >= cutoff]
        if "tailLines" in query:
            tail = int(query["tailLines"])
            lines = lines[-tail:] if tail else []
        stamps = query.get("timestamps") in ("true", "1")
        limit = int(query["limitBytes"]) if "limitBytes" in query else None
        if query.get("follow") not in ("true", "1") or previous:
            data = b"".join(_log_line(line, stamps) for line in lines)
            self._raw(200, data[:limit] if limit is not None else data, "text/plain")
            return
        self._start_stream("text/plain")
        for line in lines:
            self._chunk(_log_line(line, stamps))
        epoch = self.fake.watch_epoch
        while True:
            with logs.lock:
                current = logs.lines.get(key, [])
                if (
                    logs.generation.get(key, 0) != generation
                    or self.fake.watch_epoch != epoch
                    or self.fake._server is None
                ):
                    break
                new = current[sent:]
                if not new:
                    logs.lock.wait(0.5)
                    if self.fake.state.get("pods", route.namespace, name) is None:
                        break
                    continue
                sent = len(current)
            for line in new:
                self._chunk(_log_line(line, stamps))
        self._end_stream()

    # -- writes --------------------------------------------------------------------------------
    def _created(self, route: Route, obj: dict[str, Any], dry_run: bool) -> None:
        if route.resource.namespaced:
            obj.setdefault("metadata", {})["namespace"] = route.namespace or "default"
        _validate(route.resource.plural, obj)
        self._json(201, self.fake.state.create(route.resource.plural, obj, dry_run=dry_run))

    def _replace(self, route: Route, obj: dict[str, Any], dry_run: bool) -> dict[str, Any]:
        state = self.fake.state
        plural = route.resource.plural
        with state.lock:
            current = state.get(plural, route.namespace, route.name)
            if current is None:
                raise _not_found(route)
            if route.subresource == "scale":
                return self._write_scale(route, current, obj, dry_run)
            obj = self._keep_protected(route, current, obj)
            _validate(plural, obj)
            return state.replace(plural, route.namespace, route.name, obj, dry_run=dry_run)

    def _keep_protected(
        self, route: Route, current: dict[str, Any], new: dict[str, Any]
    ) -> dict[str, Any]:
        plural = route.resource.plural
        if route.subresource == "status":
            merged = copy.deepcopy(current)
            merged["status"] = new.get("status")
            merged["metadata"]["resourceVersion"] = (new.get("metadata") or {}).get(
                "resourceVersion", current["metadata"]["resourceVersion"]
            )
            return merged
        if plural in STATUS_SUBRESOURCE_KINDS and "status" in current:
            new = copy.deepcopy(new)
            new["status"] = current["status"]
        return new

    def _patch(
        self, route: Route, body: bytes, content_type: str, query: dict[str, str], dry_run: bool
    ) -> dict[str, Any]:
        state = self.fake.state
        plural = route.resource.plural
        with state.lock:
            current = state.get(plural, route.namespace, route.name)
            if content_type == APPLY_PATCH:
                return self._apply(route, current, body, query, dry_run)
            if current is None:
                raise _not_found(route)
            base = _scale_of(current) if route.subresource == "scale" else current
            patched = _apply_patch(base, body, content_type)
            given_rv = (patched.get("metadata") or {}).get("resourceVersion")
            if given_rv and given_rv != base["metadata"]["resourceVersion"]:
                raise ApiError(
                    409,
                    "Conflict",
                    f"Operation cannot be fulfilled on {plural}"
                    f'{_suffix(route)} "{route.name}": the object has been '
                    "modified; please apply your changes to the latest "
                    "version and try again",
                )
            if route.subresource == "scale":
                return self._write_scale(route, current, patched, dry_run)
            patched = self._keep_protected(route, current, patched)
            patched["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            _validate(plural, patched)
            return state.replace(plural, route.namespace, route.name, patched, dry_run=dry_run)

    def _apply(
        self,
        route: Route,
        current: dict[str, Any] | None,
        body: bytes,
        query: dict[str, str],
        dry_run: bool,
    ) -> dict[str, Any]:
        manager = query.get("fieldManager")
        if not manager:
            raise ApiError(
                400,
                "BadRequest",
                'PatchOptions.meta.k8s.io "" is invalid: fieldManager: '
                "Required value: is required for apply patch",
            )
        applied = yaml.safe_load(body.decode() or "{}") or {}
        entry = {
            "manager": manager,
            "operation": "Apply",
            "apiVersion": route.resource.api_version,
            "time": self.fake.state.timestamp(),
            "fieldsType": "FieldsV1",
        }
        state = self.fake.state
        if current is None:
            applied.setdefault("metadata", {})["name"] = route.name
            if route.resource.namespaced:
                applied["metadata"]["namespace"] = route.namespace
            applied["metadata"]["managedFields"] = [entry]
            _validate(route.resource.plural, applied)
            return state.create(route.resource.plural, applied, dry_run=dry_run)
        merged = strategic_merge(current, applied)
        fields = [
            f for f in merged["metadata"].get("managedFields") or [] if f.get("manager") != manager
        ]
        merged["metadata"]["managedFields"] = [*fields, entry]
        merged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        merged = self._keep_protected(route, current, merged)
        _validate(route.resource.plural, merged)
        return state.replace(
            route.resource.plural, route.namespace, route.name, merged, dry_run=dry_run
        )

    def _write_scale(
        self, route: Route, current: dict[str, Any], scale: dict[str, Any], dry_run: bool
    ) -> dict[str, Any]:
        replicas = (scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or replicas < 0:
            raise ApiError(
                422,
                "Invalid",
                f'Scale.autoscaling "{route.name}" is invalid: spec.replicas: '
                "Invalid value: must be greater than or equal to 0",
            )
        updated = copy.deepcopy(current)
        updated["spec"]["replicas"] = replicas
        result = self.fake.state.replace(
            route.resource.plural,
            route.namespace,
            route.name,
            updated,
            check_rv=False,
            dry_run=dry_run,
        )
        return _scale_of(result)

    def _delete(self, route: Route, preconditions: dict[str, Any], dry_run: bool) -> None:
        if not route.name:
            raise ApiError(405, "MethodNotAllowed", "deletecollection is not supported by the fake")
        obj = self.fake.state.delete(
            route.resource.plural,
            route.namespace,
            route.name,
            dry_run=dry_run,
            preconditions=preconditions,
        )
        self._json(200, obj)

    # -- output ----------------------------------------------------------------------------
    def _json(
        self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._raw(code, json.dumps(payload).encode(), "application/json", headers)

    def _raw(
        self, code: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        # the connection closes when the stream ends (_end_stream): said up front, so a client
        # never puts it back in its pool and sends the next request into a closing socket
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        try:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        except OSError as error:
            raise ClientGone() from error

    def _event(self, event_type: str, obj: dict[str, Any]) -> None:
        self._chunk(json.dumps({"type": event_type, "object": obj}).encode() + b"\n")

    def _end_stream(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True


def _decode(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        raise ValueError("empty request body")
    if "yaml" in content_type:
        return yaml.safe_load(body.decode())
    return json.loads(body)


def _apply_patch(base: dict[str, Any], body: bytes, content_type: str) -> dict[str, Any]:
    patch = json.loads(body or b"null")
    if content_type == JSON_PATCH:
        if not isinstance(patch, list):
            raise PatchError("json patch must be a list of operations")
        return json_patch(base, patch)
    if content_type == MERGE_PATCH:
        return merge_patch(base, patch)
    if content_type == STRATEGIC_PATCH:
        return strategic_merge(base, patch)
    raise ApiError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format "
        f"- accepted media types include: {JSON_PATCH}, "
        f"{MERGE_PATCH}, {STRATEGIC_PATCH}, {APPLY_PATCH}",
    )


def _validate(plural: str, obj: dict[str, Any]) -> None:
    spec = obj.get("spec") or {}
    name = (obj.get("metadata") or {}).get("name", "")
    kind = {"deployments": "Deployment.apps", "pods": "Pod", "replicasets": "ReplicaSet.apps"}.get(
        plural
    )
    if kind is None:
        return
    if plural == "pods":
        containers = spec.get("containers") or []
        prefix = "spec"
    else:
        if int(spec.get("replicas", 1)) < 0:
            raise ApiError(
                422,
                "Invalid",
                f'{kind} "{name}" is invalid: spec.replicas: Invalid value: '
                f"{spec.get('replicas')}: must be greater than or equal to 0",
            )
        template = spec.get("template") or {}
        containers = (template.get("spec") or {}).get("containers") or []
        prefix = "spec.template.spec"
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if any(labels.get(k) != v for k, v in selector.items()):
            raise ApiError(
                422,
                "Invalid",
                f'{kind} "{name}" is invalid: spec.template.metadata.labels: '
                "Invalid value: `selector` does not match template `labels`",
            )
    if not containers:
        raise ApiError(
            422, "Invalid", f'{kind} "{name}" is invalid: {prefix}.containers: Required value'
        )
    for index, container in enumerate(containers):
        if not container.get("image"):
            raise ApiError(
                422,
                "Invalid",
                f'{kind} "{name}" is invalid: {prefix}.containers[{index}].image: Required value',
            )


def _scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    selector = ",".join(
        f"{k}={v}"
        for k, v in sorted(
            ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels", {}).items()
        )
    )
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
        "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": selector},
    }


def _gone_status(requested: str, current: int) -> dict[str, Any]:
    return ApiError(410, "Expired", f"too old resource version: {requested} ({current})").status()


def _not_found(route: Route) -> ApiError:
    return ApiError(
        404, "NotFound", f'{route.resource.plural}{_suffix(route)} "{route.name}" not found'
    )


def _suffix(route: Route) -> str:
    return f".{route.resource.group}" if route.resource.group else ""


def _log_line(line: tuple[float, bytes], stamps: bool) -> bytes:
    if not stamps:
        return line[1] + b"\n"
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(line[0]))
    nanos = int((line[0] % 1) * 1e9)
    return f"{seconds}.{nanos:09d}Z ".encode() + line[1] + b"\n"


def _resource_list(group: str, version: str) -> dict[str, Any]:
    resources = []
    for resource in RESOURCES.values():
        if resource.group != group or resource.version != version:
            continue
        verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]
        resources.append(
            {
                "name": resource.plural,
                "singularName": resource.kind.lower(),
                "namespaced": resource.namespaced,
                "kind": resource.kind,
                "verbs": verbs,
            }
        )
        for sub in resource.subresources:
            resources.append(
                {
                    "name": f"{resource.plural}/{sub}",
                    "singularName": "",
                    "namespaced": resource.namespaced,
                    "kind": "Scale" if sub == "scale" else resource.kind,
                    "verbs": ["get"] if sub == "log" else ["get", "patch", "update"],
                }
            )
    group_version = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }
