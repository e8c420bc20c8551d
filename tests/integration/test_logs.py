"""Multi-pod log following through the fake API server's log endpoint (the real client).

Fake-only: a kubemark hollow node serves no logs (the API server answers 500, see
tests/conformance/answers/53-logs-hollow-node.json), so the e2e suite has no log scenario."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.logs import LogLine
from gok_tui.store.feeds import FeedHub
from gok_tui.store.logs import LogFollower, LogRequest
from gok_tui.store.watch import FeedSpec

from tests.integration.helpers import bare_pod, deployment
from tests.kubefake import FakeKube, wait_until


class Following:
    """A follower fed by a live pod watch, as the Logs view runs it."""

    def __init__(self, backend: KubeBackend, request: LogRequest) -> None:
        self.hub = FeedHub(backend, watch_timeout=5)
        self.feed = self.hub.open(FeedSpec(KINDS["pods"], request.namespace, request.selector))
        self.follower = LogFollower(backend, request)
        self.pods: dict[str, dict[str, Any]] = {}
        self.lines: list[LogLine] = []

    def pump(self) -> None:
        drained = self.feed.drain()
        if drained.snapshot is not None:
            self.pods = {o["metadata"]["name"]: o for o in drained.snapshot.values()}
        for key, obj in drained.changes.items():
            name = key.split("/", 1)[1]
            if obj is None:
                self.pods.pop(name, None)
            else:
                self.pods[name] = obj
        if self.request_pod is not None:
            self.pods = {k: v for k, v in self.pods.items() if k == self.request_pod}
        self.follower.update_pods(self.pods)
        self.lines.extend(self.follower.drain())

    @property
    def request_pod(self) -> str | None:
        return self.follower.request.pod

    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    def wait(self, predicate: Callable[[list[str]], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if predicate(self.texts()):
                return
            time.sleep(0.05)
        raise AssertionError(f"lines never matched; got {self.texts()[-20:]}")

    def stop(self) -> None:
        self.follower.stop()
        self.hub.stop_all()


@pytest.fixture
def backend(fake_kubeconfig: Path) -> Iterator[KubeBackend]:
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    backend = KubeBackend(target)
    yield backend
    backend.close()


@pytest.fixture
def follow(backend: KubeBackend) -> Iterator[Callable[[LogRequest], Following]]:
    made: list[Following] = []

    def start(request: LogRequest) -> Following:
        following = Following(backend, request)
        made.append(following)
        return following

    yield start
    for following in made:
        following.stop()


def running(fake: FakeKube, name: str) -> None:
    wait_until(
        lambda: any(
            "running" in (s.get("state") or {})
            for s in (fake.get_object("pods", "default", name).get("status") or {}).get(
                "containerStatuses"
            )
            or []
        )
    )


def pod_names(fake: FakeKube, app: str) -> list[str]:
    return sorted(
        p["metadata"]["name"]
        for p in fake.list_objects("pods", "default")
        if p["metadata"].get("labels", {}).get("app") == app
        and not p["metadata"].get("deletionTimestamp")
    )


def test_following_a_deployment_across_a_rollout(fake_kube: FakeKube, follow) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=2))
    wait_until(lambda: len(pod_names(fake_kube, "web")) == 2)
    old = pod_names(fake_kube, "web")
    for name in old:
        running(fake_kube, name)
        fake_kube.append_log("default", name, "web", [f"hello from {name}"])
    f = follow(LogRequest("default", "deploy/web", selector="app=web"))
    f.wait(lambda t: all(f"hello from {n}" in t for n in old))
    assert [s.label for s in f.follower.sources] == [f"{n}/web" for n in old]

    fake_kube.apply_object(deployment("web", image="web:2", replicas=2))  # a rollout
    wait_until(lambda: set(pod_names(fake_kube, "web")).isdisjoint(old), timeout=15)
    new = pod_names(fake_kube, "web")
    for name in new:
        running(fake_kube, name)
        fake_kube.append_log("default", name, "web", [f"new pod {name} up"])
    f.wait(lambda t: all(f"new pod {n} up" in t for n in new), timeout=15)
    f.wait(lambda t: sum("is gone; its log ends here" in x for x in t) == 2, timeout=15)
    assert f.follower.streams == 2  # the old pods' streams have ended


def test_a_restart_writes_a_marker_and_no_line_is_lost_or_repeated(
    fake_kube: FakeKube, follow
) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    running(fake_kube, "api-1")
    fake_kube.append_log("default", "api-1", "main", ["one", "two"])
    f = follow(LogRequest("default", "pod/api-1", pod="api-1"))
    f.wait(lambda t: t[-2:] == ["one", "two"])
    fake_kube.restart_container("default", "api-1", "main")
    fake_kube.append_log("default", "api-1", "main", ["three after restart"])
    f.wait(lambda t: "three after restart" in t, timeout=15)
    texts = f.texts()
    assert texts.count("one") == 1 and texts.count("two") == 1
    restart = next(i for i, t in enumerate(texts) if "restarted" in t)
    assert restart < texts.index("three after restart")
    assert f.lines[restart].marker


def test_the_previous_container(fake_kube: FakeKube, follow) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    running(fake_kube, "api-1")
    fake_kube.append_log("default", "api-1", "main", ["panic: out of cheese"])
    fake_kube.restart_container("default", "api-1", "main")
    fake_kube.append_log("default", "api-1", "main", ["fresh start"])
    f = follow(LogRequest("default", "pod/api-1", pod="api-1", previous=True))
    f.wait(lambda t: "--- end of the previous container's log ---" in t)
    assert "panic: out of cheese" in f.texts() and "fresh start" not in f.texts()


def test_a_pod_not_running_yet_says_it_is_waiting(fake_kube: FakeKube, follow) -> None:
    fake_kube.pod_readiness = "manual"
    fake_kube.apply_object(bare_pod("slow-1", labels={"app": "slow"}))
    wait_until(lambda: fake_kube.get_object("pods", "default", "slow-1").get("status"))
    fake_kube.set_container_state(
        "default", "slow-1", "main", {"waiting": {"reason": "ContainerCreating"}}
    )
    f = follow(LogRequest("default", "pod/slow-1", pod="slow-1"))
    f.wait(lambda t: "--- waiting for main to start: ContainerCreating ---" in t)


def test_hostile_bytes_never_reach_the_terminal(fake_kube: FakeKube, follow) -> None:
    fake_kube.apply_object(bare_pod("evil-1", labels={"app": "evil"}))
    running(fake_kube, "evil-1")
    hostile = [
        b"\x1b[2J\x1b[Hcleared your screen",
        b"\x1b]0;owned title\x07after osc",
        b"bad utf8 \xff\xfe here",
        b"nul\x00byte and bell\x07",
        b"x" * 100_000,
    ]
    fake_kube.append_log("default", "evil-1", "main", hostile)
    f = follow(LogRequest("default", "pod/evil-1", pod="evil-1"))
    f.wait(lambda t: len(t) >= 5)
    texts = f.texts()
    assert texts[0] == "cleared your screen"
    assert texts[1] == "after osc"
    assert texts[2] == "bad utf8 \ufffd\ufffd here"
    assert texts[3] == "nul\\x00byte and bell\\x07"
    assert len(texts[4]) < 4_100 and texts[4].endswith("more characters)")
    for text in texts:
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text)


def test_a_dropped_connection_resumes_without_repeating_or_losing_lines(
    fake_kube: FakeKube, follow
) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    running(fake_kube, "api-1")
    fake_kube.append_log("default", "api-1", "main", [f"before {n}" for n in range(50)])
    f = follow(LogRequest("default", "pod/api-1", pod="api-1", tail_lines=None))
    f.wait(lambda t: "before 49" in t)
    fake_kube.expire_watches()  # the server ends every open stream, as an API server restart does
    fake_kube.append_log("default", "api-1", "main", [f"after {n}" for n in range(50)])
    f.wait(lambda t: "after 49" in t, timeout=15)
    texts = [t for t in f.texts() if not t.startswith("---")]
    assert texts == [f"before {n}" for n in range(50)] + [f"after {n}" for n in range(50)]


def init_wait_pod(fake: FakeKube, name: str = "init-wait") -> None:
    """A pod whose init container ``migrate`` crash-loops, its main container ``c`` waiting on
    it, as a kubelet reports it; the crashed migrate's log is the previous one."""
    fake.pod_readiness = "manual"
    pod = bare_pod(name, labels={"app": "init"})
    pod["spec"]["initContainers"] = [{"name": "migrate", "image": "migrate:1"}]
    pod["spec"]["containers"] = [{"name": "c", "image": "app:1"}]
    fake.apply_object(pod)
    wait_until(lambda: fake.get_object("pods", "default", name).get("status") or {})
    fake.append_log(
        "default", name, "migrate", ["migrating", "error: relation users exists"], previous=True
    )
    fake.patch_pod_status(
        "default",
        name,
        {
            "phase": "Pending",
            "conditions": [
                {"type": "Initialized", "status": "False", "reason": "ContainersNotInitialized"},
                {"type": "Ready", "status": "False"},
            ],
            "initContainerStatuses": [
                {
                    "name": "migrate",
                    "ready": False,
                    "restartCount": 3,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}},
                }
            ],
            "containerStatuses": [
                {
                    "name": "c",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"waiting": {"reason": "PodInitializing"}},
                }
            ],
        },
    )


def test_all_containers_of_an_initialising_pod_follows_its_init_container(
    fake_kube: FakeKube, follow
) -> None:
    init_wait_pod(fake_kube)
    f = follow(LogRequest("default", "pod/init-wait", selector="app=init"))
    f.wait(lambda t: "--- waiting for migrate to start: CrashLoopBackOff ---" in t)
    assert [s.label for s in f.follower.sources] == ["init-wait/migrate"]
    assert not any("waiting for c" in t for t in f.texts())

    # migrate runs again, succeeds, and the main container starts: it is followed too
    fake_kube.patch_pod_status(
        "default",
        "init-wait",
        {
            "initContainerStatuses": [
                {"name": "migrate", "restartCount": 4, "state": {"running": {}}}
            ]
        },
    )
    fake_kube.append_log("default", "init-wait", "migrate", ["migrated"])
    f.wait(lambda t: "migrated" in t)
    fake_kube.append_log("default", "init-wait", "c", ["serving on :8080"])
    fake_kube.patch_pod_status(
        "default",
        "init-wait",
        {
            "phase": "Running",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "initContainerStatuses": [
                {"name": "migrate", "restartCount": 4, "state": {"terminated": {"exitCode": 0}}}
            ],
            "containerStatuses": [{"name": "c", "restartCount": 0, "state": {"running": {}}}],
        },
    )
    f.wait(lambda t: "serving on :8080" in t)
    assert [s.label for s in f.follower.sources] == ["init-wait/migrate", "init-wait/c"]


def test_the_previous_log_of_an_init_container(fake_kube: FakeKube, follow) -> None:
    init_wait_pod(fake_kube)
    for container in ("migrate", None):  # chosen, or "all" while the pod initialises
        f = follow(
            LogRequest(
                "default", "pod/init-wait", pod="init-wait", container=container, previous=True
            )
        )
        f.wait(lambda t: "--- end of the previous container's log ---" in t)
        assert f.texts()[:2] == ["migrating", "error: relation users exists"]
        assert not any("no previous container" in t for t in f.texts())
