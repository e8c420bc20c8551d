"""``[[forward]]`` in gok.toml: what it parses into, and one clear line for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.config.errors import ConfigError
from gok_tui.config.project import PROJECT_FILE, ForwardSpec, load_project

HEAD = '[image]\nrepository = "r"\n[deploy]\ndeployment = "hello"\n'


def load(tmp_path: Path, text: str):
    (tmp_path / PROJECT_FILE).write_text(HEAD + text)
    return load_project(tmp_path)


def test_forwards_parse_with_their_defaults(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        '[[forward]]\nlocal_port = 8080\nremote_port = "http"\n'
        '[[forward]]\nlocal_port = 9000\nremote_port = 80\ntarget = "svc/hello"\n'
        'namespace = "shop"\naddress = "0.0.0.0"\n',
    )
    assert project.forwards == (
        ForwardSpec(local_port=8080, remote_port="http"),
        ForwardSpec(
            local_port=9000,
            remote_port=80,
            target="service/hello",
            namespace="shop",
            address="0.0.0.0",
        ),
    )


def test_no_forward_means_none(tmp_path: Path) -> None:
    assert load(tmp_path, "").forwards == ()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[forward]\nlocal_port = 1\n", "forward: must be an array of tables"),
        ("[[forward]]\nremote_port = 80\n", "forward[0].local_port: is required"),
        ("[[forward]]\nlocal_port = 80\nremote_port = 80\n", "80 needs root to bind"),
        ("[[forward]]\nlocal_port = 70000\nremote_port = 80\n", "must be a port from 1 to 65535"),
        ("[[forward]]\nlocal_port = 8080\n", "forward[0].remote_port: is required"),
        ("[[forward]]\nlocal_port = 8080\nremote_port = 0\n", "remote_port: must be a port"),
        (
            '[[forward]]\nlocal_port = 8080\nremote_port = 80\ntarget = "job/x"\n',
            "forward[0].target: must be deployment/NAME or service/NAME",
        ),
        (
            '[[forward]]\nlocal_port = 8080\nremote_port = 80\naddress = "my-laptop"\n',
            "forward[0].address: must be an IP address",
        ),
        (
            "[[forward]]\nlocal_port = 8080\nremote_port = 80\nlocal = 1\n",
            "forward[0].local: unknown key",
        ),
        (
            "[[forward]]\nlocal_port = 8080\nremote_port = 80\n"
            "[[forward]]\nlocal_port = 8080\nremote_port = 81\n",
            "forward[1].local_port: 8080 is forward[0]'s local port too",
        ),
        (
            '[[forward]]\nlocal_port = 8080\nremote_port = 80\nservice = "api"\n',
            "forward[0].service: names no service: 'api' (services: hello)",
        ),
    ],
)
def test_each_mistake_names_its_key(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert said in str(caught.value)


def test_a_forward_of_a_service_targets_that_services_deployment(tmp_path: Path) -> None:
    (tmp_path / PROJECT_FILE).write_text(
        '[[service]]\nname = "web"\n[service.image]\nrepository = "r/web"\n'
        '[service.deploy]\ndeployment = "web"\n'
        '[[service]]\nname = "api"\n[service.image]\nrepository = "r/api"\n'
        '[service.deploy]\ndeployment = "api"\nnamespace = "back"\n'
        '[[forward]]\nlocal_port = 9090\nremote_port = 80\nservice = "api"\n'
    )
    project = load_project(tmp_path)
    [forward] = project.forwards
    assert forward.service == "api"
    assert project.service("api").deploy.deployment == "api"
