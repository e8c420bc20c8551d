"""The cluster bar at 80 columns: what a decision rests on (PROD, READ-ONLY, the namespace,
the connection state) stays on the line however long the kubeconfig's names are."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.config.settings import Settings
from gok_tui.widgets.cluster_bar import ClusterStatus, render_cluster_status

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, until

EKS = "arn:aws:eks:eu-west-1:123456789012:cluster/prod-payments-eu-west-primary"
GKE = "gke_acme-payments-prod_europe-west1-b_prod-payments-eu"
NAMESPACE = "payments-settlement-reconciliation"
SERVER = "https://eks.example:6443"
WIDTH = 78  # 80 columns less the bar's padding


def bar(app) -> str:
    return screen_text(app).splitlines()[0]


@pytest.mark.parametrize("view", ["deployments", "build", "logs"])
async def test_a_long_eks_context_leaves_prod_readonly_namespace_and_state_on_the_bar(
    fake_kube: FakeKube, tmp_path: Path, view: str
) -> None:
    fake_kube.create_namespace(NAMESPACE)
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "config", context=EKS, namespace=NAMESPACE)
    app = make_app(
        kubeconfig,
        readonly=True,
        settings=Settings(production_contexts=("*prod*",)),
        view=view,
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "READ-ONLY" in bar(app), what="the whole bar")
        line = bar(app)
        assert "prod-pay" in line and "primary" in line  # the cluster's name, not the ARN's
        assert "arn:aws:eks" not in line
        assert "PROD" in line
        assert "ns:payments-s" in line and "iation" in line
        assert any(state in line for state in ("live", "connecting", "retrying"))
        assert "READ-ONLY" in line


def plain(status: ClusterStatus, width: int | None) -> str:
    return render_cluster_status(status, width).plain


def test_the_server_goes_first_then_the_context_shortens_then_both_names_cut() -> None:
    status = ClusterStatus(
        context="staging", server=SERVER, namespace="shop", state="live", readonly=True
    )
    assert plain(status, WIDTH) == f"staging ns:shop ● live READ-ONLY {SERVER}"
    assert plain(status, 40) == "staging ns:shop ● live READ-ONLY"

    eks = ClusterStatus(context=EKS, server=SERVER, namespace="shop", state="live")
    assert plain(eks, WIDTH) == "prod-payments-eu-west-primary ns:shop ● live"
    assert plain(eks, None) == f"{EKS} ns:shop ● live {SERVER}"  # no width known: all of it

    gke = ClusterStatus(context=GKE, server=SERVER, namespace="shop", state="live")
    assert plain(gke, 60) == "prod-payments-eu ns:shop ● live"

    long = ClusterStatus(
        context=EKS,
        server=SERVER,
        namespace=NAMESPACE,
        state="unauthorized",
        production=True,
        readonly=True,
    )
    line = plain(long, WIDTH)
    assert len(line) <= WIDTH
    assert line.startswith(" prod-pay") and " PROD ns:payments-" in line
    assert line.endswith("reconciliation"[-6:] + " ✖ unauthorized READ-ONLY")

    other = ClusterStatus(
        context="kind-" + "x" * 80 + "-end", server=SERVER, namespace="dev", state="live"
    )
    line = plain(other, WIDTH)
    assert len(line) <= WIDTH and "…" in line
    assert line.startswith("kind-x") and "-end ns:dev ● live" in line


def test_the_names_are_cut_the_same_whatever_the_state() -> None:
    """A connection that flickers between live and retrying does not shift the names."""
    lines = [
        plain(ClusterStatus(EKS, SERVER, NAMESPACE, state, production=True), WIDTH)
        for state in ("live", "retrying", "connecting")
    ]
    names = {line.split(" ●")[0].split(" ✖")[0].split(" ◌")[0] for line in lines}
    assert len(names) == 1
