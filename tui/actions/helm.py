"""``helm rollback`` of a release to a revision, planned from the release Secrets (the manifest
diff between the revision now deployed and the one gone back to) and run by the helm binary
(a dry run first), through the same confirm and audit as every other action."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import ObjectRef, Plan
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.timeline import (
    helm_environment,
    helm_releases,
    helm_rollback_argv,
    manifest_diff,
)

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend


def _status(release: dict[str, Any] | str) -> str:
    return str((release.get("info") or {}).get("status") or "") if isinstance(release, dict) else ""


@dataclass(frozen=True)
class HelmRollback:
    ref: ObjectRef  # kind "helm": the release, in its namespace
    to_revision: int
    helm: str  # the helm binary found on PATH
    kubeconfig: tuple[str, ...] = ()  # the files gok-tui read its kubeconfig from
    name: str = "helm rollback"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        selector = f"owner=helm,name={self.ref.name}"
        secrets = backend.list(KINDS["secrets"], self.ref.namespace, label_selector=selector)
        return {"secrets": secrets.items}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        releases = helm_releases(snapshot.get("secrets", []), self.ref.name)
        deployed = [n for n, r in releases.items() if _status(r) == "deployed"]
        current = max(deployed or releases or [0])
        command = helm_rollback_argv(
            self.ref.name,
            self.to_revision,
            self.ref.namespace,
            self.ref.context,
            self.kubeconfig,
            self.helm,
        )
        environment = helm_environment(self.kubeconfig)
        shown = "".join(f"{k}={shlex.quote(v)} " for k, v in environment) + shlex.join(
            ("helm", *command[1:])
        )
        target = releases.get(self.to_revision)
        refusal, diff = "", []
        if self.to_revision < 1:
            refusal = "this is the release's first revision: there is none before it"
        elif target is None:
            have = ", ".join(str(n) for n in sorted(releases)) or "none"
            refusal = f"revision {self.to_revision} is no longer in the cluster (have: {have})"
        elif isinstance(target, str):
            refusal = f"revision {self.to_revision} cannot be read: {target}"
        else:
            now = releases.get(current)
            old_manifest = str(now.get("manifest") or "") if isinstance(now, dict) else ""
            diff = manifest_diff(old_manifest, str(target.get("manifest") or ""))
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=(
                f"helm rollback release {self.ref.namespace}/{self.ref.name} from revision "
                f"{current} to {self.to_revision}"
            ),
            before=f"revision {current}",
            after=f"revision {self.to_revision} (as revision {max(releases or [0]) + 1})",
            method="RUN",
            path=shown,
            body=None,
            content_type="",
            dangerous=True,
            warnings=(
                f"runs: {shown}",
                *(diff or ["the manifests of both revisions are the same"]),
            ),
            refusal=refusal,
            noop=not refusal and current == self.to_revision,
            inverse=HelmRollback(self.ref, current, self.helm, self.kubeconfig)
            if current
            else None,
            command=command,
            command_env=environment,
        )
