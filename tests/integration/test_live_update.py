"""Live update end to end: files on disk, watchfiles, the loop, exec into the fake API server's
pods (whose containers keep the files ``tar`` wrote and ``cat`` prints them), and the private
Docker engine for the builds that a change outside the sync rules, or a failed sync, needs."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gok_tui.actions.audit import AuditLog
from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.config.project import load_project
from gok_tui.devloop.history import BuildHistory, BuildRecord
from gok_tui.devloop.loop import BuildDone, BuildStarted, ChangeRouted, DeployDone, DevLoop
from gok_tui.devloop.services import ServiceLoops

from tests.integration.helpers import deployment
from tests.integration.test_cli import run
from tests.integration.test_devloop import QUICK_DOCKERFILE, Events
from tests.integration.test_devloop_services import Tagged, make_services_project
from tests.kubefake import FakeKube, wait_until
from tests.kubefake.streams import V4

RUNNING = "seeded"  # the tag of the build the Deployment runs when a test starts


class Harness:
    def __init__(self, loop: DevLoop, events: Events, root: Path, backend: KubeBackend) -> None:
        self.loop, self.events, self.root, self.backend = loop, events, root, backend

    def routed(self, count: int = 1) -> list[ChangeRouted]:
        self.events.wait(lambda: len(self.events.of(ChangeRouted)) >= count, 60, "a route")
        return self.events.of(ChangeRouted)

    def pods(self) -> list[str]:
        items = self.backend.get_json("/api/v1/namespaces/default/pods")["items"]
        return sorted(p["metadata"]["name"] for p in items)

    def cat(self, pod: str, path: str) -> tuple[int, bytes]:
        """What a user sees with ``kubectl exec POD -- cat PATH``."""
        result = self.backend.run_command("default", pod, "web", ["cat", path], timeout=10)
        return result.exit_code, result.stdout


def make_project(
    root: Path, busybox: Path, repository: str, sync: str, delivery: str = "none"
) -> Path:
    (root / "static").mkdir(parents=True)
    shutil.copy2(busybox, root / "busybox")
    (root / "Dockerfile").write_text(QUICK_DOCKERFILE)
    (root / "app.txt").write_text("version 1\n")
    (root / "static" / "index.html").write_text("<h1>v1</h1>\n")
    (root / ".dockerignore").write_text("gok.toml\n")
    (root / "gok.toml").write_text(
        f"""
[image]
repository = "{repository}"
tag_policy = "content"

[deploy]
namespace = "default"
deployment = "web"
container = "web"
delivery = "{delivery}"
auto_deploy = false

[watch]
debounce_ms = 100
{sync}
"""
    )
    return root


SYNC_STATIC = '\n[[sync]]\nlocal = "static"\ncontainer = "/www"\nrun = ["touch", "/tmp/reloaded"]\n'


@pytest.fixture
def live(
    tmp_path: Path,
    engine: DockerBackend,
    busybox_binary: Path,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> Iterator[Callable[..., Harness]]:
    loops: list[DevLoop] = []
    backends: list[KubeBackend] = []

    def make(*, readonly: bool = False, sync: str = SYNC_STATIC, replicas: int = 2) -> Harness:
        repository = f"gok-test/live-{uuid.uuid4().hex[:8]}"
        root = make_project(tmp_path / "project", busybox_binary, repository, sync)
        image = f"{repository}:{RUNNING}"
        fake_kube.apply_object(deployment("web", image=image, replicas=replicas))
        wait_until(
            lambda: (
                len(
                    [
                        p
                        for p in fake_kube.list_objects("pods", "default")
                        if any(
                            c.get("type") == "Ready" and c.get("status") == "True"
                            for c in (p.get("status") or {}).get("conditions") or []
                        )
                    ]
                )
                == replicas
            ),
            timeout=30,
        )
        history = BuildHistory(tmp_path / "history.jsonl")  # the build the Deployment runs
        history.append(
            BuildRecord(
                time.time(),
                ("manual",),
                1.0,
                "ok",
                tag=RUNNING,
                image=image,
                delivery="none",
                project=str(root.resolve()),
                loaded_into="fake",
            )
        )
        target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
        assert target is not None
        backend = KubeBackend(target, readonly=readonly)
        reader = KubeBackend(target)
        backends.extend((backend, reader))
        events = Events()
        loop = DevLoop(
            load_project(root),
            engine,
            lambda: backend,
            events,
            history=history,
            audit=AuditLog(tmp_path / "audit.jsonl"),
            readonly=lambda: readonly,
            network_mode="none",
        )
        loops.append(loop)
        loop.start(watch=True)
        time.sleep(0.3)  # the first change must not race the watcher's start
        return Harness(loop, events, root, reader)

    yield make
    for loop in loops:
        loop.stop()
    for backend in backends:
        backend.close()


def test_a_save_under_a_sync_rule_lands_in_every_pod_without_a_build(
    live: Callable[..., Harness], tmp_path: Path
) -> None:
    h = live()
    (h.root / "static" / "index.html").write_text("<h1>v2</h1>\n")
    (route,) = h.routed()
    assert route.path == "synced", route.message
    assert route.message.startswith("synced 1 file to 2 pods in ")
    for pod in h.pods():
        assert h.cat(pod, "/www/index.html") == (0, b"<h1>v2</h1>\n")
        assert h.cat(pod, "/tmp/reloaded")[0] == 0  # the rule's run command ran there
    time.sleep(0.5)
    assert h.events.of(BuildStarted) == []
    (entry,) = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert (entry["action"], entry["name"], entry["ok"]) == ("sync", "web", True)
    assert entry["patch"]["files"] == 1 and entry["patch"]["pods"] == h.pods()
    assert "v2" not in json.dumps(entry)  # counts and pods, never contents


def test_a_deleted_file_is_removed_from_the_pods(live: Callable[..., Harness]) -> None:
    h = live(replicas=1)
    (h.root / "static" / "old.css").write_text("h1 {}\n")
    assert h.routed()[-1].path == "synced"
    (pod,) = h.pods()
    assert h.cat(pod, "/www/old.css") == (0, b"h1 {}\n")
    (h.root / "static" / "old.css").unlink()
    assert h.routed(2)[-1].path == "synced"
    assert h.cat(pod, "/www/old.css")[0] == 1
    assert h.events.of(BuildStarted) == []


def test_a_save_outside_the_sync_rules_builds(live: Callable[..., Harness]) -> None:
    h = live()
    (h.root / "app.txt").write_text("version 2\n")
    (route,) = h.routed()
    assert route == ChangeRouted("rebuilt", "rebuilt: app.txt is outside the sync rules")
    h.events.wait(lambda: h.events.of(BuildDone), 90, "the build")
    assert h.events.of(BuildStarted)[0].trigger == ("app.txt",)


def test_a_sync_the_cluster_refuses_falls_back_to_a_build(
    live: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    h = live()
    fake_kube.forbid("pods/exec", "default", verbs=("create", "get"))
    (h.root / "static" / "index.html").write_text("<h1>v2</h1>\n")
    (route,) = h.routed()
    assert route.path == "fallback"
    assert route.message.startswith("sync failed: not allowed: get pods/exec in namespace default")
    assert route.message.endswith("-> rebuilding")
    h.events.wait(lambda: h.events.of(BuildDone), 90, "the build")
    assert h.events.of(BuildStarted)[0].trigger == ("static/index.html",)


def test_a_failing_run_command_falls_back_to_a_build(live: Callable[..., Harness]) -> None:
    h = live(sync='\n[[sync]]\nlocal = "static"\ncontainer = "/www"\nrun = "false"\n')
    (h.root / "static" / "index.html").write_text("<h1>v2</h1>\n")
    (route,) = h.routed()
    assert route.path == "fallback"
    assert route.message.endswith(": false exited 1 -> rebuilding")
    h.events.wait(lambda: h.events.of(BuildDone), 90, "the build")


def test_a_server_before_1_30_syncs_too(live: Callable[..., Harness], fake_kube: FakeKube) -> None:
    """v4.channel.k8s.io (Kubernetes 1.28, 1.29) cannot close a command's stdin: the tar's
    input ends after the archive's length instead."""
    h = live(replicas=1)
    fake_kube.streams.protocols = (V4,)
    (h.root / "static" / "index.html").write_text("<h1>v2</h1>\n")
    (route,) = h.routed()
    assert route.path == "synced", route.message
    (pod,) = h.pods()
    assert h.cat(pod, "/www/index.html") == (0, b"<h1>v2</h1>\n")
    assert h.events.of(BuildStarted) == []


def test_read_only_refuses_the_sync_and_says_so(
    live: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    h = live(readonly=True)
    fake_kube.clear_requests()
    (h.root / "static" / "index.html").write_text("<h1>v2</h1>\n")
    (route,) = h.routed()
    assert route == ChangeRouted(
        "fallback",
        "sync failed: read-only mode: nothing is copied into running containers -> rebuilding",
    )
    assert not [r for r in fake_kube.requests if "exec" in r.path]
    for pod in h.pods():
        assert h.cat(pod, "/www/index.html")[0] == 1


def test_a_sync_path_outside_the_context_is_one_line_at_start(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "gok.toml").write_text(
        '[image]\nrepository = "127.0.0.1:5000/web"\ncontext = "app"\n\n'
        '[[sync]]\nlocal = "../secrets"\ncontainer = "/www"\n'
    )
    result = run([], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "gok.toml: sync.1.local: '../secrets' is outside the build context 'app'" in line


def test_after_build_and_rollout_a_save_in_one_service_syncs_and_nothing_builds(
    tmp_path: Path,
    engine: DockerBackend,
    busybox_binary: Path,
    registry: str,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> None:
    """Two services, web with a sync rule: both built, pushed and rolled out by the loop, then
    a save under web's rule lands in web's pod; neither service builds again."""
    root = make_services_project(tmp_path / "project", busybox_binary, registry)
    (root / "web" / "static").mkdir()
    with (root / "gok.toml").open("a") as toml:  # web is the last [[service]]
        toml.write('[[service.sync]]\nlocal = "static"\ncontainer = "/www"\n')
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    backend = KubeBackend(target)
    events = Tagged()
    group = ServiceLoops(
        load_project(root),
        events,
        lambda project, **options: DevLoop(project, engine, lambda: backend, **options),
        history=BuildHistory(tmp_path / "history.jsonl"),
        audit=AuditLog(tmp_path / "audit.jsonl"),
        network_mode="none",
    )
    try:
        group.start(watch=True, build=True)
        events.wait(lambda: len(events.of(DeployDone)) == 2, what="both rollouts")
        assert all(done.ok for done in events.of(DeployDone)), events.of(DeployDone)
        (root / "web" / "static" / "index.html").write_text("<h1>live</h1>\n")
        events.wait(lambda: events.of(ChangeRouted), what="web's sync")
        (route,) = events.of(ChangeRouted, "web")
        assert route.path == "synced", route.message
        (pod,) = [
            p["metadata"]["name"]
            for p in fake_kube.list_objects("pods", "default")
            if p["metadata"]["name"].startswith("web-")
            and not p["metadata"].get("deletionTimestamp")
        ]
        result = backend.run_command("default", pod, "web", ["cat", "/www/index.html"])
        assert (result.exit_code, result.stdout) == (0, b"<h1>live</h1>\n")
        time.sleep(0.5)
        assert len(events.of(BuildStarted)) == 2 and events.of(ChangeRouted, "api") == []
    finally:
        group.stop()
        backend.close()


def test_an_image_without_tar_falls_back_to_a_build(
    live: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    h = live(replicas=1)
    fake_kube.streams.missing = {"tar"}
    (h.root / "static" / "index.html").write_text("<h1>v2</h1>\n")
    (route,) = h.routed()
    assert route.path == "fallback"
    # the runtime's "executable file not found", or the broken pipe of the archive still being
    # sent when the session ended for it: which one the backend reports is a race
    assert route.message.startswith("sync failed: ") and route.message.endswith("-> rebuilding")
    h.events.wait(lambda: h.events.of(BuildDone), 90, "the build")
