"""The live rollout panel of one Deployment: its ReplicaSets as a tree with their pods, how far
the newest revision has come, and the Deployment's conditions in words. A StatefulSet's or
DaemonSet's the same way, one branch per ControllerRevision (``ROLLOUT_SOURCES``: what each
kind follows and how its tree is read), with the partition and updated/ready per ordinal.

It follows whatever changes the Deployment, not only actions started here (DeploymentFeeds: the
Deployment by name, its ReplicaSets and pods by its selector).
"""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.actions.workloads import can
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.rollout import ROLLOUT_SOURCES, RolloutTree, rollout_panel
from gok_tui.domain.text import clean
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.deployment_actions import DeploymentKeyActions
from gok_tui.store.deployment_feeds import DeploymentFeeds
from gok_tui.widgets.plain import SafeTable, SafeText, block, cell, line
from rich.console import Group, RenderableType
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

PHASE_STYLE = {
    "complete": "bold green",
    "progressing": "bold yellow",
    "waiting": "bold yellow",
    "failed": "bold red",
}
BAR_WIDTH = 30


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> SafeText:
    filled = round(fraction * width)
    bar = SafeText("━" * filled, style="green")
    bar.append("━" * (width - filled), style="grey37")
    return bar


def render_tree(tree: RolloutTree) -> RenderableType:
    state = tree.state
    head = SafeText(no_wrap=True, overflow="ellipsis")
    head.append(clean(f"{tree.kind_prefix}/{tree.name}"), style="bold")
    head.append(clean(f"  revision {tree.revision}  {tree.strategy}  "))
    head.append(state.phase.upper(), style=PHASE_STYLE.get(state.phase, "bold"))
    if tree.paused:
        head.append("  PAUSED", style="bold magenta")
    progress = progress_bar(tree.progress)
    newest = next((b for b in tree.branches if b.newest), None)
    progress.append(
        f" {newest.ready if newest else 0}/{state.desired} of the newest revision ready"
    )
    lines: list[RenderableType] = [head, progress, line(state.message, "italic")]
    for hpa in tree.autoscalers:
        trouble = hpa.trouble
        lines.append(line(hpa.summary(), "bold yellow" if trouble else "bold"))
        if trouble is not None:
            lines.append(line(f"  {trouble}", "yellow"))
    for branch in tree.branches:
        row = SafeText(no_wrap=True, overflow="ellipsis")
        row.append("● " if branch.newest else "○ ", style="green" if branch.newest else "dim")
        row.append(clean(f"rev {branch.revision} "), style="bold")
        row.append(clean(f"{branch.name}  "))
        tone = "green" if branch.ready >= branch.desired and branch.desired else "yellow"
        if branch.desired == 0:
            tone = "dim"
        row.append(
            f"{branch.ready}/{branch.desired} ready ({branch.current} current)  ", style=tone
        )
        row.append(clean(", ".join(branch.images)), style="cyan")
        if branch.change_cause:
            row.append(clean(f"  {branch.change_cause}"), style="dim")
        lines.append(row)
        for index, pod in enumerate(branch.pods):
            leaf = SafeText(no_wrap=True, overflow="ellipsis")
            leaf.append("  └ " if index == len(branch.pods) - 1 else "  ├ ", style="dim")
            leaf.append(clean(f"{pod.name}  "))
            leaf.append(clean(f"{pod.status} {pod.ready}"), style="green" if pod.healthy else "red")
            if pod.restarts:
                leaf.append(f"  {pod.restarts} restarts", style="yellow")
            leaf.append(clean(f"  {pod.age}"), style="dim")
            lines.append(leaf)
    lines.append(SafeText("conditions", style="bold underline"))
    grid = SafeTable.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for condition in tree.conditions:
        grid.add_row(cell(condition.kind), block(condition.text, "red" if condition.bad else ""))
    if not tree.conditions:
        grid.add_row("", SafeText("none reported yet", style="dim"))
    if tree.deadline:  # StatefulSets and DaemonSets have none
        exceeded = "EXCEEDED" in tree.deadline
        grid.add_row("Deadline", line(tree.deadline, "red" if exceeded else ""))
    lines.append(grid)
    return Group(*lines)


class RolloutScreen(BaseScreen, DeploymentKeyActions):
    HAS_OWN_WATCHES = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("rollout"),
        *bindings_for("deployments"),
    ]
    DEFAULT_CSS = """
    RolloutScreen #rollout-title { height: 1; padding: 0 1; background: $boost; }
    RolloutScreen #rollout-scroll { height: 1fr; }
    RolloutScreen #rollout-body { height: auto; padding: 0 1; }
    """
    REFRESH_SECONDS = 1.0  # ages and the deadline countdown move on without events

    # a Deployment key the panel of another kind does not offer (actions.workloads.ABILITIES)
    ABILITY_OF_ACTION: ClassVar[dict[str, str]] = {
        "scale": "scale",
        "restart": "restart",
        "undo": "undo",
        "revisions": "history",
        "pause_resume": "pause",
    }

    @property
    def access_kind(self) -> str:
        return KINDS[self.kind].full_name

    def __init__(self, namespace: str, name: str, kind: str = "deployments") -> None:
        super().__init__()
        self.namespace = namespace
        self.deployment_name = name
        self.kind = kind
        self.WORKLOAD_KIND = kind  # the keys act on this kind
        self.source = ROLLOUT_SOURCES[kind]
        self.watched: DeploymentFeeds | None = None
        self._generation = -1
        self._last_render = 0.0
        self._dirty = True

    @property
    def deployment(self) -> dict[str, Any] | None:
        return self.watched.deployment if self.watched is not None else None

    def acted_on(self) -> dict[str, Any] | None:
        return self.deployment

    def compose_body(self) -> ComposeResult:
        yield Static(id="rollout-title")
        with VerticalScroll(id="rollout-scroll"):
            yield Static(SafeText("loading…", style="dim"), id="rollout-body")

    def on_mount(self) -> None:
        super().on_mount()
        self._open_feeds()
        self.query_one("#rollout-scroll").focus()

    def on_unmount(self) -> None:
        self._close_feeds()

    def _open_feeds(self) -> None:
        self._close_feeds()
        self._generation = self.session.generation
        self.watched = DeploymentFeeds(
            self.session.hub,
            self.namespace,
            self.deployment_name,
            children=self.source.children,
            kind=self.kind,
            beside=self.source.beside,
        )
        self.watched.open()

    def _close_feeds(self) -> None:
        if self.watched is not None:
            self.watched.close()
            self.watched = None

    def sync(self, now: float) -> None:
        watched = self.watched
        if not self.is_attached or watched is None:
            return  # not mounted yet (a tick can land between compose and mount), or torn down
        if self.session.generation != self._generation:
            self.app.pop_screen()  # another cluster or namespace: this panel is not about it
            return
        if watched.drain():
            self._dirty = True
        if self._dirty or now - self._last_render >= self.REFRESH_SECONDS:
            self._paint(now)

    def _paint(self, now: float) -> None:
        self._dirty = False
        self._last_render = now
        self.refresh_cluster_bar()
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append("Rollout", style="bold")
        title.append(f"({self.namespace}/{self.deployment_name})", style="cyan")
        watched = self.watched
        assert watched is not None  # painted only while watching
        problem = watched.problem()
        if problem:
            title.append(f"  {problem}", style="red")
            self.gok.say_connection_error(problem)
        self.query_one("#rollout-title", Static).update(title)
        body = self.query_one("#rollout-body", Static)
        deployment = self.deployment
        if deployment is None:
            live = watched.missing
            body.update(
                SafeText(
                    f"{self.kind[:-1]} {self.deployment_name} does not exist in {self.namespace}"
                    if live
                    else "loading…",
                    style="yellow" if live else "dim",
                )
            )
            return
        tree = rollout_panel(self.kind, deployment, watched.objects, self.session.clock())
        rendered = render_tree(tree)
        unread = watched.beside_problem()
        if unread:  # the panel stands without them; said once, dim
            rendered = Group(rendered, line(f"HPAs not shown: {unread}", "dim"))
        body.update(rendered)

    def connection_state(self) -> str:
        if self.session.target is None:
            return "stopped"
        return self.watched.state() if self.watched is not None else "connecting"

    # -- keys ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ability = self.ABILITY_OF_ACTION.get(action)
        if ability is not None and not can(self.kind, ability):
            return False
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_pods(self) -> None:
        from gok_tui.screens.pods import pods_of_deployment

        deployment = self.deployment
        prefix = {"statefulsets": "sts", "daemonsets": "ds"}.get(self.kind, "deploy")
        screen = pods_of_deployment(deployment, prefix) if deployment is not None else None
        if screen is not None:
            self.app.push_screen(screen)

    def action_logs(self) -> None:
        from gok_tui.screens.logs import LogsScreen
        from gok_tui.store.logs import deployment_log_request

        deployment = self.deployment
        request = deployment_log_request(deployment) if deployment is not None else None
        if request is not None:
            self.app.push_screen(LogsScreen(request))

    # at once, not after the next refresh: keys typed faster than it would start from the same
    # line and be lost
    def action_scroll_down(self) -> None:
        self.query_one("#rollout-scroll", VerticalScroll).scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.query_one("#rollout-scroll", VerticalScroll).scroll_up(animate=False, immediate=True)

    def action_scroll_top(self) -> None:
        self.query_one("#rollout-scroll", VerticalScroll).scroll_home(animate=False, immediate=True)

    def action_scroll_bottom(self) -> None:
        self.query_one("#rollout-scroll", VerticalScroll).scroll_end(animate=False, immediate=True)
