"""The inner loop on real parts: files on disk, watchfiles, the private Docker engine and
registry, and the fake API server for the rollout. Nothing here is simulated."""

from __future__ import annotations

import shutil
import subprocess
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
from gok_tui.devloop.history import BuildHistory, BuildRecord
from gok_tui.devloop.loop import (
    BuildDone,
    BuildStarted,
    DeployDone,
    DeployStarted,
    DevLoop,
    LoopEvent,
    LoopNote,
    PushStep,
    RolloutUpdate,
)
from gok_tui.domain.build import PushLayer, StepCached
from gok_tui.session import Session

from tests.docker_env import free_port
from tests.integration.helpers import deployment
from tests.kubefake import FakeKube

QUICK_DOCKERFILE = """\
FROM scratch AS builder
COPY busybox /bin/busybox
COPY app.txt /src/app.txt
RUN ["/bin/busybox", "cp", "/src/app.txt", "/out.txt"]
FROM scratch
COPY --from=builder /out.txt /app.txt
"""
SLOW_DOCKERFILE = QUICK_DOCKERFILE.replace(
    'RUN ["/bin/busybox", "cp"', 'RUN ["/bin/busybox", "sleep", "2"]\nRUN ["/bin/busybox", "cp"'
)
BROKEN_DOCKERFILE = QUICK_DOCKERFILE.replace(
    'RUN ["/bin/busybox", "cp", "/src/app.txt", "/out.txt"]',
    'RUN ["/bin/busybox", "sh", "-c", "echo compiling; echo missing header >&2; exit 3"]',
)
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: placeholder:0
"""


class Events:
    def __init__(self) -> None:
        self.items: list[LoopEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: LoopEvent) -> None:
        with self._lock:
            self.items.append(event)

    def of(self, kind: type) -> list[Any]:
        with self._lock:
            return [e for e in self.items if isinstance(e, kind)]

    def wait(self, predicate: Callable[[], object], timeout: float = 60.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; events: {self.items[-15:]}")


def make_project(
    tmp_path: Path,
    busybox: Path,
    repository: str,
    *,
    dockerfile: str = QUICK_DOCKERFILE,
    auto_deploy: bool = True,
    delivery: str = "push",
    debounce_ms: int = 200,
) -> Path:
    root = tmp_path / "project"
    (root / "k8s").mkdir(parents=True)
    (root / "ignored").mkdir()
    shutil.copy2(busybox, root / "busybox")
    (root / "Dockerfile").write_text(dockerfile)
    (root / "app.txt").write_text("version 1\n")
    (root / ".dockerignore").write_text("k8s/\ngok.toml\nignored/\n")
    (root / ".gitignore").write_text("*.log\n")
    (root / "k8s" / "deploy.yaml").write_text(MANIFEST.format(replicas=2))
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
auto_deploy = {"true" if auto_deploy else "false"}
manifests = ["k8s/deploy.yaml"]

[watch]
paths = ["."]
debounce_ms = {debounce_ms}
"""
    )
    return root


class Harness:
    def __init__(self, loop: DevLoop, events: Events, root: Path) -> None:
        self.loop, self.events, self.root = loop, events, root

    def builds(self) -> list[BuildStarted]:
        return self.events.of(BuildStarted)

    def done(self) -> list[BuildDone]:
        return self.events.of(BuildDone)

    def wait_builds_done(self, count: int, timeout: float = 90.0) -> list[BuildDone]:
        self.events.wait(lambda: len(self.done()) >= count, timeout, f"{count} builds done")
        return self.done()


@pytest.fixture
def harness(
    tmp_path: Path,
    engine: DockerBackend,
    busybox_binary: Path,
    registry: str,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> Iterator[Callable[..., Harness]]:
    loops: list[DevLoop] = []
    backends: list[KubeBackend] = []

    def make(
        *,
        watch: bool = True,
        repository: str | None = None,
        readonly: bool = False,
        production: bool = False,
        **kw: Any,
    ) -> Harness:
        repository = repository or f"{registry}/devloop-{uuid.uuid4().hex[:8]}"
        root = make_project(tmp_path, busybox_binary, repository, **kw)
        target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
        assert target is not None
        backend = KubeBackend(target, readonly=readonly)
        backends.append(backend)
        events = Events()
        loop = DevLoop(
            load_project(root),
            engine,
            lambda: backend,
            events,
            history=BuildHistory(tmp_path / "history.jsonl"),
            audit=AuditLog(tmp_path / "audit.jsonl"),
            readonly=lambda: readonly,
            production=lambda _context: production,
            network_mode="none",
        )
        loops.append(loop)
        loop.start(watch=watch)
        if watch:  # the first change must not race the watcher's start
            time.sleep(0.3)
        return Harness(loop, events, root)

    yield make
    for loop in loops:
        loop.stop()
    for backend in backends:
        backend.close()


def mutating(fake_kube: FakeKube) -> list[Any]:
    return [r for r in fake_kube.requests if r.method not in ("GET", "HEAD")]


def test_an_edit_triggers_exactly_one_build_after_the_debounce(
    harness: Callable[..., Harness],
) -> None:
    h = harness(auto_deploy=False, delivery="none")
    for n in range(3):  # a burst of saves, as an editor makes them
        (h.root / "app.txt").write_text(f"version {n + 2}\n")
        time.sleep(0.03)
    (done,) = h.wait_builds_done(1)
    time.sleep(1.0)
    assert len(h.builds()) == 1
    assert h.builds()[0].trigger == ("app.txt",)
    assert done.record.ok and done.record.image_id.startswith("sha256:")


def test_sed_in_place_triggers_one_build_named_for_the_edited_file(
    harness: Callable[..., Harness],
) -> None:
    """sed -i writes a sedXXXXXX file beside the target and renames it over the target."""
    h = harness(auto_deploy=False, delivery="none")
    subprocess.run(["sed", "-i", "s/version 1/version 2/", str(h.root / "app.txt")], check=True)
    h.wait_builds_done(1)
    time.sleep(1.0)
    assert [b.trigger for b in h.builds()] == [("app.txt",)]


def test_an_edit_of_gok_toml_says_a_restart_is_needed(harness: Callable[..., Harness]) -> None:
    h = harness(auto_deploy=False, delivery="none")
    (h.root / "gok.toml").write_text((h.root / "gok.toml").read_text() + "\n# edited\n")
    h.events.wait(lambda: h.events.of(LoopNote), 10, "the note")
    assert h.events.of(LoopNote)[0].message.startswith("gok.toml changed: restart gok-tui")
    time.sleep(0.5)
    assert h.builds() == []  # gok.toml is dockerignored in this project: nothing to build


def test_edits_under_ignored_paths_trigger_no_build(harness: Callable[..., Harness]) -> None:
    h = harness(auto_deploy=False, delivery="none")
    (h.root / "ignored" / "notes.txt").write_text("dockerignored\n")
    (h.root / "debug.log").write_text("gitignored\n")
    (h.root / ".git").mkdir()
    (h.root / ".git" / "index").write_text("git internals\n")
    (h.root / "app.txt.swp").write_text("editor swap file\n")
    time.sleep(1.5)
    assert h.builds() == []


def test_edits_during_a_build_give_one_follow_up_build(
    harness: Callable[..., Harness],
) -> None:
    h = harness(auto_deploy=False, delivery="none", dockerfile=SLOW_DOCKERFILE)
    (h.root / "app.txt").write_text("first\n")
    h.events.wait(lambda: h.builds(), 10, "the first build to start")
    for n in range(3):
        (h.root / "app.txt").write_text(f"during {n}\n")
        time.sleep(0.2)
    h.wait_builds_done(2)
    time.sleep(1.5)
    assert len(h.builds()) == 2


def test_the_second_build_of_the_same_context_reports_cached_steps(
    harness: Callable[..., Harness],
) -> None:
    h = harness(watch=False, auto_deploy=False, delivery="none")
    h.loop.build_now()
    h.wait_builds_done(1)
    h.loop.build_now()
    _, second = h.wait_builds_done(2)
    assert second.record.steps_cached >= 2  # COPY busybox, COPY app.txt, RUN, COPY --from
    assert second.record.steps_cached == second.record.steps_total - 2  # both FROM lines
    assert h.events.of(BuildStarted)[1].trigger == ("manual",)
    assert any(isinstance(e.event, StepCached) for e in h.events.items if hasattr(e, "event"))


def test_a_broken_dockerfile_shows_the_failing_step_and_deploys_nothing(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    fake_kube.apply_object(deployment("web", image="web:running"))
    fake_kube.clear_requests()
    h = harness(watch=False, dockerfile=BROKEN_DOCKERFILE)
    h.loop.build_now()
    (done,) = h.wait_builds_done(1)
    time.sleep(0.5)
    assert done.record.result == "failed"
    assert done.failure is not None and done.failure.step_index == 4
    assert "missing header" in "\n".join(done.failure.error_lines)
    assert done.record.message.startswith("The build failed at step 4: RUN")
    assert done.record.message.endswith("returned a non-zero code: 3")
    assert mutating(fake_kube) == [] and not h.events.of(DeployStarted)
    web = fake_kube.get_object("deployments", "default", "web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "web:running"


def test_build_push_and_rollout_followed_to_success(
    harness: Callable[..., Harness], fake_kube: FakeKube, engine: DockerBackend, registry: str
) -> None:
    fake_kube.apply_object(deployment("web", image="web:old", replicas=2))
    h = harness(watch=False)
    h.loop.build_now()
    h.events.wait(lambda: h.events.of(DeployDone), 90, "the rollout to finish")
    (done,) = h.done()
    ref = f"{h.loop.project.image.repository}:{done.record.tag}"
    (deploy_done,) = h.events.of(DeployDone)
    assert deploy_done.ok, deploy_done.message
    assert "successfully rolled out" in deploy_done.message
    web = fake_kube.get_object("deployments", "default", "web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == ref
    assert any(isinstance(e.event, PushLayer) for e in h.events.of(PushStep))
    repository = h.loop.project.image.repository.split("/", 1)[1]
    assert done.record.tag in engine.registry_tags(registry, repository)
    states = [e.state for e in h.events.of(RolloutUpdate)]
    assert states[-1].phase == "complete" and states[-1].new is not None
    assert states[-1].new.images == (ref,)
    audit = (h.loop.audit.path).read_text()  # type: ignore[union-attr]
    assert '"action": "rollout"' in audit and ref in audit


def test_a_second_build_of_the_same_content_skips_the_push_and_deploys_as_after_one(
    harness: Callable[..., Harness], fake_kube: FakeKube, engine: DockerBackend
) -> None:
    fake_kube.apply_object(deployment("web", image="web:old", replicas=2))
    h = harness(watch=False)
    h.loop.build_now()
    h.events.wait(lambda: len(h.events.of(DeployDone)) == 1, 90, "the first rollout")
    (first,) = h.done()
    assert first.record.ok and first.record.message.startswith("pushed ")
    ref = f"{h.loop.project.image.repository}:{first.record.tag}"
    digest = engine.registry_digest(ref)
    assert digest is not None and digest.startswith("sha256:")
    assert not [n for n in h.events.of(LoopNote) if "already in the registry" in n.message]

    h.loop.build_now()
    h.events.wait(lambda: len(h.events.of(DeployDone)) == 2, 90, "the second rollout")
    second = h.done()[1]
    assert second.record.ok and second.record.tag == first.record.tag
    assert second.record.message == f"{ref} is already in the registry ({digest})"
    second_start = h.builds()[1]  # equal to the first BuildStarted: found by identity
    after_second = h.events.items[
        next(i for i, e in enumerate(h.events.items) if e is second_start) :
    ]
    assert not [e for e in after_second if isinstance(e, PushStep)]  # no push was tried
    notes = [e.message for e in after_second if isinstance(e, LoopNote)]
    assert f"{ref} is already in the registry ({digest}): push skipped" in notes
    assert [e.how for e in after_second if isinstance(e, DeployStarted)] == ["set image"]
    assert h.events.of(DeployDone)[1].ok, h.events.of(DeployDone)[1].message
    web = fake_kube.get_object("deployments", "default", "web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == ref


def test_a_registry_that_is_down_fails_the_push_and_nothing_deploys(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    fake_kube.apply_object(deployment("web", image="web:running"))
    fake_kube.clear_requests()
    port = free_port()
    h = harness(watch=False, repository=f"127.0.0.1:{port}/nowhere")
    h.loop.build_now()
    (done,) = h.wait_builds_done(1)
    time.sleep(0.5)
    assert done.record.result == "push failed"
    assert done.record.message == f"registry 127.0.0.1:{port} is unreachable: connection refused"
    assert mutating(fake_kube) == [] and not h.events.of(DeployStarted)
    # the registry could not be asked whether it has the tag: the push was tried, and said why
    assert h.events.of(PushStep) and not h.events.of(LoopNote)


def test_a_missing_deployment_is_created_from_the_manifests_with_the_built_image(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    h = harness(watch=False)
    h.loop.build_now()
    h.events.wait(lambda: h.events.of(DeployDone), 90, "the first deploy")
    (started,) = h.events.of(DeployStarted)
    assert started.how == "apply manifests"
    assert h.events.of(DeployDone)[0].ok
    web = fake_kube.get_object("deployments", "default", "web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == started.image
    managers = {f["manager"] for f in web["metadata"].get("managedFields") or []}
    assert "gok-tui" in managers


def test_a_manifest_change_reapplies_without_a_rebuild(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    h = harness()
    h.loop.build_now()
    h.events.wait(lambda: h.events.of(DeployDone), 90, "the first deploy")
    image = h.events.of(DeployStarted)[0].image
    (h.root / "k8s" / "deploy.yaml").write_text(MANIFEST.format(replicas=3))
    h.events.wait(lambda: len(h.events.of(DeployDone)) == 2, 60, "the re-apply")
    assert len(h.builds()) == 1
    web = fake_kube.get_object("deployments", "default", "web")
    assert web["spec"]["replicas"] == 3
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == image


def test_read_only_builds_but_never_deploys(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    fake_kube.apply_object(deployment("web", image="web:running"))
    fake_kube.clear_requests()
    h = harness(watch=False, readonly=True)
    h.loop.build_now()
    (done,) = h.wait_builds_done(1)
    assert done.record.ok
    h.events.wait(lambda: h.events.of(LoopNote), 10, "the skipped-deploy note")
    assert "read-only" in h.events.of(LoopNote)[0].message
    assert mutating(fake_kube) == []


def test_a_production_context_gets_the_build_but_no_rollout_unasked(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    fake_kube.apply_object(deployment("web", image="web:running"))
    fake_kube.clear_requests()
    h = harness(production=True)
    h.loop.build_now()
    (done,) = h.wait_builds_done(1)
    assert done.record.ok
    ref = f"{h.loop.project.image.repository}:{done.record.tag}"
    h.events.wait(lambda: h.events.of(LoopNote), 10, "the held-deploy note")
    assert h.events.of(LoopNote)[0].message == (
        f"{ref} is ready but not deployed: fake is a production context, where nothing rolls "
        "out unasked; D deploys it after you confirm"
    )
    h.loop.deploy_last_good()  # the key's loop path refuses too: D goes through a confirm
    (h.root / "k8s" / "deploy.yaml").write_text(MANIFEST.format(replicas=5))
    h.events.wait(lambda: len(h.events.of(LoopNote)) == 3, 10, "two more notes")
    assert h.events.of(LoopNote)[2].message == (
        "manifests changed (k8s/deploy.yaml); not applied: fake is a production context"
    )
    time.sleep(0.3)
    assert mutating(fake_kube) == [] and not h.events.of(DeployStarted)
    # what D proposes instead: the build's own reference, on the configured Deployment
    action = h.loop.rollout_of_last_good(h.loop.kube())  # type: ignore[arg-type]
    assert (action.ref.namespace, action.ref.name, action.image) == ("default", "web", ref)


def test_only_a_delivered_build_of_the_current_repository_is_deployed_by_d(
    harness: Callable[..., Harness], fake_kube: FakeKube, tmp_path: Path
) -> None:
    """The history outlives gok.toml edits: a build pushed to another repository, or one
    recorded before records named their image, is not what D may roll out."""
    fake_kube.apply_object(deployment("web", image="web:running"))
    fake_kube.clear_requests()
    history = BuildHistory(tmp_path / "history.jsonl")
    root = str(tmp_path / "project")
    history.append(
        BuildRecord(1.0, ("manual",), 1.0, "ok", tag="t1", project=root)  # an older format
    )
    history.append(
        BuildRecord(
            2.0,
            ("manual",),
            1.0,
            "ok",
            tag="t2",
            project=root,
            image="elsewhere.example/web:t2",
            delivery="push",
        )
    )
    h = harness(watch=False, auto_deploy=False)
    assert [r.tag for r in history.load(h.loop.project_name)] == ["t1", "t2"]
    assert h.loop.last_good is None
    h.loop.deploy_last_good()
    h.events.wait(lambda: h.events.of(LoopNote), 10, "the refusal")
    assert h.events.of(LoopNote)[0].message == (
        "no build to deploy yet: none was built and delivered (pushed or loaded) as gok.toml "
        "says now"
    )
    time.sleep(0.3)
    assert mutating(fake_kube) == []

    h.loop.build_now()
    (done,) = h.wait_builds_done(1)
    again = DevLoop(h.loop.project, h.loop.docker, h.loop.kube, Events(), history=history)
    assert again.last_good is not None and again.last_good.tag == done.record.tag
    assert again.last_good.image == f"{h.loop.project.image.repository}:{done.record.tag}"


def test_a_build_left_in_one_clusters_engine_is_not_deployed_to_another(
    harness: Callable[..., Harness], fake_kube: FakeKube, tmp_path: Path
) -> None:
    """delivery "none" (or "load") reaches the cluster of the context it was built for only."""
    h = harness(watch=False, auto_deploy=False, delivery="none")
    h.loop.build_now()
    (done,) = h.wait_builds_done(1)
    assert done.record.loaded_into == "fake"
    here = h.loop.kube()
    assert here is not None and h.loop.last_good_for(here).image == done.record.image
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc-other", context="kind-b")
    target = resolve_target(kubeconfig=str(kubeconfig), environ={})
    assert target is not None
    elsewhere = KubeBackend(target)
    with pytest.raises(ValueError) as refusal:
        h.loop.last_good_for(elsewhere)
    assert str(refusal.value) == (
        f"the last good build {done.record.image} went to fake, not kind-b: build it again (b)"
    )
    elsewhere.close()


def test_cancel_stops_a_running_build(harness: Callable[..., Harness]) -> None:
    h = harness(
        watch=False,
        auto_deploy=False,
        delivery="none",
        dockerfile=QUICK_DOCKERFILE.replace(
            'RUN ["/bin/busybox", "cp"',
            'RUN ["/bin/busybox", "sleep", "60"]\nRUN ["/bin/busybox", "cp"',
        ),
    )
    h.loop.build_now()
    h.events.wait(lambda: h.builds(), 10, "the build to start")
    time.sleep(1.0)
    started = time.monotonic()
    assert h.loop.cancel()
    (done,) = h.wait_builds_done(1, timeout=20)
    assert done.record.result == "cancelled"
    assert time.monotonic() - started < 10


def test_d_after_a_cancelled_build_follows_its_rollout_to_the_end(
    harness: Callable[..., Harness], fake_kube: FakeKube
) -> None:
    fake_kube.apply_object(deployment("web", image="web:old", replicas=1))
    h = harness(watch=False, auto_deploy=False)
    h.loop.build_now()
    (good,) = h.wait_builds_done(1)
    assert good.record.ok
    (h.root / "Dockerfile").write_text(
        QUICK_DOCKERFILE.replace(
            'RUN ["/bin/busybox", "cp"',
            'RUN ["/bin/busybox", "sleep", "60"]\nRUN ["/bin/busybox", "cp"',
        )
    )
    h.loop.build_now()
    h.events.wait(lambda: len(h.builds()) == 2, 10, "the second build to start")
    time.sleep(0.5)
    assert h.loop.cancel()
    _, cancelled = h.wait_builds_done(2, timeout=20)
    assert cancelled.record.result == "cancelled"
    h.loop.deploy_last_good()
    h.events.wait(lambda: h.events.of(DeployDone), 60, "the rollout")
    (done,) = h.events.of(DeployDone)
    assert done.ok and "successfully rolled out" in done.message, done.message


def test_history_is_kept_in_the_state_directory(harness: Callable[..., Harness]) -> None:
    h = harness(watch=False, auto_deploy=False, delivery="none")
    h.loop.build_now()
    h.wait_builds_done(1)
    assert h.loop.history is not None
    (record,) = h.loop.history.load(h.loop.project_name)
    assert record.ok and record.trigger == ("manual",) and record.size and record.size > 0


def test_load_delivery_outside_a_local_cluster_fails_clearly_and_deploys_nothing(
    tmp_path: Path,
    busybox_binary: Path,
    docker_host: str,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> None:
    """Through the Session, as the app wires it: the context "fake" is no kind/minikube/k3d."""
    fake_kube.apply_object(deployment("web", image="web:running"))
    fake_kube.clear_requests()
    root = make_project(tmp_path, busybox_binary, "gok-test/load", delivery="load")
    session = Session(
        settings=Settings(),
        target=resolve_target(kubeconfig=str(fake_kubeconfig), environ={}),
        project=load_project(root),
        docker_host=docker_host,
        build_network="none",
    )
    try:
        loop = session.start_devloop()
        assert loop is not None
        loop.build_now()
        events = Events()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not events.of(BuildDone):
            for tagged in session.build_feed.drain():
                events(tagged.event)  # ServiceEvent: the one service's
            time.sleep(0.05)
        (done,) = events.of(BuildDone)
        assert done.record.result == "load failed"
        assert done.record.message == (
            "load failed: context fake is not a kind, minikube or k3d cluster; set "
            'deploy.local_cluster in gok.toml, or use delivery = "push"'
        )
        assert mutating(fake_kube) == []
    finally:
        session.close()
