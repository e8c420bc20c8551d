"""The command line: bad input gives one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOK = [sys.executable, "-m", "gok_tui.cli"]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "GOK_TUI_CONFIG")}
    environ.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"), **env)
    return subprocess.run(
        [*GOK, *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )


def test_version_and_help(tmp_path: Path) -> None:
    assert run(["--version"], tmp_path).stdout.startswith("gok-tui ")
    help_text = run(["--help"], tmp_path).stdout
    for flag in (
        "--kubeconfig",
        "--context",
        "--namespace",
        "--all-namespaces",
        "--readonly",
        "--project",
    ):
        assert flag in help_text


@pytest.mark.parametrize(
    ("setup", "args", "expected"),
    [
        (
            lambda d: (d / "kc").write_text("clusters: [\n"),
            ["--kubeconfig", "kc"],
            "kubeconfig is not valid YAML",
        ),
        (lambda d: None, ["--kubeconfig", "missing"], "kubeconfig file does not exist"),
        (
            lambda d: (d / "kc").write_text("apiVersion: v1\nkind: Config\ncontexts: []\n"),
            ["--kubeconfig", "kc", "--context", "prod"],
            'context "prod" does not exist',
        ),
        (lambda d: None, ["-n", "Bad_NS"], '--namespace: "Bad_NS" is not a namespace name'),
        (
            lambda d: (d / "gok.toml").write_text("[image]\nrepository = 1\n"),
            [],
            "image.repository",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, setup, args: list[str], expected: str
) -> None:
    setup(tmp_path)
    result = run(args, tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[keymap]\n'no.such' = 'x'\n", "keymap.no.such: unknown binding id"),
        ("theme = 'nope'\n", "theme: unknown theme 'nope' (known: ansi-dark, "),
        (
            "[keymap]\n'table.filter' = 'j'\n",
            "keymap.table.filter: 'j' is already the key of table.down, live on the same screen",
        ),
    ],
)
def test_bad_user_config_named_by_env(tmp_path: Path, text: str, expected: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = run([], tmp_path, GOK_TUI_CONFIG=str(config))
    assert result.returncode == 2
    assert f"{config}: {expected}" in result.stderr
    assert "Traceback" not in result.stderr


BIG = 5_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"theme = '{'t' * BIG}'\n",
            f"theme: unknown theme '{'t' * 40}'… (5,000,000 characters) (known: ansi-dark, ",
        ),
        (
            f"refresh_interval_ms = '{'9' * BIG}'\n",
            f"refresh_interval_ms: must be a whole number, got '{'9' * 40}'… "
            "(5,000,000 characters)",
        ),
        (
            f"[keymap]\n'table.filter' = 'ctrl+f,{'#' * BIG}'\n",
            f"keymap.table.filter: '{'#' * 40}'… (5,000,000 characters) is not a key name",
        ),
        (
            f"'{'k' * BIG}' = 1\n",
            f"{'k' * 40}… (5,000,000 characters): unknown setting (known: ",
        ),
        (
            f"default_namespace = '{'n' * BIG}'\n",
            f'default_namespace: "{"n" * 40}… (5,000,000 characters)" is not a namespace name',
        ),
    ],
    # short ids: pytest puts the test id in PYTEST_CURRENT_TEST, and the CLI runs with that
    # environment; a 5 MB id would make the exec fail (E2BIG)
    ids=["theme", "refresh_interval_ms", "keymap_key", "keymap_id", "default_namespace"],
)
def test_a_huge_config_value_is_quoted_by_its_first_characters(
    tmp_path: Path, text: str, expected: str
) -> None:
    config = tmp_path / "big.toml"
    config.write_text(text)
    result = run([], tmp_path, GOK_TUI_CONFIG=str(config))
    assert result.returncode == 2
    assert f"{config}: {expected}" in result.stderr
    assert len(result.stderr) < 2_000, f"{len(result.stderr):,} characters to stderr"
