"""Key bindings as data: every binding has a stable id that a user config may remap.

The UI turns these into Textual ``Binding(id=...)`` objects; nothing here imports textual.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gok_tui.config.errors import ConfigError, shown
from gok_tui.config.views import VIEW_SPECS


@dataclass(frozen=True)
class KeySpec:
    id: str
    key: str
    action: str
    description: str
    scope: str  # "app" or a screen family: "table", "detail"
    show: bool = True
    mutates: bool = False
    # what the key asks the cluster to allow, "VERB RESOURCE[.GROUP][/SUB]" ({kind}: the kind
    # the view shows), checked by a SelfSubjectAccessReview before the key is offered
    needs: str = ""


def _moves(scope: str, verb: str) -> tuple[KeySpec, ...]:
    """j/k/g/G: down, up, top, bottom (``cursor_*`` in tables, ``scroll_*`` in text)."""
    return tuple(
        KeySpec(f"{scope}.{name}", key, f"{verb}_{name}", name.title(), scope, show=False)
        for name, key in (("down", "j"), ("up", "k"), ("top", "g"), ("bottom", "G"))
    )


def _workload(key_id: str, key: str, action: str, label: str, scope: str, needs: str) -> KeySpec:
    """A key that changes a StatefulSet, DaemonSet, Job or CronJob."""
    return KeySpec(key_id, key, action, label, scope, mutates=True, needs=needs)


DEFAULT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("app.command", "colon", "command_mode", "Command", "app"),
    KeySpec("app.help", "question_mark", "help", "Help", "app"),
    KeySpec("app.quit", "ctrl+c,q", "quit", "Quit", "app", show=False),
    KeySpec("app.palette", "ctrl+p", "command_palette", "Palette", "app", show=False),
    *(
        KeySpec(f"app.{view.name}", view.key, f"goto({view.name!r})", view.label, "app", show=False)
        for view in VIEW_SPECS
    ),
    KeySpec("app.messages", "M", "messages", "Messages", "app", show=False),
    KeySpec("table.filter", "slash", "filter", "Filter", "table"),
    KeySpec("table.back", "escape", "back", "Back", "table"),
    *_moves("table", "cursor"),
    KeySpec("table.open", "enter", "open", "Open", "table"),
    KeySpec("table.describe", "d", "describe", "Describe", "table"),
    KeySpec("table.yaml", "y", "yaml", "YAML", "table"),
    KeySpec("table.events", "e", "events", "Events", "table", show=False),
    KeySpec("problems.info", "i", "toggle_info", "Hygiene", "problems"),
    KeySpec("table.logs", "l", "logs", "Logs", "table"),
    KeySpec("logs.filter", "slash", "filter", "Filter", "logs"),
    KeySpec("logs.back", "escape", "back", "Back", "logs"),
    KeySpec("logs.follow", "f", "toggle_follow", "Follow/pause", "logs"),
    KeySpec("logs.level", "v", "cycle_level", "Level", "logs"),
    KeySpec("logs.next", "n", "next_match", "Next", "logs"),
    KeySpec("logs.previous_match", "N", "previous_match", "Prev", "logs", show=False),
    KeySpec("logs.more_context", "plus", "more_context", "More context", "logs", show=False),
    KeySpec("logs.less_context", "minus", "less_context", "Less context", "logs", show=False),
    KeySpec("logs.timestamps", "t", "toggle_timestamps", "Time", "logs"),
    KeySpec("logs.wrap", "w", "toggle_wrap", "Wrap", "logs"),
    KeySpec("logs.fields", "e", "toggle_fields", "Fields", "logs", show=False),
    KeySpec("logs.previous", "p", "toggle_previous", "Previous", "logs"),
    KeySpec("logs.since", "S", "cycle_since", "Since", "logs", show=False),
    KeySpec("logs.container", "c", "cycle_container", "Container", "logs", show=False),
    KeySpec("logs.save", "s", "save", "Save", "logs"),
    *_moves("logs", "scroll"),
    KeySpec("images.all", "a", "toggle_all", "All images", "images"),
    KeySpec("images.sort", "o", "sort", "Sort", "images"),
    KeySpec("images.tags", "t", "registry_tags", "Registry tags", "images"),
    KeySpec("images.delete", "x", "delete_image", "Delete", "images", mutates=True),
    KeySpec("images.prune", "P", "prune", "Prune", "images", mutates=True),
    KeySpec(
        "images.rollout",
        "R",
        "rollout_image",
        "Roll out",
        "images",
        mutates=True,
        needs="patch deployments.apps",
    ),
    KeySpec("build.now", "b", "build_now", "Build", "build"),
    KeySpec("build.cancel", "c", "cancel_build", "Cancel", "build"),
    KeySpec("build.watch", "w", "toggle_watch", "Pause watch", "build"),
    KeySpec("build.deploy", "D", "deploy_last", "Deploy last", "build", mutates=True),
    KeySpec("build.open", "enter", "open_service", "Open", "build"),
    KeySpec("build.back", "escape", "back", "Back", "build"),
    KeySpec("app.undo_last", "ctrl+z", "undo_last", "Undo my last", "app", mutates=True),
    KeySpec(
        "deploy.scale",
        "s",
        "scale",
        "Scale",
        "deployments",
        mutates=True,
        needs="patch {kind}/scale",
    ),
    KeySpec(
        "deploy.restart",
        "r",
        "restart",
        "Restart",
        "deployments",
        mutates=True,
        needs="patch {kind}",
    ),
    KeySpec("deploy.undo", "u", "undo", "Undo", "deployments", mutates=True, needs="patch {kind}"),
    KeySpec(
        "deploy.pause",
        "p",
        "pause_resume",
        "Pause/Resume",
        "deployments",
        mutates=True,
        needs="patch {kind}",
    ),
    KeySpec("deploy.history", "h", "revisions", "History", "deployments"),
    KeySpec(
        "pods.delete",
        "ctrl+d",
        "delete_pod",
        "Delete",
        "pods",
        mutates=True,
        needs="delete pods",
    ),
    # exec can change anything in the container: mutates, so read-only hides and refuses it
    KeySpec("pods.shell", "s", "shell", "Shell", "pods", mutates=True, needs="create pods/exec"),
    KeySpec("rollout.back", "escape", "back", "Back", "rollout"),
    KeySpec("rollout.pods", "enter", "pods", "Pods table", "rollout"),
    KeySpec("rollout.logs", "l", "logs", "Logs", "rollout"),
    *_moves("rollout", "scroll"),
    KeySpec(
        "traffic.switch",
        "s",
        "switch",
        "Switch",
        "traffic",
        mutates=True,
        needs="patch services",
    ),
    KeySpec("traffic.more", "plus", "weight('+10')", "+10%", "traffic", mutates=True),
    KeySpec("traffic.less", "minus", "weight('-10')", "-10%", "traffic", mutates=True),
    KeySpec("traffic.none", "0", "weight('0')", "0%", "traffic", mutates=True),
    KeySpec("traffic.all", "f", "weight('100')", "100%", "traffic", mutates=True),
    KeySpec("audit.filter", "slash", "filter", "Filter", "audit"),
    KeySpec("audit.back", "escape", "back", "Back", "audit"),
    *_moves("audit", "cursor"),
    KeySpec("detail.back", "escape", "back", "Back", "detail"),
    *_moves("detail", "scroll"),
    KeySpec("detail.toggle", "y", "toggle_view", "YAML/Describe", "detail"),
    KeySpec("revisions.back", "escape", "back", "Back", "revisions"),
    KeySpec(
        "revisions.undo",
        "enter",
        "undo_to",
        "Undo to this revision",
        "revisions",
        mutates=True,
        needs="patch {kind}",
    ),
    KeySpec("revisions.down", "j", "cursor_down", "Down", "revisions", show=False),
    KeySpec("revisions.up", "k", "cursor_up", "Up", "revisions", show=False),
    KeySpec("messages.back", "escape", "back", "Back", "messages"),
    *_moves("messages", "scroll"),
    KeySpec("table.xray", "X", "xray", "Xray", "table", show=False),
    KeySpec("xray.back", "escape", "back", "Back", "xray"),
    *_moves("xray", "cursor"),
    KeySpec("xray.open", "enter", "open", "Open", "xray"),
    KeySpec("xray.fold", "space", "fold", "Fold", "xray"),
    KeySpec("xray.reload", "r", "reload", "Reload", "xray"),
    KeySpec("nodes.cordon", "c", "cordon", "Cordon", "nodes", mutates=True, needs="patch nodes"),
    KeySpec(
        "nodes.uncordon", "u", "uncordon", "Uncordon", "nodes", mutates=True, needs="patch nodes"
    ),
    # a drain's first request cordons; its evictions are asked per pod, each said if refused
    KeySpec("nodes.drain", "r", "drain", "Drain", "nodes", mutates=True, needs="patch nodes"),
    KeySpec("generic.wide", "w", "toggle_wide", "Wide", "generic"),
    KeySpec("generic.sort", "o", "sort", "Sort", "generic"),
    KeySpec("generic.delete", "ctrl+d", "delete_object", "Delete", "generic", mutates=True),
    _workload("sts.scale", "s", "scale", "Scale", "statefulsets", "patch {kind}/scale"),
    _workload("sts.restart", "r", "restart", "Restart", "statefulsets", "patch {kind}"),
    _workload("sts.undo", "u", "undo", "Undo", "statefulsets", "patch {kind}"),
    KeySpec("sts.history", "h", "revisions", "History", "statefulsets"),
    _workload("ds.restart", "r", "restart", "Restart", "daemonsets", "patch {kind}"),
    _workload("ds.undo", "u", "undo", "Undo", "daemonsets", "patch {kind}"),
    KeySpec("ds.history", "h", "revisions", "History", "daemonsets"),
    _workload("job.suspend", "p", "suspend_resume", "Suspend/Resume", "jobs", "patch {kind}"),
    _workload("cj.trigger", "t", "trigger", "Trigger now", "cronjobs", "create jobs.batch"),
    _workload("cj.suspend", "p", "suspend_resume", "Suspend/Resume", "cronjobs", "patch {kind}"),
    KeySpec("table.timeline", "T", "timeline", "Timeline", "table", show=False),
    KeySpec("timeline.filter", "slash", "filter", "Filter", "timeline"),
    KeySpec("timeline.back", "escape", "back", "Back", "timeline"),
    KeySpec(
        "timeline.undo",
        "u",
        "undo_entry",
        "Undo to before",
        "timeline",
        mutates=True,
        needs="patch deployments.apps",
    ),
    KeySpec("timeline.export", "s", "export", "Export", "timeline"),
    *_moves("timeline", "cursor"),
    KeySpec(
        "forward.start",
        "F",
        "port_forward",
        "Port-forward",
        "forward",
        show=False,  # the footer of these views is full at 80 columns: `?` lists it
        mutates=True,
        # the client opens the stream with a websocket GET: what a v1.28 server authorizes
        needs="get pods/portforward",
    ),
    KeySpec("portforwards.filter", "slash", "filter", "Filter", "portforwards"),
    KeySpec("portforwards.back", "escape", "back", "Back", "portforwards"),
    *_moves("portforwards", "cursor"),
    KeySpec("portforwards.stop", "x,ctrl+d", "stop_forward", "Stop", "portforwards"),
    KeySpec("portforwards.stop_all", "X", "stop_all_forwards", "Stop all", "portforwards"),
)

KNOWN_IDS = frozenset(spec.id for spec in DEFAULT_KEYS)

# The scopes whose keys are live at the same time, one group per kind of screen ("app" is
# live everywhere): two bindings of one group must not share a key, or one silently wins.
SCOPES_LIVE_TOGETHER: tuple[frozenset[str], ...] = tuple(
    frozenset({"app", *group})
    for group in (
        ("table", "deployments"),
        ("table", "pods"),
        ("table", "problems"),
        ("table", "traffic"),
        ("table", "images"),
        ("rollout", "deployments"),
        ("build",),
        ("audit",),
        ("detail",),
        ("logs",),
        ("messages",),
        ("revisions",),
        ("xray",),
        ("table", "nodes"),
        ("table", "generic"),
        ("table", "statefulsets"),
        ("table", "daemonsets"),
        ("table", "jobs"),
        ("table", "cronjobs"),
        ("timeline",),
        ("table", "pods", "forward"),
        ("table", "deployments", "forward"),
        ("table", "forward"),
        ("portforwards",),
    )
)

_KEY_NAME = re.compile(r"^((ctrl|shift|alt|super|meta)\+)*([A-Za-z0-9]|[a-z][a-z0-9_]+)$")


MUTATING_ACTIONS = frozenset(spec.action.split("(")[0] for spec in DEFAULT_KEYS if spec.mutates)


def keys_for(scope: str) -> tuple[KeySpec, ...]:
    return tuple(spec for spec in DEFAULT_KEYS if spec.scope == scope)


def validate_keymap(overrides: Mapping[str, object], source: str | None) -> dict[str, str]:
    """Check a ``[keymap]`` table: known binding ids mapped to Textual key names."""
    checked: dict[str, str] = {}
    for binding_id, keys in overrides.items():
        where = f"keymap.{binding_id}"
        if binding_id not in KNOWN_IDS:
            known = ", ".join(sorted(KNOWN_IDS))
            raise ConfigError(source, where, f"unknown binding id (known: {known})")
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(source, where, "must be a non-empty string of key names")
        for key in keys.split(","):
            if not _KEY_NAME.match(key.strip()):
                raise ConfigError(
                    source,
                    where,
                    f"{shown(key.strip())} is not a key name (e.g. 'ctrl+f', 'slash', 'x')",
                )
        checked[binding_id] = ",".join(k.strip() for k in keys.split(","))
    _refuse_shared_keys(checked, source)
    return checked


def _refuse_shared_keys(overrides: Mapping[str, str], source: str | None) -> None:
    """A remapped key must not be one another binding live on the same screen already has."""
    keys_of = {spec.id: overrides.get(spec.id, spec.key).split(",") for spec in DEFAULT_KEYS}
    scope_of = {spec.id: spec.scope for spec in DEFAULT_KEYS}
    for group in SCOPES_LIVE_TOGETHER:
        owner: dict[str, str] = {}
        for binding_id, keys in keys_of.items():
            if scope_of[binding_id] not in group:
                continue
            for key in keys:
                other = owner.setdefault(key, binding_id)
                if other == binding_id:
                    continue
                remapped = binding_id if binding_id in overrides else other
                kept = other if remapped == binding_id else binding_id
                raise ConfigError(
                    source,
                    f"keymap.{remapped}",
                    f"'{key}' is already the key of {kept}, live on the same screen; "
                    f"give one of them another key",
                )
