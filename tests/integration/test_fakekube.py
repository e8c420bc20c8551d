"""The fake API server, exercised through the official client's typed APIs over HTTP.

These keep the fake honest: if it drifts from what the real client and server do, the
store and UI tests built on it would prove nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS
from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

from tests.integration.helpers import bare_pod, deployment
from tests.kubefake import FakeKube, wait_until


@pytest.fixture
def api(fake_kube: FakeKube, fake_kubeconfig: Path) -> Iterator[client.ApiClient]:
    api_client = config.new_client_from_config(config_file=str(fake_kubeconfig))
    yield api_client
    api_client.close()


def rollout_done(fake: FakeKube, name: str, replicas: int) -> bool:
    status = (fake.get_object("deployments", "default", name) or {}).get("status") or {}
    return (
        status.get("updatedReplicas") == replicas
        and status.get("readyReplicas") == replicas
        and status.get("replicas") == replicas
    )


def test_crud_selectors_and_conflicts(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    core.create_namespaced_config_map(
        "default", {"metadata": {"name": "a", "labels": {"tier": "web"}}, "data": {"k": "v"}}
    )
    core.create_namespaced_config_map(
        "default", {"metadata": {"name": "b", "labels": {"tier": "db"}}}
    )
    with pytest.raises(ApiException) as exists:
        core.create_namespaced_config_map("default", {"metadata": {"name": "a"}})
    assert exists.value.status == 409
    names = [
        cm.metadata.name
        for cm in core.list_namespaced_config_map("default", label_selector="tier in (web)").items
    ]
    assert names == ["a"]
    assert [
        cm.metadata.name
        for cm in core.list_namespaced_config_map("default", label_selector="tier!=web").items
    ] == ["b", "kube-root-ca.crt"]  # != matches objects without the label too
    assert [
        cm.metadata.name
        for cm in core.list_namespaced_config_map("default", field_selector="metadata.name=b").items
    ] == ["b"]
    stale = core.read_namespaced_config_map("a", "default")
    core.patch_namespaced_config_map("a", "default", {"data": {"k": "v2"}})
    stale.data = {"k": "lost update"}
    with pytest.raises(ApiException) as conflict:
        core.replace_namespaced_config_map("a", "default", stale)
    assert conflict.value.status == 409
    core.delete_namespaced_config_map("a", "default")
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_config_map("a", "default")
    assert gone.value.status == 404


def test_patch_types(fake_kube: FakeKube, api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    dep = deployment("web", image="web:1", replicas=1)
    dep["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "side:1"})
    apps.create_namespaced_deployment("default", dep)
    # strategic merge: containers merged by name, the sidecar survives
    apps.patch_namespaced_deployment(
        "web",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}},
    )
    containers = apps.read_namespaced_deployment("web", "default").spec.template.spec.containers
    assert [(c.name, c.image) for c in containers] == [("web", "web:2"), ("side", "side:1")]
    # JSON patch
    apps.patch_namespaced_deployment(
        "web", "default", [{"op": "replace", "path": "/spec/replicas", "value": 3}]
    )
    assert apps.read_namespaced_deployment("web", "default").spec.replicas == 3
    # merge patch: lists are replaced wholesale
    apps.patch_namespaced_deployment(
        "web",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "only:1"}]}}}},
        _content_type="application/merge-patch+json",
    )
    containers = apps.read_namespaced_deployment("web", "default").spec.template.spec.containers
    assert [c.name for c in containers] == ["only"]
    # server-side apply creates and records the field manager
    applied = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"a": "1"},
    }
    client.CoreV1Api(api).patch_namespaced_config_map(
        "cfg",
        "default",
        applied,
        field_manager="gok-tui",
        _content_type="application/apply-patch+yaml",
    )
    cm = fake_kube.get_object("configmaps", "default", "cfg")
    assert cm["data"] == {"a": "1"}
    assert cm["metadata"]["managedFields"][0]["manager"] == "gok-tui"


def test_dry_run_changes_nothing(fake_kube: FakeKube, api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    apps.create_namespaced_deployment("default", deployment("web", replicas=1))
    wait_until(lambda: rollout_done(fake_kube, "web", 1))
    before = fake_kube.get_object("deployments", "default", "web")["metadata"]["resourceVersion"]
    result = apps.patch_namespaced_deployment_scale(
        "web", "default", {"spec": {"replicas": 9}}, dry_run="All"
    )
    assert result.spec.replicas == 9
    after = fake_kube.get_object("deployments", "default", "web")
    assert after["spec"]["replicas"] == 1 and after["metadata"]["resourceVersion"] == before
    with pytest.raises(ApiException) as invalid:
        apps.patch_namespaced_deployment_scale(
            "web", "default", {"spec": {"replicas": -1}}, dry_run="All"
        )
    assert invalid.value.status == 422


def test_pagination_keeps_the_first_pages_resource_version(
    fake_kube: FakeKube, api: client.ApiClient
) -> None:
    fake_kube.bulk_create_pods("default", 25)
    core = client.CoreV1Api(api)
    first = core.list_namespaced_pod("default", limit=10)
    assert len(first.items) == 10 and first.metadata._continue
    second = core.list_namespaced_pod("default", limit=10, _continue=first.metadata._continue)
    third = core.list_namespaced_pod("default", limit=10, _continue=second.metadata._continue)
    names = [p.metadata.name for page in (first, second, third) for p in page.items]
    assert len(set(names)) == 25 and not third.metadata._continue
    assert second.metadata.resource_version == first.metadata.resource_version


def test_watch_resumes_and_expires_with_410(fake_kube: FakeKube, api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    listed = core.list_namespaced_pod("default")
    fake_kube.apply_object(bare_pod("new"))
    events = list(
        watch.Watch().stream(
            core.list_namespaced_pod,
            "default",
            resource_version=listed.metadata.resource_version,
            timeout_seconds=1,
        )
    )
    assert [(e["type"], e["object"].metadata.name) for e in events][:1] == [("ADDED", "new")]
    fake_kube.compact()
    with pytest.raises(ApiException) as expired:
        list(
            watch.Watch().stream(
                core.list_namespaced_pod,
                "default",
                resource_version=listed.metadata.resource_version,
                timeout_seconds=1,
            )
        )
    assert expired.value.status == 410


def test_deployment_controller_revisions_like_kubectl(fake_kube: FakeKube) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=3))
    wait_until(lambda: rollout_done(fake_kube, "web", 3))
    fake_kube.apply_object(deployment("web", image="web:2", replicas=3))
    wait_until(
        lambda: (
            rollout_done(fake_kube, "web", 3)
            and fake_kube.get_object("deployments", "default", "web")["metadata"]["annotations"][
                "deployment.kubernetes.io/revision"
            ]
            == "2"
        )
    )
    pods = fake_kube.list_objects("pods", "default")
    assert len(pods) == 3 and {p["spec"]["containers"][0]["image"] for p in pods} == {"web:2"}
    # the old template comes back (rollout undo): its ReplicaSet takes revision 3
    fake_kube.apply_object(deployment("web", image="web:1", replicas=3))
    wait_until(
        lambda: (
            fake_kube.get_object("deployments", "default", "web")["metadata"]["annotations"][
                "deployment.kubernetes.io/revision"
            ]
            == "3"
        )
    )
    revisions = {
        rs["spec"]["template"]["spec"]["containers"][0]["image"]: rs["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"
        ]
        for rs in fake_kube.list_objects("replicasets", "default")
    }
    assert revisions == {"web:1": "3", "web:2": "2"}
    wait_until(lambda: rollout_done(fake_kube, "web", 3))


def test_rollout_respects_max_unavailable_when_new_pods_never_get_ready(
    fake_kube: FakeKube,
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=4))
    wait_until(lambda: rollout_done(fake_kube, "web", 4))
    fake_kube.pod_readiness = lambda pod: pod["spec"]["containers"][0]["image"] != "web:bad"
    fake_kube.apply_object(deployment("web", image="web:bad", replicas=4))
    wait_until(lambda: len(fake_kube.list_objects("replicasets", "default")) == 2)
    import time

    time.sleep(0.5)
    ready_old = [
        p
        for p in fake_kube.list_objects("pods", "default")
        if p["spec"]["containers"][0]["image"] == "web:1"
    ]
    assert len(ready_old) >= 3  # maxUnavailable 25% of 4 = 1
    status = fake_kube.get_object("deployments", "default", "web")["status"]
    assert status.get("readyReplicas") >= 3 and status.get("unavailableReplicas", 0) >= 1


def test_logs_tail_previous_timestamps_and_errors(
    fake_kube: FakeKube, api: client.ApiClient
) -> None:
    fake_kube.apply_object(bare_pod("app"))
    fake_kube.append_log("default", "app", "main", ["one", "two", "three"])
    core = client.CoreV1Api(api)
    assert core.read_namespaced_pod_log("app", "default", tail_lines=2) == "two\nthree\n"
    stamped = core.read_namespaced_pod_log("app", "default", timestamps=True)
    assert stamped.splitlines()[0].endswith("Z one")
    with pytest.raises(ApiException) as no_previous:
        core.read_namespaced_pod_log("app", "default", previous=True)
    assert (
        no_previous.value.status == 400
        and "previous terminated container" in no_previous.value.body
    )
    fake_kube.restart_container("default", "app", "main")
    assert core.read_namespaced_pod_log("app", "default", previous=True) == "one\ntwo\nthree\n"


def test_forbidden_and_unauthorized(fake_kube: FakeKube, api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    fake_kube.forbid("secrets")
    with pytest.raises(ApiException) as forbidden:
        core.list_namespaced_secret("default")
    assert forbidden.value.status == 403
    assert 'cannot list resource "secrets"' in json.loads(forbidden.value.body)["message"]
    fake_kube.require_token("right")
    with pytest.raises(ApiException) as unauthorized:
        core.list_namespaced_config_map("default")
    assert unauthorized.value.status == 401


def test_stop_and_start_on_the_same_port_keeps_state(
    fake_kube: FakeKube, api: client.ApiClient
) -> None:
    fake_kube.apply_object(bare_pod("keep"))
    port = fake_kube.port
    fake_kube.stop()
    fake_kube.start()
    assert fake_kube.port == port
    assert client.CoreV1Api(api).read_namespaced_pod("keep", "default").metadata.name == "keep"


def test_managed_fields_times_are_on_the_fake_clusters_clock(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.state.clock = lambda: 1_700_000_000.0  # 2023-11-14T22:13:20Z
    path = "/api/v1/namespaces/default/configmaps"
    body = {"metadata": {"name": "settings"}, "data": {"mode": "slow"}}
    fake_backend.mutate("POST", path, body, query={"fieldManager": "setup"})
    fake_backend.mutate(
        "PATCH",
        f"{path}/settings",
        {"data": {"mode": "fast"}},
        content_type="application/merge-patch+json",
        query={"fieldManager": "kubectl-edit"},
    )
    fake_backend.mutate(
        "PATCH",
        f"{path}/settings",
        {"apiVersion": "v1", "kind": "ConfigMap", **body, "data": {"level": "info"}},
        content_type="application/apply-patch+yaml",
        query={"fieldManager": "kubectl-client-side-apply"},
    )
    configmap = fake_backend.get(KINDS["configmaps"], "default", "settings")
    managed = configmap["metadata"]["managedFields"]
    assert {(m["manager"], m["time"]) for m in managed} == {
        ("kubectl-edit", "2023-11-14T22:13:20Z"),
        ("kubectl-client-side-apply", "2023-11-14T22:13:20Z"),
    }
