"""KubeBackend: the official kubernetes client, spoken to in raw JSON.

The client's typed models are slow to build and its import is heavy, so this module imports
``kubernetes`` lazily (first request, in a worker thread) and asks for undecoded responses,
decoding JSON itself. Every error leaves here as a ``KubeError`` that carries one human sentence.
Read-only mode is enforced here, before anything reaches the network.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.backends.kube_auth import (
    EXEC_TIMEOUT,
    CredentialError,
    ExecCredential,
    with_exec_credential,
)
from gok_tui.config.errors import ConfigError
from gok_tui.config.kubeconfig import KubeTarget, reload_merged
from gok_tui.domain.discovery import (
    AGGREGATED_ACCEPT,
    KindCatalog,
    core_versions,
    is_aggregated,
    kinds_from_aggregated,
    kinds_from_resource_list,
    preferred_group_versions,
)
from gok_tui.domain.kinds import KINDS, Kind
from gok_tui.domain.server_table import (
    TABLE_ACCEPT,
    Columns,
    entries,
    is_table,
    parse_columns,
    plain_entry,
)

if TYPE_CHECKING:
    from gok_tui.backends.kube_streams import ExecResult, ExecSession, PortForwardConnection

READ_METHODS = frozenset({"GET", "HEAD"})
# POSTs that only ask the server a question and change nothing (read-only mode lets them pass)
SELF_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
ASKING_PATHS = frozenset({SELF_ACCESS_REVIEWS})
CLOSED = "this connection was closed (the context or namespace changed)"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read
CREDENTIAL_RELOAD_INTERVAL = 5.0  # seconds: at most one kubeconfig re-read per 401 storm
# seconds a failed client build (an exec plugin that failed or hung) answers for itself: the
# requests that queued behind it get its error at once instead of each running the plugin again
CREDENTIAL_FAILURE_HOLD = 5.0
# ... and one that fails whatever the network does (a missing certificate file): the kubeconfig
# files are read again before the next build, as a fix is what it waits for
PERMANENT_FAILURE_HOLD = 30.0


class KubeError(Exception):
    """A failed Kubernetes call, with a sentence fit for the screen."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str = "",
        permanent: bool = False,
        server_message: str = "",
        causes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        # the Status as the server gave it: its message and its details.causes' messages
        # (an eviction's 429 names the PodDisruptionBudget only there)
        self.server_message = server_message
        self.causes = causes
        # trying again changes nothing until a file is fixed (a kubeconfig the client cannot
        # use, a missing certificate file, an exec plugin that is not installed)
        self.permanent = permanent

    @property
    def unreachable(self) -> bool:
        return self.status is None

    @property
    def gone(self) -> bool:
        return self.status == 410

    @property
    def timed_out(self) -> bool:
        """No connection, or no answer, within the request's timeout."""
        return self.status is None and self.reason == "Timeout"


class ReadOnlyError(KubeError):
    """A mutating call refused because gok-tui runs read-only for this context."""


@dataclass(frozen=True)
class ListResult:
    items: list[dict[str, Any]]
    resource_version: str
    # a Table list: the columns its entries line up with; None when the server gave a plain
    # list (a 406, or an API that ignores the Accept) and the entries carry no cells
    columns: Columns | None = None


def _verb_for(method: str, query: Mapping[str, Any], path: str = "") -> str:
    if method == "GET":
        if query.get("watch"):
            return "watch"
        return "get" if _resource_of(path)[2] else "list"
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(
        method, method.lower()
    )


class WatchStream:
    """One open watch: iterate (type, object) pairs; ``close()`` from any thread ends it."""

    def __init__(self, response: Any) -> None:
        self._response = response
        self._closed = threading.Event()
        self._finished = False
        self.broken: str | None = None  # why the stream ended early, if it did

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        pending = b""
        try:
            for chunk in self._response.stream(65536, decode_content=False):
                if self._closed.is_set():
                    return
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        event = json.loads(line)
                        yield event.get("type", ""), event.get("object") or {}
            self._finished = True
        except Exception as exc:
            if not self._closed.is_set():
                self.broken = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        finally:
            self._release()

    def close(self) -> None:
        """End the stream from any thread: wakes a read blocked on the socket."""
        self._closed.set()
        shutdown = getattr(self._response, "shutdown", None)
        if shutdown is not None:
            try:
                shutdown()
                return
            except Exception:
                pass
        with contextlib.suppress(Exception):
            self._response.close()

    def discard(self) -> None:
        """Close from the reading thread and give back (or drop) the connection."""
        self._closed.set()
        self._release()

    def _release(self) -> None:
        # A body read to its end may go back to the pool; one left half-read may not.
        with contextlib.suppress(Exception):
            if self._finished:
                self._response.release_conn()
            else:
                self._response.close()


_TIMEOUT_DETAIL = re.compile(r"(connect|read) timeout=([0-9.]+)")


def _what(method: str, path: str, query: Mapping[str, Any]) -> str:
    """A request in a few words for a message: "list deployments", "GET /version"."""
    if not path.startswith(("/api/", "/apis/")):
        return f"{method} {path}"
    return f"{_verb_for(method, query, path)} {_resource_of(path)[0]}"


def connection_error(exc: BaseException, what: str, server: str = "") -> KubeError:
    text = str(exc)
    where = f" at {server}" if server else ""
    if "Connection refused" in text or "NewConnectionError" in type(exc).__name__ + text:
        return KubeError(f"cannot reach the cluster{where}: connection refused")
    if "Connection reset" in text or "Connection aborted" in text:
        return KubeError(f"the cluster{where} closed the connection")
    if "timed out" in text.lower() or "Timeout" in type(exc).__name__:
        detail = _TIMEOUT_DETAIL.search(text)
        if detail is None:
            return KubeError(
                f"the cluster{where} did not answer in time ({what})", reason="Timeout"
            )
        seconds = f"{float(detail.group(2)):g} s"
        if detail.group(1) == "connect":
            return KubeError(
                f"no connection to the cluster{where} within {seconds} ({what})", reason="Timeout"
            )
        return KubeError(
            f"the cluster{where} did not answer within {seconds} ({what})", reason="Timeout"
        )
    if "Name or service not known" in text or "nodename nor servname" in text:
        return KubeError(f"cannot resolve the cluster's address{where}")
    reason = text.splitlines()[0] if text else type(exc).__name__
    return KubeError(f"connection to the cluster{where} failed: {reason[:200]}")


def load_client() -> None:
    """Import what building a client imports (the kubernetes client loads its parts on first
    use), without building one: no credential plugin runs."""
    from kubernetes import client, config

    _ = (client.ApiClient, client.Configuration, config.load_kube_config_from_dict)


def _retry_policy() -> type:
    """urllib3's Retry, except that a read timeout is never retried (imported late: urllib3
    comes with the kubernetes client)."""
    from urllib3 import Retry
    from urllib3.exceptions import ReadTimeoutError

    class NoRetryOnTimeout(Retry):
        def increment(self, *args: Any, **kwargs: Any) -> Retry:  # type: ignore[override]
            error = kwargs.get("error")
            if isinstance(error, ReadTimeoutError):
                raise error
            return super().increment(*args, **kwargs)

    return NoRetryOnTimeout


class KubeBackend:
    """Talks to one cluster/context. Thread-safe: store loops share one instance."""

    def __init__(
        self,
        target: KubeTarget,
        *,
        readonly: bool = False,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        exec_timeout: float = EXEC_TIMEOUT,
    ) -> None:
        self.target = target
        self.readonly = readonly
        self.timeout = timeout
        self.exec_timeout = exec_timeout
        self._build_failure: tuple[float, KubeError] | None = None
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._serialize_lock = threading.Lock()  # the client's auth refresh hook is not reentrant
        self._merged: Mapping[str, Any] = target.merged
        self._credential: ExecCredential | None = None
        self._credentials_reloaded_at = 0.0
        self._streams: set[WatchStream] = set()
        self._streams_lock = threading.Lock()
        self._sessions: set[ExecSession | PortForwardConnection] = set()  # exec, port-forward
        self._closed = False
        self.request_count = 0

    # -- client construction -------------------------------------------------------------
    def _api_client(self) -> Any:
        with self._client_lock:
            if self._closed:
                raise KubeError(CLOSED)
            if self._client is not None and self._credential and self._credential.expired():
                self._drop_client()
            if self._client is None:
                failure = self._build_failure
                if failure is not None:
                    error = failure[1]
                    hold = PERMANENT_FAILURE_HOLD if error.permanent else CREDENTIAL_FAILURE_HOLD
                    if time.monotonic() - failure[0] < hold:
                        # a new exception per thread: one object raised in several would share
                        # (and grow) one traceback
                        raise KubeError(
                            error.message,
                            status=error.status,
                            reason=error.reason,
                            permanent=error.permanent,
                        )
                    if error.permanent and self.target.files:
                        with contextlib.suppress(ConfigError, OSError):
                            self._merged = reload_merged(self.target.files)
                try:
                    self._client = self._build_client()
                except KubeError as error:
                    self._build_failure = (time.monotonic(), error)
                    raise
                self._build_failure = None
                if self._closed:  # closed while it was being built (close does not wait)
                    self._client = None
                    raise KubeError(CLOSED)
            return self._client

    def _drop_client(self) -> None:
        """Forget the client; requests in flight on it finish on their own connections."""
        self._client = None
        self._credential = None

    def _reload_credentials(self, failed_client: Any) -> bool:
        """After a 401: re-read the kubeconfig files and re-run an exec plugin, as client-go
        does, so a login made in another terminal is picked up. False when nothing changed
        (another thread just did it on this same failure is fine: the retry uses its client)."""
        with self._client_lock:
            if self._client is not failed_client:
                return True  # someone already rebuilt it; retry on the new one
            if time.monotonic() - self._credentials_reloaded_at < CREDENTIAL_RELOAD_INTERVAL:
                return False
            self._credentials_reloaded_at = time.monotonic()
            if self.target.files:
                with contextlib.suppress(ConfigError, OSError):
                    self._merged = reload_merged(self.target.files)
            self._drop_client()
            return True

    def _build_client(self) -> Any:
        from kubernetes import client, config

        configuration = client.Configuration()
        try:
            if self.target.in_cluster:
                config.load_incluster_config(client_configuration=configuration)
            else:
                kubeconfig, self._credential = with_exec_credential(
                    self._merged, self.target.context, self.exec_timeout
                )
                config.load_kube_config_from_dict(
                    kubeconfig,
                    context=self.target.context,
                    client_configuration=configuration,
                    persist_config=False,
                )
        except CredentialError as exc:
            context = self.target.context
            raise KubeError(
                f"cannot get credentials for context {context!r}: {exc}", permanent=exc.permanent
            ) from None
        except Exception as exc:
            raise KubeError(
                f"cannot load credentials for context {self.target.context!r}: "
                f"{str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}",
                permanent=True,
            ) from exc
        # No retry on refused connections (report at once); one retry for a pooled connection
        # the server closed while idle (idempotent methods only, as urllib3 decides); none for
        # a read that timed out (a silent server would make every wait twice as long).
        configuration.retries = _retry_policy()(
            total=1,
            connect=0,
            read=1,
            redirect=0,
            status=0,
            other=0,
            respect_retry_after_header=False,  # a 429/503 comes back to us as a status
        )
        configuration.connection_pool_maxsize = 32
        return client.ApiClient(configuration)

    def close(self) -> None:
        with self._streams_lock:
            streams = list(self._streams)
        for stream in streams:
            stream.close()
        with self._streams_lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.close()
        self._closed = True  # new requests are refused from now on
        # The lock is held while a client is built, which can mean an exec plugin waiting for a
        # login: closing (on quit, or :ctx) does not wait for it; that build's client is then
        # never used, as _closed is checked before a client is handed out.
        if not self._client_lock.acquire(timeout=0.05):
            return
        try:
            if self._client is not None:
                with contextlib.suppress(Exception):
                    self._client.rest_client.pool_manager.clear()
                self._client = None
        finally:
            self._client_lock.release()

    # -- the one HTTP path -----------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str | None = None,
        timeout: tuple[float, float] | None = None,
        accept: str = "application/json",
    ) -> Any:
        """Send one request through the client and return the raw urllib3 response (2xx)."""
        query = {k: v for k, v in (query or {}).items() if v is not None}
        if method not in READ_METHODS and self.readonly and path not in ASKING_PATHS:
            verb = _verb_for(method, query, path)
            raise ReadOnlyError(f"read-only mode: refused to {verb} {path}", status=None)
        headers = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            api = self._api_client()
            self.request_count += 1
            try:
                response = self._call(
                    api, method, path, list(query.items()), headers, body, timeout
                )
            except KubeError:
                raise
            except Exception as exc:
                status = getattr(exc, "status", None)
                if status:  # ApiException from older clients that raise on non-2xx
                    raise self._status_error(
                        status, getattr(exc, "body", b"") or b"", method, path, query
                    ) from exc
                raise connection_error(
                    exc, _what(method, path, query), self.target.cluster_server
                ) from exc
            if 200 <= response.status <= 299:
                return response
            # a 401 means the server never acted on the request, so sending it again is safe
            if response.status == 401 and attempt == 1 and self._reload_credentials(api):
                response.release_conn()
                continue
            raise self._status_error(response.status, response.data, method, path, query)
        raise AssertionError("unreachable")  # pragma: no cover

    def _call(
        self,
        api: Any,
        method: str,
        path: str,
        query: list[tuple[str, Any]],
        headers: dict[str, str],
        body: Any,
        timeout: tuple[float, float] | None,
    ) -> Any:
        request_timeout = timeout or self.timeout
        if hasattr(api, "param_serialize"):  # kubernetes >= 35: generated client v7
            with self._serialize_lock:
                _, url, header_params, body_out, post_params = api.param_serialize(
                    method=method,
                    resource_path=path,
                    query_params=query,
                    header_params=dict(headers),
                    body=body,
                    auth_settings=["BearerToken"],
                )
            rest_response = api.call_api(
                method,
                url,
                header_params=header_params,
                body=body_out,
                post_params=post_params,
                _request_timeout=request_timeout,
            )
            return rest_response.response
        return api.call_api(
            path,
            method,
            query_params=query,
            header_params=dict(headers),
            body=body,
            auth_settings=["BearerToken"],
            _preload_content=False,
            _return_http_data_only=True,
            _request_timeout=request_timeout,
        )

    def _status_error(
        self, status: int, body: bytes | str, method: str, path: str, query: Mapping[str, Any]
    ) -> KubeError:
        detail: dict[str, Any] = {}
        try:
            detail = json.loads(body) if body else {}
        except (ValueError, TypeError):
            detail = {}
        server_message = str(detail.get("message", "")).strip()
        reason = str(detail.get("reason", ""))
        details = detail.get("details") if isinstance(detail, dict) else None
        causes = (details or {}).get("causes") if isinstance(details, dict) else None
        return KubeError(
            describe_status(status, server_message, method, path, query, self.target),
            status=status,
            reason=reason,
            server_message=server_message,
            causes=tuple(
                str(cause.get("message", "")) for cause in causes or () if isinstance(cause, dict)
            ),
        )

    # -- reads -----------------------------------------------------------------------------
    def get_json(
        self,
        path: str,
        query: Mapping[str, Any] | None = None,
        timeout: tuple[float, float] | None = None,
        accept: str = "application/json",
    ) -> dict[str, Any]:
        response = self._send("GET", path, query, timeout=timeout, accept=accept)
        try:
            return json.loads(response.data)
        except ValueError:  # a 200 from something in front of the API server: an SSO page
            raise KubeError(
                f"GET {path} answered with something that is not JSON (a proxy's sign-in "
                "page?): is the server address right, and are you logged in?",
                status=None,
            ) from None

    def get_text(self, path: str, query: Mapping[str, Any] | None = None) -> str:
        """A GET whose answer is text (a finished pod log), decoded leniently."""
        response = self._send("GET", path, query)
        return response.data.decode("utf-8", "replace")

    def list(
        self,
        kind: Kind,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        page_size: int = 500,
        timeout: tuple[float, float] | None = None,
    ) -> ListResult:
        """List every object, page by page (limit/continue); the first page's RV is the list's.
        ``timeout`` (connect, read) is each page's."""
        path = kind.collection_path(namespace if kind.namespaced else None)
        items: list[dict[str, Any]] = []
        resource_version = ""
        token: str | None = None
        while True:
            data = self.get_json(
                path,
                {
                    "labelSelector": label_selector,
                    "fieldSelector": field_selector,
                    "limit": page_size,
                    "continue": token,
                },
                timeout=timeout,
            )
            metadata = data.get("metadata") or {}
            if not resource_version:
                resource_version = metadata.get("resourceVersion", "")
            for item in data.get("items") or []:
                item.setdefault("kind", kind.name)
                items.append(item)
            token = metadata.get("continue") or None
            if not token:
                return ListResult(items=items, resource_version=resource_version)

    def watch(
        self,
        kind: Kind,
        namespace: str | None,
        resource_version: str,
        *,
        timeout_seconds: int,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> WatchStream:
        path = kind.collection_path(namespace if kind.namespaced else None)
        query = {
            "watch": "true",
            "resourceVersion": resource_version,
            "timeoutSeconds": timeout_seconds,
            "allowWatchBookmarks": "true",
            "labelSelector": label_selector,
            "fieldSelector": field_selector,
        }
        read_timeout = timeout_seconds + 15.0
        response = self._send("GET", path, query, timeout=(self.timeout[0], read_timeout))
        stream = _TrackedStream(response, self)
        with self._streams_lock:
            self._streams.add(stream)
        return stream

    def list_table(
        self,
        kind: Kind,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        page_size: int = 500,
        timeout: tuple[float, float] | None = None,
    ) -> ListResult:
        """List as server-side Tables (``kubectl get``'s columns) with each object included:
        entries of ``domain.server_table``. A server that refuses Tables (406, old aggregated
        APIs) or answers a plain list gives plain entries and ``columns`` None."""
        path = kind.collection_path(namespace if kind.namespaced else None)
        items: list[dict[str, Any]] = []
        resource_version = ""
        token: str | None = None
        columns: Columns | None = None
        accept = TABLE_ACCEPT
        while True:
            query = {
                "labelSelector": label_selector,
                "fieldSelector": field_selector,
                "limit": page_size,
                "continue": token,
                "includeObject": "Object" if accept == TABLE_ACCEPT else None,
            }
            try:
                data = self.get_json(path, query, timeout=timeout, accept=accept)
            except KubeError as error:
                if error.status != 406 or accept != TABLE_ACCEPT:
                    raise
                accept, items, token = "application/json", [], None  # again, as a plain list
                continue
            metadata = data.get("metadata") or {}
            if not resource_version:
                resource_version = metadata.get("resourceVersion", "")
            if is_table(data):
                page_columns = parse_columns(data.get("columnDefinitions")) or columns or ()
                columns = page_columns
                items.extend(entries(data, page_columns, kind.name))
            else:
                for item in data.get("items") or []:
                    item.setdefault("kind", kind.name)
                    items.append(plain_entry(item))
            token = metadata.get("continue") or None
            if not token:
                return ListResult(items, resource_version, columns)

    def watch_table(
        self,
        kind: Kind,
        namespace: str | None,
        resource_version: str,
        columns: Columns | None,
        *,
        timeout_seconds: int,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> TableWatchStream:
        """A watch whose events carry Tables (``columns`` None: a plain watch, as the list
        fell back to one). Only the first event's Table has column definitions (v1.28): the
        others line up with the list's."""
        path = kind.collection_path(namespace if kind.namespaced else None)
        query = {
            "watch": "true",
            "resourceVersion": resource_version,
            "timeoutSeconds": timeout_seconds,
            "allowWatchBookmarks": "true",
            "labelSelector": label_selector,
            "fieldSelector": field_selector,
            "includeObject": "Object" if columns is not None else None,
        }
        accept = TABLE_ACCEPT if columns is not None else "application/json"
        read_timeout = timeout_seconds + 15.0
        response = self._send(
            "GET", path, query, timeout=(self.timeout[0], read_timeout), accept=accept
        )
        stream = TableWatchStream(response, self, kind.name, columns)
        with self._streams_lock:
            self._streams.add(stream)
        return stream

    def stream_log(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        follow: bool = True,
        previous: bool = False,
        since_seconds: int | None = None,
        since_time: str | None = None,
        tail_lines: int | None = None,
        timestamps: bool = True,
        idle_timeout: float = 300.0,
    ) -> LogStream:
        """A pod log as raw lines. Following, the read waits up to ``idle_timeout`` seconds
        for a line; ``close()`` from another thread ends it at once."""
        query = {
            "container": container,
            "follow": "true" if follow and not previous else None,
            "previous": "true" if previous else None,
            "sinceSeconds": since_seconds,
            "sinceTime": since_time,
            "tailLines": tail_lines,
            "timestamps": "true" if timestamps else None,
        }
        path = KINDS["pods"].object_path(namespace, pod) + "/log"
        response = self._send("GET", path, query, timeout=(self.timeout[0], idle_timeout))
        stream = _TrackedLogStream(response, self)
        with self._streams_lock:
            self._streams.add(stream)
        return stream

    def previous_log(self, namespace: str, pod: str, container: str, tail_lines: int) -> str:
        """The last lines the container's previous instance wrote (``kubectl logs -p``)."""
        query = {"container": container, "previous": "true", "tailLines": tail_lines}
        return self.get_text(KINDS["pods"].object_path(namespace, pod) + "/log", query)

    def get(self, kind: Kind, namespace: str | None, name: str) -> dict[str, Any]:
        return self.get_json(kind.object_path(namespace if kind.namespaced else None, name))

    def discover(self, timeout: tuple[float, float] | None = None) -> KindCatalog:
        """Every kind the server serves: aggregated discovery (one request for the core group,
        one for the others), or, from a server without it (406, or a legacy document in
        answer), ``/api``, ``/apis`` and each group's preferred version. A group version that
        fails (an aggregated API whose backend is down) is left out; ``/api`` or ``/apis``
        failing raises ``KubeError``."""
        kinds = self._discover_root("/api", timeout) + self._discover_root("/apis", timeout)
        return KindCatalog(kinds, from_server=True)

    def _discover_root(self, root: str, timeout: tuple[float, float] | None) -> builtins.list[Kind]:
        try:
            document = self.get_json(root, timeout=timeout, accept=AGGREGATED_ACCEPT)
        except KubeError as error:
            if error.status not in (400, 406, 415):
                raise
            document = self.get_json(root, timeout=timeout)
        if is_aggregated(document):
            return kinds_from_aggregated(document)
        if root == "/api":
            paths = [f"/api/{version}" for version in core_versions(document)]
        else:
            paths = [f"/apis/{g}/{v}" for g, v in preferred_group_versions(document)]
        kinds: builtins.list[Kind] = []
        for path in paths:
            try:
                kinds += kinds_from_resource_list(self.get_json(path, timeout=timeout))
            except (KubeError, ValueError):
                continue  # as kubectl: that group's kinds are missing, the others are there
        return kinds

    def server_version(self, timeout: tuple[float, float] | None = None) -> str:
        info = self.get_json("/version", timeout=timeout)
        return str(info.get("gitVersion", "unknown"))

    def review_access(
        self, review: Mapping[str, Any], timeout: tuple[float, float] | None = None
    ) -> dict[str, Any]:
        """POST a SelfSubjectAccessReview: may this user do that? (It changes nothing.)"""
        response = self._send(
            "POST",
            SELF_ACCESS_REVIEWS,
            body=dict(review),
            content_type="application/json",
            timeout=timeout,
        )
        try:
            answer = json.loads(response.data)
        except ValueError:
            raise KubeError("the access review was not answered in JSON", status=None) from None
        if not isinstance(answer, dict):
            raise KubeError("the access review was not answered with an object", status=None)
        return answer

    # -- writes (all go through the read-only gate in _send) -------------------------------
    def mutate(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        query: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        if content_type.endswith("yaml") and not isinstance(body, (str, bytes)):
            body = json.dumps(body)  # JSON is YAML; older clients only serialise JSON types
        response = self._send(method, path, query, body=body, content_type=content_type)
        raw = response.data
        return json.loads(raw) if raw else {}

    # -- exec and port-forward (kube_streams; refused in read-only mode) --------------------
    def exec_session(
        self,
        namespace: str,
        pod: str,
        container: str,
        command: Sequence[str],
        *,
        stdin: bool = True,
        tty: bool = False,
        timeout: float | None = None,
    ) -> ExecSession:
        """A command running in a container, its stdin/stdout/stderr/tty over a websocket."""
        from gok_tui.backends import kube_streams

        session = kube_streams.exec_session(
            self, namespace, pod, container, command, stdin=stdin, tty=tty, timeout=timeout
        )
        self._track(session)
        return session

    def run_command(
        self,
        namespace: str,
        pod: str,
        container: str,
        command: Sequence[str],
        *,
        stdin: bytes | None = None,
        timeout: float = 60.0,
        stdin_ends_itself: bool = False,
    ) -> ExecResult:
        """Run a command in a container to its end: exit code, stdout, stderr."""
        from gok_tui.backends import kube_streams

        return kube_streams.run_command(
            self,
            namespace,
            pod,
            container,
            command,
            stdin=stdin,
            timeout=timeout,
            stdin_ends_itself=stdin_ends_itself,
        )

    def port_forward(
        self, namespace: str, pod: str, port: int, *, timeout: float | None = None
    ) -> PortForwardConnection:
        """One connection to pod:port; its ``socket`` is a connected stream socket."""
        from gok_tui.backends import kube_streams

        connection = kube_streams.port_forward(self, namespace, pod, port, timeout=timeout)
        self._track(connection)
        return connection

    def _track(self, session: ExecSession | PortForwardConnection) -> None:
        with self._streams_lock:
            self._sessions = {s for s in self._sessions if not s.ended}
            self._sessions.add(session)

    def _forget(self, stream: WatchStream) -> None:
        with self._streams_lock:
            self._streams.discard(stream)


class LogStream(WatchStream):
    """A pod log response: iterate batches of raw lines (bytes, without the newline), one
    batch per network read, so a follower hands lines on as soon as they arrive.

    A followed log comes as HTTP chunks, one per write of the container (often one line).
    urllib3 hands chunks on one at a time, a dozen Python calls each; when the body is plain
    chunked transfer, the chunks already received are taken apart here instead, all at once
    (``dechunk``), so a fast log costs a batch per read, not per line."""

    def __iter__(self) -> Iterator[list[bytes]]:  # type: ignore[override]
        pending = b""
        try:
            for block in self._blocks():
                if self._closed.is_set():
                    return
                pending = pending + block if pending else block
                *lines, pending = pending.split(b"\n")
                if lines:
                    yield lines
            if pending:
                yield [pending]
        except Exception as exc:
            if not self._closed.is_set():
                self.broken = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        finally:
            self._release()

    def _blocks(self) -> Iterator[bytes]:
        read = _raw_chunked_reader(self._response)
        if read is None:
            yield from self._response.stream(65536, decode_content=False)
            self._finished = True
            return
        # the connection's framing is read here, past urllib3: it is closed, never pooled
        yield from dechunk(read)


def _raw_chunked_reader(response: Any) -> Callable[[], bytes] | None:
    """``read1`` of the socket under a chunked, unencoded urllib3 response not read yet; None
    for anything else (urllib3 reads those)."""
    if not getattr(response, "chunked", False) or getattr(response, "chunk_left", 0) is not None:
        return None
    headers = getattr(response, "headers", None) or {}
    if headers.get("content-encoding", "identity").lower() not in ("", "identity"):
        return None
    sock_file = getattr(getattr(response, "_fp", None), "fp", None)
    read1 = getattr(sock_file, "read1", None)
    if read1 is None:
        return None
    return lambda: read1(65536)


MAX_CHUNK_SIZE_LINE = 1024
WHOLE_CHUNKS_TAIL = 65536  # a chunk begun but not complete is held back up to this size


def _whole_chunks(buffer: bytes) -> tuple[bytes, bytes] | None:
    """The payload of the complete chunks at the start of ``buffer`` and what follows them,
    in a few calls whatever their number (a followed log is a chunk per line); None when this
    shortcut cannot tell (a payload holding CRLF, a size extension, the last chunk): then
    ``dechunk`` reads the framing a chunk at a time."""
    pieces = buffer.split(b"\r\n")
    tail = pieces.pop()  # after the last CRLF: not complete
    if len(pieces) % 2:  # a size line whose payload has not (all) come
        tail = pieces.pop() + b"\r\n" + tail
    sizes = pieces[0::2]
    payloads = pieces[1::2]
    try:
        lengths = [int(size, 16) for size in sizes]
    except ValueError:
        return None
    # A payload holding CRLF is split apart, and its first piece is shorter than its size
    # says: the lengths differ from there on. A zero size is the last chunk.
    if lengths != list(map(len, payloads)) or 0 in lengths:
        return None
    return b"".join(payloads), tail


class ChunkError(ConnectionError):
    """The body's chunked framing is broken, or the connection ended inside it."""


def dechunk(read: Callable[[], bytes]) -> Iterator[bytes]:
    """The payload of an HTTP/1.1 chunked body, one block per ``read()`` (which returns what
    the socket has, b"" at its end): every chunk complete or begun in that read, joined.
    Ends after the last (zero-size) chunk; trailers are not read."""
    buffer = b""  # what is left of the last read: part of a size line, or a chunk's CRLF
    remaining = 0  # payload bytes of the current chunk still to come
    after_payload = False  # a chunk's payload has come, its CRLF not yet
    while True:
        data = read()
        if not data:
            raise ChunkError("the connection closed in the middle of the log")
        buffer = buffer + data if buffer else data
        if not remaining and not after_payload:
            whole = _whole_chunks(buffer)
            if whole is not None:
                payload, buffer = whole
                if payload:
                    yield payload
                if len(buffer) <= WHOLE_CHUNKS_TAIL:
                    continue
                # a large chunk still coming: hand on what has come of it (below)
        size_of_buffer = len(buffer)
        parts: list[bytes] = []
        position = 0
        while True:
            if remaining:
                end = min(position + remaining, size_of_buffer)
                parts.append(buffer[position:end])
                remaining -= end - position
                position = end
                if remaining:
                    break  # the rest of this chunk comes in a later read
                after_payload = True
            eol = buffer.find(b"\r\n", position)
            if eol < 0:
                if size_of_buffer - position > MAX_CHUNK_SIZE_LINE:
                    raise ChunkError("malformed chunked response: a size line is too long")
                break
            line = buffer[position:eol]
            position = eol + 2
            if after_payload:
                if line:
                    raise ChunkError("malformed chunked response: no CRLF after a chunk")
                after_payload = False
                continue
            try:
                remaining = int(line.split(b";", 1)[0], 16)
            except ValueError:
                raise ChunkError(f"malformed chunked response: chunk size {line[:20]!r}") from None
            if remaining < 0:
                raise ChunkError(f"malformed chunked response: chunk size {line[:20]!r}")
            if remaining == 0:  # the last chunk
                if parts:
                    yield b"".join(parts)
                return
        buffer = buffer[position:]
        if parts:
            yield parts[0] if len(parts) == 1 else b"".join(parts)


class _Tracked(WatchStream):
    """A stream the backend knows about, so closing the backend closes it."""

    def __init__(self, response: Any, backend: KubeBackend) -> None:
        super().__init__(response)
        self._backend = backend

    def _release(self) -> None:
        super()._release()
        self._backend._forget(self)


class _TrackedStream(_Tracked):
    pass


class TableWatchStream(_Tracked):
    """A watch of Tables as (type, entry) pairs; a plain object (an ERROR's Status, or the
    events of a plain watch) passes as it came, or as a plain entry."""

    def __init__(
        self, response: Any, backend: KubeBackend, kind_name: str, columns: Columns | None
    ) -> None:
        super().__init__(response, backend)
        self.kind_name = kind_name
        self.columns = columns

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for event_type, obj in super().__iter__():
            if not is_table(obj):
                if event_type in ("ERROR", "BOOKMARK"):
                    yield event_type, obj
                else:
                    obj.setdefault("kind", self.kind_name)
                    yield event_type, plain_entry(obj)
                continue
            self.columns = parse_columns(obj.get("columnDefinitions")) or self.columns or ()
            rows = entries(obj, self.columns, self.kind_name)
            if not rows:  # a bookmark's Table: only its resourceVersion matters
                yield event_type, {"metadata": obj.get("metadata") or {}}
            for entry in rows:
                yield event_type, entry


class _TrackedLogStream(_Tracked, LogStream):
    pass


def describe_status(
    status: int,
    server_message: str,
    method: str,
    path: str,
    query: Mapping[str, Any],
    target: KubeTarget,
) -> str:
    """One sentence for an HTTP error from the API server."""
    verb = _verb_for(method, query, path)
    resource, namespace, _ = _resource_of(path)
    scope = f" in namespace {namespace}" if namespace else ""
    if status == 401:
        return (
            f"the cluster rejected the credentials of user {target.user or '?'} "
            f"(401 Unauthorized): they may have expired; log in again"
        )
    if status == 403:
        return f"not allowed: {verb} {resource}{scope}" + (
            f" ({server_message})" if server_message else ""
        )
    if status == 404:
        return server_message or f"not found: {resource}{scope}"
    if status == 409:
        return f"conflict: {server_message or 'the object changed; try again'}"
    if status == 410:
        return f"watch expired: {server_message or 'resource version too old'}"
    if status == 422:
        return f"rejected by the API server: {server_message}"
    if status == 429:
        return "the API server is throttling requests (429); retrying"
    return f"API server error {status}: {server_message or 'no details'}"


def _resource_of(path: str) -> tuple[str, str | None, str | None]:
    """(resource, namespace, object name) of an API path; subresources are named resource/sub."""
    parts = [p for p in path.split("/") if p]
    rest = parts[2:] if parts[:1] == ["api"] else parts[3:]
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    if not rest:
        return "resources", namespace, None
    resource = rest[0] if len(rest) < 3 else f"{rest[0]}/{rest[2]}"
    return resource, namespace, rest[1] if len(rest) > 1 else None
