"""What a restricted user is told it may do, asked as the product asks (store.access.ask):
run against the fake (test_access.py) and a real cluster (tests/e2e/test_access_e2e.py)."""

from __future__ import annotations

from pathlib import Path

from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.access import Need
from gok_tui.store.access import ask

from tests.integration.identity import restricted_backend

# may look at Deployments and their scale, may not change them
DEPLOYMENT_READER = [
    {
        "apiGroups": ["apps"],
        "resources": ["deployments", "deployments/scale"],
        "verbs": ["get", "list", "watch"],
    }
]
SCALE = Need("patch", "deployments", "apps", "scale")
LIST = Need("list", "deployments", "apps")


def reader_may_list_but_not_scale(backend: KubeBackend, namespace: str, workdir: Path) -> None:
    reader = restricted_backend(backend, namespace, workdir, "reader", DEPLOYMENT_READER)
    try:
        answers = ask(reader, [SCALE, LIST], namespace)
        # asked for all namespaces, the namespace's RoleBinding does not count
        wide = ask(reader, [LIST], None)[LIST]
    finally:
        reader.close()
    scale, listing = answers[SCALE], answers[LIST]
    assert scale is not None and scale.refused
    assert scale.why_not(SCALE, namespace) == (
        f"you may not patch deployments.apps/scale in namespace {namespace}"
    )
    assert listing is not None and listing.allowed
    assert listing.reason.startswith("RBAC: allowed by "), listing.reason
    assert wide is not None and wide.refused
