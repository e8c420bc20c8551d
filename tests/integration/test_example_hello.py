"""examples/hello, as a newcomer meets it: its project file loads, its manifests name what
gok.toml says, and its multi-stage Dockerfile builds on the real engine into an image whose
httpd serves the page (offline, on a busybox base made FROM scratch)."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.config.project import load_project
from gok_tui.domain.build import BuildFailed, BuildSucceeded

from tests.docker_env import free_port

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hello"
BASE_IMAGE = "gok-test/busybox-base:1"


def manifests(*names: str) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for name in names:
        docs.extend(d for d in yaml.safe_load_all((EXAMPLE / name).read_text()) if d)
    return docs


def test_project_file_and_manifests_agree() -> None:
    project = load_project(EXAMPLE)
    assert project.source == str(EXAMPLE / "gok.toml") and not project.assumptions
    assert project.image.repository.endswith("/hello")
    deployment = next(d for d in manifests(*project.deploy.manifests) if d["kind"] == "Deployment")
    assert deployment["metadata"]["name"] == project.deploy.deployment
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == [project.deploy.container]


def test_blue_green_pair_differs_only_by_track() -> None:
    docs = manifests("k8s/bluegreen.yaml")
    blue, green = (d for d in docs if d["kind"] == "Deployment")
    service = next(d for d in docs if d["kind"] == "Service")

    def labels_without_track(d: dict[str, Any]) -> dict[str, str]:
        labels = d["spec"]["template"]["metadata"]["labels"]
        return {k: v for k, v in labels.items() if k != "track"}

    assert labels_without_track(blue) == labels_without_track(green)
    assert service["spec"]["selector"] == blue["spec"]["template"]["metadata"]["labels"]


def build(engine: DockerBackend, context: Path, tag: str, **kwargs: Any) -> BuildSucceeded:
    events = list(engine.build(context, tags=[tag], **kwargs))
    failures = [e for e in events if isinstance(e, BuildFailed)]
    assert not failures, failures
    done = events[-1]
    assert isinstance(done, BuildSucceeded)
    return done


def test_example_builds_in_two_stages_and_serves_its_page(
    engine: DockerBackend,
    busybox_context,
    docker_host: str,
) -> None:
    base = busybox_context(
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
    )
    build(engine, base, BASE_IMAGE)
    built = build(engine, EXAMPLE, "gok-test/hello:example", build_args={"BASE": BASE_IMAGE})

    import docker

    api = docker.APIClient(base_url=docker_host, version="auto", timeout=30)
    port = free_port()
    container = api.create_container(
        built.image_id,
        entrypoint=["/bin/busybox", "httpd", "-f", "-p", f"127.0.0.1:{port}", "-h", "/www"],
        host_config=api.create_host_config(network_mode="host"),
    )
    try:
        api.start(container)
        page = ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.1)
        assert "<h1>hello</h1>" in page and "version 1.0.0" in page
    finally:
        api.remove_container(container, force=True)

    # only the rendered site came across from the builder stage
    listing = api.create_container(built.image_id, entrypoint=["/bin/busybox", "ls", "/"])
    try:
        api.start(listing)
        api.wait(listing, timeout=30)
        top_level = api.logs(listing).decode().split()
    finally:
        api.remove_container(listing, force=True)
        api.close()
    assert "www" in top_level and "src" not in top_level and "out" not in top_level
