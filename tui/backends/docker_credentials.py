"""Registry credentials, found as the Docker CLI finds them.

``$DOCKER_CONFIG/config.json`` (else ``~/.docker/config.json``), through the SDK's
``docker.auth``: the registry's ``credHelpers`` entry, else ``credsStore``, is run as
``docker-credential-NAME get`` (Docker Desktop, osxkeychain, ecr-login, gcloud, ...; with a
timeout, in a session of its own, its stderr kept off the screen) and its answer, "not found"
included, is the answer; ``auths`` (``auth``, else ``username``/``password``, or
``identitytoken``) serves a registry no helper is configured for. Docker Hub's names
(``docker.io``, ``index.docker.io``, ``registry-1.docker.io``) are looked up as
``https://index.docker.io/v1/``. A helper that is missing or fails gives no credentials and a
``problem`` that says why; nothing here raises, and no message here ever holds a secret (a
helper's answer that is not credentials is described, never quoted). ``docker`` is imported on
first use.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset({DOCKER_HUB, "index.docker.io", "registry-1.docker.io"})
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"  # the key `docker login` uses for Docker Hub
HELPER_TIMEOUT = 20.0  # seconds a credential helper may take (ecr-login, gcloud ask a server)
_NOT_FOUND = "credentials not found in native keychain"  # the helper protocol's "no entry"
# A helper that hung is not asked again for a while: one build asks for credentials up to three
# times (the build's FROM images, the registry check, the push), each of which would wait.
HELPER_RETRY_AFTER = 60.0
_hung_until: dict[str, float] = {}  # helper executable -> time.monotonic() it may be asked again


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


def registry_credentials(
    registry: str, helper_timeout: float = HELPER_TIMEOUT
) -> RegistryCredentials:
    """Credentials for ``registry`` the way the Docker CLI finds them: ``credHelpers`` for the
    registry, else ``credsStore``, run as ``docker-credential-NAME get``; else ``auths``.
    Docker Hub is looked up as ``https://index.docker.io/v1/``, as ``docker login`` stores it.
    Never raises: an unreadable config or a helper that fails gives no credentials."""
    from docker.errors import DockerException

    path = docker_config_path()
    if not path.is_file():  # the SDK would fall back to ~/.docker and ~/.dockercfg: docker doesn't
        return RegistryCredentials({})
    config = load_auth_config(helper_timeout)
    if config.problem:
        return RegistryCredentials({}, config.problem)
    host = registry_host(registry)
    try:
        helper = config.get_credential_store(host)
    except Exception as exc:  # credHelpers that is not a mapping
        return RegistryCredentials({}, f"cannot read the Docker config {path}: {exc}")
    try:
        # as the CLI's native store: a helper's answer, even "not found", is the answer; the
        # file's ``auths`` are read only for a registry no helper is configured for
        found = (
            config._resolve_authconfig_credstore(host, helper)  # SDK private: one helper lookup
            if helper
            else config.resolve_authconfig(host)
        )
    except (DockerException, ValueError, KeyError, TypeError) as exc:
        return RegistryCredentials({}, helper_problem(helper, exc))
    server = DOCKER_HUB_SERVER if host == DOCKER_HUB else host
    return RegistryCredentials(_engine_auth(found, server))


def load_auth_config(helper_timeout: float = HELPER_TIMEOUT) -> Any:
    """The Docker CLI config as an ``auth_config_class()``, for a build's credentials: empty
    when there is none, empty with a ``problem`` when it cannot be read (not JSON, malformed
    entries). Its helpers get ``helper_timeout`` seconds to answer. Never raises."""
    cls = auth_config_class()
    path = docker_config_path()
    config = cls({})
    try:
        if path.is_file():
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, dict):
                raise ValueError("it is not a JSON object")
            # an empty document would make the SDK look for another file: docker reads this one
            config = cls.load_config(None, document) if document else cls({})
    except json.JSONDecodeError as exc:  # its message says where, never what (no secret)
        where = f"{exc.msg}, line {exc.lineno}"
        config.problem = f"cannot read the Docker config {path}: not JSON ({where})"
    except Exception as exc:  # malformed entries: InvalidConfigFile, bad base64, not a mapping
        # a decoding error quotes a byte of the credential it decoded: said by its kind only
        reason = "an auth entry is not text" if isinstance(exc, UnicodeError) else str(exc)
        config.problem = f"cannot read the Docker config {path}: {reason}"
    config.helper_timeout = helper_timeout
    return config


def helper_problem(helper: str, exc: Exception) -> str:
    """Why credential helper ``helper`` gave nothing, from what asking it raised: the Store's
    ``StoreError``, which the SDK wraps in a ``DockerException``, or a bad answer's error."""
    from docker.credentials import StoreError

    program = f"docker-credential-{helper}"
    if shutil.which(program) is None:
        return f"credential helper {program} is not installed (not on PATH)"
    # never the answer itself: it may hold the secret
    if isinstance(exc, ValueError):
        return f"credential helper {program} failed: its answer is not JSON"
    if isinstance(exc, KeyError | TypeError):
        return (
            f"credential helper {program} failed: its answer is not credentials "
            '(a JSON object with "Username" and "Secret")'
        )
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
        def __init__(
            self,
            program: str,
            environment: Mapping[str, str] | None = None,
            timeout: float = HELPER_TIMEOUT,
        ) -> None:
            # not the SDK's, which warns (on stderr) when the helper is missing: _execute says so
            self.program = f"docker-credential-{program}"
            self.exe = shutil.which(self.program)
            self.environment = environment
            self.timeout = timeout

        # SDK private: Store.get() and .list() run the helper through _execute(subcmd, input)
        def _execute(self, subcmd: str, data_input: bytes | None) -> bytes:
            if self.exe is None:
                raise credentials.StoreError(f"{self.program} is not installed (not on PATH)")
            wait = _hung_until.get(self.exe, 0.0) - time.monotonic()
            if wait > 0:
                raise credentials.StoreError(
                    f"it gave no answer a moment ago; asked again in {wait:.0f} s"
                )
            try:
                # `list` has no input: an empty stdin, never the terminal the TUI reads
                status, out, err = run_helper(
                    [self.exe, subcmd],
                    data_input if data_input is not None else b"",
                    self.timeout,
                    {**os.environ, **(self.environment or {})},
                )
            except subprocess.TimeoutExpired as exc:
                _hung_until[self.exe] = time.monotonic() + HELPER_RETRY_AFTER
                raise credentials.StoreError(f"no answer in {self.timeout:g} s") from exc
            except OSError as exc:
                raise credentials.StoreError(str(exc)) from exc
            if status != 0:
                said = out.decode("utf-8", "replace").strip()
                if _NOT_FOUND in said:
                    raise credentials.CredentialsNotFound(f"no entry in {self.program}")
                detail = said or err.decode("utf-8", "replace").strip()
                detail = " ".join(detail.split())[:300] or "no message"
                raise credentials.StoreError(f"exit status {status}: {detail}")
            return out

    class HelperAuthConfig(auth.AuthConfig):
        problem: str | None = None  # why the config or a helper gave nothing
        helper_timeout: float = HELPER_TIMEOUT

        @classmethod
        def parse_auth(
            cls, entries: Mapping[str, Any], raise_on_error: bool = False
        ) -> dict[str, Any]:
            """``auths`` as the Docker CLI reads them: ``auth`` (base64 "user:password"), else
            plain ``username`` and ``password`` fields (which the SDK ignores); an
            ``identitytoken`` wins over both, an empty one counts as none."""
            parsed: dict[str, Any] = super().parse_auth(entries, raise_on_error)
            for registry, entry in entries.items():
                if registry not in parsed or not isinstance(entry, dict):
                    continue
                if entry.get("identitytoken"):
                    continue
                if entry.get("auth"):
                    username, password = auth.decode_auth(entry["auth"])
                elif entry.get("username"):
                    username, password = entry["username"], entry.get("password") or ""
                else:
                    parsed[registry] = {}
                    continue
                parsed[registry] = {
                    "username": str(username),
                    "password": str(password),
                    "email": entry.get("email"),
                    "serveraddress": registry,
                }
            return parsed

        @property
        def is_empty(self) -> bool:
            # SDK private: APIClient._set_auth_headers swaps an empty config for its own lookup
            return False

        # SDK private: AuthConfig makes its helpers' Stores here (and keeps them in _stores)
        def _get_store_instance(self, name: str) -> Store:
            if name not in self._stores:
                self._stores[name] = Store(name, self._credstore_env, self.helper_timeout)
            return self._stores[name]

        def get_all_credentials(self) -> dict[str, Any]:
            """What a build sends, as the Docker CLI's: every entry ``credsStore`` lists (else
            ``auths``), then each ``credHelpers`` registry. Unlike the SDK's, never raises: a helper
            that is missing or fails adds nothing, is not asked again, and says why in
            ``problem``."""
            # as the CLI: with a credsStore the file's auths are not sent, only the store's
            found: dict[str, Any] = {} if self.creds_store else dict(self.auths)
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
                else:  # the helper has none: nor has the build (the CLI's empty entry)
                    found.pop(registry, None)
            if problems:
                self.problem = "; ".join(problems.values())
            return found

    return HelperAuthConfig


def run_helper(
    command: list[str], data: bytes, timeout: float, env: Mapping[str, str]
) -> tuple[int, bytes, bytes]:
    """Run a credential helper: its exit status, stdout and stderr. In a session of its own,
    away from the terminal the TUI draws on; past ``timeout`` the whole session is killed (a
    shell script's ``sleep``, a cloud CLI's children), then ``TimeoutExpired`` is raised."""
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env),
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    return process.returncode, out, err


def with_problem(message: str, problem: str | None) -> str:
    return f"{message}; {problem}" if problem else message
