"""Build: the inner loop as it happens — steps, cache hits, push, rollout — and its history.

With several services the view opens on their list (state, last tag, last duration); ``enter``
opens one, in the same view a single-service project shows at once."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from gok_tui.devloop.view import BuildView, BuildViews, ServiceRow
from gok_tui.domain.images import human_size
from gok_tui.domain.text import clean
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.plain import LONG_LINE, SafeText, cell
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, ProgressBar, Sparkline, Static

if TYPE_CHECKING:
    from gok_tui.config.project import ServiceSpec
    from gok_tui.devloop.loop import DevLoop

STEPS_SHOWN = 8
ERROR_LINES_SHOWN = 8
LAYERS_SHOWN = 4
HISTORY_ROWS = 50
TONE_STYLES = {"busy": "yellow", "ok": "green", "error": "bold red", "idle": "dim"}
ROUTE_STYLES = {"synced": "green", "fallback": "yellow"}


def bar(fraction: float, width: int = 20) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)


class BuildScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("build")
    DEFAULT_CSS = """
    BuildScreen #build-head { height: 1; padding: 0 1; background: $boost; }
    BuildScreen #build-current { height: 1fr; padding: 0 1; }
    BuildScreen #build-progress { padding: 0 1; height: 1; }
    BuildScreen #build-spark { height: 1; margin: 0 1; }
    BuildScreen #build-history { height: 7; }
    BuildScreen #build-services { height: auto; max-height: 60%; }
    """

    def __init__(self, service: str | None = None) -> None:
        """``service``: the one service this view shows (opened from the services list);
        None: the project's only service, or the list when it has several."""
        super().__init__()
        self.service = service
        self._painted_version = -1
        self._policy: tuple[str, bool, bool] | None = None
        self._history_len = -1

    @property
    def listing(self) -> bool:
        """The services list: a project with several services, none opened."""
        project = self.session.project
        return self.service is None and project is not None and project.multi

    @property
    def views(self) -> BuildViews:
        return self.session.build_views

    @property
    def view(self) -> BuildView:
        if self.service is not None:
            return self.views.views[self.service]
        return self.session.build_view

    def compose_body(self) -> ComposeResult:
        yield Static(id="build-head")
        if self.listing:
            services: MeasuredTable[SafeText] = MeasuredTable(
                id="build-services", cursor_type="row"
            )
            services.add_columns("SERVICE", "STATE", "TAG", "TIME", "DEPLOYS")
            yield services
            with VerticalScroll(id="build-current"):
                yield Static(id="build-text")
            return
        yield ProgressBar(id="build-progress", total=1.0, show_eta=False)
        with VerticalScroll(id="build-current"):
            yield Static(id="build-text")
        yield Sparkline([], id="build-spark")
        table: MeasuredTable[str] = MeasuredTable(id="build-history", cursor_type="row")
        table.add_columns("WHEN", "TRIGGER", "TIME", "RESULT", "TAG", "CACHED", "SIZE")
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#build-services" if self.listing else "#build-current").focus()
        self.sync(time.monotonic())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_service" and not self.listing:
            return False  # hidden: a single service's view has nothing to open
        if action == "back" and self.service is None:
            return False
        return super().check_action(action, parameters)

    # -- keys ------------------------------------------------------------------------------
    def _spec(self) -> ServiceSpec | None:
        """The service the keys act on: this view's, or the one under the list's cursor."""
        project = self.session.project
        if project is None:
            return None
        if self.service is not None:
            return project.service(self.service)
        if self.listing:
            table: DataTable[SafeText] = self.query_one("#build-services", DataTable)
            row = table.cursor_row
            if 0 <= row < len(project.services):
                return project.services[row]
        return project.services[0]

    def _loop(self) -> DevLoop | None:
        first = self.session.start_devloop()
        if first is None:
            self.notify("no project: start gok-tui with --project DIR", severity="warning")
            return None
        spec, loops = self._spec(), self.session.devloops
        if spec is None or loops is None:
            return first
        return loops[spec.name]

    def action_open_service(self) -> None:
        spec = self._spec()
        if self.listing and spec is not None:
            self.app.push_screen(BuildScreen(spec.name))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter on the services list (the table takes the key before the screen does)."""
        if event.data_table.id == "build-services":
            event.stop()
            self.action_open_service()

    def action_back(self) -> None:
        if self.service is not None:
            self.app.pop_screen()

    def action_build_now(self) -> None:
        loop = self._loop()
        if loop is not None:
            loop.build_now()

    def action_cancel_build(self) -> None:
        loop = self._loop()
        if loop is not None and not loop.cancel():
            self.notify("no build is running")

    def action_toggle_watch(self) -> None:
        """Pause or resume watching, for every service at once."""
        loop = self._loop()
        if loop is None:
            return
        if not self.session.watch_project:
            self.notify("not watching files: start with --project DIR or add a gok.toml")
            return
        loops = self.session.devloops
        every = list(loops.loops.values()) if loops is not None else [loop]
        pause = not loop.paused
        for each in every:
            if pause:
                each.pause()
            else:
                each.resume()

    def action_deploy_last(self) -> None:
        loop = self._loop()
        if loop is None:
            return
        backend = self.session.backend
        try:
            if backend is not None and self.session.settings.is_production(backend.target.context):
                # as every change on a production context: planned, shown, confirmed by name
                self.gok.propose(loop.rollout_of_last_good(backend))
                return
            loop.last_good_for(backend)
        except ValueError as refusal:
            self.notify(str(refusal), severity="warning")
            return
        loop.deploy_last_good()
        deploy, target = loop.service.deploy, self.session.target
        if loop.last_good is None or self.session.readonly:
            return  # nothing is rolled out (the loop says why)
        if deploy.deployment and target is not None:
            namespace = deploy.namespace or target.namespace
            if namespace:
                self.gok.follow_rollout(namespace, deploy.deployment)

    # -- painting --------------------------------------------------------------------------
    def sync(self, now: float) -> None:
        if not self.is_attached or not self.query("#build-text"):
            return  # not composed yet, or being torn down
        view = self.view
        # what a save does depends on the context too: a :ctx repaints the head at once
        target = self.session.target
        policy = (target.context if target else "", self.session.production, self.session.readonly)
        if self._policy is not None and policy != self._policy:
            self.views.forget_notes()
        if self.listing:
            self._sync_list(policy)
            return
        if view.version == self._painted_version and not view.running and policy == self._policy:
            return
        self._painted_version, self._policy = view.version, policy
        self.query_one("#build-head", Static).update(self._head(view))
        progress = self.query_one("#build-progress", ProgressBar)
        progress.update(progress=view.fraction if (view.running or view.last) else 0.0)
        self.query_one("#build-text", Static).update(self._current(view, now))
        if len(view.history) != self._history_len:
            self._history_len = len(view.history)
            self._paint_history(view)

    # -- the services list ---------------------------------------------------------------
    def _sync_list(self, policy: tuple[str, bool, bool]) -> None:
        views = self.views
        if views.version == self._painted_version and policy == self._policy:
            return
        self._painted_version, self._policy = views.version, policy
        self.query_one("#build-head", Static).update(self._head(views.first))
        project = self.session.project
        assert project is not None
        table: DataTable[SafeText] = self.query_one("#build-services", DataTable)
        rows = views.rows()
        if table.row_count != len(rows):
            table.clear()
            for row in rows:
                table.add_row(*self._service_cells(row, project.service(row.name)), key=row.name)
        else:
            for row in rows:
                cells = self._service_cells(row, project.service(row.name))
                for column, value in zip(table.columns, cells, strict=True):
                    table.update_cell(row.name, column, value, update_width=True)
        self.query_one("#build-text", Static).update(self._list_notes(views))

    def _service_cells(self, row: ServiceRow, spec: ServiceSpec) -> tuple[SafeText, ...]:
        style = TONE_STYLES.get(row.tone, "")
        deploys = f"deploy/{spec.deploy.deployment}" if spec.deploy.deployment else "(build only)"
        if spec.depends_on:
            deploys += f" after {', '.join(spec.depends_on)}"
        return (
            SafeText(row.name, style="bold"),
            SafeText(row.state, style=style),
            cell(row.tag),
            cell(row.duration),
            SafeText(deploys, style="dim"),
        )

    def _list_notes(self, views: BuildViews) -> SafeText:
        """Under the list: each service's last failure or note, in a line."""
        text = SafeText()
        for name, view in views.views.items():
            said = self._last_word(view)
            if said is not None:
                style, line = said
                text.append(f"{name}: ", style="bold")
                text.append(f"{clean(line, LONG_LINE)}\n", style=style)
        text.append("enter opens a service; b builds it, D deploys its last build\n", style="dim")
        return text

    @staticmethod
    def _last_word(view: BuildView) -> tuple[str, str] | None:
        if view.deploy_result is not None and not view.deploy_result[0]:
            return "red", view.deploy_result[1]
        if view.last is not None and not view.last.ok and view.last.message:
            return "red", view.last.message
        if view.notes:
            severity, message = view.notes[-1]
            return {"error": "red", "warning": "yellow"}.get(severity, "dim"), message
        return None

    def _head(self, view: BuildView) -> SafeText:
        project = self.session.project
        text = SafeText(no_wrap=True, overflow="ellipsis")
        text.append("Build ", style="bold")
        if project is None:
            return text.append("(no project)", style="yellow")
        text.append(project.root.name, style="cyan")
        if self.service is not None:
            text.append(f" / {self.service}", style="bold cyan")
        if not self.session.watch_project:
            text.append("  not watching (b builds)", style="yellow")
        elif view.paused:
            text.append("  watching PAUSED (w resumes)", style="bold yellow")
        elif view.watching:
            text.append(f"  watching {', '.join(view.watch_paths) or '.'}", style="green")
        if self.listing:
            text.append(f"  {len(project.services)} services", style="dim")
            if self.session.readonly:
                text.append("  (READ-ONLY: builds only)", style="bold yellow")
            elif self.session.production:
                text.append("  (PROD: D asks first)", style="bold yellow")
            return text
        spec = project.service(self.service) if self.service else project.services[0]
        deploy = spec.deploy
        if deploy.deployment:
            auto = "auto-deploy" if deploy.auto_deploy else "deploy with D"
            if self.session.readonly:
                text.append(f"  -> deploy/{deploy.deployment} ", style="dim")
                text.append("(READ-ONLY: builds only)", style="bold yellow")
            elif self.session.production:
                text.append(f"  -> deploy/{deploy.deployment} ", style="dim")
                text.append("(PROD: D asks first)", style="bold yellow")
            else:
                text.append(f"  -> deploy/{deploy.deployment} ({auto})", style="dim")
        text.append(f"  {spec.image.repository}", style="dim")  # shown in full while building
        return text

    def _current(self, view: BuildView, now: float) -> SafeText:
        text = SafeText()
        for path, line in view.routes[-2:]:  # live update: which path the last changes took
            # one line each: container output in a sync failure cannot forge another
            text.append(f"{clean(line, LONG_LINE)}\n", style=ROUTE_STYLES.get(path, "dim"))
        if view.queued and not view.running:
            text.append(f"queued by {', '.join(view.queued[:4])}\n", style="yellow")
        if not view.steps and view.last is None and not view.running:
            text.append("No build yet. Save a watched file, or press b to build now.\n")
            self._notes(text, view)
            return text
        if view.running or view.steps:
            state = "building" if view.running else "last build"
            text.append(f"{state} {view.image}", style="bold")
            if view.trigger:
                text.append(f"  triggered by {', '.join(view.trigger[:4])}", style="dim")
            text.append("\n")
        current = view.current_step
        if current is not None:
            elapsed = (
                (now - view.started) if view.running else (view.last.duration_s if view.last else 0)
            )
            text.append(
                f"step {current.index} of {view.total_steps}  {bar(view.fraction)}  "
                f"{elapsed:.1f}s\n"
            )
        if view.failure is not None:
            failure = view.failure
            where = f"at step {failure.step_index}" if failure.step_index else "before any step"
            text.append(f"FAILED {where}: {failure.message}\n", style="bold red")
            for line in failure.error_lines[-ERROR_LINES_SHOWN:]:
                text.append(f"  {line}\n", style="red")
            text.append("Nothing was deployed; the running version stays.\n", style="yellow")
        elif view.last is not None and not view.running:
            last = view.last
            style = "green" if last.ok else "bold red"
            text.append(f"{last.result}", style=style)
            text.append(
                f"  {last.tag}  {last.image_id[7:19] if last.image_id else ''}  "
                f"{human_size(last.size)}  {last.duration_s:.1f}s  "
                f"{last.steps_cached}/{last.steps_total} steps cached\n"
            )
            if last.message and not last.ok and last.result != "rollout failed":
                text.append(f"{last.message}\n", style="red")  # a rollout's is said below
                if last.result == "push failed":
                    text.append("Nothing was deployed; the running version stays.\n", "yellow")
        if view.layers:
            text.append("push\n", style="bold")
            for layer in list(view.layers.values())[-LAYERS_SHOWN:]:
                fraction = (
                    (layer.current or 0) / layer.total
                    if layer.total and layer.status == "Pushing"
                    else (1.0 if layer.status in ("Pushed", "Layer already exists") else 0.0)
                )
                text.append(f"  {layer.layer_id[:12]} {bar(fraction, 16)} {layer.status}\n")
        if view.deploy or view.rollout or view.deploy_result:
            text.append("rollout ", style="bold")
            if view.deploy:
                text.append(f"({view.deploy}) ", style="dim")
            if view.rollout is not None:
                rollout = view.rollout
                failed = rollout.phase == "failed"
                text.append(f"{rollout.message}\n", style="bold red" if failed else "")
                text.append(
                    f"  {rollout.ready}/{rollout.desired} ready, {rollout.updated} updated of "
                    f"{rollout.desired} desired\n"
                )
                if rollout.new is not None:
                    text.append(
                        f"  new {rollout.new.name} rev {rollout.new.revision}: "
                        f"{rollout.new.ready}/{rollout.new.replicas} ready\n"
                    )
                for old in rollout.old:
                    text.append(
                        f"  old {old.name} rev {old.revision}: {old.ready}/{old.replicas} ready\n",
                        style="dim",
                    )
            else:
                text.append("\n")
            if view.deploy_result is not None:
                ok, message = view.deploy_result
                text.append(f"{message}\n", style="green" if ok else "bold red")
        self._notes(text, view)
        shown = STEPS_SHOWN if view.running or view.failure is not None else STEPS_SHOWN // 2
        for step in view.steps[-shown:]:
            mark, style = ("✓", "green") if step.finished is not None else ("▶", "yellow")
            if view.failure is not None and step.index == view.failure.step_index:
                mark, style = ("✗", "bold red")
            text.append(f" {mark} ", style=style)
            text.append(f"{step.index:>2} {step.instruction[:50]:<50}", style=style)
            text.append(" cached" if step.cached else "       ", style="cyan")
            text.append(f" {step.seconds(now):5.1f}s\n", style="dim")
        return text

    def _notes(self, text: SafeText, view: BuildView) -> None:
        for severity, message in view.notes[-3:]:
            style = {"error": "bold red", "warning": "yellow"}.get(severity, "dim")
            text.append(f"{message}\n", style=style)

    def _paint_history(self, view: BuildView) -> None:
        table: DataTable[SafeText] = self.query_one("#build-history", DataTable)
        table.clear()
        for record in reversed(view.history[-HISTORY_ROWS:]):
            table.add_row(
                *map(
                    cell,
                    (
                        datetime.fromtimestamp(record.started_at).strftime("%H:%M:%S"),
                        ", ".join(record.trigger)[:24],
                        f"{record.duration_s:.1f}s",
                        record.result,
                        record.tag[:20],
                        f"{record.steps_cached}/{record.steps_total}",
                        human_size(record.size),
                    ),
                )
            )
        durations = [r.duration_s for r in view.history[-40:]]
        self.query_one("#build-spark", Sparkline).data = durations
