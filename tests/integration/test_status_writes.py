"""Controllers write status all the time on a real cluster. A confirmed change to spec goes
through however often they do; it is refused only when what the user confirmed moved."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import Action
from gok_tui.actions.deployments import Scale, SetImage, Undo
from gok_tui.actions.run import execute, plan_action
from gok_tui.actions.traffic import SetCanaryWeight, SwitchService
from gok_tui.backends.kube import KubeBackend

from tests.integration.helpers import deployment, ingress, service, track_deployment
from tests.integration.scenario_kit import get, ref
from tests.kubefake import FakeKube, wait_until


@pytest.fixture
def busy(fake_kube: FakeKube) -> FakeKube:
    """Every read of these objects is followed at once by a controller's status write."""
    fake_kube.status_writes_on_read("deployments", "services", "ingresses")
    return fake_kube


def run(action: Action, backend: KubeBackend, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(action, backend, confirmed=plan_action(action, backend), audit=audit)
    assert result.ok, result.message
    assert [entry["ok"] for entry in audit.entries()] == [True]


def test_scale(busy: FakeKube, fake_backend: KubeBackend, tmp_path: Path) -> None:
    busy.apply_object(deployment("web", replicas=2))
    run(Scale(ref(fake_backend, "deployments", "default", "web"), 5), fake_backend, tmp_path)
    assert get(fake_backend, "deployments", "default", "web")["spec"]["replicas"] == 5


def test_scale_up_from_zero(busy: FakeKube, fake_backend: KubeBackend, tmp_path: Path) -> None:
    busy.apply_object(deployment("web", replicas=0))
    run(Scale(ref(fake_backend, "deployments", "default", "web"), 1), fake_backend, tmp_path)
    assert get(fake_backend, "deployments", "default", "web")["spec"]["replicas"] == 1


def test_undo(busy: FakeKube, fake_backend: KubeBackend, tmp_path: Path) -> None:
    busy.apply_object(deployment("web", image="web:1", replicas=1))
    target = ref(fake_backend, "deployments", "default", "web")
    wait_until(lambda: get(fake_backend, "deployments", "default", "web").get("status"))
    assert execute(SetImage(target, "web", "web:2", "v2"), fake_backend).ok
    wait_until(
        lambda: (
            (get(fake_backend, "deployments", "default", "web")["metadata"]["annotations"]).get(
                "deployment.kubernetes.io/revision"
            )
            == "2"
        )
    )
    run(Undo(target), fake_backend, tmp_path)
    obj = get(fake_backend, "deployments", "default", "web")
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == "web:1"


def test_blue_green_switch(busy: FakeKube, fake_backend: KubeBackend, tmp_path: Path) -> None:
    for track in ("blue", "green"):
        busy.apply_object(track_deployment(f"bg-{track}", "bg", track, replicas=1))
    busy.apply_object(service("bg", {"app": "bg", "track": "blue"}))
    wait_until(
        lambda: (
            get(fake_backend, "deployments", "default", "bg-green")
            .get("status", {})
            .get("availableReplicas")
            == 1
        )
    )
    switch = SwitchService(
        ref(fake_backend, "services", "default", "bg"), "track", "green", "bg-green"
    )
    run(switch, fake_backend, tmp_path)
    assert get(fake_backend, "services", "default", "bg")["spec"]["selector"]["track"] == "green"


def test_canary_weight(busy: FakeKube, fake_backend: KubeBackend, tmp_path: Path) -> None:
    busy.apply_object(ingress("shop", "shop"))
    busy.apply_object(ingress("shop-canary", "shop-v2", canary_weight=0))
    run(
        SetCanaryWeight(ref(fake_backend, "ingresses", "default", "shop-canary"), 20),
        fake_backend,
        tmp_path,
    )
    annotations = get(fake_backend, "ingresses", "default", "shop-canary")["metadata"][
        "annotations"
    ]
    assert annotations["nginx.ingress.kubernetes.io/canary-weight"] == "20"
