"""ServiceAccount tokens and RBAC, enough to be a restricted user: a TokenRequest
(``POST .../serviceaccounts/NAME/token``) gives a bearer token; a request carrying it is allowed
what the Roles and ClusterRoles bound to that ServiceAccount allow, and answered 403 in the API
server's words otherwise. Any other caller is the cluster admin, as before."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
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


REVIEW_KIND = "SelfSubjectAccessReview"


def _allowing_binding(
    state: State, user: str, verb: str, group: str, resource: str, namespace: str
) -> str:
    """Which binding allows the request, as RBAC says it ("" when none does)."""
    sa_namespace, _, account = user[len(SA_PREFIX) :].partition(":")
    bindings = state.list("clusterrolebindings") + (
        state.list("rolebindings", namespace) if namespace else []
    )
    for binding in bindings:
        if not any(
            s.get("kind") == "ServiceAccount"
            and s.get("name") == account
            and s.get("namespace", sa_namespace) == sa_namespace
            for s in binding.get("subjects") or []
        ):
            continue
        meta = binding.get("metadata") or {}
        role_ref = binding.get("roleRef") or {}
        is_role = role_ref.get("kind") == "Role"
        role = state.get(
            "roles" if is_role else "clusterroles",
            meta.get("namespace", "") if is_role else "",
            str(role_ref.get("name", "")),
        )
        if any(_matches(r, group, resource, verb) for r in (role or {}).get("rules") or []):
            source = (
                f'RoleBinding "{meta.get("name")}/{meta.get("namespace")}"'
                if meta.get("namespace")
                else f'ClusterRoleBinding "{meta.get("name")}"'
            )
            return (
                f'RBAC: allowed by {source} of {role_ref.get("kind")} "{role_ref.get("name")}" '
                f'to ServiceAccount "{account}/{sa_namespace}"'
            )
    return ""


def review(
    state: State,
    user: str | None,
    request: dict[str, Any],
    refused: Callable[[str, str, str], bool],
) -> dict[str, Any]:
    """A SelfSubjectAccessReview answered as v1.28 does: the cluster admin is allowed with no
    reason (system:masters short-cuts RBAC); a ServiceAccount is allowed with the binding that
    allows it; a denial is ``{"allowed": false}`` alone (RBAC has no opinion, it gives no
    reason). ``refused(verb, resource, namespace)``: the fake's forbid() knobs."""
    spec = request.get("spec") or {}
    attributes = spec.get("resourceAttributes")
    if not isinstance(attributes, dict) or spec.get("nonResourceAttributes"):
        raise ApiError(
            422,
            "Invalid",
            f'{REVIEW_KIND}.authorization.k8s.io "" is invalid: spec.resourceAttributes: '
            'Invalid value: "null": exactly one of nonResourceAttributes or '
            "resourceAttributes must be specified",
            {"kind": REVIEW_KIND, "group": "authorization.k8s.io"},
        )
    verb = str(attributes.get("verb", ""))
    group = str(attributes.get("group", ""))
    resource = str(attributes.get("resource", ""))
    if attributes.get("subresource"):
        resource = f"{resource}/{attributes['subresource']}"
    namespace = str(attributes.get("namespace", ""))
    status: dict[str, Any]
    if user is None:
        # forbid("pods") refuses its subresources too; forbid("pods/portforward") only that
        allowed = not (
            refused(verb, resource.split("/")[0], namespace) or refused(verb, resource, namespace)
        )
        status = {"allowed": allowed}
    else:
        reason = _allowing_binding(state, user, verb, group, resource, namespace)
        status = {"allowed": True, "reason": reason} if reason else {"allowed": False}
    return {
        "kind": REVIEW_KIND,
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None},
        "spec": spec,
        "status": status,
    }
