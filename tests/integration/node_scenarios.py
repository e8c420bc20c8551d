"""Node scenarios written once, run against the fake API server (integration) and a real
cluster (e2e): cordon, then ctrl+z's uncordon, on a schedulable node (left as it was found)."""

from __future__ import annotations

from pathlib import Path

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.nodes import Cordon, Uncordon, node_ref
from gok_tui.actions.run import execute
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.render.node import render_node


def cordon_uncordon(backend: KubeBackend, audit_path: Path) -> None:
    nodes = backend.list(KINDS["nodes"], None).items
    name = next(
        n["metadata"]["name"] for n in nodes if not (n.get("spec") or {}).get("unschedulable")
    )
    target = backend.target
    ref = node_ref(target.context, target.cluster_server, name)
    audit = AuditLog(audit_path)
    try:
        result = execute(Cordon(ref), backend, audit=audit)
        assert result.ok, result.message
        node = backend.get(KINDS["nodes"], None, name)
        assert node["spec"]["unschedulable"] is True
        assert render_node(node, 0.0).cells[1].endswith(",SchedulingDisabled")
        assert result.plan is not None and result.plan.inverse == Uncordon(ref)
        undone = execute(result.plan.inverse, backend, audit=audit)  # what ctrl+z proposes
        assert undone.ok, undone.message
    finally:
        node = backend.get(KINDS["nodes"], None, name)
        if (node.get("spec") or {}).get("unschedulable"):
            execute(Uncordon(ref), backend)
    node = backend.get(KINDS["nodes"], None, name)
    assert not (node.get("spec") or {}).get("unschedulable")
    assert "SchedulingDisabled" not in render_node(node, 0.0).cells[1]
    assert [(e["action"], e["ok"]) for e in audit.entries()] == [
        ("cordon", True),
        ("uncordon", True),
    ]
