"""User settings, keymap and gok.toml validation: one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.config.errors import ConfigError
from gok_tui.config.project import load_project
from gok_tui.config.settings import CONFIG_ENV, home_relative, load_settings


def settings_from(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings({CONFIG_ENV: str(path)})


def test_defaults_when_no_file(tmp_path: Path) -> None:
    settings = load_settings({"XDG_CONFIG_HOME": str(tmp_path)})
    assert settings.log_buffer_lines == 100_000
    assert settings.cursor_blink is True
    assert settings.metrics_interval_seconds == 15
    assert settings.is_production("prod-eu") and not settings.is_production("dev")


def test_full_file(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        'theme = "nord"\nproduction_contexts = ["live-*"]\nreadonly_contexts = ["audit*"]\n'
        "cursor_blink = false\nmetrics_interval_seconds = 30\n"
        '[logs]\nbuffer_lines = 5000\n[keymap]\n"table.filter" = "ctrl+f"\n',
    )
    assert settings.theme == "nord"
    assert settings.cursor_blink is False
    assert settings.metrics_interval_seconds == 30
    assert settings.is_production("live-1") and not settings.is_production("prod")
    assert settings.is_readonly_context("audit-eu")
    assert settings.log_buffer_lines == 5000
    assert settings.keymap == {"table.filter": "ctrl+f"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theme = ", "invalid TOML"),
        ("colour = 'x'", "colour: unknown setting"),
        ("[logs]\nbuffer_lines = 'many'", "logs.buffer_lines: must be a whole number"),
        ("[logs]\nbuffer_lines = 5", "logs.buffer_lines: must be between"),
        ("[logs]\nbuffer_line = 5000", "logs.buffer_line: unknown setting (known: logs.buffer_"),
        ("[keymap]\n'nope.x' = 'a'", "keymap.nope.x: unknown binding id"),
        ("[keymap]\n'table.filter' = 'not a key'", "is not a key name"),
        ("[keymap]\n'logs.follow' = 'g'", "keymap.logs.follow: 'g' is already the key of logs.top"),
        ("[keymap]\n'deploy.scale' = '1'", "'1' is already the key of app.deployments"),
        ("production_contexts = 'prod'", "production_contexts: must be a list"),
        ("cursor_blink = 'no'", "cursor_blink: must be true or false, got 'no'"),
        ("metrics_interval_seconds = 0", "metrics_interval_seconds: must be between 1 and 3600"),
        ("default_namespace = 'Team_A'", 'default_namespace: "Team_A" is not a namespace name'),
    ],
)
def test_bad_settings_give_file_key_and_reason(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from(tmp_path, text)
    line = info.value.line()
    assert str(tmp_path / "config.toml") in line
    assert expected in line


def test_paths_under_home_are_written_with_a_tilde() -> None:
    home = Path("/home/ana")
    assert home_relative(home / ".local/state/gok-tui/log/audit.jsonl", home) == (
        "~/.local/state/gok-tui/log/audit.jsonl"
    )
    assert home_relative(home, home) == "~"
    assert home_relative(Path("/var/log/audit.jsonl"), home) == "/var/log/audit.jsonl"
    assert home_relative(Path("/home/anabel/x"), home) == "/home/anabel/x"


def test_env_var_pointing_nowhere(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({CONFIG_ENV: str(tmp_path / "missing.toml")})


def test_project_file_parsed(tmp_path: Path) -> None:
    (tmp_path / "gok.toml").write_text(
        '[image]\nrepository = "127.0.0.1:5000/hello"\ntag_policy = "content"\n'
        '[deploy]\ndeployment = "hello"\ncontainer = "web"\ndelivery = "push"\n'
        '[watch]\nignore = ["*.md"]\ndebounce_ms = 150\n'
        '[traffic]\nservice = "hello-bg"\nbluegreen = ["hello-blue", "hello-green"]\n'
    )
    project = load_project(tmp_path)
    assert project.traffic.service == "hello-bg"
    assert project.traffic.bluegreen == ("hello-blue", "hello-green")
    assert project.image.repository == "127.0.0.1:5000/hello"
    assert project.image.tag_policy == "content"
    assert (project.deploy.deployment, project.deploy.container) == ("hello", "web")
    assert project.watch.debounce_ms == 150
    assert project.assumptions == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[image]\ndockerfile = 'x'", "image.repository: is required"),
        ("[image]\nrepository = 'r'\ntag_policy = 'random'", "image.tag_policy: must be one of"),
        (
            "[image]\nrepository = 'r'\n[deploy]\ndelivery = 'ftp'",
            "deploy.delivery: must be one of",
        ),
        ("[image]\nrepository = 'r'\n[watch]\ndebounce_ms = -1", "watch.debounce_ms"),
        ("[image]\nrepository = 'r'\nextra = 1", "image.extra: unknown key"),
        (
            "[image]\nrepository = 'r'\n[traffic]\nservice = 's'\nbluegreen = ['a']",
            "traffic.bluegreen: must name two different Deployments",
        ),
        ("[image]\nrepository = 'r'\n[traffic]\ncanary = 'c'", "traffic.canary: stable and"),
    ],
)
def test_bad_project_file(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "gok.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path)
    assert expected in info.value.line()
    assert "gok.toml" in info.value.line()


def test_project_inferred_and_assumptions_said(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "deploy.yaml").write_text("kind: Deployment\n")
    project = load_project(tmp_path)
    assert project.source is None
    assert project.deploy.manifests == ("k8s/deploy.yaml",)
    assert any("inferred" in line for line in project.assumptions)
