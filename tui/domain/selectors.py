"""Label selectors: from a LabelSelector object to the query-string form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def selector_string(selector: Mapping[str, Any] | None) -> str | None:
    """``{"matchLabels": {...}, "matchExpressions": [...]}`` -> ``"a=b,c in (d,e)"``.

    Requirements are sorted by key, as ``metav1.LabelSelectorAsSelector(...).String()`` does.
    Returns None for a missing selector (matches nothing) and "" for an empty one (matches
    everything), as the API server treats them.
    """
    if selector is None:
        return None
    requirements: list[tuple[str, str]] = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expression in selector.get("matchExpressions") or ():
        key = expression.get("key") or ""
        operator = expression.get("operator") or ""
        values = ",".join(sorted(str(v) for v in expression.get("values") or ()))
        if operator == "In":
            requirements.append((key, f"{key} in ({values})"))
        elif operator == "NotIn":
            requirements.append((key, f"{key} notin ({values})"))
        elif operator == "Exists":
            requirements.append((key, key))
        elif operator == "DoesNotExist":
            requirements.append((key, f"!{key}"))
        else:
            requirements.append((key, f"{key} {operator} ({values})"))
    requirements.sort(key=lambda requirement: requirement[0])
    return ",".join(text for _, text in requirements)


def service_selector_string(service: Mapping[str, Any]) -> str | None:
    """A Service's selector is a plain map; None when it has none (manual endpoints)."""
    labels = (service.get("spec") or {}).get("selector")
    if not labels:
        return None
    return ",".join(f"{key}={value}" for key, value in sorted(labels.items()))


def selects(selector: Mapping[str, Any] | None, labels: Mapping[str, Any]) -> bool:
    """Whether a LabelSelector object selects these labels (None selects nothing, {} all); an
    operator the API does not define selects nothing."""
    if not isinstance(selector, Mapping):
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or ():
        if not isinstance(expression, Mapping):
            return False
        key = expression.get("key") or ""
        operator = expression.get("operator") or ""
        values = {str(v) for v in expression.get("values") or ()}
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True
