"""The inner loop: file changes -> debounce -> build -> tag -> push/load -> set image -> rollout.

One worker thread runs builds one at a time; a watcher thread (watchfiles) feeds it changed
paths. Changes that arrive while a build runs are gathered into exactly one follow-up build.
A failed build or push never deploys. Everything the UI shows leaves through ``emit`` as plain
event objects, from the worker thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import SetImage
from gok_tui.actions.manifests import (
    ManifestError,
    apply_actions,
    load_manifests,
    with_image,
)
from gok_tui.actions.run import execute
from gok_tui.backends.docker_backend import DockerError
from gok_tui.backends.kube import KubeError
from gok_tui.config.project import PROJECT_FILE
from gok_tui.devloop.history import BuildHistory, BuildRecord
from gok_tui.devloop.ignore import IgnoreRules
from gok_tui.devloop.live_update import LiveUpdater, SyncError
from gok_tui.devloop.sync import NeedsBuild, route
from gok_tui.devloop.tags import TagError, build_inputs, image_tag
from gok_tui.domain.build import (
    BuildCancelled,
    BuildEvent,
    BuildFailed,
    BuildSucceeded,
    PushEvent,
    PushFailed,
    PushSucceeded,
    StepCached,
    StepStarted,
    describe_failure,
)
from gok_tui.domain.diagnosis import Finding, Snapshot, diagnose
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.rollout import RolloutState, rollout_state
from gok_tui.domain.selectors import selector_string

if TYPE_CHECKING:
    from gok_tui.actions.audit import AuditLog
    from gok_tui.backends.docker_backend import DockerBackend
    from gok_tui.backends.kube import KubeBackend
    from gok_tui.config.project import ProjectConfig, ServiceSpec

ROLLOUT_POLL_SECONDS = 0.5
# the diagnosis rules whose finding on a new pod fails the rollout at once (no waiting out
# the progress deadline): a pod in these states does not come up by itself
ROLLOUT_BLOCKERS = ("crash-loop", "image-pull", "oom-killed")
GATE_POLL_SECONDS = 0.2  # how often a build waiting for a slot checks for quitting
ROLLOUT_GRACE_SECONDS = 30.0  # beyond progressDeadlineSeconds, in case the controller is slow
NOTHING_DELIVERED = (
    "no build to deploy yet: none was built and delivered (pushed or loaded) as gok.toml says now"
)


# -- what the loop tells the UI ---------------------------------------------------------------


KILLED_EXIT_CODES = (137, 143)  # SIGKILL, SIGTERM
ENGINE_GONE_PROBES = 6
ENGINE_GONE_PROBE_SECONDS = 0.5


@dataclass(frozen=True)
class BuildQueued:
    trigger: tuple[str, ...]


@dataclass(frozen=True)
class BuildStarted:
    trigger: tuple[str, ...]
    image: str  # repository:tag


@dataclass(frozen=True)
class BuildStep:
    event: BuildEvent


@dataclass(frozen=True)
class BuildDone:
    record: BuildRecord
    failure: BuildFailed | None = None


@dataclass(frozen=True)
class PushStep:
    event: PushEvent


@dataclass(frozen=True)
class DeployStarted:
    image: str
    deployment: str
    how: str  # "set image" or "apply manifests"


@dataclass(frozen=True)
class RolloutUpdate:
    state: RolloutState


@dataclass(frozen=True)
class DeployDone:
    ok: bool
    message: str


@dataclass(frozen=True)
class LoopNote:
    message: str
    severity: str = "information"  # "warning", "error"


@dataclass(frozen=True)
class WatchState:
    watching: bool
    paused: bool
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeRouted:
    """Which path a change set took: "synced" (live update, no build), "rebuilt" (a change
    outside the sync rules) or "fallback" (a sync that failed or was refused: a build follows)."""

    path: str
    message: str  # "synced 2 files to 3 pods in 140 ms", "rebuilt: Dockerfile changed"
    seconds: float | None = None  # a sync's; a build's comes with its BuildDone


LoopEvent = (
    BuildQueued
    | BuildStarted
    | BuildStep
    | BuildDone
    | PushStep
    | DeployStarted
    | RolloutUpdate
    | DeployDone
    | LoopNote
    | WatchState
    | ChangeRouted
)


@dataclass
class _Pending:
    build_files: list[str] = field(default_factory=list)
    manifest_files: list[str] = field(default_factory=list)
    manual: str = ""  # why a build was asked for without a change: "manual", "start"
    last_change: float = 0.0

    @property
    def any(self) -> bool:
        return bool(self.build_files or self.manifest_files or self.manual)


def lasting(changes: Iterable[tuple[Any, str]]) -> list[Path]:
    """The paths of one batch of watchfiles changes, less those created and gone again within
    it: ``sed -i``'s ``sedXXXXXX`` and editors' atomic-save files, whose content reached the
    real file the batch names too. A file deleted for good still counts."""
    from watchfiles import Change

    batch = list(changes)
    created = {path for change, path in batch if change == Change.added}
    paths = dict.fromkeys(path for _, path in batch)
    return [Path(p) for p in paths if p not in created or os.path.lexists(p)]


class DevLoop:
    def __init__(
        self,
        project: ProjectConfig,
        docker: DockerBackend,
        kube: Callable[[], KubeBackend | None],
        emit: Callable[[LoopEvent], None],
        *,
        history: BuildHistory | None = None,
        audit: AuditLog | None = None,
        readonly: Callable[[], bool] = lambda: False,
        production: Callable[[str], bool] = lambda _context: False,
        namespace: Callable[[], str] | None = None,
        network_mode: str | None = None,
        loader: Callable[[str], str] | None = None,
        service: str | None = None,
        gate: threading.Semaphore | None = None,
        dependencies_settled: Callable[[], bool] | None = None,
        announce_project_file: bool = True,
    ) -> None:
        """One service's loop (``service``: its name; None: the first). The loops of one
        project share ``gate`` (the bound on builds at once); ``dependencies_settled`` says
        whether the services this one depends on have nothing in flight, so its deploy goes
        after theirs."""
        self.project = project
        self.service: ServiceSpec = (
            project.service(service) if service is not None else project.services[0]
        )
        self.docker = docker
        self.kube = kube
        self.emit = emit
        self.history = history
        self.audit = audit
        self.readonly = readonly
        self.production = production  # context name -> nothing deploys there unasked
        self.namespace = namespace or (lambda: self.service.deploy.namespace or "default")
        self.network_mode = network_mode
        self.loader = loader  # delivery "load": image ref -> message; raises on failure
        self.gate = gate or threading.BoundedSemaphore(1)
        self.dependencies_settled = dependencies_settled
        self.announce_project_file = announce_project_file
        root, spec = project.root, self.service
        self.rules = IgnoreRules.for_project(root, root / spec.image.context, spec.watch.ignore)
        self.manifest_paths = {(root / m).resolve() for m in spec.deploy.manifests}
        self.project_file = (root / PROJECT_FILE).resolve()
        self.debounce = spec.watch.debounce_ms / 1000
        self.paused = False
        self.building = False
        self.last_good: BuildRecord | None = None
        self.builds_started = 0
        self._pending = _Pending()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._threads: list[threading.Thread] = []
        if history is not None:
            good = [r for r in history.load(self.project_name) if self._deployable(r)]
            self.last_good = good[-1] if good else None

    @property
    def project_name(self) -> str:
        """The key of this loop's builds in the history: the project directory (and the
        service, when there are several)."""
        root = str(self.project.root)
        return f"{root}#{self.service.name}" if self.project.multi else root

    @property
    def busy(self) -> bool:
        """A build, deploy or rollout follow runs, or changes wait for one."""
        with self._cond:
            return self.building or self._pending.any

    # -- control ---------------------------------------------------------------------------
    def start(self, watch: bool = True) -> None:
        worker = threading.Thread(target=self._work, name="gok-devloop", daemon=True)
        self._threads.append(worker)
        worker.start()
        if watch:
            watcher = threading.Thread(target=self._watch, name="gok-watch", daemon=True)
            self._threads.append(watcher)
            watcher.start()

    def request_stop(self) -> None:
        """Tell the threads to end, without waiting for them."""
        self._stop.set()
        self._cancel.set()
        with self._cond:
            self._cond.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        self.request_stop()
        deadline = time.monotonic() + timeout  # for all threads together
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def build_now(self, reason: str = "manual") -> None:
        """Build (and deploy, with auto_deploy) now; ``reason`` is the build's trigger:
        "manual" for a key press, "start" for the build gok-tui makes when it opens."""
        with self._cond:
            self._pending.manual = reason
            self._pending.last_change = 0.0  # no debounce for a key press
            self._cond.notify_all()
        self.emit(BuildQueued((reason,)))

    def cancel(self) -> bool:
        """Cancel the running build (or rollout follow). False when nothing runs."""
        if not self.building:
            return False
        self._cancel.set()
        return True

    def pause(self) -> None:
        self.paused = True
        self.emit(WatchState(True, True, self._watch_paths_text()))

    def resume(self) -> None:
        self.paused = False
        self.emit(WatchState(True, False, self._watch_paths_text()))

    def _deployable(self, record: BuildRecord) -> bool:
        """A build from the history that reached the cluster the way gok.toml says now: an
        image of the current repository, delivered as now (a record from before gok.toml's
        repository or delivery changed names an image the cluster cannot get)."""
        return (
            record.ok
            and record.image == self._image_ref(record.tag)
            and record.delivery == self.service.deploy.delivery
        )

    def deploy_last_good(self) -> None:
        """Roll out the last good build now (for auto_deploy = false). Not on a production
        context: there ``rollout_of_last_good`` gives the action to confirm first."""
        threading.Thread(target=self._deploy_last_good, daemon=True).start()

    def _deploy_last_good(self) -> None:
        if not self.building:
            self._cancel.clear()  # a cancel of an earlier build must not stop this rollout's follow
        try:
            backend = self.kube()
            record = self.last_good_for(backend)
            if backend is not None and self.production(backend.target.context):
                self.emit(LoopNote(self._held_message(record.image, backend), "warning"))
                return
            self._deploy(record.image, False, backend)
        except ValueError as refusal:
            self.emit(LoopNote(str(refusal), "warning"))
        except Exception as exc:  # a bare thread: what broke is said, not printed on the TUI
            self.emit(LoopNote(f"deploy failed: {type(exc).__name__}: {exc}", "error"))

    def last_good_for(self, backend: KubeBackend | None) -> BuildRecord:
        """The last good build, if the cluster ``backend`` talks to can have its image: one
        loaded (or left in the engine) reached one cluster only. ``ValueError`` says why not."""
        record = self.last_good
        if record is None:
            raise ValueError(NOTHING_DELIVERED)
        context = backend.target.context if backend is not None else ""
        if record.delivery != "push" and backend is not None and record.loaded_into != context:
            raise ValueError(
                f"the last good build {record.image} went to "
                f"{record.loaded_into or 'another cluster'}, not {context}: build it again (b)"
            )
        return record

    def rollout_of_last_good(self, backend: KubeBackend) -> SetImage:
        """The last good build's image as a ``SetImage`` on the Deployment, to be planned and
        confirmed like any action. ``ValueError`` says why there is none."""
        record = self.last_good_for(backend)
        ref = self._target_ref(backend)
        if ref is None:
            raise ValueError("no [deploy] deployment in gok.toml: nothing to roll out")
        cause = f"gok-tui: {record.image} built from {self.project.root.name}"
        return SetImage(ref, self.service.deploy.container or "", record.image, cause)

    def _held_message(self, image: str, backend: KubeBackend) -> str:
        return (
            f"{image} is ready but not deployed: {backend.target.context} is a production "
            "context, where nothing rolls out unasked; D deploys it after you confirm"
        )

    # -- changes ---------------------------------------------------------------------------
    def changed(self, paths: Iterable[Path | str]) -> None:
        """Files changed on disk (from the watcher, or a test)."""
        if self.paused:
            return
        build_files, manifest_files = [], []
        for raw in paths:
            path = Path(raw)
            if path.resolve() == self.project_file and self.announce_project_file:
                self.emit(
                    LoopNote(
                        f"{PROJECT_FILE} changed: restart gok-tui to use it (this session keeps "
                        "the settings it started with)",
                        "warning",
                    )
                )
            if path.resolve() in self.manifest_paths:
                manifest_files.append(self._relative(path))
            elif not self.rules.ignored(path) and self.rules.in_build_context(path):
                build_files.append(self._relative(path))
        if not build_files and not manifest_files:
            return
        with self._cond:
            self._pending.build_files.extend(build_files)
            self._pending.manifest_files.extend(manifest_files)
            self._pending.last_change = time.monotonic()
            self._cond.notify_all()
        self.emit(BuildQueued(tuple(dict.fromkeys(build_files + manifest_files))))

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.project.root).as_posix()
        except ValueError:
            return str(path)

    def _watch_paths(self) -> list[Path]:
        return [
            (self.project.root / p).resolve()
            for p in self.service.watch.paths
            if (self.project.root / p).exists()
        ]

    def _watch_paths_text(self) -> tuple[str, ...]:
        return tuple(self._relative(p) or "." for p in self._watch_paths())

    def _watch(self) -> None:
        import watchfiles

        paths = self._watch_paths()
        if not paths:
            self.emit(LoopNote("nothing to watch: no watch path exists", "warning"))
            return
        self.emit(WatchState(True, self.paused, self._watch_paths_text()))
        try:
            for changes in watchfiles.watch(
                *paths,
                stop_event=self._stop,
                debounce=1600,
                step=30,
                rust_timeout=1000,
                yield_on_timeout=False,
                raise_interrupt=False,
                watch_filter=lambda _change, path: not self.rules.ignored(Path(path)),
            ):
                self.changed(lasting(changes))
        except Exception as exc:  # the watcher dies with a sentence, the app stays up
            self.emit(LoopNote(f"file watching stopped: {exc}", "error"))
        self.emit(WatchState(False, self.paused))

    # -- the worker ------------------------------------------------------------------------
    def _next(self) -> _Pending | None:
        """Wait for changes, then for ``debounce`` seconds of quiet; take them all."""
        with self._cond:
            while not self._pending.any and not self._stop.is_set():
                self._cond.wait(0.5)
            while not self._stop.is_set():
                quiet_for = time.monotonic() - self._pending.last_change
                if self._pending.manual or quiet_for >= self.debounce:
                    break
                self._cond.wait(self.debounce - quiet_for)
            if self._stop.is_set():
                return None
            taken, self._pending = self._pending, _Pending()
            self.building = True  # under the lock: ``busy`` never reads False between the two
            return taken

    def _work(self) -> None:
        while not self._stop.is_set():
            pending = self._next()
            if pending is None:
                return
            self._cancel.clear()
            try:
                if self._live_update(pending):
                    pass  # synced into the running containers: no build
                elif pending.build_files or pending.manual:
                    trigger = tuple(dict.fromkeys(pending.build_files + pending.manifest_files))
                    self._pipeline(trigger or (pending.manual,), bool(pending.manifest_files))
                else:
                    self._apply_manifests_only(tuple(dict.fromkeys(pending.manifest_files)))
            except Exception as exc:  # never let one bad build end the loop
                self.emit(LoopNote(f"build loop error: {type(exc).__name__}: {exc}", "error"))
            finally:
                self.building = False

    def _live_update(self, pending: _Pending) -> bool:
        """Offer a change set of build files to live update first; True when it was synced
        into the running containers (no build). Manifest changes and ``b`` always build."""
        service = self.service
        if not service.sync or pending.manual or pending.manifest_files:
            return False
        root = self.project.root
        decided = route(
            service.sync,
            root / service.image.context,
            root / service.image.dockerfile,
            [root / name for name in dict.fromkeys(pending.build_files)],
        )
        if isinstance(decided, NeedsBuild):
            self.emit(ChangeRouted("rebuilt", f"rebuilt: {decided.reason}"))
            return False
        backend = self.kube()
        try:
            if backend is None:
                raise SyncError("no cluster is configured")
            if self.production(backend.target.context):
                raise SyncError(f"{backend.target.context} is a production context")
            if not service.deploy.deployment:
                raise SyncError("no [deploy] deployment in gok.toml to sync into")
            last = self.last_good
            synced = LiveUpdater(backend, audit=self.audit).sync(
                service.name,
                self.namespace(),
                service.deploy.deployment,
                service.deploy.container or "",
                last.image if last is not None and self._deployable(last) else None,
                decided,
            )
        except Exception as error:  # a sync that broke in any way: the build still comes
            why = str(error) if isinstance(error, SyncError) else f"{type(error).__name__}: {error}"
            self.emit(ChangeRouted("fallback", f"sync failed: {why} -> rebuilding"))
            return False
        self.emit(ChangeRouted("synced", str(synced), synced.seconds))
        return True

    def _image_ref(self, tag: str) -> str:
        return f"{self.service.image.repository}:{tag}"

    def _pipeline(self, trigger: tuple[str, ...], manifests_changed: bool) -> None:
        """Build and deliver (while holding one of the project's build slots), then deploy."""
        while not self.gate.acquire(timeout=GATE_POLL_SECONDS):
            if self._stop.is_set():
                return
        try:
            built = self._build_and_deliver(trigger)
        finally:
            self.gate.release()
        if built is not None and self.service.deploy.auto_deploy:
            ref, backend = built
            self._deploy(ref, manifests_changed, backend)

    def _build_and_deliver(self, trigger: tuple[str, ...]) -> tuple[str, KubeBackend | None] | None:
        """The image reference delivered and the cluster it was delivered for; None when the
        build or the delivery failed (said in a ``BuildDone``)."""
        started, clock = time.time(), time.monotonic()
        image = self.service.image
        self.builds_started += 1

        def record(result: str, **kw: Any) -> BuildRecord:
            entry = BuildRecord(
                started_at=started,
                trigger=trigger,
                duration_s=round(time.monotonic() - clock, 3),
                result=result,
                project=self.project_name,
                **kw,
            )
            if self.history is not None:
                self.history.append(entry)
            return entry

        try:
            inputs = build_inputs(
                (self.project.root / image.dockerfile).resolve(), image.target, image.build_args
            )
            tag = image_tag(
                image.tag_policy, self.project.root, self.rules, image.semver_file, inputs
            )
        except TagError as error:
            self.emit(BuildStarted(trigger, f"{image.repository}:?"))
            self.emit(BuildDone(record("failed", message=f"no tag: {error}")))
            return None
        ref = self._image_ref(tag)
        self.emit(BuildStarted(trigger, ref))
        total = cached = 0
        outcome: BuildFailed | BuildCancelled | BuildSucceeded | None = None
        try:
            for event in self.docker.build(
                self.project.root / image.context,
                (self.project.root / image.dockerfile).resolve(),
                tags=[ref],
                target=image.target,
                build_args=image.build_args,
                labels={"dev.gok-tui.project": self.project_name},
                cancel=self._cancel,
                network_mode=self.network_mode,
            ):
                self.emit(BuildStep(event))
                if isinstance(event, StepStarted):
                    total = event.total
                elif isinstance(event, StepCached):
                    cached += 1
                elif isinstance(event, BuildFailed | BuildCancelled | BuildSucceeded):
                    outcome = event
        except DockerError as error:
            self.emit(BuildDone(record("failed", tag=tag, message=error.message)))
            return None
        except Exception as exc:  # a build that started always ends, whatever broke
            message = f"the build broke off: {type(exc).__name__}: {exc}"
            self.emit(BuildDone(record("failed", tag=tag, message=message)))
            return None
        counts = {"steps_cached": cached, "steps_total": total}
        if isinstance(outcome, BuildCancelled) or outcome is None:
            self.emit(BuildDone(record("cancelled", tag=tag, message="cancelled", **counts)))
            return None
        if isinstance(outcome, BuildFailed):
            message = " ".join(describe_failure(outcome, max_lines=0).splitlines()[:2])
            if outcome.exit_code in KILLED_EXIT_CODES:
                message = self._why_killed(outcome.exit_code, message)
            self.emit(BuildDone(record("failed", tag=tag, message=message, **counts), outcome))
            return None
        size = None
        with contextlib.suppress(DockerError):
            size = self.docker.image(outcome.image_id).size
        delivered, note = self._deliver(tag)
        if not delivered:
            failed = record(
                "push failed" if self.service.deploy.delivery == "push" else "load failed",
                tag=tag,
                image_id=outcome.image_id,
                size=size,
                message=note,
                **counts,
            )
            self.emit(BuildDone(failed))
            return None
        backend = self.kube()
        done = record(
            "ok",
            tag=tag,
            image_id=outcome.image_id,
            size=size,
            message=note,
            image=ref,
            delivery=self.service.deploy.delivery,
            loaded_into=backend.target.context if backend is not None else "",
            **counts,
        )
        self.last_good = done
        self.emit(BuildDone(done))
        return ref, backend

    def _why_killed(self, exit_code: int, message: str) -> str:
        """A step killed by a signal: an engine that is shutting down kills the build's
        container first, so ask whether the engine is still there before blaming the step."""
        for _ in range(ENGINE_GONE_PROBES):
            try:
                self.docker.ping()
            except DockerError as error:
                return f"the Docker engine stopped during the build: {error.message}; {message}"
            time.sleep(ENGINE_GONE_PROBE_SECONDS)
        return f"{message} (exit {exit_code}: the step was killed, e.g. out of memory)"

    def _deliver(self, tag: str) -> tuple[bool, str]:
        delivery = self.service.deploy.delivery
        ref = self._image_ref(tag)
        if delivery == "none":
            return True, "built (delivery none)"
        if delivery == "load":
            if self.loader is None:
                return False, "load delivery needs kind, minikube or k3d: none was configured"
            try:
                return True, self.loader(ref)
            except Exception as exc:
                return False, f"load failed: {exc}"
        # A content tag names the context's content, so the image the registry has under it is
        # this one: no push. A git tag stays while gitignored files in the context change and a
        # semver tag stays until the version is bumped: those may be re-pointed, so they push.
        if self.service.image.tag_policy == "content":
            digest = self._registry_digest(ref)
            if digest is not None:
                note = f"{ref} is already in the registry{f' ({digest})' if digest else ''}"
                self.emit(LoopNote(f"{note}: push skipped"))
                return True, note
        try:
            for event in self.docker.push(self.service.image.repository, tag):
                self.emit(PushStep(event))
                if isinstance(event, PushFailed):
                    return False, event.message
                if isinstance(event, PushSucceeded):
                    return True, f"pushed {ref} ({event.digest or 'no digest'})"
        except DockerError as error:
            return False, error.message
        return False, f"push of {ref} ended without a result"

    def _registry_digest(self, ref: str) -> str | None:
        """The registry's digest of ``ref`` ("" when unsaid), None when it lacks it or cannot
        be asked (down, refusing the credentials): then the push is tried and says why."""
        try:
            return self.docker.registry_digest(ref)
        except DockerError:
            return None

    # -- deploy ----------------------------------------------------------------------------
    def _target_ref(self, backend: KubeBackend) -> ObjectRef | None:
        deployment = self.service.deploy.deployment
        if not deployment:
            return None
        target = backend.target
        return ObjectRef(
            target.context, target.cluster_server, "deployments", self.namespace(), deployment
        )

    def _deploy(self, image: str, manifests_changed: bool, backend: KubeBackend | None) -> None:
        """Roll ``image`` out through ``backend``: the one connection both the production check
        and the requests use (a :ctx meanwhile must not split them)."""
        deploy = self.service.deploy
        if not deploy.deployment:
            self.emit(LoopNote("built; no [deploy] deployment in gok.toml, so nothing rolls out"))
            return
        if self.readonly():
            self.emit(LoopNote(f"not deployed: read-only mode ({image} is built)", "warning"))
            return
        if backend is None:
            self.emit(LoopNote("not deployed: no cluster is configured", "warning"))
            return
        if self.production(backend.target.context):
            self.emit(LoopNote(self._held_message(image, backend), "warning"))
            return
        if not self._dependencies_deployed():
            return
        ref = self._target_ref(backend)
        assert ref is not None
        try:
            exists = self._exists(backend, ref)
        except KubeError as error:
            self.emit(DeployDone(False, f"not deployed: {error.message}"))
            return
        if not exists or manifests_changed:
            if not deploy.manifests:
                self.emit(
                    DeployDone(False, f"{ref} does not exist and gok.toml lists no manifests")
                )
                return
            self.emit(DeployStarted(image, deploy.deployment, "apply manifests"))
            if not self._apply(backend, image):
                return
        else:
            self.emit(DeployStarted(image, deploy.deployment, "set image"))
            cause = f"gok-tui: {image} built from {self.project.root.name}"
            action = SetImage(ref, deploy.container or "", image, cause)  # "": the first container
            result = execute(action, backend, audit=self.audit)
            if not result.ok:
                self.emit(DeployDone(False, result.message))
                return
        self._follow(backend, ref)

    def _dependencies_deployed(self) -> bool:
        """Wait until the services this one depends on have nothing in flight (their deploy,
        if any, went first). Their failure does not hold this one back. False: stopped."""
        settled = self.dependencies_settled
        if settled is None or settled():
            return True
        names = ", ".join(self.service.depends_on)
        self.emit(LoopNote(f"waiting for {names} (depends_on) before deploying"))
        while not self._stop.is_set() and not self._cancel.is_set():
            if settled():
                return True
            self._stop.wait(GATE_POLL_SECONDS)
        return False

    def _exists(self, backend: KubeBackend, ref: ObjectRef) -> bool:
        try:
            backend.get(KINDS["deployments"], ref.namespace, ref.name)
        except KubeError as error:
            if error.status == 404:
                return False
            raise
        return True

    def _apply(self, backend: KubeBackend, image: str | None) -> bool:
        deploy = self.service.deploy
        try:
            documents = load_manifests(self.project.root, deploy.manifests)
        except ManifestError as error:
            self.emit(DeployDone(False, f"not applied: {error}"))
            return False
        if image is not None:
            documents = [
                (source, with_image(doc, deploy.deployment, deploy.container, image))
                for source, doc in documents
            ]
        target = backend.target
        actions = apply_actions(documents, target.context, target.cluster_server, self.namespace())
        for action in actions:
            result = execute(action, backend, audit=self.audit)
            if not result.ok:
                self.emit(DeployDone(False, result.message))
                return False
        self.emit(LoopNote(f"applied {len(actions)} objects (server-side, field manager gok-tui)"))
        return True

    def _apply_manifests_only(self, changed: tuple[str, ...]) -> None:
        if self.readonly():
            self.emit(LoopNote(f"manifests changed ({', '.join(changed)}); read-only: not applied"))
            return
        backend = self.kube()
        if backend is None:
            self.emit(LoopNote("manifests changed; no cluster is configured", "warning"))
            return
        if self.production(backend.target.context):
            self.emit(
                LoopNote(
                    f"manifests changed ({', '.join(changed)}); not applied: "
                    f"{backend.target.context} is a production context",
                    "warning",
                )
            )
            return
        try:
            image: str | None = self.last_good_for(backend).image
        except ValueError:  # none, or not one this cluster has: the manifests' own image
            image = None
        self.emit(DeployStarted(image or "(image from the manifests)", "", "apply manifests"))
        if self._apply(backend, image):
            ref = self._target_ref(backend)
            if ref is not None:
                self._follow(backend, ref)

    def _new_pods_stuck(
        self, backend: KubeBackend, ref: ObjectRef, selector: str | None, state: RolloutState
    ) -> Finding | None:
        """A pod of the new ReplicaSet that will not come up by waiting (crash loop, image
        that cannot be pulled), in the diagnosis' words; None while none is."""
        if state.new is None or not selector:
            return None
        pods = [
            pod
            for pod in backend.list(KINDS["pods"], ref.namespace, label_selector=selector).items
            if any(
                owner.get("name") == state.new.name
                for owner in (pod.get("metadata") or {}).get("ownerReferences") or []
            )
        ]
        return next(
            (f for f in diagnose(Snapshot(pods=pods)) if f.rule in ROLLOUT_BLOCKERS),
            None,
        )

    def _follow(self, backend: KubeBackend, ref: ObjectRef) -> None:
        """Poll the Deployment and its ReplicaSets until the rollout completes or fails."""
        deadline: float | None = None
        last: RolloutState | None = None
        while not self._stop.is_set() and not self._cancel.is_set():
            try:
                deployment = backend.get(KINDS["deployments"], ref.namespace, ref.name)
                selector = selector_string((deployment.get("spec") or {}).get("selector"))
                replicasets = (
                    backend.list(KINDS["replicasets"], ref.namespace, label_selector=selector).items
                    if selector
                    else []
                )
            except KubeError as error:
                self.emit(DeployDone(False, f"lost the rollout: {error.message}"))
                return
            if deadline is None:
                seconds = (deployment.get("spec") or {}).get("progressDeadlineSeconds", 600)
                deadline = time.monotonic() + float(seconds) + ROLLOUT_GRACE_SECONDS
            state = rollout_state(deployment, replicasets)
            if state != last:
                self.emit(RolloutUpdate(state))
                last = state
            if state.finished:
                self.emit(DeployDone(state.phase == "complete", f"{ref}: {state.message}"))
                return
            try:
                stuck = self._new_pods_stuck(backend, ref, selector, state)
            except KubeError as error:
                self.emit(DeployDone(False, f"lost the rollout: {error.message}"))
                return
            if stuck is not None:
                self.emit(RolloutUpdate(replace(state, phase="failed", message=stuck.cause)))
                self.emit(DeployDone(False, f"{ref}: rollout failed: {stuck.line()}"))
                return
            if time.monotonic() > deadline:
                self.emit(DeployDone(False, f"{ref}: still not done after its deadline"))
                return
            self._stop.wait(ROLLOUT_POLL_SECONDS)
        if self._cancel.is_set():
            self.emit(DeployDone(False, f"{ref}: stopped following (the rollout goes on)"))
