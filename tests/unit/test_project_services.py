"""gok.toml with several services: ``[[service]]`` entries, their sync rules and depends_on,
and the single-service form read as one service."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.config.errors import ConfigError
from gok_tui.config.project import (
    DevSpec,
    ProjectConfig,
    ServiceSpec,
    SyncRule,
    load_project,
)

TWO_SERVICES = """
[dev]
max_parallel_builds = 3

[[service]]
name = "api"
[service.image]
repository = "127.0.0.1:5000/api"
context = "api"
tag_policy = "content"
[service.deploy]
deployment = "api"
manifests = ["k8s/api.yaml"]

[[service]]
name = "web"
depends_on = ["api"]
[service.image]
repository = "127.0.0.1:5000/web"
context = "web"
[service.deploy]
deployment = "web"
container = "web"
auto_deploy = false
[service.watch]
paths = ["web"]
debounce_ms = 100
[[service.sync]]
local = "static"
container = "/www"
run = "busybox touch '/tmp/synced now'"
[[service.sync]]
local = "./static/../conf"
container = "/etc/web"
run = ["kill", "-HUP", "1"]
"""


def project(tmp_path: Path, text: str) -> ProjectConfig:
    (tmp_path / "gok.toml").write_text(text)
    return load_project(tmp_path)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        project(tmp_path, text)
    line = info.value.line()
    assert line.startswith(f"{tmp_path / 'gok.toml'}: "), line
    assert "\n" not in line
    return line.split(": ", 1)[1]


def service(name: str, body: str = "") -> str:
    """A [[service]] entry; ``body``: its keys, or tables when it starts with "[" ."""
    keys, tables = ("", body) if body.startswith("[") else (body, "")
    return f'[[service]]\nname = "{name}"\n{keys}[service.image]\nrepository = "r/{name}"\n{tables}'


def test_services_are_read_in_file_order_with_their_own_settings(tmp_path: Path) -> None:
    p = project(tmp_path, TWO_SERVICES)
    assert [s.name for s in p.services] == ["api", "web"]
    api, web = p.services
    assert (api.image.repository, api.image.context, api.image.tag_policy) == (
        "127.0.0.1:5000/api",
        "api",
        "content",
    )
    assert api.image.dockerfile == "api/Dockerfile"  # a service's default: in its context
    assert api.deploy.manifests == ("k8s/api.yaml",) and api.deploy.auto_deploy
    assert api.watch.paths == (".",) and api.depends_on == () and api.sync == ()
    assert (web.deploy.deployment, web.deploy.container, web.deploy.auto_deploy) == (
        "web",
        "web",
        False,
    )
    assert (web.watch.paths, web.watch.debounce_ms) == (("web",), 100)
    assert web.depends_on == ("api",)
    assert web.sync == (
        SyncRule("static", "/www", ("busybox", "touch", "/tmp/synced now")),
        SyncRule("./static/../conf", "/etc/web", ("kill", "-HUP", "1")),
    )
    assert p.dev == DevSpec(max_parallel_builds=3)
    assert p.multi and p.service("web") is web


def test_the_first_service_is_what_single_service_callers_read(tmp_path: Path) -> None:
    p = project(tmp_path, TWO_SERVICES)
    api = p.services[0]
    assert (p.image, p.deploy, p.watch) == (api.image, api.deploy, api.watch)


def test_the_single_service_form_is_one_service_named_after_its_deployment(
    tmp_path: Path,
) -> None:
    p = project(
        tmp_path,
        '[image]\nrepository = "r/hello"\ncontext = "src"\n[deploy]\ndeployment = "hello"\n'
        '[[sync]]\nlocal = "html"\ncontainer = "/srv"\n',
    )
    assert p.image.dockerfile == "Dockerfile"  # the project's, as before [[service]]
    (only,) = p.services
    assert only == ServiceSpec(
        "hello", p.image, p.deploy, p.watch, sync=(SyncRule("html", "/srv"),)
    )
    assert not p.multi and p.dev.max_parallel_builds == 2


def test_without_a_deployment_the_one_service_is_named_after_the_project(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    assert [s.name for s in project(root, '[image]\nrepository = "r"\n').services] == ["shop"]
    (inferred,) = load_project(tmp_path).services  # no gok.toml there: inferred
    assert inferred.name == tmp_path.name and inferred.image.repository


def test_a_project_config_made_by_hand_is_its_one_service(tmp_path: Path) -> None:
    p = project(tmp_path, '[image]\nrepository = "r"\n')
    again = ProjectConfig(p.root, p.image, p.deploy, p.watch, None)
    assert [(s.name, s.image) for s in again.services] == [(tmp_path.name, p.image)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            service("web") + service("web"),
            "service.web: two services are named 'web'",
        ),
        (
            service("web", 'depends_on = ["db"]\n') + service("api"),
            "service.web.depends_on: names no service: 'db' (services: web, api)",
        ),
        (
            service("web", 'depends_on = ["api"]\n') + service("api", 'depends_on = ["web"]\n'),
            "service.web.depends_on: depends_on cycle: web -> api -> web",
        ),
        (
            service("a", 'depends_on = ["b"]\n')
            + service("b", 'depends_on = ["c"]\n')
            + service("c", 'depends_on = ["b"]\n'),
            "service.b.depends_on: depends_on cycle: b -> c -> b",
        ),
        (
            service("web", 'depends_on = ["web"]\n'),
            "service.web.depends_on: depends_on cycle: web -> web",
        ),
        (
            '[image]\nrepository = "r"\n' + service("web"),
            "image: [[service]] entries and a top-level",
        ),
        ('[[sync]]\nlocal = "a"\ncontainer = "/a"\n' + service("web"), "sync: [[service]] entries"),
        ("service = []\n", "service: lists no service"),
        ('service = "web"\n', "service: must be an array of tables"),
        ('[[service]]\n[service.image]\nrepository = "r"\n', "service.1.name: is required"),
        ('[[service]]\nname = "Web App"\n', "service.1.name: is required"),
        ('[[service]]\nname = "web"\n', "service.web.image.repository: is required"),
        (service("web", "port = 80\n"), "service.web.port: unknown key"),
        (
            service("web", '[service.deploy]\ndelivery = "ftp"\n'),
            "service.web.deploy.delivery: must be one of",
        ),
        (
            service("web", "[service.watch]\ndebounce_ms = -1\n"),
            "service.web.watch.debounce_ms: must be a whole number",
        ),
        (service("web", 'watch = "."\n'), "service.web.watch: must be a table"),
        (service("web", "depends_on = [1]\n"), "service.web.depends_on: must be a list"),
        (
            service("web", '[[service.sync]]\nlocal = "../secrets"\ncontainer = "/app"\n'),
            "service.web.sync.1.local: '../secrets' is outside the build context '.'",
        ),
        (
            service("web", '[[service.sync]]\nlocal = "/etc"\ncontainer = "/app"\n'),
            "service.web.sync.1.local: '/etc' is outside the build context",
        ),
        (
            service("web", '[[service.sync]]\nlocal = "src"\ncontainer = "app"\n'),
            "service.web.sync.1.container: must be an absolute path in the container",
        ),
        (
            service("web", '[[service.sync]]\nlocal = "src"\ncontainer = "/app"\nrun = "a \'b"\n'),
            "service.web.sync.1.run: cannot be split: No closing quotation",
        ),
        (
            service("web", '[[service.sync]]\nlocal = "src"\ncontainer = "/app"\nrun = " "\n'),
            "service.web.sync.1.run: is empty",
        ),
        (
            service("web", '[[service.sync]]\nlocal = "src"\ncontainer = "/app"\nrun = [""]\n'),
            "service.web.sync.1.run: must be a command line or a list",
        ),
        (
            service("web", '[[service.sync]]\ncontainer = "/app"\n'),
            "service.web.sync.1.local: is required",
        ),
        (
            service("web", '[[service.sync]]\nlocal = "a"\ncontainer = "/a"\nmode = 1\n'),
            "service.web.sync.1.mode: unknown key",
        ),
        (service("web", 'sync = "x"\n'), "service.web.sync: must be an array of tables"),
        (
            '[image]\nrepository = "r"\ncontext = "app"\n'
            '[[sync]]\nlocal = "a"\ncontainer = "/a"\n'
            '[[sync]]\nlocal = "../lib"\ncontainer = "/lib"\n',
            "sync.2.local: '../lib' is outside the build context 'app'",
        ),
        ("[dev]\nmax_parallel_builds = 0\n" + service("web"), "dev.max_parallel_builds"),
        ("[dev]\nthreads = 2\n" + service("web"), "dev.threads: unknown key"),
    ],
)
def test_bad_services_are_one_line_naming_the_key(tmp_path: Path, text: str, expected: str) -> None:
    assert error(tmp_path, text).startswith(expected)


def test_a_sync_path_through_a_symlink_out_of_the_context_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "link").symlink_to(tmp_path / "outside")
    text = service("web", '[[service.sync]]\nlocal = "link"\ncontainer = "/a"\n').replace(
        'repository = "r/web"', 'repository = "r/web"\ncontext = "app"'
    )
    assert error(tmp_path, text).startswith("service.web.sync.1.local: 'link' is outside")
