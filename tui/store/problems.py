"""The live ``:problems`` table: watched objects of several kinds in, findings as rows out.

A ``DerivedModel``: every change to a source kind re-runs the (pure, fast) diagnosis over the
namespace and diffs the resulting rows, so the table gets the same row deltas, filter and
cursor handling as every other view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gok_tui.domain.diagnosis import SEVERITY_ORDER, Finding, Snapshot, diagnose
from gok_tui.domain.table import Column, Row
from gok_tui.store.model import DerivedModel, RowDelta

# Secrets are never watched: the kubelet's messages name a missing Secret or key, and their
# values have no business in this process.
SOURCE_KINDS = (
    "pods",
    "deployments",
    "services",
    "endpoints",
    "ingresses",
    "events",
    "configmaps",
    "persistentvolumeclaims",
)
FINDINGS = "findings"
SEVERITY_LABEL = {"error": "ERROR", "warning": "WARN", "info": "info"}
SEVERITY_TONE = {"error": "error", "warning": "warning", "info": "muted"}
KIND_SHORT = {
    "pods": "pod",
    "deployments": "deploy",
    "services": "svc",
    "ingresses": "ing",
    "manifests": "file",
}

PROBLEM_COLUMNS = (
    Column("severity", "SEV", 5),
    Column("object", "OBJECT", 28),
    Column("cause", "CAUSE"),
    Column("next", "NEXT"),
)
NAMESPACE_PROBLEM_COLUMNS = (Column("namespace", "NAMESPACE", 12), *PROBLEM_COLUMNS)


def finding_row_key(finding: Finding) -> str:
    """Row keys sort worst first, then by object, so the table's key order is the triage order."""
    rank = SEVERITY_ORDER[finding.severity]
    return f"{rank}|{finding.namespace}|{finding.kind}|{finding.name}|{finding.rule}"


def finding_row(finding: Finding, all_namespaces: bool) -> Row:
    cells: tuple[str, ...] = (
        SEVERITY_LABEL[finding.severity],
        f"{KIND_SHORT.get(finding.kind, finding.kind)}/{finding.name}",
        finding.cause,
        finding.next_step,
    )
    if all_namespaces:
        cells = (finding.namespace, *cells)
    return Row(finding_row_key(finding), cells, SEVERITY_TONE[finding.severity])  # type: ignore[arg-type]


@dataclass(frozen=True)
class FindingItem:
    """What a row of the Problems table stands for: a finding and its object, if watched."""

    finding: Finding
    object: dict[str, Any] | None


class ProblemsModel(DerivedModel):
    def __init__(
        self,
        all_namespaces: bool,
        facts: Callable[[], Mapping[str, Any]] | None = None,
        show_info: bool = False,
    ) -> None:
        super().__init__(FINDINGS, SOURCE_KINDS)
        self.all_namespaces = all_namespaces
        self.facts = facts or dict  # production, local_cluster, tag_exists: context facts
        self.show_info = show_info
        self.previous_logs: dict[tuple[str, str, str], list[str]] = {}
        self.findings: list[Finding] = []
        self.file_findings: list[Finding] = []  # from the project's manifest files

    def derive(self) -> list[tuple[Row, Any]]:
        sources: dict[str, Any] = {
            plural.replace("persistentvolumeclaims", "pvcs"): list(self.objects[plural].values())
            for plural in SOURCE_KINDS
        }
        snapshot = Snapshot(**sources, previous_logs=dict(self.previous_logs), **self.facts())
        findings = self.file_findings + diagnose(snapshot)
        if not self.show_info:
            findings = [f for f in findings if f.severity != "info"]
        self.findings = findings
        return [
            (finding_row(f, self.all_namespaces), FindingItem(f, self._object_of(f)))
            for f in findings
        ]

    def set_file_findings(self, findings: list[Finding], now: float) -> RowDelta:
        self.file_findings = findings
        return self.recompute(now)

    def toggle_info(self, now: float) -> RowDelta:
        self.show_info = not self.show_info
        return self.recompute(now)

    def crash_loops_without_logs(self) -> list[tuple[str, str, str]]:
        """(namespace, pod, container) of crash loops whose previous log is not fetched yet."""
        wanted = []
        for finding in self.findings:
            if finding.rule != "crash-loop":
                continue
            container = finding.evidence.split(":", 1)[0]
            key = (finding.namespace, finding.name, container)
            if key not in self.previous_logs:
                wanted.append(key)
        return wanted

    def add_previous_log(self, key: tuple[str, str, str], lines: list[str], now: float) -> RowDelta:
        self.previous_logs[key] = lines
        return self.recompute(now)

    def _object_of(self, finding: Finding) -> dict[str, Any] | None:
        store = self.objects.get(finding.kind)
        if store is None:
            return None
        return store.get(finding.key)
