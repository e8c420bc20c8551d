"""Live update's routing and tar, on files in a temporary directory (no cluster)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest
from gok_tui.config.project import SyncRule
from gok_tui.devloop.sync import NeedsBuild, SyncChanges, SyncCopy, route, tar_of

RULES = (
    SyncRule("static", "/www"),
    SyncRule("src", "/app/src", run=("python", "-m", "compileall", "/app/src")),
    SyncRule("config.yaml", "/etc/app/config.yaml"),
)


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "static" / "index.html").write_text("<h1>hi</h1>\n")
    (tmp_path / "static" / "css" / "site.css").write_text("h1 {}\n")
    (tmp_path / "src" / "main.py").write_text("print('hi')\n")
    (tmp_path / "config.yaml").write_text("a: 1\n")
    (tmp_path / "main.go").write_text("package main\n")
    return tmp_path


def decide(context: Path, *names: str, rules: tuple[SyncRule, ...] = RULES) -> object:
    return route(rules, context, context / "Dockerfile", [context / n for n in names])


def test_files_under_rules_are_copied_to_their_container_paths(context: Path) -> None:
    changes = decide(context, "static/index.html", "static/css/site.css", "config.yaml")
    assert isinstance(changes, SyncChanges)
    assert [c.target for c in changes.copies] == [
        "/www/index.html",
        "/www/css/site.css",
        "/etc/app/config.yaml",
    ]
    assert changes.files == ("static/index.html", "static/css/site.css", "config.yaml")
    assert changes.deletions == () and changes.runs == () and changes.count == 3


def test_a_touched_rule_with_run_gives_its_command_once(context: Path) -> None:
    (context / "src" / "util.py").write_text("x = 1\n")
    changes = decide(context, "src/main.py", "src/util.py", "static/index.html")
    assert isinstance(changes, SyncChanges)
    assert changes.runs == (("python", "-m", "compileall", "/app/src"),)


def test_a_deleted_file_is_removed_in_the_container(context: Path) -> None:
    (context / "static" / "index.html").unlink()
    changes = decide(context, "static/index.html", "static/css/site.css")
    assert isinstance(changes, SyncChanges)
    assert changes.deletions == ("/www/index.html",)
    assert [c.target for c in changes.copies] == ["/www/css/site.css"]


@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        (("static/index.html", "main.go"), "main.go is outside the sync rules"),
        (("Dockerfile",), "Dockerfile changed"),
        (("static/index.html", ".dockerignore"), ".dockerignore changed"),
        (("src/.dockerignore",), "src/.dockerignore changed"),
    ],
)
def test_a_change_outside_the_rules_or_of_the_recipe_builds(
    context: Path, changed: tuple[str, ...], reason: str
) -> None:
    assert decide(context, *changed) == NeedsBuild(reason)


def test_without_rules_every_change_builds(context: Path) -> None:
    assert decide(context, "static/index.html", rules=()) == NeedsBuild("no sync rule")


def test_a_dockerfile_kept_under_a_sync_rule_still_builds(context: Path) -> None:
    (context / "static" / "Dockerfile").write_text("FROM scratch\n")
    decided = route(
        RULES, context, context / "static" / "Dockerfile", [context / "static" / "Dockerfile"]
    )
    assert decided == NeedsBuild("static/Dockerfile changed")


def test_a_prefix_of_a_rule_name_is_not_under_it(context: Path) -> None:
    (context / "static2").mkdir()
    (context / "static2" / "x.txt").write_text("x\n")
    assert decide(context, "static2/x.txt") == NeedsBuild("static2/x.txt is outside the sync rules")


def test_the_tar_keeps_modes_and_relative_names_and_no_local_owner(context: Path) -> None:
    script = context / "src" / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o750)
    data = tar_of(
        [
            SyncCopy(script, "/app/src/run.sh"),
            SyncCopy(context / "static" / "index.html", "/www/index.html"),
        ]
    )
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = {m.name: m for m in archive.getmembers()}
        assert set(members) == {"app/src/run.sh", "www/index.html"}
        assert members["app/src/run.sh"].mode & 0o777 == 0o750
        assert (members["app/src/run.sh"].uid, members["app/src/run.sh"].uname) == (0, "root")
        extracted = archive.extractfile("www/index.html")
        assert extracted is not None and extracted.read() == b"<h1>hi</h1>\n"


def test_a_file_gone_before_the_tar_is_left_out(context: Path) -> None:
    gone = context / "static" / "gone.txt"
    data = tar_of([SyncCopy(gone, "/www/gone.txt"), SyncCopy(context / "config.yaml", "/c.yaml")])
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        assert archive.getnames() == ["c.yaml"]


def test_a_symlink_is_sent_as_a_link(context: Path) -> None:
    os.symlink("index.html", context / "static" / "home.html")
    changes = decide(context, "static/home.html")
    assert isinstance(changes, SyncChanges)
    with tarfile.open(fileobj=io.BytesIO(tar_of(changes.copies))) as archive:
        (member,) = archive.getmembers()
        assert member.issym() and member.linkname == "index.html"
