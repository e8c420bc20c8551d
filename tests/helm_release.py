"""Helm 3 release Secrets as Helm's Secret driver writes them (for tests and the bench):
``data.release`` is base64 (the API's encoding of Secret data) of base64 of gzip of JSON."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any


def release_data(release: dict[str, Any]) -> str:
    packed = gzip.compress(json.dumps(release).encode())
    return base64.b64encode(base64.b64encode(packed)).decode()


def helm_release_secret(
    name: str,
    revision: int,
    *,
    namespace: str = "default",
    status: str = "deployed",
    chart: str = "web",
    chart_version: str = "1.0.0",
    app_version: str = "1.0",
    description: str = "Install complete",
    deployed: str = "2026-12-07T10:00:00Z",
    manifest: str = "",
) -> dict[str, Any]:
    release = {
        "name": name,
        "namespace": namespace,
        "version": revision,
        "info": {
            "first_deployed": deployed,
            "last_deployed": deployed,
            "status": status,
            "description": description,
        },
        "chart": {"metadata": {"name": chart, "version": chart_version, "appVersion": app_version}},
        "manifest": manifest,
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "helm.sh/release.v1",
        "metadata": {
            "name": f"sh.helm.release.v1.{name}.v{revision}",
            "namespace": namespace,
            "labels": {"name": name, "owner": "helm", "status": status, "version": str(revision)},
        },
        "data": {"release": release_data(release)},
    }
