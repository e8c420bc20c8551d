"""Kubeconfig resolution with kubectl's rules, without importing the kubernetes client.

kubectl's loading rules (client-go ``clientcmd``):
- ``--kubeconfig`` names exactly one file, which must exist;
- otherwise every file in ``KUBECONFIG`` (path-list separated) is read, missing ones skipped,
  and merged: for maps (clusters, users, contexts by name) the first file that defines a name
  wins; ``current-context`` comes from the first file that sets it;
- otherwise ``~/.kube/config``;
- relative certificate/key/token file paths, and exec commands given as a relative path with a
  separator, are resolved against the file they appear in;
- with no kubeconfig at all, or one with no current context and no ``--context``, the in-cluster
  service account is used when present.
The context is ``--context`` or ``current-context``; the namespace is ``-n``, else the context's
namespace, else ``default``.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from gok_tui.config.errors import ConfigError, short_name

IN_CLUSTER_TOKEN = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
IN_CLUSTER_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")

NAMESPACE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")  # an RFC 1123 label


def namespace_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a namespace (the API server would reject it), or None."""
    if len(name) <= 63 and NAMESPACE_NAME.fullmatch(name):
        return None
    return (
        f'"{short_name(name)}" is not a namespace name: lowercase letters, digits and "-", '
        "starting and ending with a letter or digit, at most 63 characters"
    )


_PATH_FIELDS = {
    "cluster": ("certificate-authority",),
    "user": ("client-certificate", "client-key", "tokenFile"),
}


@dataclass(frozen=True)
class ContextInfo:
    name: str
    cluster: str
    user: str
    namespace: str | None
    server: str


@dataclass(frozen=True)
class KubeTarget:
    """Where the Kubernetes views point: resolved once, re-resolved on :ctx / :ns."""

    context: str
    cluster_server: str
    user: str
    namespace: str
    all_namespaces: bool
    in_cluster: bool = False
    merged: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    files: tuple[str, ...] = ()

    def with_namespace(self, namespace: str | None) -> KubeTarget:
        if namespace is None:
            return replace(self, all_namespaces=True)
        return replace(self, namespace=namespace, all_namespaces=False)


@dataclass(frozen=True)
class KubeConfig:
    """The merged kubeconfig: every context, and which one is current."""

    merged: Mapping[str, Any]
    files: tuple[str, ...]
    current_context: str | None

    @property
    def context_names(self) -> list[str]:
        return [entry["name"] for entry in self.merged.get("contexts", [])]

    def context(self, name: str) -> ContextInfo:
        entry = _named(self.merged.get("contexts", []), name)
        if entry is None:
            near = difflib.get_close_matches(name, self.context_names, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            raise ConfigError(
                self._source(), "contexts", f'context "{short_name(name)}" does not exist{hint}'
            )
        ctx = entry.get("context") or {}
        cluster_name = ctx.get("cluster") or ""  # YAML's "cluster:" with no value is None
        if not cluster_name:
            raise ConfigError(self._source(), f"contexts.{name}", "names no cluster")
        cluster = _named(self.merged.get("clusters", []), cluster_name)
        if cluster is None:
            raise ConfigError(
                self._source(),
                f"contexts.{name}",
                f'cluster "{short_name(str(cluster_name))}" does not exist',
            )
        server = (cluster.get("cluster") or {}).get("server") or ""
        return ContextInfo(
            name=name,
            cluster=cluster_name,
            user=ctx.get("user") or "",
            namespace=ctx.get("namespace") or None,
            server=server,
        )

    def _source(self) -> str:
        return os.pathsep.join(self.files) or "kubeconfig"


def _named(entries: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    for entry in entries:
        if entry.get("name") == name:
            return entry
    return None


def kubeconfig_files(explicit: str | None, environ: Mapping[str, str]) -> list[Path]:
    """The files kubectl would read, in precedence order."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(path, None, "kubeconfig file does not exist")
        return [path]
    env_value = environ.get("KUBECONFIG", "")
    if env_value:
        paths = [Path(p).expanduser() for p in env_value.split(os.pathsep) if p]
        return [p for p in paths if p.is_file()]
    home = Path(environ.get("HOME", str(Path.home())))
    default = home / ".kube" / "config"
    return [default] if default.is_file() else []


# fields read as text: a list or a number there is a broken file, said as such
_STRING_FIELDS = frozenset({"cluster", "user", "namespace", "server"})


def _read_one(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read kubeconfig: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "kubeconfig is not UTF-8 text") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(path, where, f"kubeconfig is not valid YAML: {reason}") from exc
    except RecursionError as exc:  # flow collections nested thousands deep
        raise ConfigError(path, None, "kubeconfig is not valid YAML: nested too deeply") from exc
    except ValueError as exc:  # a scalar YAML types but cannot build: 2020-13-45, 10**5000
        reason = str(exc).partition(";")[0]  # not Python's "; use sys.set_int_max_str_digits()"
        raise ConfigError(path, None, f"kubeconfig has a value YAML cannot read: {reason}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, None, "kubeconfig must be a YAML mapping")
    for section in ("clusters", "users", "contexts"):
        value = data.get(section)
        if value is None:
            continue
        if not isinstance(value, list) or not all(
            isinstance(item, dict) and isinstance(item.get("name"), str) for item in value
        ):
            raise ConfigError(path, section, "must be a list of entries with a name")
        body_key = section[:-1]  # clusters[].cluster, users[].user, contexts[].context
        for item in value:
            if not isinstance(item.get(body_key) or {}, dict):
                raise ConfigError(path, f"{section}.{item['name']}.{body_key}", "must be a mapping")
            for name, field_value in (item.get(body_key) or {}).items():
                if name in _STRING_FIELDS and not isinstance(field_value, str | None):
                    raise ConfigError(
                        path, f"{section}.{item['name']}.{body_key}.{name}", "must be a string"
                    )
    current = data.get("current-context")
    if current is not None and not isinstance(current, str):
        raise ConfigError(path, "current-context", "must be a context name (a string)")
    _absolutise_paths(data, path)
    return data


def _absolutise_paths(data: dict[str, Any], path: Path) -> None:
    base = path.parent
    for section, kind in (("clusters", "cluster"), ("users", "user")):
        for entry in data.get(section) or []:
            body = entry.get(kind)
            if not isinstance(body, dict):
                continue
            where = f"{section}.{entry['name']}.{kind}"
            for key in _PATH_FIELDS[kind]:
                value = body.get(key)
                if isinstance(value, str) and value and not os.path.isabs(value):
                    body[key] = _resolve_file(base, value, path, f"{where}.{key}")
            exec_section = body.get("exec")
            if kind == "user" and isinstance(exec_section, dict):
                command = exec_section.get("command")
                # client-go: a relative command with a separator is relative to its kubeconfig;
                # a bare name is looked up on PATH
                if isinstance(command, str) and os.sep in command and not os.path.isabs(command):
                    exec_section["command"] = _resolve_file(
                        base, command, path, f"{where}.exec.command"
                    )


def _resolve_file(base: Path, value: str, source: Path, key: str) -> str:
    if "\0" in value:  # YAML's "\0" escape: no file name holds one (Path.resolve raises)
        raise ConfigError(source, key, "must be a file path; it contains a NUL character")
    return str((base / value).resolve())


def merge_kubeconfigs(documents: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge with client-go's rule: the first file to define a name or a field wins."""
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
    for section in ("clusters", "users", "contexts"):
        seen: dict[str, Mapping[str, Any]] = {}
        for doc in documents:
            for entry in doc.get(section) or []:
                seen.setdefault(entry["name"], entry)
        merged[section] = list(seen.values())
    for doc in documents:
        if doc.get("current-context"):
            merged["current-context"] = doc["current-context"]
            break
    for doc in documents:
        if isinstance(doc.get("preferences"), dict):
            merged["preferences"] = doc["preferences"]
            break
    return merged


def reload_merged(files: Sequence[str]) -> dict[str, Any]:
    """The same files read again (a login may have rewritten one), merged as before."""
    return merge_kubeconfigs([_read_one(Path(f)) for f in files])


def load_kubeconfig(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> KubeConfig | None:
    """The merged kubeconfig, or None when kubectl would find none."""
    env = os.environ if environ is None else environ
    files = kubeconfig_files(explicit, env)
    if not files:
        return None
    documents = [_read_one(path) for path in files]
    merged = merge_kubeconfigs(documents)
    return KubeConfig(
        merged=merged,
        files=tuple(str(p) for p in files),
        current_context=merged.get("current-context") or None,
    )


def in_cluster_available(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("KUBERNETES_SERVICE_HOST")) and IN_CLUSTER_TOKEN.is_file()


def resolve_target(
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    all_namespaces: bool = False,
    environ: Mapping[str, str] | None = None,
) -> KubeTarget | None:
    """Resolve what kubectl would talk to. None means no cluster is configured at all."""
    env = os.environ if environ is None else environ
    if namespace and (problem := namespace_name_problem(namespace)):
        raise ConfigError(None, "--namespace", problem)
    config = load_kubeconfig(kubeconfig, env)
    if config is None:
        if in_cluster_available(env):
            return _in_cluster_target(env, namespace, all_namespaces)
        if context:
            raise ConfigError(
                None, "--context", f'context "{context}" does not exist (no kubeconfig)'
            )
        return None
    name = context or config.current_context
    if not name and in_cluster_available(env):
        return _in_cluster_target(env, namespace, all_namespaces)  # as client-go falls back
    if not name:
        raise ConfigError(
            config._source(), "current-context", "no current context is set; pass --context NAME"
        )
    info = config.context(name)
    return KubeTarget(
        context=info.name,
        cluster_server=info.server,
        user=info.user,
        namespace=namespace or info.namespace or "default",
        all_namespaces=all_namespaces,
        merged=config.merged,
        files=config.files,
    )


def retarget_context(target: KubeTarget, context: str) -> KubeTarget:
    """Switch to another context of the same merged kubeconfig, as ``:ctx NAME`` does."""
    config = KubeConfig(merged=target.merged, files=target.files, current_context=context)
    info = config.context(context)
    return KubeTarget(
        context=info.name,
        cluster_server=info.server,
        user=info.user,
        namespace=info.namespace or "default",
        all_namespaces=False,
        merged=target.merged,
        files=target.files,
    )


def _in_cluster_target(
    env: Mapping[str, str], namespace: str | None, all_namespaces: bool
) -> KubeTarget:
    host = env["KUBERNETES_SERVICE_HOST"]
    port = env.get("KUBERNETES_SERVICE_PORT", "443")
    pod_namespace = None
    if IN_CLUSTER_NAMESPACE.is_file():
        pod_namespace = IN_CLUSTER_NAMESPACE.read_text(encoding="utf-8").strip() or None
    return KubeTarget(
        context="in-cluster",
        cluster_server=f"https://{host}:{port}",
        user="serviceaccount",
        namespace=namespace or pod_namespace or "default",
        all_namespaces=all_namespaces,
        in_cluster=True,
    )
