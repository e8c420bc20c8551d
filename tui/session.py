"""Session: what the whole app points at (cluster target, backend, feeds), without any UI."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gok_tui.actions.audit import AuditLog
from gok_tui.backends.kube import KubeBackend
from gok_tui.backends.kube_auth import stop_exec_plugins
from gok_tui.config.kubeconfig import KubeTarget, namespace_name_problem, retarget_context
from gok_tui.config.project import LocalCluster, ProjectConfig
from gok_tui.config.settings import Settings, audit_log_path
from gok_tui.devloop.feed import BuildFeed
from gok_tui.store.discovery import DiscoveryStore
from gok_tui.store.feeds import FeedHub
from gok_tui.store.forwards import ForwardError, ForwardManager, open_pod_stream
from gok_tui.store.metrics import MetricsStore

if TYPE_CHECKING:
    from gok_tui.backends.docker_backend import DockerBackend
    from gok_tui.devloop.loop import DevLoop
    from gok_tui.devloop.services import ServiceLoops
    from gok_tui.devloop.view import BuildView, BuildViews
    from gok_tui.domain.discovery import KindCatalog
    from gok_tui.store.forwards import ForwardInfo, ForwardRequest


QUIT_WAIT = 0.2  # seconds quitting gives work in flight to finish on its own
START_WITHOUT_AUTO_DEPLOY = "auto_deploy is off for this service: not built at start (b builds)"


@dataclass
class Session:
    settings: Settings
    target: KubeTarget | None
    readonly_flag: bool = False
    project: ProjectConfig | None = None
    watch_timeout: int = 240
    generation: int = 0  # bumped on every re-target, so screens know to rebuild
    hub: FeedHub = field(init=False)
    audit: AuditLog = field(init=False)
    docker_host: str | None = None  # None: DOCKER_HOST, else the default local socket
    build_network: str | None = None  # network mode for RUN steps (None: the engine's default)
    watch_project: bool = False  # run the file watcher (a gok.toml, or --project given)
    # The wall clock every age, time of day and stamp the views show is read from, and the
    # audit log's times: the one seam for "now" (snapshot tests freeze it). Durations and
    # timers use time.monotonic.
    clock: Callable[[], float] = time.time
    _docker: DockerBackend | None = field(init=False, default=None)
    devloop: DevLoop | None = field(init=False, default=None)
    build_feed: BuildFeed = field(init=False, default_factory=BuildFeed)
    devloops: ServiceLoops | None = field(init=False, default=None)
    _build_views: BuildViews | None = field(init=False, default=None)
    # the kinds each cluster serves (cached on disk; refreshed after the first table)
    discovery: DiscoveryStore = field(init=False, default_factory=DiscoveryStore)
    forwards: ForwardManager = field(init=False)  # port-forwards (:pf)
    metrics: MetricsStore = field(init=False)  # metrics.k8s.io, polled for the view on screen

    def __post_init__(self) -> None:
        self.hub = FeedHub(self._make_backend(), watch_timeout=self.watch_timeout)
        self.metrics = MetricsStore(
            lambda: self.hub.backend, interval=self.settings.metrics_interval_seconds
        )
        self.audit = AuditLog(audit_log_path(), clock=self.clock)
        self.forwards = ForwardManager(open_pod_stream, audit=self.audit)

    @property
    def docker(self) -> DockerBackend:
        """The one Docker engine client; it connects on first use, so start-up never waits."""
        if self._docker is None:
            from gok_tui.backends.docker_backend import DockerBackend

            self._docker = DockerBackend(self.docker_host)
        return self._docker

    @property
    def readonly(self) -> bool:
        return self.readonly_flag or (
            self.target is not None and self.settings.is_readonly_context(self.target.context)
        )

    @property
    def readonly_reason(self) -> str:
        if self.readonly_flag:
            return "started with --readonly"
        if self.readonly:
            return "context is listed in readonly_contexts"
        return ""

    @property
    def production(self) -> bool:
        return self.target is not None and self.settings.is_production(self.target.context)

    @property
    def namespace(self) -> str | None:
        """The namespace feeds watch: None for all namespaces."""
        if self.target is None or self.target.all_namespaces:
            return None
        return self.target.namespace

    @property
    def backend(self) -> KubeBackend | None:
        return self.hub.backend

    @property
    def kinds(self) -> KindCatalog:
        """The kinds the current cluster serves, as last learnt (no request)."""
        return self.discovery.catalog(self.target)

    def context_names(self) -> list[str]:
        if self.target is None:
            return []
        return [entry["name"] for entry in self.target.merged.get("contexts", [])]

    def switch_context(self, name: str) -> None:
        if self.target is None:
            raise ValueError("no kubeconfig is loaded")
        self.target = retarget_context(self.target, name)
        self.generation += 1
        self.metrics.retarget()
        self.hub.retarget(self._make_backend())

    def switch_namespace(self, namespace: str | None) -> None:
        if self.target is None:
            raise ValueError("no kubeconfig is loaded")
        if namespace is not None and (problem := namespace_name_problem(namespace)):
            raise ValueError(problem)
        self.target = self.target.with_namespace(namespace)
        self.generation += 1
        self.metrics.retarget()
        self.hub.retarget(self.hub.backend)

    def _make_backend(self) -> KubeBackend | None:
        if self.target is None:
            return None
        return KubeBackend(self.target, readonly=self.readonly)

    @property
    def build_views(self) -> BuildViews:
        """What the Build view shows, per service (made on first use: the loop's modules load
        late)."""
        if self._build_views is None:
            from gok_tui.devloop.view import BuildViews

            names = tuple(s.name for s in self.project.services) if self.project else ()
            self._build_views = BuildViews(names)
        return self._build_views

    @property
    def build_view(self) -> BuildView:
        """The first (in a single-service project, the only) service's build view."""
        return self.build_views.first

    def start_devloop(self, at_start: bool = False) -> DevLoop | None:
        """The build loops of the project's services (the first one returned); they watch files
        only when asked to. ``at_start``: gok-tui is opening, so each service is built and
        deployed once now, as ``tilt up`` does, unless the context or gok.toml say not to
        (then the Build view says why)."""
        if self.project is None or self.devloops is not None:
            return self.devloop
        from gok_tui.config.settings import state_dir
        from gok_tui.devloop.history import BuildHistory
        from gok_tui.devloop.loop import DevLoop, LoopNote
        from gok_tui.devloop.services import ServiceLoops, start_refusal

        history = BuildHistory(state_dir() / "builds.jsonl")
        project = self.project

        def make(project: ProjectConfig, **options: Any) -> DevLoop:
            deploy = project.service(options["service"]).deploy
            return DevLoop(
                project,
                self.docker,
                lambda: self.backend,
                namespace=lambda: deploy.namespace or self._namespace_or_default(),
                loader=lambda image: self._load_into_local_cluster(image, deploy.local_cluster),
                **options,
            )

        self.devloops = ServiceLoops(
            project,
            self.build_feed.put,
            make,
            history=history,
            audit=self.audit,
            readonly=lambda: self.readonly,
            production=self.settings.is_production,
            network_mode=self.build_network,
        )
        self.devloop = self.devloops.first
        for name, loop in self.devloops.loops.items():
            view = self.build_views.views[name]
            view.history = history.load(loop.project_name)
            view.last = view.history[-1] if view.history else None
        self.devloops.start(watch=self.watch_project)
        if at_start:
            refusal = start_refusal(
                project,
                watching=self.watch_project,
                production=self.production,
                readonly=self.readonly,
            )
            for spec in project.services:
                loop = self.devloops[spec.name]
                if refusal is None and spec.deploy.auto_deploy:
                    loop.build_now("start")
                else:
                    loop.emit(LoopNote(refusal or START_WITHOUT_AUTO_DEPLOY))
        return self.devloop

    def _load_into_local_cluster(self, image: str, configured: LocalCluster = "auto") -> str:
        """Delivery "load": into the kind/minikube/k3d cluster the current context is."""
        from gok_tui.backends.local_cluster import LoadError, detect, load_image

        context = self.target.context if self.target is not None else ""
        cluster = detect(context, configured)
        if cluster is None:
            raise LoadError(
                f"context {context or '(none)'} is not a kind, minikube or k3d cluster; set "
                'deploy.local_cluster in gok.toml, or use delivery = "push"'
            )
        return load_image(cluster, image)

    def start_forward(self, request: ForwardRequest) -> ForwardInfo:
        """Start a port-forward on the current context (blocking: in a worker). It has a
        backend of its own, so switching context or namespace leaves it running."""
        if self.target is None:
            raise ForwardError("no cluster configured (no kubeconfig): nothing to forward to")
        return self.forwards.start(request, KubeBackend(self.target, readonly=self.readonly))

    def start_project_forwards(self) -> list[tuple[bool, str]]:
        """Start the project's ``[[forward]]`` entries (blocking: in a worker); what to say
        of each, (started, sentence)."""
        from gok_tui.domain.forwards import ForwardProblem, parse_target
        from gok_tui.store.forwards import ForwardRequest

        project = self.project
        if project is None or self.target is None or not project.forwards:
            return []
        if self.readonly:
            return [(False, f"read-only ({self.readonly_reason}): [[forward]] not started")]
        said: list[tuple[bool, str]] = []
        names = [service.name for service in project.services]
        for index, spec in enumerate(project.forwards):
            if spec.service is not None and spec.service not in names:
                said.append(
                    (
                        False,
                        f"gok.toml forward[{index}]: service {spec.service!r} is not one of "
                        f"{', '.join(names)}",
                    )
                )
                continue
            deploy = project.service(spec.service).deploy if spec.service else project.deploy
            target_text = spec.target or (
                f"deployment/{deploy.deployment}" if deploy.deployment else ""
            )
            if not target_text:
                said.append(
                    (
                        False,
                        f"gok.toml forward[{index}]: no target, and [deploy] names no deployment",
                    )
                )
                continue
            namespace = spec.namespace or deploy.namespace or self._namespace_or_default()
            try:
                target = parse_target(target_text, namespace)
                request = ForwardRequest(
                    target, spec.remote_port, spec.local_port, spec.address, origin="gok.toml"
                )
                info = self.start_forward(request)
            except (ForwardError, ForwardProblem) as error:
                said.append((False, f"gok.toml forward[{index}]: {error}"))
                continue
            said.append(
                (
                    True,
                    f"port-forward {target} {spec.remote_port} on {request.local}"
                    + (f" (pod {info.pod})" if info.pod else " (waiting for a Ready pod)"),
                )
            )
        return said

    def _namespace_or_default(self) -> str:
        return self.target.namespace if self.target is not None else "default"

    def close(self) -> None:
        """On quit: nothing here waits long on the cluster or the engine (quitting must be
        immediate whatever a server does); a change still in flight is put in the audit log
        as of unknown outcome."""
        if self.devloops is not None:
            self.devloops.stop(timeout=QUIT_WAIT)
        stop_exec_plugins()
        self.forwards.stop_all(wait=QUIT_WAIT)  # nothing is left listening
        self.metrics.stop_all()
        self.hub.stop_all()
        self.audit.settle(wait=QUIT_WAIT)
        if self._docker is not None:
            self._docker.close()
