"""The ``:`` command language, parsed without any UI (so it is unit-testable)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from gok_tui.config.views import VIEW_ALIASES, VIEW_SPECS
from gok_tui.domain.discovery import BUILTIN, KindCatalog
from gok_tui.domain.kinds import KINDS, Kind, kind_for

ALL_NAMESPACES = ("all", "-A", "*")
LOG_KINDS = {
    "deploy": "deployments",
    "deployment": "deployments",
    "deployments": "deployments",
    "po": "pods",
    "pod": "pods",
    "pods": "pods",
}

CATEGORY_NAMES_SAID = 12  # `:all` names this many of the other kinds in it, then a count

CommandKind = Literal[
    "view", "kind", "context", "namespace", "quit", "help", "messages", "logs", "error", "xray"
]


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    argument: str = ""  # view name, context name, namespace ("" = all namespaces)
    message: str = ""  # for errors; for a category, the other kinds in it
    unknown: bool = False  # an error because no kind has that name (discovery may learn it)


def kind_argument(kind: Kind) -> str:
    """How a Command names a kind: a hand-listed one by its plural, any other as
    ``plural.group`` (two groups can serve the same plural)."""
    return kind.plural if KINDS.get(kind.plural) == kind else kind.full_name


def parse_command(text: str, catalog: KindCatalog | None = None) -> Command:
    """``catalog``: the kinds the cluster serves (discovery); the hand-listed ones without."""
    catalog = catalog or BUILTIN
    words = text.strip().lstrip(":").split()
    if not words:
        return Command("error", message="empty command")
    head, rest = words[0].lower(), words[1:]
    if head in ("q", "quit", "q!", "exit"):
        return Command("quit")
    if head in ("help", "?", "h"):
        return Command("help")
    if head in ("messages", "msg", "msgs", "notifications"):
        return Command("messages")
    if head in ("ctx", "context", "contexts"):
        if len(rest) != 1:
            return Command("error", message="usage: ctx NAME")
        return Command("context", rest[0])
    if head in ("ns", "namespace", "namespaces"):
        if not rest:  # as in k9s: the namespaces themselves
            return Command("kind", "namespaces")
        if len(rest) != 1:
            return Command("error", message="usage: ns NAME (or ns all)")
        return Command("namespace", "" if rest[0] in ALL_NAMESPACES else rest[0])
    if head == "xray":
        return _xray(rest)
    view = VIEW_ALIASES.get(head)
    if view == "logs" and rest:
        kind, sep, name = rest[0].partition("/")
        if len(rest) != 1 or not sep or not name or kind not in LOG_KINDS:
            return Command("error", message="usage: logs deploy/NAME or logs pod/NAME")
        return Command("logs", f"{LOG_KINDS[kind]}/{name}")
    if view is not None:
        if rest:
            return Command("error", message=f"'{head}' takes no arguments")
        return Command("view", view)
    resource = kind_for(head)
    if resource is not None and not rest:
        return Command("kind", resource.plural)
    resolved = catalog.resolve(head) if not rest else None
    if resolved is not None:
        first = resolved.kinds[0]
        if not first.listable:
            return Command("error", message=f"{first.full_name} cannot be listed")
        in_category = resolved.kinds[1:]
        others = ", ".join(kind_argument(k) for k in in_category[:CATEGORY_NAMES_SAID])
        if len(in_category) > CATEGORY_NAMES_SAID:
            others += f" and {len(in_category) - CATEGORY_NAMES_SAID} more"
        also = f"{resolved.category}: also {others}" if others else ""
        view = VIEW_ALIASES.get(kind_argument(first))  # pods, deployments: their own views
        return Command("view", view, also) if view else Command("kind", kind_argument(first), also)
    near = difflib.get_close_matches(head, _near_enough(head, _known_names(catalog)), 3, 0.6)
    hint = f"; did you mean {' or '.join(':' + name for name in near)}?" if near else " (try :help)"
    return Command("error", message=f"unknown command '{head}'{hint}", unknown=not rest)


def _xray(rest: list[str]) -> Command:
    """``xray KIND/NAME``: the relations of one object in the current namespace."""
    usage = "usage: xray KIND/NAME (e.g. xray deploy/web, xray svc/web)"
    if len(rest) != 1:
        return Command("error", message=usage)
    from gok_tui.domain.relations import relation_kind_for  # not on the path to the first table

    alias, sep, name = rest[0].partition("/")
    kind = relation_kind_for(alias)
    if not sep or not name or "/" in name:
        return Command("error", message=usage)
    if kind is None:
        return Command("error", message=f"xray: unknown kind '{alias}'; {usage}")
    return Command("xray", f"{kind.plural}/{name}")


NEAR_NAMES_COMPARED = 500  # difflib takes 25-200 µs a name, on the UI's thread


def _near_enough(typed: str, names: list[str]) -> list[str]:
    """On a cluster with thousands of kinds, only names that start as the typed one does and
    are about as long are compared, and at most NEAR_NAMES_COMPARED of them."""
    if len(names) <= NEAR_NAMES_COMPARED:
        return names
    alike = [n for n in names if n[:1] == typed[:1] and abs(len(n) - len(typed)) <= 3]
    return alike[:NEAR_NAMES_COMPARED]


def _known_names(catalog: KindCatalog = BUILTIN) -> list[str]:
    names = [name for spec in VIEW_SPECS for name in (spec.name, *spec.aliases)] + ["xray"]
    names += [alias for kind in KINDS.values() for alias in kind.aliases]
    return list(dict.fromkeys(names + catalog.nearest_candidates()))


def command_candidates(
    contexts: Iterable[str], namespaces: Iterable[str], catalog: KindCatalog | None = None
) -> list[str]:
    """Every full command line, for completion: views first, then kinds, contexts and
    namespaces."""
    lines = [name for spec in VIEW_SPECS for name in (spec.name, *spec.aliases)]
    lines += [alias for kind in KINDS.values() for alias in kind.aliases]
    lines += (catalog or BUILTIN).names()
    lines = list(dict.fromkeys(lines))  # each once, where it first came
    lines += ["messages", "help", "quit"]
    lines += [f"ctx {name}" for name in contexts]
    lines += ["ns all"] + [f"ns {name}" for name in namespaces]
    return lines


def missing_namespace_message(namespace: str, context: str, existing: Iterable[str]) -> str:
    """The warning for a namespace that does not exist, with the nearest ones that do."""
    near = difflib.get_close_matches(namespace, list(existing), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(near)}?" if near else "; :ns NAME switches"
    return f"namespace {namespace} does not exist in context {context}: nothing will show{hint}"
