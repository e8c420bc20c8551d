"""Store against the wire-level fake API server: watch, don't poll; recover from everything."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from gok_tui.backends.kube import KubeBackend, KubeError, ReadOnlyError
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.kinds import KINDS
from gok_tui.store.feeds import FeedHub
from gok_tui.store.watch import FeedSpec

from tests.integration.helpers import Mirror, bare_pod, deployment, deployment_model, pod_model
from tests.kubefake import FakeKube, wait_until


def backend_for(kubeconfig: Path, readonly: bool = False) -> KubeBackend:
    target = resolve_target(kubeconfig=str(kubeconfig), environ={})
    assert target is not None
    return KubeBackend(target, readonly=readonly, timeout=(2.0, 10.0))


@pytest.fixture
def hub(fake_kubeconfig: Path):
    hub = FeedHub(backend_for(fake_kubeconfig), watch_timeout=5)
    yield hub
    hub.stop_all()


def test_new_deployment_appears_within_one_second(fake_kube: FakeKube, hub: FeedHub) -> None:
    mirror = Mirror(hub.open(FeedSpec(KINDS["deployments"], "default")), deployment_model())
    mirror.wait_for(lambda m: m.feed.status.state == "live")
    started = time.monotonic()
    fake_kube.apply_object(deployment("checkout"))
    mirror.wait_for(lambda m: "default/checkout" in m.model.shown, timeout=1.0)
    assert time.monotonic() - started < 1.0


def test_the_start_views_feed_opened_early_is_taken_over_list_and_all(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    fake_kube.apply_object(bare_pod("a"))
    woken: list[bool] = []
    hub.open_early(FeedSpec(KINDS["pods"], "default"))
    wait_until(lambda: hub.feeds[0].buffer.holds_snapshot())
    hub.wake = lambda: woken.append(True)  # the UI is up: its screen opens the same spec
    feed = hub.open(FeedSpec(KINDS["pods"], "default"))
    assert hub.feeds == [feed] and feed.loop is not None and feed.loop.list_count == 1
    assert woken  # the list landed before anyone could be woken: opening wakes the UI
    mirror = Mirror(feed, pod_model())
    mirror.wait_for(lambda m: set(m.model.shown) == {"default/a"})


def test_an_early_feed_another_view_does_not_want_is_closed(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    hub.open_early(FeedSpec(KINDS["pods"], "default"))
    (early,) = hub.feeds
    loop = early.loop
    assert loop is not None
    feed = hub.open(FeedSpec(KINDS["deployments"], "default"))
    assert hub.feeds == [feed] and early.loop is None
    loop.join(5)
    assert loop.stopped and not loop._thread.is_alive()


def test_pod_status_change_updates_exactly_that_row(fake_kube: FakeKube, hub: FeedHub) -> None:
    for name in ("a", "b", "c"):
        fake_kube.apply_object(bare_pod(name))
    mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
    mirror.wait_for(lambda m: len(m.model.shown) == 3)
    mirror.wait_for(lambda m: all(m.cell(f"default/{n}", "STATUS") == "Running" for n in "abc"))
    mirror.deltas.clear()
    fake_kube.set_container_state(
        "default", "b", "main", {"waiting": {"reason": "CrashLoopBackOff"}}, restart_count=4
    )
    mirror.wait_for(lambda m: m.cell("default/b", "STATUS") == "CrashLoopBackOff")
    touched = {row.key for d in mirror.deltas for row, _ in d.updated}
    assert touched == {"default/b"}
    assert not any(d.added or d.removed or d.reset for d in mirror.deltas)


def test_deleted_pod_disappears(fake_kube: FakeKube, hub: FeedHub) -> None:
    fake_kube.apply_object(bare_pod("doomed"))
    fake_kube.apply_object(bare_pod("stays"))
    mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
    mirror.wait_for(lambda m: len(m.model.shown) == 2)
    fake_kube.delete_object("pods", "default", "doomed")
    mirror.wait_for(lambda m: set(m.model.shown) == {"default/stays"})


def test_forced_410_relists_without_lost_or_stale_rows(fake_kube: FakeKube, hub: FeedHub) -> None:
    for name in ("a", "b"):
        fake_kube.apply_object(bare_pod(name))
    feed = hub.open(FeedSpec(KINDS["pods"], "default"))
    mirror = Mirror(feed, pod_model())
    mirror.wait_for(lambda m: len(m.model.shown) == 2)
    lists_before = feed.loop.list_count
    fake_kube.gone_next_watches(3)
    fake_kube.compact()
    fake_kube.expire_watches()
    fake_kube.delete_object("pods", "default", "a")
    fake_kube.apply_object(bare_pod("c"))
    mirror.wait_for(lambda m: set(m.model.shown) == {"default/b", "default/c"})
    wait_until(lambda: feed.loop.list_count > lists_before)
    assert feed.status.state == "live"


def test_server_stopped_and_restarted_mid_watch_recovers(fake_kube: FakeKube, hub: FeedHub) -> None:
    fake_kube.apply_object(bare_pod("before"))
    feed = hub.open(FeedSpec(KINDS["pods"], "default"))
    mirror = Mirror(feed, pod_model())
    mirror.wait_for(lambda m: "default/before" in m.model.shown)
    fake_kube.stop()
    mirror.wait_for(lambda m: "connection refused" in m.feed.status.message)
    assert feed.status.state == "retrying"
    fake_kube.apply_object(bare_pod("during"))  # changed while the server was down
    fake_kube.start()
    mirror.wait_for(lambda m: "default/during" in m.model.shown, timeout=8.0)
    fake_kube.apply_object(bare_pod("after"))
    mirror.wait_for(lambda m: "default/after" in m.model.shown)
    assert feed.status.state == "live"


def test_forbidden_kind_reports_while_others_work(fake_kube: FakeKube, hub: FeedHub) -> None:
    fake_kube.forbid("pods", namespace="default")
    fake_kube.apply_object(deployment("web"))
    pods = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
    deploys = Mirror(hub.open(FeedSpec(KINDS["deployments"], "default")), deployment_model())
    pods.wait_for(lambda m: m.feed.status.state == "forbidden")
    assert "not allowed: list pods in namespace default" in pods.feed.status.message
    deploys.wait_for(lambda m: "default/web" in m.model.shown)


def test_expired_credentials_say_so_without_a_retry_storm(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    fake_kube.require_token("fresh-token")
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", token="expired-token")
    hub = FeedHub(backend_for(kubeconfig), watch_timeout=5)
    try:
        fake_kube.clear_requests()
        mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
        mirror.wait_for(lambda m: m.feed.status.state == "unauthorized")
        assert "401" in mirror.feed.status.message and "log in again" in mirror.feed.status.message
        time.sleep(2.0)
        # the first 401 re-reads the kubeconfig and tries once more; then the loop backs off
        assert len(fake_kube.requests) <= 4
    finally:
        hub.stop_all()


def test_unreachable_cluster_is_reported_in_words(tmp_path: Path) -> None:
    fake = FakeKube(port=0)
    fake.start()
    kubeconfig = fake.write_kubeconfig(tmp_path / "kc")
    fake.stop()
    hub = FeedHub(backend_for(kubeconfig), watch_timeout=5)
    try:
        mirror = Mirror(hub.open(FeedSpec(KINDS["deployments"], "default")), deployment_model())
        mirror.wait_for(lambda m: m.feed.status.state == "retrying")
        assert "cannot reach the cluster" in mirror.feed.status.message
        assert "connection refused" in mirror.feed.status.message
    finally:
        hub.stop_all()


def test_readonly_backend_sends_no_mutating_request(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web"))
    backend = backend_for(fake_kubeconfig, readonly=True)
    fake_kube.clear_requests()
    path = KINDS["deployments"].object_path("default", "web") + "/scale"
    with pytest.raises(ReadOnlyError, match="read-only"):
        backend.mutate(
            "PATCH", path, {"spec": {"replicas": 5}}, content_type="application/merge-patch+json"
        )
    with pytest.raises(ReadOnlyError):
        backend.mutate("DELETE", KINDS["deployments"].object_path("default", "web"))
    assert backend.get(KINDS["deployments"], "default", "web")["spec"]["replicas"] == 2
    assert [r.method for r in fake_kube.requests] == ["GET"]


def test_lists_are_paginated(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.bulk_create_pods("default", 1200)
    backend = backend_for(fake_kubeconfig)
    fake_kube.clear_requests()
    result = backend.list(KINDS["pods"], "default", page_size=500)
    assert len(result.items) == 1200
    assert len({p["metadata"]["name"] for p in result.items}) == 1200
    pages = [r for r in fake_kube.requests if r.path.endswith("/pods")]
    assert len(pages) == 3 and "continue" in pages[1].query


def test_drill_down_selector_watches_only_that_deployments_pods(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    fake_kube.apply_object(deployment("api", replicas=1))
    mirror = Mirror(
        hub.open(FeedSpec(KINDS["pods"], "default", "app=web")),
        pod_model(),
    )
    mirror.wait_for(lambda m: len(m.model.shown) == 2)
    assert all(key.startswith("default/web-") for key in mirror.model.shown)


def test_outage_then_a_different_server_leaves_no_stale_rows(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    fake_kube.apply_object(bare_pod("old-1"))
    fake_kube.apply_object(bare_pod("old-2"))
    mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
    mirror.wait_for(lambda m: len(m.model.shown) == 2)
    port = fake_kube.port
    fake_kube.stop()
    mirror.wait_for(lambda m: m.feed.status.state == "retrying")
    replacement = FakeKube(port=port)  # restored from elsewhere: other objects, lower versions
    replacement.apply_object(bare_pod("restored"))
    replacement.start()
    try:
        mirror.wait_for(lambda m: set(m.model.shown) == {"default/restored"}, timeout=8.0)
        assert mirror.feed.status.state == "live"
    finally:
        replacement.stop()


def test_watch_forbidden_but_list_allowed_backs_off(fake_kube: FakeKube, hub: FeedHub) -> None:
    fake_kube.forbid("pods", namespace="default", verbs=("watch",))
    mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
    mirror.wait_for(lambda m: m.feed.status.state == "forbidden")
    fake_kube.clear_requests()
    time.sleep(3.0)
    lists = [r for r in fake_kube.requests if r.path.endswith("/pods") and "watch" not in r.query]
    assert len(lists) <= 4, f"{len(lists)} lists in 3 s: backoff must grow while watches fail"


def test_repeated_410_does_not_spin(fake_kube: FakeKube, hub: FeedHub) -> None:
    fake_kube.apply_object(bare_pod("a"))
    mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], "default")), pod_model())
    mirror.wait_for(lambda m: len(m.model.shown) == 1)
    fake_kube.gone_next_watches(1000)
    fake_kube.expire_watches()
    fake_kube.clear_requests()
    time.sleep(3.0)
    assert len(fake_kube.requests) <= 20, f"{len(fake_kube.requests)} requests in 3 s"
    assert set(mirror.model.shown) == {"default/a"}


def test_throttled_429_is_said_as_such(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.fail_next(1, code=429)
    with pytest.raises(KubeError) as error:
        backend_for(fake_kubeconfig).list(KINDS["pods"], "default")
    assert error.value.status == 429 and "throttling" in error.value.message


def test_a_missing_certificate_file_waits_for_a_fix_instead_of_retrying_at_once(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    """Trying again changes nothing until the file is there: the next try is half a minute
    away. (The client reads certificate files for https servers only.)"""
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kubeconfig")
    doc = yaml.safe_load(kubeconfig.read_text())
    doc["clusters"][0]["cluster"]["server"] = fake_kube.url.replace("http:", "https:")
    doc["users"][0]["user"] = {
        "client-certificate": str(tmp_path / "gone.crt"),
        "client-key": str(tmp_path / "gone.key"),
    }
    kubeconfig.write_text(yaml.safe_dump(doc))
    hub = FeedHub(backend_for(kubeconfig), watch_timeout=5)
    try:
        mirror = Mirror(hub.open(FeedSpec(KINDS["deployments"], "default")), deployment_model())
        mirror.wait_for(lambda m: m.feed.status.state == "retrying")
        status = mirror.feed.status
        assert "cannot load credentials for context 'fake'" in status.message
        assert "gone.crt" in status.message
        assert status.retry_at is not None
        assert status.retry_at - time.monotonic() > 20, "retried within seconds"
    finally:
        hub.stop_all()


def test_a_transient_error_is_still_retried_within_a_second(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    """The control: a refused list (not a permanent error) is tried again soon."""
    fake_kube.forbid("deployments")
    mirror = Mirror(hub.open(FeedSpec(KINDS["deployments"], "default")), deployment_model())
    mirror.wait_for(lambda m: m.feed.status.state == "forbidden")
    status = mirror.feed.status
    assert status.retry_at is not None and status.retry_at - time.monotonic() < 1.0
