"""Credentials as real clusters hand them out: exec plugins (EKS, GKE, AKS, OIDC helpers) and
tokens that a login in another terminal rewrites. The plugin here is a real program run by the
backend; the fake API server demands the token it should have produced."""

from __future__ import annotations

import json
import stat
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.kinds import KINDS

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, table_keys, until

PLUGIN = """#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "calls.jsonl"), "a") as log:
    log.write(json.dumps({{
        "stdin": sys.stdin.read() if not sys.stdin.closed else None,
        "info": json.loads(os.environ["KUBERNETES_EXEC_INFO"]),
        "extra": os.environ.get("EXTRA_ENV"),
    }}) + "\\n")
if os.path.exists(os.path.join(here, "hang")):  # waits for a login nobody will make
    import time
    time.sleep(30)
if os.path.exists(os.path.join(here, "fail")):
    print("error: no SSO session; run aws sso login", file=sys.stderr)
    sys.exit(3)
status = {{"token": open(os.path.join(here, "token")).read().strip()}}
expiry = os.path.join(here, "expires")
if os.path.exists(expiry):
    status["expirationTimestamp"] = open(expiry).read().strip()
print(json.dumps({{
    "apiVersion": "client.authentication.k8s.io/v1",
    "kind": "ExecCredential",
    "status": status,
}}))
"""


class Plugin:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        script = folder / "get-token"
        script.write_text(PLUGIN.format(python=sys.executable))
        script.chmod(script.stat().st_mode | stat.S_IXUSR)

    def token(self, value: str) -> None:
        (self.folder / "token").write_text(value)

    def expires(self, when: datetime) -> None:
        (self.folder / "expires").write_text(when.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def fail(self) -> None:
        (self.folder / "fail").write_text("")

    def hang(self) -> None:
        (self.folder / "hang").write_text("")

    def calls(self) -> list[dict[str, Any]]:
        path = self.folder / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def plugin(tmp_path: Path) -> Plugin:
    return Plugin(tmp_path / "bin")


@pytest.fixture
def exec_kubeconfig(fake_kube: FakeKube, tmp_path: Path, plugin: Plugin) -> Path:
    path = fake_kube.write_kubeconfig(tmp_path / "kubeconfig", context="eks", namespace="default")
    doc = yaml.safe_load(path.read_text())
    doc["users"][0]["user"] = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": "./bin/get-token",  # relative to the kubeconfig's folder, as in client-go
            "env": [{"name": "EXTRA_ENV", "value": "from-kubeconfig"}],
            "interactiveMode": "IfAvailable",
        }
    }
    path.write_text(yaml.safe_dump(doc))
    return path


def backend_for(kubeconfig: Path) -> KubeBackend:
    target = resolve_target(kubeconfig=str(kubeconfig), environ={})
    assert target is not None
    return KubeBackend(target)


def pod_names(backend: KubeBackend) -> list[str]:
    return [p["metadata"]["name"] for p in backend.list(KINDS["pods"], "default").items]


def test_exec_plugin_runs_without_the_terminal_and_its_token_is_used(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    fake_kube.require_token("first")
    plugin.token("first")
    backend = backend_for(exec_kubeconfig)
    assert pod_names(backend) == []
    (call,) = plugin.calls()
    assert call["stdin"] == ""  # no terminal handed to the plugin
    assert call["info"]["spec"]["interactive"] is False
    assert call["extra"] == "from-kubeconfig"


def test_a_rotated_token_is_fetched_again_after_a_401(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    fake_kube.require_token("first")
    plugin.token("first")
    backend = backend_for(exec_kubeconfig)
    pod_names(backend)
    fake_kube.require_token("second")  # the cluster rotated; the plugin now hands out the new one
    plugin.token("second")
    assert pod_names(backend) == []
    assert len(plugin.calls()) == 2


def test_an_expired_credential_is_renewed_before_it_is_sent(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    fake_kube.require_token("tok")
    plugin.token("tok")
    plugin.expires(datetime.now(UTC) + timedelta(seconds=5))  # inside the renewal margin
    backend = backend_for(exec_kubeconfig)
    pod_names(backend)
    fake_kube.clear_requests()
    pod_names(backend)
    assert len(plugin.calls()) == 2
    assert len(fake_kube.requests) == 1  # renewed before sending, not after a 401


def test_a_failing_plugin_says_why_in_one_sentence(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    plugin.fail()
    with pytest.raises(KubeError) as caught:
        pod_names(backend_for(exec_kubeconfig))
    assert caught.value.message == (
        "cannot get credentials for context 'eks': exec plugin 'get-token' failed (exit 3): "
        "error: no SSO session; run aws sso login"
    )


def test_a_hung_plugin_is_run_once_for_the_requests_queued_behind_it(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    """Every view's watches ask for the client at once; a plugin waiting for an SSO login must
    not be run (and waited for) once per watch, each hiding the others' error meanwhile."""
    plugin.hang()
    target = resolve_target(kubeconfig=str(exec_kubeconfig), environ={})
    assert target is not None
    # long enough for the plugin (a Python script) to start and record its call on a loaded
    # machine; run once per request, four runs would record four calls
    backend = KubeBackend(target, exec_timeout=4.0)
    errors: list[str] = []

    def list_pods() -> None:
        try:
            pod_names(backend)
        except KubeError as error:
            errors.append(error.message)

    threads = [threading.Thread(target=list_pods) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(plugin.calls()) == 1  # one plugin run for the four requests, not four in a row
    said = (
        "cannot get credentials for context 'eks': exec plugin 'get-token' gave no credential "
        "within 4 s (does it wait for a login? log in from a shell first)"
    )
    assert errors == [said] * 4


def test_a_missing_plugin_names_the_command(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    (plugin.folder / "get-token").unlink()
    with pytest.raises(KubeError, match=r"exec plugin '.*get-token' is not installed"):
        pod_names(backend_for(exec_kubeconfig))


def test_a_token_rewritten_in_the_kubeconfig_is_read_again_after_a_401(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    path = fake_kube.write_kubeconfig(tmp_path / "kubeconfig", token="old")
    fake_kube.require_token("old")
    backend = backend_for(path)
    pod_names(backend)
    fake_kube.require_token("new")
    fake_kube.write_kubeconfig(path, token="new")  # `kubectl oidc-login` in another terminal
    assert pod_names(backend) == []


def test_a_token_that_stays_wrong_fails_once_without_a_retry_storm(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    path = fake_kube.write_kubeconfig(tmp_path / "kubeconfig", token="stale")
    fake_kube.require_token("fresh")
    backend = backend_for(path)
    with pytest.raises(KubeError, match="log in again"):
        pod_names(backend)
    with pytest.raises(KubeError, match="log in again"):
        pod_names(backend)
    # one re-read of the kubeconfig for the first failure, none within the next seconds
    assert len(fake_kube.requests) == 3


async def test_the_app_lists_pods_through_an_exec_plugin(
    fake_kube: FakeKube, exec_kubeconfig: Path, plugin: Plugin
) -> None:
    """Inside the running app stdout is Textual's capture (isatty() True, fileno() -1): the
    client's own exec runner would hand that to the plugin and fail."""
    fake_kube.require_token("tok")
    plugin.token("tok")
    fake_kube.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "hello:1"}]},
        }
    )
    app = make_app(exec_kubeconfig, view="pods")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web-1"], what="web-1 listed")
