"""What the API server serves, from its discovery documents, and how a typed name finds a kind.

Two forms of discovery are read: the aggregated one (``APIGroupDiscoveryList`` from ``/api`` and
``/apis``, v1.26+: one request each) and the legacy one (``/api``, ``/apis``, then one
``APIResourceList`` per group version). Only each group's preferred version is kept (the first
one an aggregated document lists; ``preferredVersion`` in the legacy one).

Every name is checked against what an API server can give (DNS labels and subdomains, Go
identifiers for kinds) before it is kept: a name with control characters, escape sequences,
bidi marks, a ``/`` or ``..`` is dropped, so it can reach neither the terminal nor a URL.

Names resolve as kubectl resolves them: plural, singular, short name, Kind (case-insensitive),
``name.group``, ``name.version.group``, then categories (``all``). Hand-listed kinds
(``kinds.KINDS``) resolve with no discovery at all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from gok_tui.domain.kinds import KINDS, Kind

__all__ = [
    "AGGREGATED_ACCEPT",
    "KindCatalog",
    "core_versions",
    "is_aggregated",
    "kinds_from_aggregated",
    "kinds_from_records",
    "kinds_from_resource_list",
    "preferred_group_versions",
]

AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)
AGGREGATED_KIND = "APIGroupDiscoveryList"
MAX_KINDS = 5000  # a cluster with thousands of CRDs is big; more is not an API server talking
MAX_NAMES_EACH = 32  # short names, categories, verbs of one resource

_LABEL = r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
_DNS_LABEL = re.compile(_LABEL)
_DNS_SUBDOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_KIND_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,62}")
_VERB = re.compile(r"[a-z]{1,32}")


def _label(value: object) -> str | None:
    return value if isinstance(value, str) and _DNS_LABEL.fullmatch(value) else None


def _group(value: object) -> str | None:
    if value == "":
        return ""
    if isinstance(value, str) and len(value) <= 253 and _DNS_SUBDOMAIN.fullmatch(value):
        return value
    return None


def _names(values: object, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    kept = [v for v in values[:MAX_NAMES_EACH] if isinstance(v, str) and pattern.fullmatch(v)]
    return tuple(dict.fromkeys(kept))


def _kind(record: Mapping[str, Any]) -> Kind | None:
    """A Kind from one resource's facts, or None when any name is not one a server gives."""
    group = _group(record.get("group", ""))
    version = _label(record.get("version"))
    plural = _label(record.get("plural"))
    name = record.get("kind")
    if group is None or version is None or plural is None:
        return None
    if not isinstance(name, str) or not _KIND_NAME.fullmatch(name):
        return None
    singular = _label(record.get("singular")) or name.lower()
    if not _DNS_LABEL.fullmatch(singular):
        singular = plural
    short_names = _names(record.get("shortNames"), _DNS_LABEL)
    return Kind(
        name=name,
        plural=plural,
        group=group,
        version=version,
        namespaced=record.get("namespaced") is True,
        aliases=tuple(dict.fromkeys((*short_names, singular, plural))),
        singular=singular,
        short_names=short_names,
        categories=_names(record.get("categories"), _DNS_LABEL),
        verbs=_names(record.get("verbs"), _VERB),
    )


def kinds_from_records(records: Iterable[Mapping[str, Any]]) -> list[Kind]:
    """Kinds from plain records (the cache's form, and what the parsers below make)."""
    kinds = []
    for record in records:
        if not isinstance(record, Mapping):
            continue
        kind = _kind(record)
        if kind is not None:
            kinds.append(kind)
        if len(kinds) >= MAX_KINDS:
            break
    return kinds


def record_of(kind: Kind) -> dict[str, Any]:
    return {
        "group": kind.group,
        "version": kind.version,
        "plural": kind.plural,
        "singular": kind.singular,
        "kind": kind.name,
        "namespaced": kind.namespaced,
        "verbs": list(kind.verbs),
        "shortNames": list(kind.short_names),
        "categories": list(kind.categories),
    }


# -- aggregated discovery ----------------------------------------------------------------------
def is_aggregated(document: object) -> bool:
    return isinstance(document, dict) and document.get("kind") == AGGREGATED_KIND


def kinds_from_aggregated(document: Mapping[str, Any]) -> list[Kind]:
    """The resources of an APIGroupDiscoveryList, in the preferred (first) version of each
    group; subresources are not kinds."""
    records = []
    for item in document.get("items") or []:
        if not isinstance(item, dict):
            continue
        group = (item.get("metadata") or {}).get("name") or ""
        versions = item.get("versions") or []
        if not versions or not isinstance(versions[0], dict):
            continue
        preferred = versions[0]
        for resource in preferred.get("resources") or []:
            if not isinstance(resource, dict):
                continue
            response_kind = resource.get("responseKind") or {}
            records.append(
                {
                    "group": group,
                    "version": preferred.get("version"),
                    "plural": resource.get("resource"),
                    "singular": resource.get("singularResource"),
                    "kind": response_kind.get("kind") if isinstance(response_kind, dict) else None,
                    "namespaced": resource.get("scope") == "Namespaced",
                    "verbs": resource.get("verbs"),
                    "shortNames": resource.get("shortNames"),
                    "categories": resource.get("categories"),
                }
            )
    return kinds_from_records(records)


# -- legacy discovery --------------------------------------------------------------------------
def core_versions(document: Mapping[str, Any]) -> list[str]:
    """The core group's versions from ``/api`` (an APIVersions): ["v1"]."""
    return [v for v in document.get("versions") or [] if _label(v)][:1]


def preferred_group_versions(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(group, preferred version) of each group in ``/apis`` (an APIGroupList)."""
    pairs = []
    for group in document.get("groups") or []:
        if not isinstance(group, dict):
            continue
        name = _group(group.get("name"))
        preferred = group.get("preferredVersion") or {}
        version = _label(preferred.get("version") if isinstance(preferred, dict) else None)
        if version is None:
            versions = group.get("versions") or [{}]
            first = versions[0] if isinstance(versions[0], dict) else {}
            version = _label(first.get("version"))
        if name and version:
            pairs.append((name, version))
    return pairs


def kinds_from_resource_list(document: Mapping[str, Any]) -> list[Kind]:
    """The resources of one APIResourceList (``/api/v1``, ``/apis/G/V``); subresources
    ("pods/log") are not kinds."""
    group_version = document.get("groupVersion")
    if not isinstance(group_version, str):
        return []
    group, _, version = group_version.rpartition("/")
    records = []
    for resource in document.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        name = resource.get("name")
        if not isinstance(name, str) or "/" in name:
            continue
        records.append(
            {
                "group": group,
                "version": version,
                "plural": name,
                "singular": resource.get("singularName"),
                "kind": resource.get("kind"),
                "namespaced": resource.get("namespaced") is True,
                "verbs": resource.get("verbs"),
                "shortNames": resource.get("shortNames"),
                "categories": resource.get("categories"),
            }
        )
    return kinds_from_records(records)


# -- the catalog -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Resolved:
    """What a typed name opens: one kind, or the kinds of a category (``category`` set)."""

    kinds: tuple[Kind, ...]
    category: str = ""


class KindCatalog:
    """Every kind a cluster serves (discovery order: core first), with the hand-listed kinds
    as they are in ``KINDS`` (the views and renderers are keyed by them)."""

    def __init__(self, discovered: Sequence[Kind] = (), *, from_server: bool = False) -> None:
        self.from_server = from_server  # False: the hand-listed kinds only
        hand = {(k.group, k.plural): k for k in KINDS.values()}
        kinds: list[Kind] = []
        seen: set[tuple[str, str]] = set()
        for kind in discovered:
            key = (kind.group, kind.plural)
            if key in seen:
                continue
            seen.add(key)
            known = hand.get(key)
            if known is not None:  # equal to the hand-listed entry, with the server's facts
                kind = replace(
                    known,
                    singular=kind.singular,
                    short_names=kind.short_names,
                    categories=kind.categories,
                    verbs=kind.verbs,
                )
            kinds.append(kind)
        kinds += [k for key, k in hand.items() if key not in seen]
        self.kinds: tuple[Kind, ...] = tuple(kinds)

    def __len__(self) -> int:
        return len(self.kinds)

    @cached_property
    def listable(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds if k.listable)

    def records(self) -> list[dict[str, Any]]:
        return [record_of(k) for k in self.kinds]

    # -- resolution ----------------------------------------------------------------------
    def resolve(self, typed: str) -> Resolved | None:
        """The kind (or category) a typed name means, as kubectl reads it; None if none."""
        name = typed.strip().lower()
        if not name or len(name) > 300:
            return None
        found = self._by_name(name, self.kinds)
        if found is None and "." in name:
            found = self._qualified(name)
        if found is not None:
            return Resolved((found,))
        in_category = tuple(k for k in self.listable if name in k.categories)
        if in_category:
            return Resolved(in_category, category=name)
        return None

    @staticmethod
    def _by_name(name: str, kinds: Sequence[Kind]) -> Kind | None:
        for matches in (
            lambda k: k.plural == name,
            lambda k: (k.singular or k.name.lower()) == name,
            lambda k: name in k.short_names or name in k.aliases,
            lambda k: k.name.lower() == name,
        ):
            for kind in kinds:
                if matches(kind):
                    return kind
        return None

    def _qualified(self, name: str) -> Kind | None:
        """``name.version.group`` (tried first, as kubectl does), then ``name.group``."""
        head, _, rest = name.partition(".")
        version, _, group = rest.partition(".")
        if group:
            exact = [k for k in self.kinds if k.group == group and k.version == version]
            found = self._by_name(head, exact)
            if found is not None:
                return found
        return self._by_name(head, [k for k in self.kinds if k.group == rest])

    # -- names to offer ------------------------------------------------------------------
    @cached_property
    def _names(self) -> tuple[str, ...]:
        listable = self.listable
        first_with_plural: dict[str, Kind] = {}
        for kind in listable:
            first_with_plural.setdefault(kind.plural, kind)  # the one the plural resolves to
        names: list[str] = []
        for kind in listable:
            first = first_with_plural[kind.plural] == kind
            names.append(kind.plural if first else kind.full_name)
            names += kind.short_names
        names += [c for k in listable for c in k.categories]
        return tuple(dict.fromkeys(names))

    def names(self) -> list[str]:
        """What completion offers: each listable kind's plural (``plural.group`` for the kinds
        of other groups with the same plural), its short names, then the categories."""
        return list(self._names)

    @cached_property
    def _nearest_candidates(self) -> tuple[str, ...]:
        known = [*self._names, *(k.full_name for k in self.listable)]
        known += [k.singular for k in self.listable if k.singular]
        return tuple(dict.fromkeys(known))

    def nearest_candidates(self) -> list[str]:
        """Every name a "did you mean" may offer."""
        return list(self._nearest_candidates)

    def nearest(self, typed: str, count: int = 3) -> list[str]:
        """The names nearest a mistyped one ("did you mean ...")."""
        return difflib.get_close_matches(typed.lower(), self.nearest_candidates(), count, 0.6)


BUILTIN = KindCatalog()
