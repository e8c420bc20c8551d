"""A Deployment's revisions, what each would change, and undo to the one you pick; a
StatefulSet's or DaemonSet's the same way, from its ControllerRevisions (the kind's
``RevisionSource`` says where its history is kept and which undo it takes).

Live (DeploymentFeeds): after an undo, here or anywhere, the new current revision is marked and
the old template's new number is the one offered."""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.workloads import REVISION_SOURCES
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.revisions import Revision, template_diff
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import human_duration, parse_timestamp
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.store.deployment_feeds import DeploymentFeeds
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.plain import LONG_LINE, SafeText, cell, line
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Static


class RevisionScreen(BaseScreen):
    """Pushed over a Deployments view or rollout panel: the cluster bar says where an undo
    would go (context, PROD, READ-ONLY), and ``:`` commands work as in every view."""

    HAS_OWN_WATCHES = True
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("revisions")
    DEFAULT_CSS = """
    RevisionScreen #revisions-title { height: 1; padding: 0 1; background: $boost; }
    RevisionScreen DataTable { height: 1fr; max-height: 50%; }
    RevisionScreen #revision-diff { height: 1fr; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self, ref: ObjectRef) -> None:
        super().__init__()
        self.ref = ref
        self.source = REVISION_SOURCES[ref.kind]
        self.history: list[Revision] = []
        self.current_template: dict[str, Any] = {}
        self._generation = -1
        self.watched: DeploymentFeeds | None = None

    @property
    def access_kind(self) -> str:
        return KINDS[self.ref.kind].full_name  # {kind} in the undo key's need

    def compose_body(self) -> ComposeResult:
        yield Static(line(f"Revisions of {self.ref} (loading…)", "bold"), id="revisions-title")
        yield MeasuredTable(id="revisions", cursor_type="row")
        yield Static(id="revision-diff")

    def on_mount(self) -> None:
        super().on_mount()
        self._generation = self.session.generation
        table = self.query_one("#revisions", DataTable)
        table.add_columns("REV", self.source.source_title, "IMAGES", "READY", "AGE", "CHANGE-CAUSE")
        table.focus()
        self.watched = DeploymentFeeds(
            self.session.hub,
            self.ref.namespace,
            self.ref.name,
            children=self.source.children,
            kind=self.ref.kind,
        )
        self.watched.open()

    def on_unmount(self) -> None:
        if self.watched is not None:
            self.watched.close()
            self.watched = None

    def connection_state(self) -> str:
        if self.session.target is None:
            return "stopped"
        return self.watched.state() if self.watched is not None else "connecting"

    def sync(self, now: float) -> None:
        if self._generation != -1 and self.session.generation != self._generation:
            # another context or namespace (:ctx, :ns): these revisions are not about it
            self.app.pop_screen()
            return
        if self.watched is not None and self.is_attached and self.watched.drain():
            self.refresh_cluster_bar()
            self._show(self.watched)

    def _show(self, watched: DeploymentFeeds) -> None:
        title = self.query_one("#revisions-title", Static)
        problem = watched.problem()
        if problem:
            self.gok.say_connection_error(problem)
        deployment = watched.deployment
        if deployment is None:
            why = problem or ("it does not exist" if watched.missing else "loading…")
            title.update(line(f"Revisions of {self.ref}: {why}", "bold red"))
            return
        self.current_template = (deployment.get("spec") or {}).get("template") or {}
        picked = self._selected()
        self.history = self.source.history(deployment, watched.objects)
        heading = line(f"Revisions of {self.ref} ({len(self.history)})", "bold")
        if problem:
            heading.append(clean(f"  {problem}", LONG_LINE), style="red")
        title.update(heading)
        table = self.query_one("#revisions", DataTable)
        table.clear()
        now = self.session.clock()
        for revision in self.history:
            created = parse_timestamp(revision.created)
            age = human_duration(now - created) if created else "?"
            marker = f"{revision.number}*" if revision.current else str(revision.number)
            table.add_row(
                *map(
                    cell,
                    (
                        marker,
                        revision.replicaset,
                        ", ".join(revision.images),
                        f"{revision.ready}/{revision.replicas}",
                        age,
                        revision.change_cause,
                    ),
                ),
                key=str(revision.number),
            )
        # the cursor stays on the ReplicaSet it was on, whatever its number is now
        names = [revision.replicaset for revision in self.history]
        if picked is not None and picked.replicaset in names:
            table.move_cursor(row=names.index(picked.replicaset))
        self._show_diff()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_diff()

    def _selected(self) -> Revision | None:
        table = self.query_one("#revisions", DataTable)
        if not self.history or table.cursor_row >= len(self.history):
            return None
        return self.history[table.cursor_row]

    def _show_diff(self) -> None:
        revision = self._selected()
        panel = self.query_one("#revision-diff", Static)
        if revision is None:
            panel.update("")
            return
        if revision.current:
            panel.update(SafeText("this is the current revision", style="dim"))
            return
        changes = template_diff(self.current_template, revision.template)
        text = SafeText(f"going back to revision {revision.number} changes:\n", style="bold")
        for change in changes or ():
            where = f"{change.container}: " if change.container else ""
            text.append(clean(f"  {where}{change.field}: ", LONG_LINE), style="cyan")
            text.append(clean(change.before, LONG_LINE), style="red")
            text.append(" -> ")
            text.append(clean(change.after, LONG_LINE), style="green")
            text.append("\n")
        if not changes:
            text.append("  nothing (same pod template)\n", style="dim")
        # the table has the focus, and its own enter hides the screen's from the footer
        text.append(f"enter: undo to revision {revision.number} (after a confirm)", style="dim")
        panel.update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_undo_to()

    def action_undo_to(self) -> None:
        revision = self._selected()
        if revision is None or revision.current:
            self.notify("pick an older revision", severity="warning")
            return
        self.gok.propose(self.source.undo(self.ref, revision.number))

    def action_back(self) -> None:
        self.app.pop_screen()

    def focus_body(self) -> None:
        self.query_one("#revisions", DataTable).focus()

    def action_cursor_down(self) -> None:
        self.query_one("#revisions", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#revisions", DataTable).action_cursor_up()
