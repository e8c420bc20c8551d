"""Credentials from kubeconfig exec plugins (aws, gke-gcloud-auth-plugin, kubelogin, ...).

The kubernetes client runs exec plugins itself, but it decides they are interactive when
``sys.stdout`` claims to be a terminal, and then hands the plugin ``sys.stdin`` and
``sys.stderr``. Inside a full-screen app those belong to the UI (Textual replaces them with
capture objects whose ``fileno()`` is -1), so the plugin would fail or fight the UI for the
keyboard. We run the plugin here instead, non-interactively, with no stdin and its stderr
captured, and hand the client the resulting token or client certificate. As client-go does, the
plugin runs again when the credential expires or the server answers 401.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import os
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

EXEC_TIMEOUT = 60.0  # seconds a plugin may take (it may refresh a token over the network)
REFRESH_MARGIN = timedelta(seconds=30)  # renew this long before the credential expires


class CredentialError(Exception):
    """An exec plugin that could not produce a credential, with the reason in one sentence.
    ``permanent``: trying again changes nothing until the kubeconfig or the machine is fixed
    (no command, a plugin that is not installed)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class ExecCredential:
    token: str | None = None
    client_certificate_data: str | None = None  # PEM
    client_key_data: str | None = None  # PEM
    expires_at: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return (now or datetime.now(UTC)) + REFRESH_MARGIN >= self.expires_at


def _entry(merged: Mapping[str, Any], section: str, name: str) -> Mapping[str, Any] | None:
    for entry in merged.get(section) or []:
        if isinstance(entry, Mapping) and entry.get("name") == name:
            return entry
    return None


def exec_config_for(merged: Mapping[str, Any], context: str) -> Mapping[str, Any] | None:
    """The ``exec`` section of the context's user, or None when it has none."""
    ctx = _entry(merged, "contexts", context)
    user_name = ((ctx or {}).get("context") or {}).get("user")
    user = _entry(merged, "users", user_name) if isinstance(user_name, str) else None
    exec_config = ((user or {}).get("user") or {}).get("exec")
    return exec_config if isinstance(exec_config, Mapping) else None


def _cluster_info(merged: Mapping[str, Any], context: str) -> dict[str, Any]:
    ctx = _entry(merged, "contexts", context)
    cluster_name = ((ctx or {}).get("context") or {}).get("cluster")
    cluster = _entry(merged, "clusters", cluster_name) if isinstance(cluster_name, str) else None
    body = dict((cluster or {}).get("cluster") or {})
    info: dict[str, Any] = {"server": body.get("server", "")}
    if body.get("certificate-authority-data"):
        info["certificate-authority-data"] = body["certificate-authority-data"]
    if body.get("insecure-skip-tls-verify"):
        info["insecure-skip-tls-verify"] = True
    return info


def run_exec_plugin(
    exec_config: Mapping[str, Any],
    cluster: Mapping[str, Any] | None = None,
    timeout: float = EXEC_TIMEOUT,
) -> ExecCredential:
    command = exec_config.get("command")
    api_version = exec_config.get("apiVersion")
    if not isinstance(command, str) or not command:
        raise CredentialError("the user's exec section has no command", permanent=True)
    if not isinstance(api_version, str) or not api_version:
        raise CredentialError(
            f"exec plugin {command!r}: the user's exec section has no apiVersion", permanent=True
        )
    args = [command, *[str(a) for a in exec_config.get("args") or []]]
    env = dict(os.environ)
    for item in exec_config.get("env") or []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            env[item["name"]] = str(item.get("value", ""))
    spec: dict[str, Any] = {"interactive": False}
    if exec_config.get("provideClusterInfo") and cluster:
        spec["cluster"] = dict(cluster)
    env["KUBERNETES_EXEC_INFO"] = json.dumps(
        {"apiVersion": api_version, "kind": "ExecCredential", "spec": spec}
    )
    name = os.path.basename(command)
    try:
        finished = _run_plugin(args, env, timeout)
    except FileNotFoundError:
        hint = exec_config.get("installHint")
        extra = f" ({str(hint).strip().splitlines()[0]})" if hint else ""
        raise CredentialError(
            f"exec plugin {command!r} is not installed{extra}", permanent=True
        ) from None
    except subprocess.TimeoutExpired:
        raise CredentialError(
            f"exec plugin {name!r} gave no credential within {timeout:.0f} s "
            "(does it wait for a login? log in from a shell first)"
        ) from None
    except OSError as exc:
        raise CredentialError(f"exec plugin {command!r} could not start: {exc}") from None
    if finished.returncode != 0:
        raise CredentialError(
            f"exec plugin {name!r} failed (exit {finished.returncode}){_last_line(finished.stderr)}"
        )
    return parse_exec_credential(finished.stdout, api_version, name)


_running: set[subprocess.Popen[bytes]] = set()  # plugins still running, for stop_exec_plugins
_running_lock = threading.Lock()


def _run_plugin(
    args: list[str], env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run`` that ``stop_exec_plugins`` can end from another thread."""
    with subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        with _running_lock:
            _running.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        finally:
            with _running_lock:
                _running.discard(process)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def stop_exec_plugins() -> None:
    """On quit: end every plugin still running (one waiting for a login that never comes
    would outlive gok-tui otherwise: the thread that waits on it is not waited for)."""
    with _running_lock:
        running = list(_running)
    for process in running:
        with contextlib.suppress(OSError):
            process.kill()


def _last_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return f": {lines[-1][:300]}" if lines else ""


def parse_exec_credential(output: bytes, api_version: str, name: str) -> ExecCredential:
    try:
        data = json.loads(output)
    except ValueError:
        raise CredentialError(f"exec plugin {name!r} printed something that is not JSON") from None
    if not isinstance(data, dict) or data.get("kind") != "ExecCredential":
        raise CredentialError(f"exec plugin {name!r} did not print an ExecCredential")
    if data.get("apiVersion") != api_version:
        raise CredentialError(
            f"exec plugin {name!r} answered {data.get('apiVersion')!r}, "
            f"the kubeconfig asks for {api_version!r}"
        )
    status = data.get("status") or {}
    token = status.get("token") or None
    cert, key = status.get("clientCertificateData"), status.get("clientKeyData")
    if not token and not (cert and key):
        raise CredentialError(f"exec plugin {name!r} returned neither a token nor a certificate")
    expires_at = None
    if status.get("expirationTimestamp"):
        try:
            stamp = str(status["expirationTimestamp"]).replace("Z", "+00:00")
            expires_at = datetime.fromisoformat(stamp)
        except ValueError:
            raise CredentialError(
                f"exec plugin {name!r} gave an unreadable expirationTimestamp"
            ) from None
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
    return ExecCredential(token, cert or None, key or None, expires_at)


def with_exec_credential(
    merged: Mapping[str, Any], context: str, timeout: float = EXEC_TIMEOUT
) -> tuple[dict[str, Any], ExecCredential | None]:
    """A copy of the kubeconfig where the context's exec user holds a fresh credential.

    Returns the kubeconfig unchanged (and None) when the user has no exec section.
    """
    exec_config = exec_config_for(merged, context)
    if exec_config is None:
        return dict(merged), None
    credential = run_exec_plugin(exec_config, _cluster_info(merged, context), timeout)
    config = copy.deepcopy(dict(merged))
    user_name = ((_entry(config, "contexts", context) or {}).get("context") or {}).get("user")
    user_entry = _entry(config, "users", str(user_name))
    assert isinstance(user_entry, dict)  # exec_config_for found it
    body = {k: v for k, v in (user_entry.get("user") or {}).items() if k != "exec"}
    if credential.token:
        body["token"] = credential.token
    if credential.client_certificate_data and credential.client_key_data:
        body["client-certificate-data"] = _b64(credential.client_certificate_data)
        body["client-key-data"] = _b64(credential.client_key_data)
    user_entry["user"] = body
    return config, credential


def _b64(pem: str) -> str:
    return base64.b64encode(pem.encode()).decode()
