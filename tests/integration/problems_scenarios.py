"""Diagnosis scenarios shared by the fake-server tests and the e2e tests on a real cluster."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.diagnosis import Finding
from gok_tui.domain.kinds import KINDS
from gok_tui.store.feeds import FeedHub
from gok_tui.store.problems import SOURCE_KINDS, ProblemsModel
from gok_tui.store.watch import FeedSpec


class ProblemsMirror:
    """The :problems model fed by live watches, as the screen has it."""

    def __init__(self, hub: FeedHub, namespace: str) -> None:
        self.feeds = {k: hub.open(FeedSpec(KINDS[k], namespace)) for k in SOURCE_KINDS}
        self.model = ProblemsModel(all_namespaces=False)

    def wait_for_finding(self, rule: str, name: str, timeout: float = 10.0) -> Finding:
        return self._wait(lambda f: f.rule == rule and f.name == name, f"{rule} {name}", timeout)

    def wait_for_finding_of_kind(self, rule: str, timeout: float = 10.0) -> Finding:
        """For objects with generated names (a Deployment's pods)."""
        return self._wait(lambda f: f.rule == rule, rule, timeout)

    def _wait(self, wanted: Callable[[Finding], bool], what: str, timeout: float) -> Finding:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.model.apply({k: f.drain() for k, f in self.feeds.items()}, time.time())
            for finding in self.model.findings:
                if wanted(finding):
                    return finding
            time.sleep(0.05)
        raise AssertionError(f"no {what} finding; findings: {self.model.findings}")


def service_selecting_nothing(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "orphan", "namespace": namespace},
        "spec": {"selector": {"app": "nobody-has-this-label"}, "ports": [{"port": 80}]},
    }


def deployment_needing_configmap(namespace: str) -> dict[str, Any]:
    labels = {"app": "needs-config"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "needs-config", "namespace": namespace},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "busybox:1.36",
                            "command": ["sleep", "3600"],
                            "envFrom": [{"configMapRef": {"name": "missing-config"}}],
                        }
                    ]
                },
            },
        },
    }


def create(backend: KubeBackend, plural: str, namespace: str, obj: dict[str, Any]) -> None:
    backend.mutate("POST", KINDS[plural].collection_path(namespace), obj)
