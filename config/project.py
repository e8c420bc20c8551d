"""The project file ``gok.toml``: what to build, where to deliver it and what to roll out.

Without a ``gok.toml`` the project is inferred from what is on disk (a Dockerfile, manifests)
and every guess is recorded in ``ProjectConfig.assumptions`` so the UI can say it.
"""

from __future__ import annotations

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
class ProjectConfig:
    root: Path
    image: ImageSpec
    deploy: DeploySpec
    watch: WatchSpec
    source: str | None  # the gok.toml path, or None when inferred
    assumptions: tuple[str, ...] = ()
    traffic: TrafficSpec = field(default_factory=TrafficSpec)
    forwards: tuple[ForwardSpec, ...] = ()


def load_project(root: Path) -> ProjectConfig:
    root = root.expanduser().resolve()
    if not root.is_dir():
        raise ConfigError(root, None, "project directory does not exist")
    path = root / PROJECT_FILE
    if path.is_file():
        return parse_project(read_toml(path), root, str(path))
    return infer_project(root)


def parse_project(data: Mapping[str, Any], root: Path, source: str | None) -> ProjectConfig:
    _only(data, {"image", "deploy", "watch", "traffic", "forward"}, source, "")
    image_table = _table(data, "image", source)
    deploy_table = _table(data, "deploy", source)
    watch_table = _table(data, "watch", source)
    _only(
        image_table,
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
        "image.",
    )
    _only(
        deploy_table,
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
        "deploy.",
    )
    _only(watch_table, {"paths", "ignore", "debounce_ms"}, source, "watch.")

    repository = image_table.get("repository")
    if not isinstance(repository, str) or not repository:
        raise ConfigError(source, "image.repository", "is required, e.g. '127.0.0.1:5000/hello'")
    build_args = image_table.get("build_args", {})
    if not isinstance(build_args, dict) or not all(isinstance(v, str) for v in build_args.values()):
        raise ConfigError(source, "image.build_args", "must be a table of string values")
    image = ImageSpec(
        repository=repository,
        dockerfile=_str(image_table, "dockerfile", source, "image.", "Dockerfile"),
        context=_str(image_table, "context", source, "image.", "."),
        target=_opt_str(image_table, "target", source, "image."),
        build_args=dict(build_args),
        tag_policy=_choice(image_table, "tag_policy", _TAG_POLICIES, source, "image.", "git"),
        semver_file=_opt_str(image_table, "semver_file", source, "image."),
    )
    auto_deploy = deploy_table.get("auto_deploy", True)
    if not isinstance(auto_deploy, bool):
        raise ConfigError(source, "deploy.auto_deploy", "must be true or false")
    deploy = DeploySpec(
        namespace=_opt_str(deploy_table, "namespace", source, "deploy."),
        deployment=_opt_str(deploy_table, "deployment", source, "deploy."),
        container=_opt_str(deploy_table, "container", source, "deploy."),
        delivery=_choice(deploy_table, "delivery", _DELIVERIES, source, "deploy.", "push"),
        local_cluster=_choice(
            deploy_table, "local_cluster", _LOCAL_CLUSTERS, source, "deploy.", "auto"
        ),
        auto_deploy=auto_deploy,
        manifests=_str_list(deploy_table, "manifests", source, "deploy.", ()),
    )
    debounce = watch_table.get("debounce_ms", 300)
    if isinstance(debounce, bool) or not isinstance(debounce, int) or not 0 <= debounce <= 60_000:
        raise ConfigError(source, "watch.debounce_ms", "must be a whole number from 0 to 60000")
    watch = WatchSpec(
        paths=_str_list(watch_table, "paths", source, "watch.", (".",)),
        ignore=_str_list(watch_table, "ignore", source, "watch.", ()),
        debounce_ms=debounce,
    )
    return ProjectConfig(
        root=root,
        image=image,
        deploy=deploy,
        watch=watch,
        source=source,
        traffic=_traffic(_table(data, "traffic", source), source),
        forwards=parse_forwards(data.get("forward"), source),
    )


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


def _table(data: Mapping[str, Any], key: str, source: str | None) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(source, key, "must be a table")
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
