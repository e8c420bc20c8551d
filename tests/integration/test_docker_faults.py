"""The Docker engine going away under the build loop: the build fails in words, nothing is
deployed, the loop stays up and builds again once the engine is back."""

from __future__ import annotations

import uuid
from pathlib import Path

from gok_tui.actions.audit import AuditLog
from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.config.project import load_project
from gok_tui.devloop.history import BuildHistory
from gok_tui.devloop.loop import BuildDone, BuildStarted, BuildStep, DeployStarted, DevLoop
from gok_tui.domain.build import BuildFailed, StepStarted

from tests.docker_env import StoppableEngine
from tests.integration.test_devloop import QUICK_DOCKERFILE, Events, make_project
from tests.kubefake import FakeKube

STALLING_DOCKERFILE = QUICK_DOCKERFILE.replace(
    'RUN ["/bin/busybox", "cp"', 'RUN ["/bin/busybox", "sleep", "30"]\nRUN ["/bin/busybox", "cp"'
)


def test_dockerd_stopped_during_a_build(
    tmp_path: Path,
    stoppable_engine: StoppableEngine,
    busybox_binary: Path,
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
) -> None:
    registry = stoppable_engine.env["GOK_TEST_REGISTRY"]
    root = make_project(
        tmp_path,
        busybox_binary,
        f"{registry}/fault-{uuid.uuid4().hex[:6]}",
        dockerfile=STALLING_DOCKERFILE,
        auto_deploy=True,
        delivery="push",
    )
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    kube = KubeBackend(target)
    docker = DockerBackend(stoppable_engine.docker_host, network_mode="none")
    events = Events()
    loop = DevLoop(
        load_project(root),
        docker,
        lambda: kube,
        events,
        history=BuildHistory(tmp_path / "history.jsonl"),
        audit=AuditLog(tmp_path / "audit.jsonl"),
        network_mode="none",
    )
    loop.start(watch=False)
    try:
        loop.build_now()
        events.wait(
            lambda: any(
                isinstance(step.event, StepStarted) and "sleep" in step.event.instruction
                for step in events.of(BuildStep)
            ),
            60,
            "the stalling step to start",
        )
        stoppable_engine.stop()  # dockerd goes away mid-build
        events.wait(lambda: events.of(BuildDone), 60, "the build to end")
        (done,) = events.of(BuildDone)
        assert not done.record.ok and done.record.result == "failed"
        # however the engine's death reaches the client (the step's container killed first,
        # or the stream cut), the sentence is about the engine, not the user's command
        assert "Docker engine" in done.record.message, done.record.message
        assert "stopped during the build" in done.record.message, done.record.message
        assert stoppable_engine.docker_host in done.record.message
        assert events.of(DeployStarted) == [], "a failed build is never deployed"

        # the engine is back: the same loop builds again (a quick Dockerfile this time)
        (root / "Dockerfile").write_text(QUICK_DOCKERFILE)
        stoppable_engine.start()
        loop.build_now()
        events.wait(lambda: len(events.of(BuildDone)) == 2, 120, "the second build")
        assert len(events.of(BuildStarted)) == 2
        assert events.of(BuildDone)[1].record.ok, events.of(BuildDone)[1].record.message
    finally:
        loop.stop()
        docker.close()
        kube.close()


def test_a_missing_context_or_dockerfile_is_said_as_such_not_as_an_engine_gone(
    tmp_path: Path, docker_host: str
) -> None:
    """The engine is up: a context that is not there, or a Dockerfile named outside the
    context that is not there, fail the build in those words (the SDK's own errors read as
    "no socket there" or a TypeError)."""
    docker = DockerBackend(docker_host, network_mode="none")
    context = tmp_path / "context"
    context.mkdir()
    (context / "app.txt").write_text("hello\n")
    cases = (
        (tmp_path / "gone", "Dockerfile", f"the build context {tmp_path / 'gone'} is not a"),
        (context, "../elsewhere/Dockerfile", "Cannot locate specified Dockerfile: "),
    )
    for where, dockerfile, said in cases:
        [failed] = list(docker.build(where, dockerfile, tags=["gok-test/missing:1"]))
        assert isinstance(failed, BuildFailed)
        assert failed.message.startswith(said), failed.message
        assert "not reachable" not in failed.message
