"""ServiceAccount tokens and RBAC, enough to be a restricted user: a TokenRequest
(``POST .../serviceaccounts/NAME/token``) gives a bearer token; a request carrying it is allowed
what the Roles and ClusterRoles bound to that ServiceAccount allow, and answered 403 in the API
server's words otherwise. Any other caller is the cluster admin, as before."""

from __future__ import annotations

import secrets
import time
from typing import Any

from tests.kubefake.errors import ApiError
from tests.kubefake.state import State

SA_PREFIX = "system:serviceaccount:"


class Tokens:
    def __init__(self) -> None:
        self.users: dict[str, str] = {}  # token -> user name

    def issue(self, namespace: str, account: str, request: dict[str, Any]) -> dict[str, Any]:
        token = "fake." + secrets.token_urlsafe(24)
        self.users[token] = f"{SA_PREFIX}{namespace}:{account}"
        seconds = int((request.get("spec") or {}).get("expirationSeconds") or 3600)
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
        return {
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": account, "namespace": namespace, "creationTimestamp": None},
            "spec": {
                "audiences": (request.get("spec") or {}).get("audiences") or ["https://kubernetes"],
                "expirationSeconds": seconds,
                "boundObjectRef": None,
            },
            "status": {"token": token, "expirationTimestamp": expires},
        }

    def user_of(self, headers: Any) -> str | None:
        auth = str(headers.get("Authorization", ""))
        return self.users.get(auth[7:]) if auth.startswith("Bearer ") else None


def _matches(rule: dict[str, Any], group: str, resource: str, verb: str) -> bool:
    def has(key: str, value: str) -> bool:
        values = rule.get(key) or []
        return "*" in values or value in values

    return has("apiGroups", group) and has("resources", resource) and has("verbs", verb)


def _bound_rules(state: State, user: str, namespace: str) -> list[dict[str, Any]]:
    sa_namespace, _, account = user[len(SA_PREFIX) :].partition(":")
    subject = {"kind": "ServiceAccount", "name": account, "namespace": sa_namespace}
    bindings = state.list("clusterrolebindings") + (
        state.list("rolebindings", namespace) if namespace else []
    )
    rules: list[dict[str, Any]] = []
    for binding in bindings:
        if not any(
            {k: s.get(k, sa_namespace if k == "namespace" else "") for k in subject} == subject
            for s in binding.get("subjects") or []
        ):
            continue
        role_ref = binding.get("roleRef") or {}
        role_ns = (
            (binding.get("metadata") or {}).get("namespace", "")
            if role_ref.get("kind") == "Role"
            else ""
        )
        plural = "roles" if role_ref.get("kind") == "Role" else "clusterroles"
        role = state.get(plural, role_ns, str(role_ref.get("name", "")))
        rules.extend((role or {}).get("rules") or [])
    return rules


def authorize(
    state: State,
    user: str,
    verb: str,
    group: str,
    resource: str,
    namespace: str,
    name: str,
) -> None:
    """Raise the API server's 403 unless a bound rule allows this request."""
    if not any(_matches(r, group, resource, verb) for r in _bound_rules(state, user, namespace)):
        raise forbidden(user, verb, group, resource, namespace, name)


def forbidden(
    user: str, verb: str, group: str, resource: str, namespace: str, name: str
) -> ApiError:
    """The API server's 403, in its words (``resource`` may be "pods/log")."""
    plural = resource.split("/")[0]
    qualified = f"{plural}.{group}" if group else plural
    subject = f'{qualified} "{name}"' if name else qualified
    scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    details: dict[str, Any] = {"kind": plural}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    return ApiError(
        403,
        "Forbidden",
        f'{subject} is forbidden: User "{user}" cannot {verb} resource "{resource}" '
        f'in API group "{group}"{scope}',
        details,
    )
