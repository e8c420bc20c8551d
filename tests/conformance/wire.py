"""Requests as they go over the wire, and their answers as they come back (status, headers,
body or watch events), through the kubernetes client the product uses: the same path for a
real cluster (recording) and the fake API server (replay)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gok_tui.backends.kube import KubeBackend

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
AGGREGATED = (
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList, application/json"
)


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "params": self.params,
            "headers": self.headers,
            "body": self.body,
        }


def _decode(data: bytes, content_type: str) -> Any:
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            return json.loads(data)
    return data.decode("utf-8", "replace")


def _parts(response: Any) -> tuple[int, dict[str, Any], bytes]:
    """(status, headers, body) of a urllib3 response or of an older client's ApiException."""
    if hasattr(response, "data"):
        return int(response.status), dict(response.headers or {}), response.data or b""
    body = getattr(response, "body", b"") or b""
    data = body.encode() if isinstance(body, str) else body
    return int(response.status), dict(getattr(response, "headers", None) or {}), data


class Wire:
    """Raw requests to one cluster; never raises for an HTTP status."""

    def __init__(self, backend: KubeBackend) -> None:
        self.backend = backend

    def _raw(self, req: Req, read_timeout: float = 30.0) -> Any:
        headers = {"Accept": "application/json", **req.headers}
        if req.body is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        body = req.body
        if "yaml" in headers.get("Content-Type", "") and not isinstance(body, str | bytes):
            body = json.dumps(body)
        api = self.backend._api_client()
        try:
            return self.backend._call(
                api,
                req.method,
                req.path,
                list(req.params.items()),
                headers,
                body,
                (5.0, read_timeout),
            )
        except Exception as exc:  # older clients raise on a non-2xx status
            if getattr(exc, "status", None):
                return exc
            raise

    def send(self, req: Req) -> dict[str, Any]:
        status, headers, data = _parts(self._raw(req))
        content_type = str(headers.get("Content-Type", ""))
        return {
            "status": status,
            "headers": {"Content-Type": content_type},
            "body": _decode(data, content_type) if data else None,
        }

    def watch(
        self, req: Req, during: Callable[[], None] | None = None, settle: float = 0.5
    ) -> dict[str, Any]:
        """Read a watch to its end (set timeoutSeconds); ``during`` runs once it is open."""
        response = self._raw(req, read_timeout=float(req.params.get("timeoutSeconds", 30)) + 10)
        if not 200 <= int(response.status) <= 299:
            status, headers, data = _parts(response)
            return {"status": status, "body": _decode(data, str(headers.get("Content-Type")))}
        status = int(response.status)
        worker = None
        if during is not None:

            def act() -> None:
                time.sleep(settle)
                during()

            worker = threading.Thread(target=act, daemon=True)
            worker.start()
        events, pending = [], b""
        for chunk in response.stream(65536, decode_content=False):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            events.extend(json.loads(line) for line in lines if line.strip())
        response.release_conn()
        if worker is not None:
            worker.join(30)
        return {"status": status, "events": events}
