"""examples/webapi, as a newcomer meets it: two services whose project file loads, whose
manifests name what gok.toml says, and whose images build on the real engine (offline, on a
busybox base made FROM scratch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.config.project import load_project

from tests.integration.test_example_hello import BASE_IMAGE, build

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webapi"


def documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((EXAMPLE / name).read_text()) if d]


def test_two_services_and_their_manifests_agree() -> None:
    project = load_project(EXAMPLE)
    assert project.source == str(EXAMPLE / "gok.toml") and not project.assumptions
    assert [s.name for s in project.services] == ["api", "web"]
    assert project.service("web").depends_on == ("api",)
    assert [(r.local, r.container) for r in project.service("web").sync] == [("static", "/www")]
    for spec in project.services:
        assert (EXAMPLE / spec.image.dockerfile).is_file()
        (manifest,) = spec.deploy.manifests
        deployment = next(d for d in documents(manifest) if d["kind"] == "Deployment")
        assert deployment["metadata"]["name"] == spec.deploy.deployment == spec.name
        containers = deployment["spec"]["template"]["spec"]["containers"]
        assert [c["name"] for c in containers] == [spec.deploy.container]


def test_both_images_build(engine: DockerBackend, busybox_context) -> None:
    base = busybox_context(
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
    )
    build(engine, base, BASE_IMAGE)
    project = load_project(EXAMPLE)
    for spec in project.services:
        built = build(
            engine,
            EXAMPLE / spec.image.context,
            f"gok-test/webapi-{spec.name}:example",
            dockerfile=EXAMPLE / spec.image.dockerfile,
            build_args={"BASE": BASE_IMAGE},
        )
        assert built.image_id.startswith("sha256:")
