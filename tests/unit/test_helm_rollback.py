"""helm rollback planned from the release Secrets: the command aimed where gok-tui points, the
manifest diff (Secret values hidden), and a refusal when the revision is gone."""

from __future__ import annotations

import pytest
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.helm import HelmRollback
from gok_tui.domain.timeline import manifest_diff

from tests.helm_release import helm_release_secret

REF = ObjectRef("prod", "https://k", "helm", "shop", "web")
V1 = "---\nkind: Deployment\nspec:\n  image: web:1\n"
V2 = "---\nkind: Deployment\nspec:\n  image: web:2\n"


def secrets() -> list[dict]:
    return [
        helm_release_secret("web", 1, namespace="shop", status="superseded", manifest=V1),
        helm_release_secret("web", 2, namespace="shop", status="deployed", manifest=V2),
        helm_release_secret("other", 5, namespace="shop", manifest=""),
    ]


def test_the_plan_runs_helm_rollback_where_gok_tui_points_and_shows_the_diff() -> None:
    rollback = HelmRollback(REF, 1, "/usr/bin/helm", ("/home/ann/.kube/config",))
    plan = rollback.plan({"secrets": secrets()})
    assert plan.runnable and plan.dangerous
    assert plan.command == (
        "/usr/bin/helm",
        "rollback",
        "web",
        "1",
        "-n",
        "shop",
        "--kube-context",
        "prod",
        "--kubeconfig",
        "/home/ann/.kube/config",
    )
    assert plan.path == " ".join(("helm", *plan.command[1:]))
    assert plan.warnings[0] == f"runs: {plan.path}"
    assert plan.summary == "helm rollback release shop/web from revision 2 to 1"
    assert (plan.before, plan.after) == ("revision 2", "revision 1 (as revision 3)")
    assert "-  image: web:2" in plan.warnings and "+  image: web:1" in plan.warnings
    assert plan.inverse == HelmRollback(REF, 2, "/usr/bin/helm", ("/home/ann/.kube/config",))


def test_several_kubeconfig_files_go_to_helm_as_kubeconfig() -> None:
    plan = HelmRollback(REF, 1, "helm", ("/a", "/b")).plan({"secrets": secrets()})
    assert "--kubeconfig" not in plan.command
    assert plan.command_env == (("KUBECONFIG", "/a:/b"),)
    assert plan.path.startswith("KUBECONFIG=/a:/b helm rollback web 1")


def test_a_gone_or_unreadable_revision_is_refused() -> None:
    gone = HelmRollback(REF, 7, "helm").plan({"secrets": secrets()})
    assert gone.refusal == "revision 7 is no longer in the cluster (have: 1, 2)"
    corrupt = secrets()
    corrupt[0]["data"]["release"] = "bm90LWJhc2U2NA=="  # base64 of "not-base64"
    unreadable = HelmRollback(REF, 1, "helm").plan({"secrets": corrupt})
    assert unreadable.refusal.startswith("revision 1 cannot be read: not base64")


def test_secret_values_in_a_manifest_diff_are_hidden() -> None:
    secret = "---\nkind: Secret\ndata:\n  password: {}\n  user: YQ==\n---\nkind: ConfigMap\n"
    diff = manifest_diff(secret.format("b2xk"), secret.format("bmV3"))
    assert not any("b2xk" in line or "bmV3" in line for line in diff)
    changed = [line for line in diff if line.startswith(("-  ", "+  "))]
    assert [line.split(":")[0] for line in changed] == ["-  password", "+  password"]
    assert all("<hidden sha256:" in line for line in changed)


def test_a_changed_line_of_a_multi_line_secret_value_shows_as_that_key_changed() -> None:
    secret = "kind: Secret\nstringData:\n  cert: |\n    line one\n    {}\n  other: x\n"
    diff = manifest_diff(secret.format("old tail"), secret.format("new tail"))
    changed = [line for line in diff if line.startswith(("-  ", "+  "))]
    assert [line.split(":")[0] for line in changed] == ["-  cert", "+  cert"]
    assert not any("tail" in line or "line one" in line for line in diff)


@pytest.mark.parametrize(
    "secret",
    [
        "kind: Secret\ndata: {pw: %s}\n",
        'kind: "Secret"\ndata:\n  pw: %s\n',
        "kind: Secret  # made by the chart\ndata:  # base64\n  pw: %s\n",
        "kind: Secret\nstringData: {\n  pw: %s }\n",
        '{"kind": "Secret", "data": {"pw": "%s"}}\n',
        "kind: List\nitems:\n- kind: Secret\n  data:\n    pw: %s\n",
    ],
)
def test_a_secret_however_it_is_written_shows_no_value(secret: str) -> None:
    diff = manifest_diff(secret % "b2xk", secret % "bmV3")
    assert not any("b2xk" in line or "bmV3" in line for line in diff)
    changed = [line for line in diff if line.startswith(("-", "+")) and line[1:2] not in "-+"]
    assert len(changed) == 2 and all("pw: <hidden sha256:" in line for line in changed), diff


def test_a_document_that_names_a_secret_and_cannot_be_read_is_hidden_whole() -> None:
    diff = manifest_diff("kind: Secret\ndata: [pw: b2xk\n", "kind: Secret\ndata: [pw: bmV3\n")
    assert not any("b2xk" in line or "bmV3" in line for line in diff)
