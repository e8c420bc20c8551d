"""Delivery "load": which local cluster a context is, and what happens without its tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.local_cluster import LoadError, LocalCluster, detect, load_image


@pytest.mark.parametrize(
    ("context", "configured", "expected"),
    [
        ("kind-dev", "auto", LocalCluster("kind", "dev")),
        ("k3d-shop", "auto", LocalCluster("k3d", "shop")),
        ("minikube", "auto", LocalCluster("minikube", "minikube")),
        ("gke_prod_europe", "auto", None),
        ("my-laptop", "kind", LocalCluster("kind", "my-laptop")),
        ("team", "minikube", LocalCluster("minikube", "team")),
    ],
)
def test_detected_from_the_context_name_or_configured(
    context: str, configured: str, expected: LocalCluster | None
) -> None:
    assert detect(context, configured) == expected


def test_each_tool_gets_its_own_command() -> None:
    assert LocalCluster("kind", "dev").command("web:1") == [
        "kind",
        "load",
        "docker-image",
        "web:1",
        "--name",
        "dev",
    ]
    assert LocalCluster("minikube", "p").command("web:1")[:3] == ["minikube", "image", "load"]
    assert LocalCluster("k3d", "c").command("web:1")[:3] == ["k3d", "image", "import"]


def test_a_missing_tool_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without kind
    with pytest.raises(LoadError) as caught:
        load_image(LocalCluster("kind", "dev"), "web:1")
    assert str(caught.value) == (
        "kind is not installed (needed to load web:1 into the kind cluster 'dev'); "
        'install it or use delivery = "push"'
    )
