"""Registry credentials, found as the Docker CLI finds them.

``$DOCKER_CONFIG/config.json`` (else ``~/.docker/config.json``), through the SDK's
``docker.auth``: the registry's ``credHelpers`` entry, else ``credsStore``, is run as
``docker-credential-NAME get`` (Docker Desktop, osxkeychain, ecr-login, gcloud, ...; with a
timeout, its stderr kept off the screen), then ``auths`` is read. Docker Hub's names
(``docker.io``, ``index.docker.io``, ``registry-1.docker.io``) are looked up as
``https://index.docker.io/v1/``. A helper that is missing or fails gives no credentials and a
``problem`` that says why; nothing here raises. ``docker`` is imported on first use.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset({DOCKER_HUB, "index.docker.io", "registry-1.docker.io"})
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"  # the key `docker login` uses for Docker Hub
HELPER_TIMEOUT = 20.0  # seconds a credential helper may take (ecr-login, gcloud ask a server)
_NOT_FOUND = "credentials not found in native keychain"  # the helper protocol's "no entry"


@dataclass(frozen=True, slots=True)
class RegistryCredentials:
    """What the Docker CLI's config gives for one registry: ``auth`` is the engine's
    ``X-Registry-Auth`` dict ({} when none); ``problem`` says why a credential helper gave
    nothing (missing, failed, timed out), else it is None."""

    auth: dict[str, str]
    problem: str | None = None


def docker_config_path() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def registry_host(registry: str) -> str:
    """The host of a registry name or URL, with Docker Hub's aliases as "docker.io"."""
    host = registry.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    return DOCKER_HUB if host in DOCKER_HUB_ALIASES else host


def registry_auth(registry: str) -> dict[str, str]:
    """Credentials for ``registry`` as the engine takes them ({} when none)."""
    return registry_credentials(registry).auth


def registry_credentials(registry: str) -> RegistryCredentials:
    """Credentials for ``registry`` the way the Docker CLI finds them: ``credHelpers`` for the
    registry, else ``credsStore``, run as ``docker-credential-NAME get``; then ``auths``.
    Docker Hub is looked up as ``https://index.docker.io/v1/``, as ``docker login`` stores it.
    Never raises: an unreadable config or a helper that fails gives no credentials."""
    from docker.errors import DockerException

    path = docker_config_path()
    if not path.is_file():  # the SDK would fall back to ~/.docker and ~/.dockercfg: docker doesn't
        return RegistryCredentials({})
    host = registry_host(registry)
    try:
        config = auth_config_class().load_config(str(path), None)
        helper = config.get_credential_store(host)
    except Exception as exc:  # malformed entries: InvalidConfigFile, bad base64, not a mapping
        return RegistryCredentials({}, f"cannot read the Docker config {path}: {exc}")
    try:
        found = config.resolve_authconfig(host)
    except (DockerException, ValueError, KeyError, TypeError) as exc:
        return RegistryCredentials({}, helper_problem(helper, exc))
    server = DOCKER_HUB_SERVER if host == DOCKER_HUB else host
    return RegistryCredentials(_engine_auth(found, server))


def load_auth_config() -> Any:
    """The Docker CLI config as an ``auth_config_class()``, for a build's credentials: empty
    when there is none, empty with a ``problem`` when it cannot be read. Never raises."""
    cls = auth_config_class()
    path = docker_config_path()
    try:
        return cls.load_config(str(path), None) if path.is_file() else cls({})
    except Exception as exc:  # malformed entries: InvalidConfigFile, bad base64, not a mapping
        config = cls({})
        config.problem = f"cannot read the Docker config {path}: {exc}"
        return config


def helper_problem(helper: str, exc: Exception) -> str:
    """Why credential helper ``helper`` gave nothing, from what asking it raised: the Store's
    ``StoreError``, which the SDK wraps in a ``DockerException``, or a bad answer's error."""
    from docker.credentials import StoreError

    program = f"docker-credential-{helper}"
    if shutil.which(program) is None:
        return f"credential helper {program} is not installed (not on PATH)"
    if isinstance(exc, ValueError | KeyError | TypeError):
        return f"credential helper {program} failed: its answer is not credentials JSON ({exc!r})"
    reason = exc.__cause__ if isinstance(exc.__cause__, StoreError) else exc
    return f"credential helper {program} failed: {reason}"


def _engine_auth(found: Mapping[str, Any] | None, server: str) -> dict[str, str]:
    """The SDK answers ``username``/``password`` from ``auths`` but ``Username``/``Password``/
    ``IdentityToken`` from helpers: one lower-case shape for the engine and our HTTP calls."""
    fields = {str(key).lower(): value for key, value in (found or {}).items() if value}
    if fields.get("identitytoken"):
        return {"identitytoken": str(fields["identitytoken"]), "serveraddress": server}
    if fields.get("username"):
        return {
            "username": str(fields["username"]),
            "password": str(fields.get("password") or ""),
            "serveraddress": server,
        }
    return {}


@functools.cache
def auth_config_class() -> Any:
    """``docker.auth.AuthConfig`` whose helpers run with a timeout and with their stderr
    captured: the TUI draws on the terminal, and a helper waiting for a login must not hang a
    push or a build. Built on first use, so that importing this module does not import
    ``docker``."""
    from docker import auth, credentials
    from docker.errors import DockerException

    failures = (credentials.StoreError, DockerException, ValueError, KeyError, TypeError)

    class Store(credentials.Store):
        def __init__(self, program: str, environment: Mapping[str, str] | None = None) -> None:
            # not the SDK's, which warns (on stderr) when the helper is missing: _execute says so
            self.program = f"docker-credential-{program}"
            self.exe = shutil.which(self.program)
            self.environment = environment

        # SDK private: Store.get() and .list() run the helper through _execute(subcmd, input)
        def _execute(self, subcmd: str, data_input: bytes | None) -> bytes:
            if self.exe is None:
                raise credentials.StoreError(f"{self.program} is not installed (not on PATH)")
            try:
                done = subprocess.run(
                    [self.exe, subcmd],
                    # `list` has no input: an empty stdin, never the terminal the TUI reads
                    input=data_input if data_input is not None else b"",
                    capture_output=True,
                    timeout=HELPER_TIMEOUT,
                    env={**os.environ, **(self.environment or {})},
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise credentials.StoreError(f"no answer in {HELPER_TIMEOUT:g} s") from exc
            except OSError as exc:
                raise credentials.StoreError(str(exc)) from exc
            if done.returncode != 0:
                out = done.stdout.decode("utf-8", "replace").strip()
                if _NOT_FOUND in out:
                    raise credentials.CredentialsNotFound(f"no entry in {self.program}")
                detail = out or done.stderr.decode("utf-8", "replace").strip()
                detail = " ".join(detail.split())[:300] or "no message"
                raise credentials.StoreError(f"exit status {done.returncode}: {detail}")
            return bytes(done.stdout)

    class HelperAuthConfig(auth.AuthConfig):
        problem: str | None = None  # why a helper gave nothing to get_all_credentials()

        @property
        def is_empty(self) -> bool:
            # SDK private: APIClient._set_auth_headers swaps an empty config for its own lookup
            return False

        # SDK private: AuthConfig makes its helpers' Stores here (and keeps them in _stores)
        def _get_store_instance(self, name: str) -> Store:
            if name not in self._stores:
                self._stores[name] = Store(name, environment=self._credstore_env)
            return self._stores[name]

        def get_all_credentials(self) -> dict[str, Any]:
            """What a build sends, as the SDK's does: ``auths``, then every entry ``credsStore``
            lists, then each ``credHelpers`` registry. Unlike the SDK's, never raises: a helper
            that is missing or fails adds nothing, is not asked again, and says why in
            ``problem``."""
            found: dict[str, Any] = dict(self.auths)
            problems: dict[str, str] = {}
            wanted: list[tuple[str, str]] = []
            if self.creds_store:
                try:
                    listed = self._get_store_instance(self.creds_store).list()
                    wanted = [(str(registry), self.creds_store) for registry in listed]
                except failures as exc:
                    problems[self.creds_store] = helper_problem(self.creds_store, exc)
            for registry, helper in [*wanted, *self.cred_helpers.items()]:
                if helper in problems:
                    continue
                try:
                    # SDK private: asks helper for one registry (None when it has no entry)
                    entry = self._resolve_authconfig_credstore(registry, helper)
                except failures as exc:
                    problems[helper] = helper_problem(helper, exc)
                    continue
                if entry is not None:
                    found[registry] = found[auth.convert_to_hostname(registry)] = entry
            if problems:
                self.problem = "; ".join(problems.values())
            return found

    return HelperAuthConfig


def with_problem(message: str, problem: str | None) -> str:
    return f"{message}; {problem}" if problem else message
