"""What the API server's validation refuses, in its words (422 Invalid): object names, and the
few spec rules the fake holds Deployments, ReplicaSets and Pods to."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.kubefake.errors import invalid

_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
SUBDOMAIN_RULE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_RULE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035_RULE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)


def check_name(plural: str, name: str) -> None:
    if plural == "services":
        pattern, rule, limit = _DNS1035, DNS1035_RULE, 63
    elif plural == "namespaces":
        pattern, rule, limit = _LABEL, LABEL_RULE, 63
    else:
        pattern, rule, limit = _SUBDOMAIN, SUBDOMAIN_RULE, 253
    if name and (not pattern.fullmatch(name) or len(name) > limit):
        raise invalid(plural, name, "metadata.name", f"Invalid value: {json.dumps(name)}: {rule}")


def check(plural: str, obj: dict[str, Any]) -> None:
    spec = obj.get("spec") or {}
    name = (obj.get("metadata") or {}).get("name", "")
    if plural not in ("deployments", "pods", "replicasets"):
        return
    if plural == "pods":
        containers = spec.get("containers") or []
        prefix = "spec"
    else:
        replicas = spec.get("replicas", 1)
        if int(replicas) < 0:
            raise invalid(
                plural,
                name,
                "spec.replicas",
                f"Invalid value: {replicas}: must be greater than or equal to 0",
            )
        template = spec.get("template") or {}
        containers = (template.get("spec") or {}).get("containers") or []
        prefix = "spec.template.spec"
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if any(labels.get(k) != v for k, v in selector.items()):
            raise invalid(
                plural,
                name,
                "spec.template.metadata.labels",
                f"Invalid value: {json.dumps(labels)}: `selector` does not match template `labels`",
            )
    if not containers:
        raise invalid(plural, name, f"{prefix}.containers", "Required value")
    for index, container in enumerate(containers):
        if not container.get("image"):
            raise invalid(plural, name, f"{prefix}.containers[{index}].image", "Required value")
