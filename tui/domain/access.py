"""What a key that changes something needs the cluster to allow, and what a
SelfSubjectAccessReview answered about it.

A key's need is declared beside it in the keymap (``KeySpec.needs``) as text, ``"VERB
RESOURCE[.GROUP][/SUBRESOURCE]"``: ``"patch deployments.apps/scale"``, ``"delete pods"``.
``{kind}`` stands for the kind the view shows (``deployments.apps``), for keys shared by kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gok_tui.config.keymap import DEFAULT_KEYS
from gok_tui.domain.kinds import KINDS

__all__ = [
    "AccessAnswer",
    "Need",
    "cluster_scoped",
    "needs_of_bindings",
    "parse_need",
    "parse_review",
    "review_body",
]

_NEED = re.compile(
    r"^(?P<verb>[a-z]+) (?P<resource>[a-z0-9-]+)(?:\.(?P<group>[a-z0-9.-]+))?(?:/(?P<sub>[a-z]+))?$"
)


@dataclass(frozen=True)
class Need:
    """A request a key makes, as RBAC names it."""

    verb: str
    resource: str
    group: str = ""
    subresource: str = ""

    def __str__(self) -> str:
        qualified = f"{self.resource}.{self.group}" if self.group else self.resource
        return f"{self.verb} {qualified}" + (f"/{self.subresource}" if self.subresource else "")

    def attributes(self, namespace: str | None) -> dict[str, str]:
        """The review's ``spec.resourceAttributes`` (no namespace: asked cluster-wide)."""
        attributes = {"verb": self.verb, "group": self.group, "resource": self.resource}
        if self.subresource:
            attributes["subresource"] = self.subresource
        if namespace:
            attributes["namespace"] = namespace
        return attributes


def parse_need(text: str, kind: str = "") -> Need:
    """``"patch {kind}/scale"`` with ``kind="deployments.apps"`` -> patch deployments.apps/scale.
    ValueError when the text is not a need, or names ``{kind}`` and no kind is given."""
    if "{kind}" in text:
        if not kind:
            raise ValueError(f"{text!r} needs the view's kind")
        text = text.replace("{kind}", kind)
    found = _NEED.match(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not 'VERB RESOURCE[.GROUP][/SUBRESOURCE]'")
    return Need(found["verb"], found["resource"], found["group"] or "", found["sub"] or "")


def needs_of_bindings(binding_ids: Iterable[str], kind: str = "") -> dict[str, Need]:
    """The need of each action bound by ``binding_ids`` that declares one, by action name
    (a key shared by kinds and no kind given: left out, so it stays allowed)."""
    wanted = set(binding_ids)
    needs: dict[str, Need] = {}
    for spec in DEFAULT_KEYS:
        if spec.id not in wanted or not spec.needs:
            continue
        try:
            needs[spec.action.split("(")[0]] = parse_need(spec.needs, kind)
        except ValueError:
            continue
    return needs


def review_body(need: Need, namespace: str | None) -> dict[str, Any]:
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": need.attributes(namespace)},
    }


def cluster_scoped(need: Need) -> bool:
    """Whether the need's resource lives outside namespaces (asked without one)."""
    kind = KINDS.get(need.resource)
    return kind is not None and kind.group == need.group and not kind.namespaced


@dataclass(frozen=True)
class AccessAnswer:
    """A review's ``status``. ``known`` is False when the authorizer could not decide (an
    evaluation error without a denial): such a key stays allowed, as an unasked one."""

    allowed: bool
    denied: bool = False
    reason: str = ""
    evaluation_error: str = ""

    @property
    def known(self) -> bool:
        return self.allowed or self.denied or not self.evaluation_error

    @property
    def refused(self) -> bool:
        return self.known and not self.allowed

    def why_not(self, need: Need, namespace: str | None) -> str:
        """Why the key is not allowed: the server's reason, else what was asked (RBAC
        denies by saying nothing: a v1.28 server answers ``{"allowed": false}`` alone)."""
        if self.reason:
            return self.reason
        if namespace:
            where = f" in namespace {namespace}"
        else:  # a cluster-scoped kind, or every namespace at once (the view shows all)
            where = " cluster-wide" if cluster_scoped(need) else " in all namespaces"
        return f"you may not {need}{where}"


REASON_CHARS = 300  # a webhook authorizer's reason is the server's text: a line, not a page


def _cut(text: str) -> str:
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def parse_review(body: Mapping[str, Any]) -> AccessAnswer:
    """A SelfSubjectAccessReview answer's status; ValueError if it is not one."""
    if body.get("kind") != "SelfSubjectAccessReview" or not isinstance(body.get("status"), dict):
        raise ValueError("not a SelfSubjectAccessReview answer")
    status = body["status"]
    return AccessAnswer(
        allowed=status.get("allowed") is True,
        denied=status.get("denied") is True,
        reason=_cut(str(status.get("reason") or "")),
        evaluation_error=_cut(str(status.get("evaluationError") or "")),
    )
