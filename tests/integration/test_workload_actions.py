"""StatefulSet, DaemonSet and CronJob actions executed against the fake API server, and what
its workload controllers make of them."""

from __future__ import annotations

from typing import Any

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Scale
from gok_tui.actions.run import execute
from gok_tui.actions.workloads import INSTANTIATE_ANNOTATION, SetSuspended, TriggerJob, UndoWorkload
from gok_tui.backends.kube import KubeBackend

from tests.integration.workload_objects import cronjob, daemonset, pod_names, statefulset
from tests.kubefake import FakeKube, wait_until


def ref(fake: FakeKube, kind: str, name: str) -> ObjectRef:
    return ObjectRef("fake", fake.url, kind, "default", name)


def status(fake: FakeKube, plural: str, name: str) -> dict[str, Any]:
    return (fake.get_object(plural, "default", name) or {}).get("status") or {}


def pod_changes(fake: FakeKube, since: int, kind: str) -> list[str]:
    return [
        change.obj["metadata"]["name"]
        for change in list(fake.state.history)
        if change.rv > since and change.plural == "pods" and change.type == kind
    ]


def images_of_pods(fake: FakeKube, app: str) -> list[str]:
    return [
        pod["spec"]["containers"][0]["image"]
        for pod in fake.list_objects("pods", "default")
        if pod["metadata"]["labels"].get("app") == app
        and not pod["metadata"].get("deletionTimestamp")
    ]


def test_a_statefulset_starts_its_pods_in_order_and_scales_down_highest_first(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    start = fake_kube.state.rv
    fake_kube.apply_object(statefulset("db", replicas=3))
    wait_until(lambda: status(fake_kube, "statefulsets", "db").get("readyReplicas") == 3)
    assert pod_changes(fake_kube, start, "ADDED") == ["db-0", "db-1", "db-2"]
    before = fake_kube.state.rv
    result = execute(Scale(ref(fake_kube, "statefulsets", "db"), 1), fake_backend)
    assert result.ok, result.message
    wait_until(
        lambda: (
            pod_names(fake_kube, "db") == ["db-0"] and not pod_changes(fake_kube, before, "ADDED")
        )
    )
    wait_until(lambda: pod_changes(fake_kube, before, "DELETED") == ["db-2", "db-1"])
    wait_until(lambda: status(fake_kube, "statefulsets", "db").get("replicas") == 1)


def test_a_partition_keeps_the_lower_ordinals_on_the_current_revision(
    fake_kube: FakeKube,
) -> None:
    fake_kube.apply_object(statefulset("db", image="db:1", replicas=3, partition=2))
    wait_until(lambda: status(fake_kube, "statefulsets", "db").get("readyReplicas") == 3)
    fake_kube.apply_object(statefulset("db", image="db:2", replicas=3, partition=2))

    def only_db2_updated() -> bool:
        got = status(fake_kube, "statefulsets", "db")
        return got.get("updatedReplicas") == 1 and got.get("readyReplicas") == 3

    wait_until(only_db2_updated)
    got = status(fake_kube, "statefulsets", "db")
    assert got["currentRevision"] != got["updateRevision"] and got["currentReplicas"] == 2
    by_name = {
        p["metadata"]["name"]: p["spec"]["containers"][0]["image"]
        for p in fake_kube.list_objects("pods", "default")
    }
    assert by_name == {"db-0": "db:1", "db-1": "db:1", "db-2": "db:2"}
    revisions = sorted(
        cr["revision"] for cr in fake_kube.list_objects("controllerrevisions", "default")
    )
    assert revisions == [1, 2]


def test_undo_takes_a_daemonset_back_to_revision_1(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(daemonset("agent", image="agent:1"))
    wait_until(lambda: status(fake_kube, "daemonsets", "agent").get("numberReady") == 1)
    fake_kube.apply_object(daemonset("agent", image="agent:2"))
    wait_until(lambda: images_of_pods(fake_kube, "agent") == ["agent:2"])
    result = execute(UndoWorkload(ref(fake_kube, "daemonsets", "agent"), 1), fake_backend)
    assert result.ok, result.message
    assert result.plan is not None and result.plan.inverse == UndoWorkload(result.plan.ref, 2)
    wait_until(lambda: images_of_pods(fake_kube, "agent") == ["agent:1"])

    def renumbered() -> bool:
        numbers = {
            cr["data"]["spec"]["template"]["spec"]["containers"][0]["image"]: cr["revision"]
            for cr in fake_kube.list_objects("controllerrevisions", "default")
        }
        return numbers == {"agent:1": 3, "agent:2": 2}

    wait_until(renumbered)  # the old template came back: the next number, as kubectl shows


def test_trigger_starts_a_job_from_the_cronjob_that_runs_to_completion(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(cronjob("tick"))
    result = execute(TriggerJob(ref(fake_kube, "cronjobs", "tick"), "tick-manual-1"), fake_backend)
    assert result.ok, result.message
    job = fake_kube.get_object("jobs", "default", "tick-manual-1")
    assert job is not None
    assert job["metadata"]["annotations"] == {INSTANTIATE_ANNOTATION: "manual"}
    owner = job["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("CronJob", "tick", True)
    wait_until(lambda: status(fake_kube, "jobs", "tick-manual-1").get("succeeded") == 1)
    conditions = status(fake_kube, "jobs", "tick-manual-1")["conditions"]
    assert [(c["type"], c["status"]) for c in conditions] == [("Complete", "True")]


def test_suspend_then_its_inverse_resumes_the_cronjob(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(cronjob("tick"))
    result = execute(SetSuspended(ref(fake_kube, "cronjobs", "tick"), True), fake_backend)
    assert result.ok and fake_kube.get_object("cronjobs", "default", "tick")["spec"]["suspend"]
    assert result.plan is not None and result.plan.inverse is not None
    assert execute(result.plan.inverse, fake_backend).ok
    assert fake_kube.get_object("cronjobs", "default", "tick")["spec"]["suspend"] is False


def test_a_job_runs_its_pods_one_at_a_time_until_the_test_lets_them_succeed(
    fake_kube: FakeKube,
) -> None:
    fake_kube.controllers.workloads.job_pods = "manual"
    fake_kube.apply_object(
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "once", "namespace": "default"},
            "spec": {
                "completions": 2,
                "template": {
                    "spec": {
                        "containers": [{"name": "c", "image": "busybox:1"}],
                        "restartPolicy": "Never",
                    }
                },
            },
        }
    )

    def running_pods() -> list[str]:
        return [
            pod["metadata"]["name"]
            for pod in fake_kube.list_objects("pods", "default")
            if pod["metadata"]["labels"].get("job-name") == "once"
            and pod["status"].get("phase") == "Running"
        ]

    for done in (1, 2):
        wait_until(
            lambda: (
                len(running_pods()) == 1 and status(fake_kube, "jobs", "once").get("active") == 1
            )
        )
        fake_kube.controllers.workloads.finish_job_pod("default", running_pods()[0])
        wait_until(lambda n=done: status(fake_kube, "jobs", "once").get("succeeded") == n)
    wait_until(lambda: "completionTime" in status(fake_kube, "jobs", "once"))
    assert "active" not in status(fake_kube, "jobs", "once")
