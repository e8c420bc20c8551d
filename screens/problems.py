""":problems — everything wrong in the namespace, worst first, in words, updated live."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from gok_tui.actions.manifests import ManifestError, load_manifests
from gok_tui.backends.kube import KubeError
from gok_tui.domain.diagnosis import Finding, manifest_findings
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.table import Column, Row
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.resource import ResourceScreen
from gok_tui.screens.usage import UsageView
from gok_tui.store.logs import LogRequest
from gok_tui.store.model import Objects
from gok_tui.store.problems import (
    NAMESPACE_PROBLEM_COLUMNS,
    PROBLEM_COLUMNS,
    SOURCE_KINDS,
    FindingItem,
    ProblemsModel,
)
from gok_tui.widgets.plain import SafeText
from gok_tui.widgets.resource_table import ResourceTable
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

LOCAL_CLUSTER_PREFIXES = (("kind-", "kind"), ("k3d-", "k3d"), ("minikube", "minikube"))
PREVIOUS_LOG_LINES = 5


def local_cluster_of(context: str) -> str | None:
    for prefix, name in LOCAL_CLUSTER_PREFIXES:
        if context.startswith(prefix):
            return name
    return None


class FindingPanel(ModalScreen[str | None]):
    """The evidence behind one finding, and the keys that act on it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss_panel", "Close"),
        Binding("d", "choose('describe')", "Describe object"),
        Binding("y", "choose('yaml')", "YAML"),
        Binding("l", "choose('logs')", "Logs"),
    ]
    DEFAULT_CSS = """
    FindingPanel { align: center middle; }
    FindingPanel > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $warning; padding: 0 1; background: $surface;
    }
    """

    def __init__(self, current: Callable[[], Sequence[Finding]]) -> None:
        super().__init__()
        self._lookup = current  # the object's findings now: evidence may arrive after opening
        self.findings = self._lookup()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._text(), id="finding-text")

    def on_mount(self) -> None:
        self.set_interval(0.5, self._refresh)

    def _refresh(self) -> None:
        findings = self._lookup()
        if findings and findings != self.findings:
            self.findings = findings
            self.query_one("#finding-text", Static).update(self._text())

    def _text(self) -> SafeText:
        text = SafeText()
        first = self.findings[0]
        text.append(f"{first.kind} {first.key}\n", style="bold cyan")
        for finding in self.findings:
            style = {"error": "bold red", "warning": "dark_orange"}.get(finding.severity, "dim")
            text.append(f"\n{finding.severity.upper()}  ", style=style)
            text.append(f"{finding.cause}\n", style="bold")
            text.append("  evidence: ", style="dim")
            text.append(f"{finding.evidence}\n")
            text.append("  next:     ", style="dim")
            text.append(f"{finding.next_step}\n", style="green")
        text.append("\nd describe   y YAML   l logs   esc close", style="dim")
        return text

    def action_dismiss_panel(self) -> None:
        self.dismiss(None)

    def action_choose(self, mode: str) -> None:
        self.dismiss(mode)


class ProblemsScreen(UsageView, ResourceScreen):
    TITLE_TEXT = "Problems"
    PRIMARY = "findings"
    HAS_LOGS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("problems"),
    ]

    class FileFindings(Message):
        """What the project's manifest files say, read in a worker."""

        def __init__(self, findings: list[Finding]) -> None:
            super().__init__()
            self.findings = findings

    class PreviousLog(Message):
        """The last lines of a crashed container's previous instance, read in a worker."""

        def __init__(self, key: tuple[str, str, str], lines: list[str]) -> None:
            super().__init__()
            self.key = key
            self.lines = lines

    def watched_kinds(self) -> tuple[str, ...]:
        return SOURCE_KINDS

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return NAMESPACE_PROBLEM_COLUMNS if all_namespaces else PROBLEM_COLUMNS

    def make_model(
        self, render: Callable[[dict[str, Any], Objects, float], list[Row]], all_ns: bool
    ) -> ProblemsModel:
        model = ProblemsModel(all_ns, self._facts)
        if isinstance(self.model, ProblemsModel):  # a re-target keeps what the files said
            model.file_findings = self.model.file_findings
        return model

    def _facts(self) -> Mapping[str, Any]:
        target = self.session.target
        return {
            "production": self.session.production,
            "local_cluster": local_cluster_of(target.context) if target else None,
            # containers near their memory limit (metrics.k8s.io, polled while shown)
            "pod_usage": self.session.metrics.pod_usages() if self._usage_on else {},
        }

    def usage_changed(self) -> None:
        if isinstance(self.model, ProblemsModel):
            delta = self.model.recompute(self.session.clock())
            self.query_one(ResourceTable).apply_delta(delta)

    def on_mount(self) -> None:
        super().on_mount()
        project = self.session.project
        if project is not None and project.deploy.manifests:
            self.check_manifests(project.root, project.deploy.manifests)

    @work(thread=True, group="manifests", exit_on_error=False)
    def check_manifests(self, root: Path, files: tuple[str, ...]) -> None:
        """The project's manifest files, for API versions the cluster no longer serves."""
        findings: list[Finding] = []
        for name in files:
            try:
                documents = [doc for _, doc in load_manifests(root, [name])]
            except ManifestError as error:
                findings.append(
                    Finding(
                        "warning",
                        "manifests",
                        "",
                        name,
                        "unreadable",
                        str(error),
                        name,
                        "fix the file",
                    )
                )
                continue
            findings.extend(manifest_findings(documents, name))
        self.post_message(self.FileFindings(findings))

    def on_problems_screen_file_findings(self, message: FileFindings) -> None:
        if isinstance(self.model, ProblemsModel) and self.is_attached:
            self.query_one(ResourceTable).apply_delta(
                self.model.set_file_findings(message.findings, self.session.clock())
            )
            self._refresh_title()

    def sync(self, now: float) -> None:
        super().sync(now)
        model = self.model
        if isinstance(model, ProblemsModel):
            for key in model.crash_loops_without_logs():
                model.previous_logs[key] = []  # asked once; the answer replaces it
                self.fetch_previous_log(key)

    @work(thread=True, group="previous-logs", exit_on_error=False)
    def fetch_previous_log(self, key: tuple[str, str, str]) -> None:
        backend = self.session.backend
        if backend is None:
            return
        try:
            text = backend.previous_log(*key, tail_lines=PREVIOUS_LOG_LINES)
        except KubeError:
            return  # no previous container (yet): the finding stays without a log tail
        self.post_message(self.PreviousLog(key, text.splitlines()[-PREVIOUS_LOG_LINES:]))

    def on_problems_screen_previous_log(self, message: PreviousLog) -> None:
        if isinstance(self.model, ProblemsModel) and self.is_attached:
            self.query_one(ResourceTable).apply_delta(
                self.model.add_previous_log(message.key, message.lines, self.session.clock())
            )

    def action_toggle_info(self) -> None:
        if isinstance(self.model, ProblemsModel):
            self.query_one(ResourceTable).apply_delta(self.model.toggle_info(self.session.clock()))
            self.notify("hygiene notes " + ("shown" if self.model.show_info else "hidden"))
            self._refresh_title()

    def open_selected(self, obj: FindingItem, row_key: str) -> None:
        finding = obj.finding
        model = self.model
        assert isinstance(model, ProblemsModel)

        def same_object() -> list[Finding]:
            found = [f for f in model.findings if f.kind == finding.kind and f.key == finding.key]
            return found or [finding]

        def chosen(mode: str | None) -> None:
            if mode == "logs":
                self.action_logs()
            elif mode is not None:
                self._detail_of(obj, mode)

        self.app.push_screen(FindingPanel(same_object), callback=chosen)

    def log_request(self, obj: FindingItem) -> LogRequest | None:
        """A pod's finding: that pod's logs (p there: the previous container's); a
        Deployment's: all its pods'. Other kinds have none."""
        finding, target = obj.finding, obj.object
        if target is None:
            return None
        if finding.kind == "pods":
            return LogRequest(finding.namespace, f"pod/{finding.name}", pod=finding.name)
        if finding.kind == "deployments":
            from gok_tui.store.logs import deployment_log_request

            return deployment_log_request(target)
        return None

    def event_target(self, item: Any) -> tuple[str, dict[str, Any]] | None:
        if isinstance(item, FindingItem) and item.object is not None and item.finding.kind in KINDS:
            return item.finding.kind, item.object
        return None

    def show_detail(self, mode: str) -> None:
        picked = self.selected()
        if picked is not None:
            self._detail_of(picked[1], mode)

    def _detail_of(self, entry: FindingItem, mode: str) -> None:
        from gok_tui.screens.detail import DetailScreen

        finding, target = entry.finding, entry.object
        if target is None or finding.kind not in KINDS:
            self.notify(f"{finding.kind} {finding.key} is not an object gok-tui can show")
            return
        self.app.push_screen(DetailScreen(KINDS[finding.kind], target, mode))
