"""helm rollback from the timeline against the fake, run by a real stand-in ``helm`` program
that records how it was called: a dry run, then the rollback, audited; a failing helm is said."""

from __future__ import annotations

from pathlib import Path

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.helm import HelmRollback
from gok_tui.actions.run import execute
from gok_tui.backends.kube import KubeBackend

from tests.helm_release import helm_release_secret, helm_runs, write_helm_standin

V1 = "---\nkind: Deployment\nspec:\n  image: web:1\n"
V2 = "---\nkind: Deployment\nspec:\n  image: web:2\n"


def releases(backend: KubeBackend) -> None:
    for number, status, manifest in ((1, "superseded", V1), (2, "deployed", V2)):
        secret = helm_release_secret("web", number, status=status, manifest=manifest)
        backend.mutate("POST", "/api/v1/namespaces/default/secrets", secret)


def rollback(backend: KubeBackend, helm: Path) -> HelmRollback:
    target = backend.target
    ref = ObjectRef(target.context, target.cluster_server, "helm", "default", "web")
    return HelmRollback(ref, 1, str(helm), target.files)


def test_helm_rollback_runs_a_dry_run_then_the_rollback_and_is_audited(
    fake_backend: KubeBackend, tmp_path: Path
) -> None:
    releases(fake_backend)
    log = write_helm_standin(tmp_path / "bin")
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(rollback(fake_backend, tmp_path / "bin" / "helm"), fake_backend, audit=audit)
    assert result.ok, result.message
    assert result.message == "done: helm rollback release default/web from revision 2 to 1"
    aimed = ["rollback", "web", "1", "-n", "default", "--kube-context", "fake"]
    aimed += ["--kubeconfig", fake_backend.target.files[0]]
    assert helm_runs(log) == [[*aimed, "--dry-run"], aimed]
    (entry,) = audit.entries()
    assert (entry["action"], entry["kind"], entry["ok"]) == ("helm rollback", "helm", True)
    assert entry["method"] == "RUN" and "helm rollback web 1" in entry["path"]


def test_a_failing_helm_is_said_and_nothing_more_is_run(
    fake_backend: KubeBackend, tmp_path: Path
) -> None:
    releases(fake_backend)
    log = write_helm_standin(tmp_path / "bin", exit_code=1, said="Error: release has no 1 version")
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(rollback(fake_backend, tmp_path / "bin" / "helm"), fake_backend, audit=audit)
    assert not result.ok
    assert result.message == (
        "not run: its dry run failed (exit 1): Error: release has no 1 version"
    )
    assert len(helm_runs(log)) == 1  # the dry run only
    assert [e["ok"] for e in audit.entries()] == [False]
