"""The project file ``gok.toml``: what to build, where to deliver it and what to roll out.

Without a ``gok.toml`` the project is inferred from what is on disk (a Dockerfile, manifests)
and every guess is recorded in ``ProjectConfig.assumptions`` so the UI can say it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from gok_tui.config.errors import ConfigError, shown
from gok_tui.config.forwards import parse_forwards
from gok_tui.config.settings import read_toml

PROJECT_FILE = "gok.toml"
TagPolicy = Literal["git", "content", "semver"]
Delivery = Literal["push", "load", "none"]
LocalCluster = Literal["auto", "kind", "minikube", "k3d"]

_TAG_POLICIES = ("git", "content", "semver")
_DELIVERIES = ("push", "load", "none")
_LOCAL_CLUSTERS = ("auto", "kind", "minikube", "k3d")


@dataclass(frozen=True)
class ImageSpec:
    repository: str
    dockerfile: str = "Dockerfile"
    context: str = "."
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    tag_policy: TagPolicy = "git"
    semver_file: str | None = None


@dataclass(frozen=True)
class DeploySpec:
    namespace: str | None = None
    deployment: str | None = None
    container: str | None = None
    delivery: Delivery = "push"
    local_cluster: LocalCluster = "auto"
    auto_deploy: bool = True
    manifests: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchSpec:
    paths: tuple[str, ...] = (".",)
    ignore: tuple[str, ...] = ()
    debounce_ms: int = 300


@dataclass(frozen=True)
class TrafficSpec:
    """``[traffic]``: pairs named by hand (detection finds the usual ones without it)."""

    namespace: str | None = None
    service: str | None = None  # blue/green: the Service whose selector flips
    bluegreen: tuple[str, ...] = ()  # the two Deployments behind it
    stable: str | None = None  # canary by replica ratio: the two Deployments
    canary: str | None = None


@dataclass(frozen=True)
class SyncRule:
    """``[[sync]]`` (live update): files changed under ``local`` (relative to the service's build
    context) are copied into ``container`` (an absolute path in the running container) without a
    rebuild; ``run`` (an argv) runs in the container after a copy."""

    local: str
    container: str
    run: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForwardSpec:
    """``[[forward]]``: a port-forward started with the dev loop that follows each rollout.
    ``target`` is "deployment/NAME" or "service/NAME" (default: the service's Deployment);
    ``remote_port`` is a number or a named container port."""

    local_port: int
    remote_port: int | str
    target: str | None = None
    namespace: str | None = None
    address: str = "127.0.0.1"
    service: str | None = None  # the [[service]] it belongs to (None: the only one)


@dataclass(frozen=True)
class ServiceSpec:
    """One ``[[service]]``: an image built from its own context, delivered and rolled out to its
    own Deployment, rebuilt when its own files change. The single-service form
    (``[image]``/``[deploy]``/``[watch]``/``[[sync]]``) is one of these."""

    name: str
    image: ImageSpec
    deploy: DeploySpec = field(default_factory=DeploySpec)
    watch: WatchSpec = field(default_factory=WatchSpec)
    depends_on: tuple[str, ...] = ()  # services whose deploy goes first (Tilt's resource_deps)
    sync: tuple[SyncRule, ...] = ()


@dataclass(frozen=True)
class DevSpec:
    """``[dev]``: how the dev loop runs the services."""

    max_parallel_builds: int = 2


@dataclass(frozen=True)
class ProjectConfig:
    """``image``/``deploy``/``watch`` are the first service's (what single-service callers
    read); ``services`` lists them all, in gok.toml order. Made with ``services`` left out,
    the project is the one service those three describe."""

    root: Path
    image: ImageSpec
    deploy: DeploySpec
    watch: WatchSpec
    source: str | None  # the gok.toml path, or None when inferred
    assumptions: tuple[str, ...] = ()
    traffic: TrafficSpec = field(default_factory=TrafficSpec)
    services: tuple[ServiceSpec, ...] = ()
    dev: DevSpec = field(default_factory=DevSpec)
    forwards: tuple[ForwardSpec, ...] = ()

    def __post_init__(self) -> None:
        if not self.services:
            only = ServiceSpec(
                default_service_name(self.root, self.deploy), self.image, self.deploy, self.watch
            )
            object.__setattr__(self, "services", (only,))

    @property
    def multi(self) -> bool:
        return len(self.services) > 1

    def service(self, name: str) -> ServiceSpec:
        for spec in self.services:
            if spec.name == name:
                return spec
        raise KeyError(name)


def default_service_name(root: Path, deploy: DeploySpec) -> str:
    """The single-service form's one service: named after its Deployment, else the project."""
    return deploy.deployment or root.name or "app"


def load_project(root: Path) -> ProjectConfig:
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise ConfigError(root, None, "project directory does not exist")
    path = root / PROJECT_FILE
    if path.is_file():
        return parse_project(read_toml(path), root, str(path))
    return infer_project(root)


_SINGLE_SERVICE_KEYS = ("image", "deploy", "watch", "sync")
_SERVICE_KEYS = {"name", "image", "deploy", "watch", "depends_on", "sync"}
_SERVICE_NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$")


def parse_project(data: Mapping[str, Any], root: Path, source: str | None) -> ProjectConfig:
    _only(
        data,
        {"image", "deploy", "watch", "sync", "service", "dev", "traffic", "forward"},
        source,
        "",
    )
    if "service" in data:
        mixed = [key for key in _SINGLE_SERVICE_KEYS if key in data]
        if mixed:
            raise ConfigError(
                source,
                mixed[0],
                "[[service]] entries and a top-level [image]/[deploy]/[watch]/[[sync]] cannot "
                "be mixed: move it into a [[service]]",
            )
        services = _services(data["service"], root, source)
    else:
        image = _image(_table(data, "image", source), source, "image.")
        deploy = _deploy(_table(data, "deploy", source), source, "deploy.")
        services = (
            ServiceSpec(
                name=default_service_name(root, deploy),
                image=image,
                deploy=deploy,
                watch=_watch(_table(data, "watch", source), source, "watch."),
                sync=_sync_rules(data.get("sync", []), root, image, source, "sync"),
            ),
        )
    first = services[0]
    forwards = parse_forwards(data.get("forward"), source)
    names = [service.name for service in services]
    for index, forward in enumerate(forwards):
        if forward.service is not None and forward.service not in names:
            raise ConfigError(
                source,
                f"forward[{index}].service",
                f"names no service: {forward.service!r} (services: {', '.join(names)})",
            )
    return ProjectConfig(
        root=root,
        image=first.image,
        deploy=first.deploy,
        watch=first.watch,
        source=source,
        traffic=_traffic(_table(data, "traffic", source), source),
        services=services,
        dev=_dev(_table(data, "dev", source), source),
        forwards=forwards,
    )


def _services(entries: Any, root: Path, source: str | None) -> tuple[ServiceSpec, ...]:
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(source, "service", "must be an array of tables ([[service]])")
    if not entries:
        raise ConfigError(source, "service", "lists no service")
    services: list[ServiceSpec] = []
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name")
        if not isinstance(name, str) or not _SERVICE_NAME.match(name):
            raise ConfigError(
                source,
                f"service.{number}.name",
                "is required: lower-case letters, digits, '.', '_' or '-' (e.g. 'web'); "
                f"got {shown(name)}",
            )
        if any(s.name == name for s in services):
            raise ConfigError(source, f"service.{name}", f"two services are named {name!r}")
        prefix = f"service.{name}."
        _only(entry, _SERVICE_KEYS, source, prefix)
        image = _image(
            _table(entry, "image", source, prefix), source, prefix + "image.", in_context=True
        )
        services.append(
            ServiceSpec(
                name=name,
                image=image,
                deploy=_deploy(_table(entry, "deploy", source, prefix), source, prefix + "deploy."),
                watch=_watch(_table(entry, "watch", source, prefix), source, prefix + "watch."),
                depends_on=tuple(dict.fromkeys(_str_list(entry, "depends_on", source, prefix, ()))),
                sync=_sync_rules(entry.get("sync", []), root, image, source, prefix + "sync"),
            )
        )
    names = [s.name for s in services]
    for service in services:
        for dependency in service.depends_on:
            if dependency not in names:
                raise ConfigError(
                    source,
                    f"service.{service.name}.depends_on",
                    f"names no service: {dependency!r} (services: {', '.join(names)})",
                )
    cycle = _dependency_cycle(services)
    if cycle:
        raise ConfigError(
            source, f"service.{cycle[0]}.depends_on", f"depends_on cycle: {' -> '.join(cycle)}"
        )
    return tuple(services)


def _dependency_cycle(services: list[ServiceSpec]) -> list[str]:
    """The first depends_on cycle, as the names along it with the first repeated at the end
    (["web", "api", "web"]); [] when there is none."""
    needs = {s.name: s.depends_on for s in services}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for dependency in needs[name]:
            cycle = visit(dependency, [*path, name])
            if cycle:
                return cycle
        done.add(name)
        return []

    for service in services:
        cycle = visit(service.name, [])
        if cycle:
            return cycle
    return []


def _image(
    table: Mapping[str, Any], source: str | None, prefix: str, in_context: bool = False
) -> ImageSpec:
    """``dockerfile`` is relative to the project directory; ``in_context``: its default is
    the Dockerfile in the image's context (a [[service]]), else the project's own."""
    _only(
        table,
        {
            "repository",
            "dockerfile",
            "context",
            "target",
            "build_args",
            "tag_policy",
            "semver_file",
        },
        source,
        prefix,
    )
    repository = table.get("repository")
    if not isinstance(repository, str) or not repository:
        raise ConfigError(source, prefix + "repository", "is required, e.g. '127.0.0.1:5000/hello'")
    build_args = table.get("build_args", {})
    if not isinstance(build_args, dict) or not all(isinstance(v, str) for v in build_args.values()):
        raise ConfigError(source, prefix + "build_args", "must be a table of string values")
    context = _str(table, "context", source, prefix, ".")
    default_dockerfile = (Path(context) / "Dockerfile").as_posix() if in_context else "Dockerfile"
    return ImageSpec(
        repository=repository,
        dockerfile=_str(table, "dockerfile", source, prefix, default_dockerfile),
        context=context,
        target=_opt_str(table, "target", source, prefix),
        build_args=dict(build_args),
        tag_policy=_choice(table, "tag_policy", _TAG_POLICIES, source, prefix, "git"),
        semver_file=_opt_str(table, "semver_file", source, prefix),
    )


def _deploy(table: Mapping[str, Any], source: str | None, prefix: str) -> DeploySpec:
    _only(
        table,
        {
            "namespace",
            "deployment",
            "container",
            "delivery",
            "local_cluster",
            "auto_deploy",
            "manifests",
        },
        source,
        prefix,
    )
    auto_deploy = table.get("auto_deploy", True)
    if not isinstance(auto_deploy, bool):
        raise ConfigError(source, prefix + "auto_deploy", "must be true or false")
    return DeploySpec(
        namespace=_opt_str(table, "namespace", source, prefix),
        deployment=_opt_str(table, "deployment", source, prefix),
        container=_opt_str(table, "container", source, prefix),
        delivery=_choice(table, "delivery", _DELIVERIES, source, prefix, "push"),
        local_cluster=_choice(table, "local_cluster", _LOCAL_CLUSTERS, source, prefix, "auto"),
        auto_deploy=auto_deploy,
        manifests=_str_list(table, "manifests", source, prefix, ()),
    )


def _watch(table: Mapping[str, Any], source: str | None, prefix: str) -> WatchSpec:
    _only(table, {"paths", "ignore", "debounce_ms"}, source, prefix)
    debounce = table.get("debounce_ms", 300)
    if isinstance(debounce, bool) or not isinstance(debounce, int) or not 0 <= debounce <= 60_000:
        raise ConfigError(source, prefix + "debounce_ms", "must be a whole number from 0 to 60000")
    return WatchSpec(
        paths=_str_list(table, "paths", source, prefix, (".",)),
        ignore=_str_list(table, "ignore", source, prefix, ()),
        debounce_ms=debounce,
    )


def _sync_rules(
    entries: Any, root: Path, image: ImageSpec, source: str | None, key: str
) -> tuple[SyncRule, ...]:
    """``[[sync]]`` / ``[[service.sync]]``: ``local`` stays inside the build context (what is
    copied must be what a rebuild would have copied), ``container`` is absolute, ``run`` is an
    argv list or a command line split as a shell would."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(source, key, "must be an array of tables ([[sync]])")
    context = (root / image.context).resolve()
    rules = []
    for number, entry in enumerate(entries, start=1):
        prefix = f"{key}.{number}."
        _only(entry, {"local", "container", "run"}, source, prefix)
        local = entry.get("local")
        if not isinstance(local, str) or not local:
            raise ConfigError(source, prefix + "local", "is required: a path in the build context")
        if "\0" in local:
            raise ConfigError(source, prefix + "local", "holds a NUL character: not a path")
        if Path(local).is_absolute() or not (context / local).resolve().is_relative_to(context):
            raise ConfigError(
                source,
                prefix + "local",
                f"{shown(local)} is outside the build context {shown(image.context)}: sync "
                "paths are relative to it and stay inside it",
            )
        container = entry.get("container")
        if not isinstance(container, str) or not container.startswith("/"):
            raise ConfigError(
                source,
                prefix + "container",
                f"must be an absolute path in the container, e.g. '/app'; got {shown(container)}",
            )
        rules.append(SyncRule(local, container, _command(entry, source, prefix)))
    return tuple(rules)


def _command(entry: Mapping[str, Any], source: str | None, prefix: str) -> tuple[str, ...]:
    run = entry.get("run", [])
    if isinstance(run, str):
        try:
            argv = shlex.split(run)
        except ValueError as error:  # "No closing quotation"
            raise ConfigError(source, prefix + "run", f"cannot be split: {error}") from None
        if not argv:
            raise ConfigError(source, prefix + "run", "is empty: leave it out, or name a command")
        return tuple(argv)
    if not isinstance(run, list) or not all(isinstance(a, str) and a for a in run):
        raise ConfigError(
            source, prefix + "run", "must be a command line or a list of non-empty strings"
        )
    return tuple(run)


def _dev(table: Mapping[str, Any], source: str | None) -> DevSpec:
    _only(table, {"max_parallel_builds"}, source, "dev.")
    bound = table.get("max_parallel_builds", 2)
    if isinstance(bound, bool) or not isinstance(bound, int) or not 1 <= bound <= 16:
        raise ConfigError(source, "dev.max_parallel_builds", "must be a whole number from 1 to 16")
    return DevSpec(max_parallel_builds=bound)


def _traffic(table: Mapping[str, Any], source: str | None) -> TrafficSpec:
    _only(table, {"namespace", "service", "bluegreen", "stable", "canary"}, source, "traffic.")
    spec = TrafficSpec(
        namespace=_opt_str(table, "namespace", source, "traffic."),
        service=_opt_str(table, "service", source, "traffic."),
        bluegreen=_str_list(table, "bluegreen", source, "traffic.", ()),
        stable=_opt_str(table, "stable", source, "traffic."),
        canary=_opt_str(table, "canary", source, "traffic."),
    )
    if spec.bluegreen and (len(spec.bluegreen) != 2 or len(set(spec.bluegreen)) != 2):
        raise ConfigError(source, "traffic.bluegreen", "must name two different Deployments")
    if bool(spec.bluegreen) != bool(spec.service):
        raise ConfigError(
            source, "traffic.service", "service and bluegreen are set together (or neither)"
        )
    if bool(spec.stable) != bool(spec.canary):
        raise ConfigError(source, "traffic.canary", "stable and canary are set together")
    return spec


def infer_project(root: Path) -> ProjectConfig:
    assumptions = [f"no {PROJECT_FILE} in {root}: settings were inferred"]
    dockerfile = "Dockerfile"
    if (root / "Dockerfile").is_file():
        assumptions.append("building ./Dockerfile with the project directory as context")
    else:
        assumptions.append("no Dockerfile found: builds will fail until one exists")
    manifests = tuple(
        str(p.relative_to(root))
        for folder in ("k8s", "manifests", "deploy")
        for p in sorted((root / folder).glob("*.y*ml"))
    )
    if manifests:
        assumptions.append(f"manifests: {', '.join(manifests)}")
    repository = root.name.lower().replace("_", "-") or "app"
    assumptions.append(f"image repository '{repository}' (local only: delivery 'none')")
    return ProjectConfig(
        root=root,
        image=ImageSpec(repository=repository, dockerfile=dockerfile),
        deploy=DeploySpec(delivery="none", auto_deploy=False, manifests=manifests),
        watch=WatchSpec(),
        source=None,
        assumptions=tuple(assumptions),
    )


def _table(
    data: Mapping[str, Any], key: str, source: str | None, prefix: str = ""
) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(source, prefix + key, "must be a table")
    return value


def _only(data: Mapping[str, Any], known: set[str], source: str | None, prefix: str) -> None:
    for key in data:
        if key not in known:
            raise ConfigError(  # TOML allows "" = 1: name it, or the message names no key
                source, prefix + (key or '""'), f"unknown key (known: {', '.join(sorted(known))})"
            )


def _str(data: Mapping[str, Any], key: str, source: str | None, prefix: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(source, prefix + key, "must be a non-empty string")
    return value


def _opt_str(data: Mapping[str, Any], key: str, source: str | None, prefix: str) -> str | None:
    return _str(data, key, source, prefix, "") if key in data else None


def _choice(
    data: Mapping[str, Any],
    key: str,
    choices: tuple[str, ...],
    source: str | None,
    prefix: str,
    default: str,
) -> Any:
    value = data.get(key, default)
    if value not in choices:
        raise ConfigError(
            source, prefix + key, f"must be one of {', '.join(choices)}; got {shown(value)}"
        )
    return value


def _str_list(
    data: Mapping[str, Any], key: str, source: str | None, prefix: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(source, prefix + key, "must be a list of strings")
    return tuple(value)
