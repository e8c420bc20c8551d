"""Several services in one gok.toml, on real parts: files on disk, watchfiles, the private
Docker engine and registry, the fake API server for the rollouts; and the build gok-tui makes
when it opens, through the Session as the app wires it."""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.actions.audit import AuditLog
from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.config.project import load_project
from gok_tui.config.settings import Settings
from gok_tui.devloop.history import BuildHistory
from gok_tui.devloop.loop import (
    BuildDone,
    BuildStarted,
    DeployDone,
    DeployStarted,
    DevLoop,
    LoopNote,
    RolloutUpdate,
)
from gok_tui.devloop.services import ServiceEvent, ServiceLoops
from gok_tui.session import Session

from tests.integration.test_devloop import BROKEN_DOCKERFILE, QUICK_DOCKERFILE, mutating
from tests.kubefake import FakeKube

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: placeholder:0
"""


def make_services_project(
    root: Path,
    busybox: Path,
    registry: str,
    *,
    dockerfiles: dict[str, str] | None = None,
    depends: str = 'depends_on = ["api"]',
    max_parallel_builds: int = 2,
) -> Path:
    """api and web, each its own context, manifest and Deployment; web deploys after api."""
    suffix = uuid.uuid4().hex[:8]
    (root / "k8s").mkdir(parents=True)
    (root / ".dockerignore").write_text("k8s/\ngok.toml\n")
    for name in ("api", "web"):
        context = root / name
        context.mkdir()
        shutil.copy2(busybox, context / "busybox")
        (context / "Dockerfile").write_text((dockerfiles or {}).get(name, QUICK_DOCKERFILE))
        (context / "app.txt").write_text(f"{name} 1\n")
        (root / "k8s" / f"{name}.yaml").write_text(MANIFEST.format(name=name))
    services = "".join(
        f"""
[[service]]
name = "{name}"
{depends if name == "web" else ""}
[service.image]
repository = "{registry}/{name}-{suffix}"
context = "{name}"
tag_policy = "content"
[service.deploy]
namespace = "default"
deployment = "{name}"
container = "{name}"
manifests = ["k8s/{name}.yaml"]
[service.watch]
paths = ["."]
debounce_ms = 200
"""
        for name in ("api", "web")
    )
    dev = f"[dev]\nmax_parallel_builds = {max_parallel_builds}\n"
    (root / "gok.toml").write_text(dev + services)
    return root


class Tagged:
    """What the loops emit, by service."""

    def __init__(self) -> None:
        self.items: list[ServiceEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: ServiceEvent) -> None:
        with self._lock:
            self.items.append(event)

    def of(self, kind: type, service: str | None = None) -> list[Any]:
        with self._lock:
            return [
                e.event
                for e in self.items
                if isinstance(e.event, kind) and service in (None, e.service)
            ]

    def order(self, kind: type) -> list[str]:
        with self._lock:
            return [e.service for e in self.items if isinstance(e.event, kind)]

    def wait(self, predicate: Callable[[], object], timeout: float = 90.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; events: {self.items[-15:]}")


@pytest.fixture
def services(
    tmp_path: Path,
    engine: DockerBackend,
    busybox_binary: Path,
    registry: str,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> Iterator[Callable[..., tuple[ServiceLoops, Tagged, Path]]]:
    groups: list[ServiceLoops] = []
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    backend = KubeBackend(target)

    def make(*, watch: bool = False, **kw: Any) -> tuple[ServiceLoops, Tagged, Path]:
        root = make_services_project(tmp_path / "project", busybox_binary, registry, **kw)
        events = Tagged()
        group = ServiceLoops(
            load_project(root),
            events,
            lambda project, **options: DevLoop(project, engine, lambda: backend, **options),
            history=BuildHistory(tmp_path / "history.jsonl"),
            audit=AuditLog(tmp_path / "audit.jsonl"),
            network_mode="none",
        )
        groups.append(group)
        group.start(watch=watch)
        if watch:  # the first change must not race the watchers' start
            time.sleep(0.3)
        return group, events, root

    yield make
    for group in groups:
        group.stop()
    backend.close()


def image_of(fake_kube: FakeKube, name: str) -> str:
    obj = fake_kube.get_object("deployments", "default", name)
    assert obj is not None, f"deployment {name} does not exist"
    return str(obj["spec"]["template"]["spec"]["containers"][0]["image"])


def test_both_services_build_and_deploy_and_web_rolls_out_after_api(
    services: Callable[..., tuple[ServiceLoops, Tagged, Path]], fake_kube: FakeKube
) -> None:
    group, events, _ = services()
    group["web"].build_now()  # web first: its deploy must still wait for api's
    group["api"].build_now()
    events.wait(lambda: len(events.of(DeployDone)) == 2, what="both rollouts")
    assert all(done.ok for done in events.of(DeployDone)), events.of(DeployDone)
    assert events.order(DeployDone) == ["api", "web"]
    (api_done,) = events.of(DeployDone, "api")
    (web_started,) = events.of(DeployStarted, "web")
    assert events.items.index(ServiceEvent("api", api_done)) < events.items.index(
        ServiceEvent("web", web_started)
    )
    assert any(
        note.message == "waiting for api (depends_on) before deploying"
        for note in events.of(LoopNote, "web")
    )
    for name in ("api", "web"):
        (done,) = events.of(BuildDone, name)
        assert image_of(fake_kube, name) == f"{group[name].service.image.repository}:" + (
            done.record.tag
        )


def test_a_broken_service_does_not_keep_the_other_from_deploying(
    services: Callable[..., tuple[ServiceLoops, Tagged, Path]], fake_kube: FakeKube
) -> None:
    """api's Dockerfile fails; web, which depends on api, still builds and rolls out."""
    group, events, _ = services(dockerfiles={"api": BROKEN_DOCKERFILE})
    group["api"].build_now()
    group["web"].build_now()
    events.wait(lambda: events.of(DeployDone, "web"), what="web's rollout")
    (api_built,) = events.of(BuildDone, "api")
    assert api_built.record.result == "failed"
    assert "missing header" in "\n".join(api_built.failure.error_lines)
    assert events.of(DeployStarted, "api") == []
    assert fake_kube.get_object("deployments", "default", "api") is None
    (web_done,) = events.of(DeployDone, "web")
    assert web_done.ok and "successfully rolled out" in web_done.message


def test_a_change_in_one_context_rebuilds_only_that_service(
    services: Callable[..., tuple[ServiceLoops, Tagged, Path]],
) -> None:
    _, events, root = services(watch=True)
    (root / "web" / "app.txt").write_text("web 2\n")
    events.wait(lambda: events.of(BuildDone, "web"), what="web's build")
    events.wait(lambda: events.of(DeployDone, "web"), what="web's rollout")
    time.sleep(1.0)  # time enough for a wrong build of api to have started
    assert events.of(BuildStarted, "api") == []
    assert [b.trigger for b in events.of(BuildStarted, "web")] == [("web/app.txt",)]
    (root / "api" / "app.txt").write_text("api 2\n")
    (root / "web" / "app.txt").write_text("web 3\n")
    events.wait(lambda: len(events.of(BuildDone)) == 3, what="both rebuilt")
    assert [b.trigger for b in events.of(BuildStarted, "api")] == [("api/app.txt",)]
    assert len(events.of(BuildStarted, "web")) == 2


def test_builds_wait_for_a_slot_when_the_bound_is_one(
    services: Callable[..., tuple[ServiceLoops, Tagged, Path]],
) -> None:
    group, events, _ = services(max_parallel_builds=1, depends="")
    group["api"].build_now()
    group["web"].build_now()
    events.wait(lambda: len(events.of(BuildDone)) == 2, what="both builds")
    kinds = [type(e.event) for e in events.items if isinstance(e.event, BuildStarted | BuildDone)]
    assert kinds == [BuildStarted, BuildDone, BuildStarted, BuildDone]  # one at a time


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (
            {
                "waiting": {
                    "reason": "CrashLoopBackOff",
                    "message": "back-off 40s restarting failed container",
                }
            },
            "keeps crashing (exit code 1, Error)",
        ),
        (
            {
                "waiting": {
                    "reason": "ImagePullBackOff",
                    "message": 'Back-off pulling image "x": not found',
                }
            },
            "ImagePullBackOff",
        ),
    ],
)
def test_a_rollout_whose_new_pods_cannot_run_is_the_builds_failed_outcome(
    services: Callable[..., tuple[ServiceLoops, Tagged, Path]],
    fake_kube: FakeKube,
    state: dict[str, Any],
    words: str,
) -> None:
    fake_kube.pod_readiness = "manual"  # pods start but never become ready by themselves
    group, events, _ = services(depends="")
    group["api"].build_now()
    events.wait(lambda: events.of(DeployStarted, "api"), what="api's deploy")

    def new_pods() -> list[dict[str, Any]]:
        return [
            pod
            for pod in fake_kube.list_objects("pods", "default")
            if pod["metadata"]["name"].startswith("api-")
            and (pod.get("status") or {}).get("containerStatuses")
        ]

    events.wait(new_pods, what="api's pod running")
    for pod in new_pods():
        fake_kube.set_container_state(
            "default",
            pod["metadata"]["name"],
            "api",
            state,
            restart_count=4,
            last_state={"terminated": {"exitCode": 1, "reason": "Error"}},
        )
    events.wait(lambda: events.of(DeployDone, "api"), what="the rollout's end")
    (done,) = events.of(DeployDone, "api")
    assert not done.ok
    assert ": rollout failed: " in done.message, done.message
    assert words in done.message
    last = events.of(RolloutUpdate, "api")[-1].state
    assert last.phase == "failed"


# -- build at start, through the Session ---------------------------------------------------


def open_session(
    root: Path, fake_kubeconfig: Path, docker_host: str, settings: Settings
) -> Session:
    return Session(
        settings=settings,
        target=resolve_target(kubeconfig=str(fake_kubeconfig), environ={}),
        project=load_project(root),
        docker_host=docker_host,
        build_network="none",
        watch_project=True,
    )


def drain(session: Session, into: Tagged) -> None:
    for event in session.build_feed.drain():
        into(event)


def test_opening_builds_and_deploys_every_service_without_a_key(
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> None:
    root = make_services_project(tmp_path / "project", busybox_binary, registry)
    session = open_session(root, fake_kubeconfig, docker_host, Settings())
    events = Tagged()
    try:
        session.start_devloop(at_start=True)
        events.wait(
            lambda: drain(session, events) or len(events.of(DeployDone)) == 2, what="rollouts"
        )
        assert [b.trigger for b in events.of(BuildStarted)] == [("start",), ("start",)]
        assert all(done.ok for done in events.of(DeployDone))
        for name in ("api", "web"):
            assert image_of(fake_kube, name).startswith(
                session.project.service(name).image.repository + ":"  # type: ignore[union-attr]
            )
    finally:
        session.close()


def test_opening_on_a_production_context_builds_nothing_and_says_why(
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> None:
    root = make_services_project(tmp_path / "project", busybox_binary, registry)
    settings = Settings(production_contexts=("fake",))
    session = open_session(root, fake_kubeconfig, docker_host, settings)
    events = Tagged()
    try:
        session.start_devloop(at_start=True)
        events.wait(lambda: drain(session, events) or len(events.of(LoopNote)) == 2, 10, "notes")
        assert [n.message for n in events.of(LoopNote)] == [
            "production context: nothing builds and deploys at start (b builds, D deploys)"
        ] * 2
        time.sleep(1.0)
        drain(session, events)
        assert events.of(BuildStarted) == [] and mutating(fake_kube) == []
    finally:
        session.close()
