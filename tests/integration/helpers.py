"""Helpers for driving the store against a real API server (fake or real) in tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gok_tui.domain.render import columns_for
from gok_tui.domain.render.deployment import render_deployment
from gok_tui.domain.render.pod import render_pod
from gok_tui.domain.table import Row
from gok_tui.store.feeds import Feed
from gok_tui.store.model import Objects, TableModel


def deployment(
    name: str, image: str = "hello:1", replicas: int = 2, ns: str = "default"
) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": image}]},
            },
        },
    }


def bare_pod(
    name: str, ns: str = "default", labels: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {"app": "bare"}},
        "spec": {"containers": [{"name": "main", "image": "busybox:1"}]},
    }


def pod_model() -> TableModel:
    def render(obj: dict[str, Any], objects: Objects, now: float) -> list[Row]:
        return [render_pod(obj, now)]

    return TableModel("pods", render)


def deployment_model() -> TableModel:
    def render(obj: dict[str, Any], objects: Objects, now: float) -> list[Row]:
        return [render_deployment(obj, now)]

    return TableModel("deployments", render)


class Mirror:
    """What a table would show: a model kept up to date from a feed, plus every delta seen."""

    def __init__(self, feed: Feed, model: TableModel) -> None:
        self.feed = feed
        self.model = model
        self.deltas: list[Any] = []

    def pump(self) -> None:
        delta = self.model.apply({self.model.primary: self.feed.drain()}, time.time())
        if not delta.empty:
            self.deltas.append(delta)

    def wait_for(self, predicate: Callable[[Mirror], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if predicate(self):
                return
            time.sleep(0.02)
        raise AssertionError(
            f"timed out after {timeout}s; rows={sorted(self.model.shown)} status={self.feed.status}"
        )

    def cell(self, key: str, column: str) -> str:
        titles = [c.title for c in columns_for(self.model.primary, False)]
        return self.model.shown[key].cells[titles.index(column)]


def track_deployment(
    name: str, app: str, track: str, image: str = "hello:1", replicas: int = 2, ns: str = "default"
) -> dict[str, Any]:
    """One side of a blue/green or canary pair: pods labelled app=APP, track=TRACK."""
    labels = {"app": app, "track": track}
    obj = deployment(name, image=image, replicas=replicas, ns=ns)
    obj["metadata"]["labels"] = labels
    obj["spec"]["selector"] = {"matchLabels": labels}
    obj["spec"]["template"]["metadata"]["labels"] = labels
    return obj


def service(name: str, selector: dict[str, str], ns: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]},
    }


def ingress(
    name: str,
    service_name: str,
    host: str = "shop.example.com",
    canary_weight: int | None = None,
    ns: str = "default",
    tls: bool = False,
) -> dict[str, Any]:
    annotations = {}
    if canary_weight is not None:
        annotations = {
            "nginx.ingress.kubernetes.io/canary": "true",
            "nginx.ingress.kubernetes.io/canary-weight": str(canary_weight),
        }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "namespace": ns, "annotations": annotations},
        "spec": {
            **({"tls": [{"hosts": [host]}]} if tls else {}),
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {
                                    "service": {"name": service_name, "port": {"number": 80}}
                                },
                            }
                        ]
                    },
                }
            ],
        },
    }
