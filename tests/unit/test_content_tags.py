"""Content tags name everything that decides the image: the files the engine is sent, and the
Dockerfile, target and build args, so a registry that has the tag has this image."""

from __future__ import annotations

from pathlib import Path

from gok_tui.devloop.ignore import IgnoreRules
from gok_tui.devloop.tags import build_inputs, image_tag


def test_the_same_files_built_another_way_get_another_tag(tmp_path: Path) -> None:
    context = tmp_path / "app"
    context.mkdir()
    (context / "main.txt").write_text("hello\n")
    (context / ".dockerignore").write_text("Dockerfile\n")  # the Dockerfile is not sent
    (context / "Dockerfile").write_text("FROM scratch\nCOPY main.txt /\n")
    outside = tmp_path / "Dockerfile.debug"
    outside.write_text("FROM scratch\nCOPY main.txt /debug/\n")
    rules = IgnoreRules.for_project(tmp_path, context)

    def tag(dockerfile: Path, target: str | None = None, **args: str) -> str:
        return image_tag("content", tmp_path, rules, None, build_inputs(dockerfile, target, args))

    plain = tag(context / "Dockerfile")
    assert plain == tag(context / "Dockerfile")  # same inputs, same tag
    others = {
        tag(outside),
        tag(context / "Dockerfile", "debug"),
        tag(context / "Dockerfile", BASE="busybox"),
    }
    assert plain not in others and len(others) == 3
    (context / "Dockerfile").write_text("FROM scratch\nCOPY main.txt /srv/\n")
    assert tag(context / "Dockerfile") != plain  # an ignored Dockerfile still counts
