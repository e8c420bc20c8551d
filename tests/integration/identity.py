"""A restricted user on any cluster (the fake or a real one): a ServiceAccount, a Role that
may only read pods, its binding, and a token from the TokenRequest API; the backend that
talks as it is what the product shows a 403 from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.config.kubeconfig import resolve_target

RBAC = "/apis/rbac.authorization.k8s.io/v1/namespaces"
POD_READER = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]


def _create(admin: KubeBackend, path: str, obj: dict[str, Any]) -> None:
    try:
        admin.mutate("POST", path, obj)
    except KubeError as error:
        if error.status != 409:  # AlreadyExists: made by an earlier call
            raise


def token_for(admin: KubeBackend, namespace: str, account: str, rules: list[dict[str, Any]]) -> str:
    _create(
        admin, f"/api/v1/namespaces/{namespace}/serviceaccounts", {"metadata": {"name": account}}
    )
    _create(admin, f"{RBAC}/{namespace}/roles", {"metadata": {"name": account}, "rules": rules})
    _create(
        admin,
        f"{RBAC}/{namespace}/rolebindings",
        {
            "metadata": {"name": account},
            "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": namespace}],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": account},
        },
    )
    answer = admin.mutate(
        "POST",
        f"/api/v1/namespaces/{namespace}/serviceaccounts/{account}/token",
        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}},
    )
    return str(answer["status"]["token"])


def restricted_backend(
    admin: KubeBackend,
    namespace: str,
    workdir: Path,
    account: str = "gok-viewer",
    rules: list[dict[str, Any]] = POD_READER,
) -> KubeBackend:
    """A backend on the admin's cluster that talks as ``account`` (may only read pods)."""
    token = token_for(admin, namespace, account, rules)
    merged = admin.target.merged
    context = next(c for c in merged.get("contexts") or [] if c["name"] == admin.target.context)
    cluster = next(
        c for c in merged.get("clusters") or [] if c["name"] == context["context"]["cluster"]
    )
    path = workdir / f"{account}.kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [cluster],
                "users": [{"name": account, "user": {"token": token}}],
                "contexts": [
                    {
                        "name": account,
                        "context": {
                            "cluster": cluster["name"],
                            "user": account,
                            "namespace": namespace,
                        },
                    }
                ],
                "current-context": account,
            }
        )
    )
    target = resolve_target(kubeconfig=str(path), environ={})
    assert target is not None
    return KubeBackend(target)
