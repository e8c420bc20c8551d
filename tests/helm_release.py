"""Helm 3 release Secrets as Helm's Secret driver writes them (for tests and the bench):
``data.release`` is base64 (the API's encoding of Secret data) of base64 of gzip of JSON."""

from __future__ import annotations

import base64
import gzip
import json
import sys
from pathlib import Path
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


def write_helm_standin(folder: Path, exit_code: int = 0, said: str = "") -> Path:
    """A real ``helm`` program in ``folder`` (put it first on PATH) that records each argv it
    is run with, one JSON line in the returned file, says ``said`` on stderr and exits with
    ``exit_code``."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "helm-argv.jsonl"
    program = folder / "helm"
    program.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.stderr.write({said!r})\n"
        f"sys.exit({exit_code})\n"
    )
    program.chmod(0o755)
    return log


def helm_runs(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]
