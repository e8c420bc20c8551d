"""Every view of gok-tui, once: its name, ``:`` aliases, digit key, palette entry, help line and
screen. ``:`` commands, the digits, the palette, the help and ``--view`` are all read from here,
so they cannot drift apart; adding a view is one entry. Screens are named, not imported: a
view's module loads when it is first opened, and start loads only the start view's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewSpec:
    name: str  # the mode, `--view NAME` and `:NAME`
    aliases: tuple[str, ...]  # more `:` names (k9s' short names first)
    key: str  # the digit that opens it (remappable: keymap id `app.NAME`)
    label: str  # footer and palette
    help: str  # one line in `?`
    screen: str  # "module:Class" under gok_tui.screens, imported on first use
    # the kind a table view lists first (its screen's PRIMARY): as the start view, its list is
    # asked for while the UI starts
    first_list: str | None = None


VIEW_SPECS: tuple[ViewSpec, ...] = (
    ViewSpec(
        "deployments",
        ("deploy", "deployment", "dp"),
        "1",
        "Deploys",
        "live Deployments, their rollouts and revisions",
        "deployments:DeploymentsScreen",
        first_list="deployments",
    ),
    ViewSpec("pods", ("po", "pod"), "2", "Pods", "live Pods", "pods:PodsScreen", "pods"),
    ViewSpec(
        "ingress",
        ("ing", "ingresses"),
        "3",
        "Ingress",
        "Ingress routes and the endpoints behind them",
        "ingress:IngressScreen",
        first_list="ingresses",
    ),
    ViewSpec(
        "build",
        ("builds",),
        "4",
        "Build",
        "the project's build loop: save -> build -> push -> rollout",
        "build:BuildScreen",
    ),
    ViewSpec(
        "images",
        ("image", "img"),
        "5",
        "Images",
        "images on the Docker engine, registry tags",
        "images:ImagesScreen",
    ),
    ViewSpec("logs", ("log",), "6", "Logs", "the logs of what you followed", "logs:LogsScreen"),
    ViewSpec(
        "problems",
        ("problem", "why", "pb"),
        "7",
        "Problems",
        "everything wrong in the namespace, worst first, in words",
        "problems:ProblemsScreen",
    ),
    ViewSpec(
        "traffic",
        ("tr", "bluegreen", "canary"),
        "8",
        "Traffic",
        "where each Service's requests go (blue/green, canary)",
        "traffic:TrafficScreen",
    ),
    ViewSpec(
        "audit",
        ("history",),
        "9",
        "Audit",
        "every change gok-tui sent (or refused), newest first",
        "audit:AuditScreen",
    ),
    ViewSpec(
        "timeline",
        ("tl",),
        "ctrl+t",
        "Timeline",
        "what changed, when and by whom (revisions, events, Helm, audit), newest first",
        "timeline:TimelineScreen",
    ),
    ViewSpec(
        "portforwards",
        ("pf", "forwards"),
        "ctrl+o",
        "Forwards",
        "active port-forwards: target, pod, local address, bytes, connections, moves",
        "portforwards:PortForwardsScreen",
    ),
)

VIEWS: tuple[str, ...] = tuple(spec.name for spec in VIEW_SPECS)
VIEW_ALIASES: dict[str, str] = {
    alias: spec.name for spec in VIEW_SPECS for alias in (spec.name, *spec.aliases)
}


def view_spec(name: str) -> ViewSpec:
    return next(spec for spec in VIEW_SPECS if spec.name == name)
