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

from tests.kubefake import crds, deletion, disruption, ownership, streams, tables, validation
from tests.kubefake import discovery as documents
from tests.kubefake.errors import ApiError, conflict, gone, not_found
from tests.kubefake.resources import (
    PatchError,
    field_matcher,
    json_patch,
    label_matcher,
    merge_patch,
    strategic_merge,
)
from tests.kubefake.server import RequestRecord, Route, parse_route

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
        "poddisruptionbudgets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
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

    def do_CONNECT(self) -> None:
        """A proxy's tunnel, as a websocket client opens one through ``proxy-url``: the fake is
        both the proxy and the server behind it, so the tunnelled requests come on this same
        connection and are served as any other."""
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = False

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        body = self._read_body()
        if not self.fake.metrics.owns(url.path):  # metrics requests are counted apart
            self.fake.record(RequestRecord(method, url.path, query, content_type, body))
        if self.fake.latency:
            time.sleep(self.fake.latency)
        try:
            self._route(method, url.path, query, content_type, body)
        except ApiError as error:
            # API Priority and Fairness answers 429 with Retry-After, as do overloaded servers
            # (a PodDisruptionBudget's refusal of an eviction gives no Retry-After: it is
            # not the server's load)
            throttled = error.code in (429, 503) and not disruption.refused_by_budget(error)
            extra = {"Retry-After": "1"} if throttled else {}
            self._json(error.code, error.status(), extra)
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except PatchError:
            # apiserver patch.go: a JSON patch that does not apply (a failed test op, a
            # missing path) is a generic 422 that keeps nothing of the reason
            message = "the server rejected our request due to an error in our request"
            self._json(422, ApiError(422, "Invalid", message, {}).status())
        except ValueError as error:
            self._json(400, ApiError(400, "BadRequest", str(error)).status())

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _route(
        self, method: str, path: str, query: dict[str, str], content_type: str, body: bytes
    ) -> None:
        custom = {**crds.served(self.fake.state), **self.fake.metrics.served()}
        accept = self.headers.get("Accept", "")
        forced = self.fake.discovery_status
        if forced is None and documents.wants_aggregated(accept) and path in ("/api", "/apis"):
            served = self.fake.aggregated_discovery
            forced = served if type(served) is int else None
            accept = accept if served is True else "application/json"
        discovery = documents.document(path, accept, custom)
        if discovery is not None and forced is not None and path != "/version":
            raise ApiError(forced, "", f"discovery answered {forced} (injected)")
        if discovery is not None:
            if (
                self.fake._token is not None
                and self.headers.get("Authorization", "") != f"Bearer {self.fake._token}"
            ):
                raise ApiError(401, "Unauthorized", "Unauthorized")
            data = json.dumps(discovery).encode()
            self._raw(200, data, documents.content_type(discovery))
            return
        if self.fake.metrics.answer(self, method, path, query):  # metrics.k8s.io (metrics.py)
            return
        route = parse_route(path, custom)
        if route is None and not documents.known_prefix(path, custom):
            self._raw(404, b"404 page not found\n", "text/plain; charset=utf-8")
            return
        if route is None or (
            route.subresource and route.subresource not in route.resource.subresources
        ):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        self.fake.check_access(method, route, query, self.headers)
        self._query = query
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
            self._json(*self._patch(route, body, content_type, query, dry_run))
        elif method == "DELETE":
            self._delete(
                route, deletion.options_from(_decode(body, content_type) if body else None, query)
            )
        self.fake.controllers.wake.set()

    # -- reads ---------------------------------------------------------------------------------
    def _get(self, route: Route, query: dict[str, str]) -> None:
        state = self.fake.state
        if route.name:
            obj = state.get(route.resource.plural, route.namespace, route.name)
            if obj is None:
                raise _not_found(route)
            if route.subresource == "log":
                self._log(route, obj, query)
            elif route.subresource in ("exec", "portforward"):
                streams.serve(self, self.fake, route, parse_qs(urlsplit(self.path).query))
            else:
                self.fake.after_read(route.resource.plural, route.namespace, route.name)
                self._json(200, _scale_of(obj) if route.subresource == "scale" else obj)
            return
        if query.get("watch") in ("1", "true"):
            self._watch(route, query)
            return
        self.fake.lists_open.wait(LIST_HOLD_LIMIT)  # hold_lists(): until release_lists()
        as_table = self._as_table()
        listed = self._list(route, query)
        if as_table:
            found = self.fake.printers_for(route.resource)
            listed = tables.table(
                route.resource.plural, listed, query.get("includeObject", ""), found
            )
        self._json(200, listed)

    def _as_table(self) -> bool:
        """Whether a Table is asked for (and refused with 406, as by an old aggregated API,
        when the fake is told to: ``refuse_tables``)."""
        if tables.TABLE_ACCEPT not in self.headers.get("Accept", ""):
            return False
        if self.fake.refuse_tables:
            raise ApiError(406, "NotAcceptable", tables.NOT_ACCEPTABLE)
        return True

    def _matching(self, route: Route, query: dict[str, str]):
        labels = label_matcher(query.get("labelSelector"))
        fields = field_matcher(query.get("fieldSelector"), route.resource.plural)
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
        start = 0
        token = query.get("continue")
        limit = int(query.get("limit") or 0)
        with state.lock:
            _check_list_version(query, state.rv, state.compacted_rv)
            list_rv = state.rv
            # the matches are counted in place; only the page asked for is copied
            items = [obj for obj in state.list_raw(plural, route.namespace or None) if matches(obj)]
            if token:
                rv_text, _, offset = token.partition(":")
                start, list_rv = int(offset), int(rv_text)
            page = copy.deepcopy(items[start : start + limit] if limit else items[start:])
        metadata: dict[str, Any] = {"resourceVersion": str(list_rv)}
        if limit and start + limit < len(items):
            metadata["continue"] = f"{list_rv}:{start + limit}"
            metadata["remainingItemCount"] = len(items) - start - limit
        for item in page:  # items of a list carry no kind or apiVersion of their own
            item.pop("kind", None)
            item.pop("apiVersion", None)
        return {
            "kind": f"{route.resource.kind}List",
            "apiVersion": route.resource.api_version,
            "metadata": metadata,
            "items": page,
        }

    def _watch(self, route: Route, query: dict[str, str]) -> None:
        fake, state = self.fake, self.fake.state
        plural, matches = self._matching(route, query)
        self._table_found = fake.printers_for(route.resource) if self._as_table() else None
        self._table_first = True
        self._table_route = route
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
            self._watch_event("ADDED", obj)
        # bookmarks as the watch cache sends them: about once a minute, and one shortly
        # before a watch with a timeout ends (so the client can resume from there)
        # (a v1.28 server sent none in a 3 s watch and two in a 5 s one: answers 54 and 90)
        bookmark_at = deadline - 2.0 if query.get("allowWatchBookmarks") == "true" else None
        if timeout <= 3:
            bookmark_at = time.monotonic() + 60.0 if bookmark_at else None
        while time.monotonic() < deadline:
            if bookmark_at is not None and time.monotonic() >= bookmark_at:
                self._event("BOOKMARK", _bookmark(route.resource, last))
                bookmark_at = time.monotonic() + 60.0
            with state.lock:
                if fake.watch_epoch != epoch or fake._server is None:
                    break
                changes = state.changes_since(last)
                if not changes:
                    until = min(deadline, bookmark_at or deadline)
                    state.changed.wait(min(0.5, max(0.0, until - time.monotonic())))
                    continue
            for change in changes:
                last = change.rv
                if change.plural == plural and matches(change.obj):
                    self._watch_event(change.type, change.obj)
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
        if route.resource.plural == "selfsubjectaccessreviews":
            self._json(201, self.fake.review_access(self.headers, obj))
            return
        if route.subresource == "token":
            if self.fake.state.get("serviceaccounts", route.namespace, route.name) is None:
                raise not_found("serviceaccounts", route.name)
            self._json(201, self.fake.tokens.issue(route.namespace, route.name, obj))
            return
        if route.subresource == "eviction":
            state = self.fake.state
            self._json(201, disruption.evict(state, route.namespace, route.name, obj, dry_run))
            return
        if route.resource.namespaced:
            obj.setdefault("metadata", {})["namespace"] = route.namespace or "default"
        validation.check_name(route.resource.plural, (obj.get("metadata") or {}).get("name", ""))
        validation.check(route.resource.plural, obj)
        is_crd = route.resource.plural == crds.CRD_PLURAL
        if is_crd:
            crds.check(obj)
        self._owned_by_writer(route, None, obj)
        created = self.fake.state.create(route.resource.plural, obj, dry_run=dry_run)
        self._json(201, created)
        if is_crd and not dry_run:
            crds.established(self.fake.state, created)

    def _owned_by_writer(
        self, route: Route, current: dict[str, Any] | None, new: dict[str, Any]
    ) -> None:
        """Record the writer of a create, update or patch as the owner of what it changed."""
        if route.subresource:
            return
        manager = self._query.get("fieldManager") or ownership.user_agent_manager(
            self.headers.get("User-Agent", "")
        )
        new.setdefault("metadata", {})["managedFields"] = ownership.after_update(
            current, new, manager, route.resource.api_version, self.fake.state.timestamp()
        )

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
            validation.check(plural, obj)
            self._owned_by_writer(route, current, obj)
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
    ) -> tuple[int, dict[str, Any]]:
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
                raise conflict(plural, route.name)
            if route.subresource == "scale":
                return 200, self._write_scale(route, current, patched, dry_run)
            patched = self._keep_protected(route, current, patched)
            patched["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            validation.check(plural, patched)
            self._owned_by_writer(route, current, patched)
            return 200, state.replace(plural, route.namespace, route.name, patched, dry_run=dry_run)

    def _apply(
        self,
        route: Route,
        current: dict[str, Any] | None,
        body: bytes,
        query: dict[str, str],
        dry_run: bool,
    ) -> tuple[int, dict[str, Any]]:
        manager = query.get("fieldManager")
        if not manager:
            raise ApiError(
                400,
                "BadRequest",
                'PatchOptions.meta.k8s.io "" is invalid: fieldManager: '
                "Required value: is required for apply patch",
            )
        applied = yaml.safe_load(body.decode() or "{}") or {}
        state, plural, version = self.fake.state, route.resource.plural, route.resource.api_version
        if current is None:
            applied.setdefault("metadata", {})["name"] = route.name
            if route.resource.namespaced:
                applied["metadata"]["namespace"] = route.namespace
            applied["metadata"]["managedFields"] = ownership.after_apply(
                {}, applied, manager, version, force=True, at=state.timestamp()
            )
            validation.check_name(plural, route.name)
            validation.check(plural, applied)
            return 201, state.create(plural, applied, dry_run=dry_run)
        owners = ownership.after_apply(
            current,
            applied,
            manager,
            version,
            force=query.get("force") == "true",
            at=state.timestamp(),
        )
        merged = strategic_merge(current, applied)
        merged["metadata"]["managedFields"] = owners
        merged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        merged = self._keep_protected(route, current, merged)
        validation.check(plural, merged)
        return 200, state.replace(plural, route.namespace, route.name, merged, dry_run=dry_run)

    def _write_scale(
        self, route: Route, current: dict[str, Any], scale: dict[str, Any], dry_run: bool
    ) -> dict[str, Any]:
        replicas = (scale.get("spec") or {}).get("replicas", 0)
        if not isinstance(replicas, int) or replicas < 0:
            raise ApiError(
                422,
                "Invalid",
                f'Scale.autoscaling "{route.name}" is invalid: spec.replicas: '
                "Invalid value: must be greater than or equal to 0",
            )
        updated = copy.deepcopy(current)
        updated["spec"]["replicas"] = replicas
        manager = self._query.get("fieldManager") or ownership.user_agent_manager(
            self.headers.get("User-Agent", "")
        )
        updated["metadata"]["managedFields"] = ownership.after_scale(
            current, manager, route.resource.api_version, self.fake.state.timestamp()
        )
        result = self.fake.state.replace(
            route.resource.plural,
            route.namespace,
            route.name,
            updated,
            check_rv=False,
            dry_run=dry_run,
        )
        return _scale_of(result)

    def _delete(self, route: Route, options: dict[str, Any]) -> None:
        if not route.name:
            raise ApiError(405, "MethodNotAllowed", "deletecollection is not supported by the fake")
        state, plural = self.fake.state, route.resource.plural
        with state.lock:
            current = state.get(plural, route.namespace, route.name)
            if current is None:
                raise not_found(plural, route.name)
            obj = state.delete(
                plural,
                route.namespace,
                route.name,
                dry_run=deletion.is_dry_run(options) or plural == "namespaces",
                preconditions=options.get("preconditions") or {},
                grace=deletion.grace_seconds(plural, current, options),
            )
            if plural == "namespaces" and not deletion.is_dry_run(options):
                # Terminating until the namespace controller has emptied it
                obj = state.mutate(plural, "", route.name, deletion.terminate_namespace) or obj
            if plural == crds.CRD_PLURAL and not deletion.is_dry_run(options):
                crds.removed(state, obj)
        self._json(200, deletion.answer(plural, obj))

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

    def _watch_event(self, event_type: str, obj: dict[str, Any]) -> None:
        """An object's event, as a Table of one row when the watch asked for Tables."""
        found = self._table_found
        if found is not None:
            resource = self._table_route.resource
            include = self._query.get("includeObject", "")
            first, self._table_first = self._table_first, False
            obj = tables.watch_table(
                obj, resource.kind, resource.api_version, include, found, first
            )
        self._event(event_type, obj)

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
            raise ValueError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
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


def _scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    replicas = (obj.get("spec") or {}).get("replicas", 1)
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
        # autoscaling/v1 ScaleSpec.replicas is omitempty: a Scale at 0 has an empty spec
        "spec": {"replicas": replicas} if replicas else {},
        "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": selector},
    }


def _check_list_version(query: dict[str, str], current: int, compacted: int) -> None:
    """resourceVersion on a list: unset or "0" or NotOlderThan serve the newest; Exact is served
    for the newest version only (the fake keeps no snapshots) and 410 for a compacted one,
    in the API server's words."""
    if query.get("resourceVersionMatch") != "Exact":
        return
    wanted = int(query.get("resourceVersion") or 0)
    if wanted < compacted or wanted != current:
        raise gone("The resourceVersion for the provided list is too old.")


def _bookmark(resource: Any, rv: int) -> dict[str, Any]:
    return {
        "kind": resource.kind,
        "apiVersion": resource.api_version,
        "metadata": {"resourceVersion": str(rv), "creationTimestamp": None},
    }


def _gone_status(requested: str, current: int) -> dict[str, Any]:
    return ApiError(410, "Expired", f"too old resource version: {requested} ({current})").status()


def _not_found(route: Route) -> ApiError:
    return not_found(route.resource.plural, route.name)


def _log_line(line: tuple[float, bytes], stamps: bool) -> bytes:
    if not stamps:
        return line[1] + b"\n"
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(line[0]))
    nanos = int((line[0] % 1) * 1e9)
    return f"{seconds}.{nanos:09d}Z ".encode() + line[1] + b"\n"
