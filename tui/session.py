"""Session: what the whole app points at (cluster target, backend, feeds), without any UI."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gok_tui.actions.audit import AuditLog
from gok_tui.backends.kube import KubeBackend
from gok_tui.backends.kube_auth import stop_exec_plugins
from gok_tui.config.kubeconfig import KubeTarget, namespace_name_problem, retarget_context
from gok_tui.config.project import ProjectConfig
from gok_tui.config.settings import Settings, audit_log_path
from gok_tui.devloop.feed import BuildFeed
from gok_tui.store.discovery import DiscoveryStore
from gok_tui.store.feeds import FeedHub
from gok_tui.store.metrics import MetricsStore

if TYPE_CHECKING:
    from gok_tui.backends.docker_backend import DockerBackend
    from gok_tui.devloop.loop import DevLoop
    from gok_tui.devloop.view import BuildView
    from gok_tui.domain.discovery import KindCatalog


QUIT_WAIT = 0.2  # seconds quitting gives work in flight to finish on its own


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
    _build_view: BuildView | None = field(init=False, default=None)
    # the kinds each cluster serves (cached on disk; refreshed after the first table)
    discovery: DiscoveryStore = field(init=False, default_factory=DiscoveryStore)
    metrics: MetricsStore = field(init=False)  # metrics.k8s.io, polled for the view on screen

    def __post_init__(self) -> None:
        self.hub = FeedHub(self._make_backend(), watch_timeout=self.watch_timeout)
        self.metrics = MetricsStore(
            lambda: self.hub.backend, interval=self.settings.metrics_interval_seconds
        )
        self.audit = AuditLog(audit_log_path(), clock=self.clock)

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
    def build_view(self) -> BuildView:
        """What the Build view shows (made on first use: the loop's modules load late)."""
        if self._build_view is None:
            from gok_tui.devloop.view import BuildView

            self._build_view = BuildView()
        return self._build_view

    def start_devloop(self) -> DevLoop | None:
        """The build loop for the project; it watches files only when asked to."""
        if self.project is None or self.devloop is not None:
            return self.devloop
        from gok_tui.config.settings import state_dir
        from gok_tui.devloop.history import BuildHistory
        from gok_tui.devloop.loop import DevLoop

        history = BuildHistory(state_dir() / "builds.jsonl")
        project = self.project
        self.devloop = DevLoop(
            project,
            self.docker,
            lambda: self.backend,
            self.build_feed.put,
            history=history,
            audit=self.audit,
            readonly=lambda: self.readonly,
            production=self.settings.is_production,
            namespace=lambda: project.deploy.namespace or self._namespace_or_default(),
            network_mode=self.build_network,
            loader=self._load_into_local_cluster,
        )
        self.build_view.history = history.load(self.devloop.project_name)
        self.build_view.last = self.build_view.history[-1] if self.build_view.history else None
        self.devloop.start(watch=self.watch_project)
        return self.devloop

    def _load_into_local_cluster(self, image: str) -> str:
        """Delivery "load": into the kind/minikube/k3d cluster the current context is."""
        from gok_tui.backends.local_cluster import LoadError, detect, load_image

        context = self.target.context if self.target is not None else ""
        configured = self.project.deploy.local_cluster if self.project else "auto"
        cluster = detect(context, configured)
        if cluster is None:
            raise LoadError(
                f"context {context or '(none)'} is not a kind, minikube or k3d cluster; set "
                'deploy.local_cluster in gok.toml, or use delivery = "push"'
            )
        return load_image(cluster, image)

    def _namespace_or_default(self) -> str:
        return self.target.namespace if self.target is not None else "default"

    def close(self) -> None:
        """On quit: nothing here waits long on the cluster or the engine (quitting must be
        immediate whatever a server does); a change still in flight is put in the audit log
        as of unknown outcome."""
        if self.devloop is not None:
            self.devloop.stop(timeout=QUIT_WAIT)
        stop_exec_plugins()
        self.metrics.stop_all()
        self.hub.stop_all()
        self.audit.settle(wait=QUIT_WAIT)
        if self._docker is not None:
            self._docker.close()
