"""Shared fixtures: the fake API server, kubeconfigs pointing at it, and a loud e2e notice."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target

from tests.kubefake import FakeKube

pytest_plugins = ["tests.docker_env"]  # the private Docker engine and registry

E2E_REASON = (
    "e2e tests need a real cluster: set KUBECONFIG to it and GOK_E2E=1 "
    "(each test uses its own namespace and deletes it)"
)


def e2e_enabled() -> bool:
    return bool(os.environ.get("KUBECONFIG")) and os.environ.get("GOK_E2E") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if e2e_enabled():
        return
    skip = pytest.mark.skip(reason=E2E_REASON)
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not e2e_enabled():
        terminalreporter.write_sep("!", "e2e scenarios SKIPPED: " + E2E_REASON, yellow=True)


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read or write the developer's real config, state or kubeconfig."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("GOK_TUI_CONFIG", raising=False)
    if not e2e_enabled():
        monkeypatch.delenv("KUBECONFIG", raising=False)


@pytest.fixture
def fake_kube() -> Iterator[FakeKube]:
    fake = FakeKube(port=0)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_kubeconfig(fake_kube: FakeKube, tmp_path: Path) -> Path:
    return fake_kube.write_kubeconfig(tmp_path / "kubeconfig", context="fake", namespace="default")


@pytest.fixture
def fake_backend(fake_kubeconfig: Path) -> Iterator[KubeBackend]:
    """The real client's backend, pointed at the fake API server."""
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    backend = KubeBackend(target, timeout=(2.0, 10.0))
    yield backend
    backend.close()
