"""Kubeconfig resolution follows kubectl's merge and precedence rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from gok_tui.config.errors import ConfigError
from gok_tui.config.kubeconfig import namespace_name_problem, resolve_target, retarget_context


def write_config(
    path: Path,
    contexts: dict[str, tuple[str, str | None]],
    current: str | None,
    servers: dict[str, str],
    users: tuple[str, ...] = ("u",),
) -> Path:
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": n, "cluster": {"server": s, "certificate-authority": "ca.crt"}}
            for n, s in servers.items()
        ],
        "users": [{"name": u, "user": {"token": "t"}} for u in users],
        "contexts": [
            {
                "name": name,
                "context": {
                    "cluster": cluster,
                    "user": users[0],
                    **({"namespace": ns} if ns else {}),
                },
            }
            for name, (cluster, ns) in contexts.items()
        ],
    }
    if current:
        doc["current-context"] = current
    path.write_text(yaml.safe_dump(doc))
    return path


def test_current_context_and_its_namespace(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "a", {"dev": ("c1", "team-a")}, "dev", {"c1": "https://one"})
    target = resolve_target(environ={"KUBECONFIG": str(cfg)})
    assert target is not None
    assert (target.context, target.namespace, target.cluster_server) == (
        "dev",
        "team-a",
        "https://one",
    )


def test_namespace_defaults_to_default_and_flag_wins(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "a", {"dev": ("c1", None)}, "dev", {"c1": "https://one"})
    assert resolve_target(environ={"KUBECONFIG": str(cfg)}).namespace == "default"
    assert resolve_target(namespace="x", environ={"KUBECONFIG": str(cfg)}).namespace == "x"


def test_kubeconfig_list_merges_first_file_wins(tmp_path: Path) -> None:
    first = write_config(
        tmp_path / "first", {"dev": ("c1", "from-first")}, None, {"c1": "https://first"}
    )
    second = write_config(
        tmp_path / "second",
        {"dev": ("c2", "from-second"), "prod": ("c2", None)},
        "prod",
        {"c1": "https://ignored", "c2": "https://second"},
    )
    env = {"KUBECONFIG": os.pathsep.join([str(first), str(tmp_path / "missing"), str(second)])}
    target = resolve_target(environ=env)
    # current-context from the first file that sets it (second), contexts: first definition wins
    assert target.context == "prod"
    assert target.cluster_server == "https://second"
    dev = resolve_target(context="dev", environ=env)
    assert (dev.namespace, dev.cluster_server) == ("from-first", "https://first")


def test_relative_certificate_paths_resolve_against_their_file(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "a", {"dev": ("c1", None)}, "dev", {"c1": "https://one"})
    target = resolve_target(environ={"KUBECONFIG": str(cfg)})
    cluster = target.merged["clusters"][0]["cluster"]
    assert cluster["certificate-authority"] == str(tmp_path / "ca.crt")


def test_explicit_kubeconfig_beats_env(tmp_path: Path) -> None:
    env_cfg = write_config(tmp_path / "env", {"a": ("c", None)}, "a", {"c": "https://env"})
    flag_cfg = write_config(tmp_path / "flag", {"b": ("c", None)}, "b", {"c": "https://flag"})
    target = resolve_target(kubeconfig=str(flag_cfg), environ={"KUBECONFIG": str(env_cfg)})
    assert target.context == "b"


def test_unknown_context_is_a_clear_error(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "a", {"dev": ("c1", None)}, "dev", {"c1": "https://one"})
    with pytest.raises(ConfigError, match='context "nope" does not exist') as caught:
        resolve_target(context="nope", environ={"KUBECONFIG": str(cfg)})
    assert "did you mean" not in caught.value.line()


def test_a_mistyped_context_names_the_nearest_ones(tmp_path: Path) -> None:
    contexts = {"prod-eu": ("c1", None), "prod-us": ("c1", None), "dev": ("c1", None)}
    cfg = write_config(tmp_path / "a", contexts, "dev", {"c1": "https://one"})
    with pytest.raises(ConfigError) as caught:
        resolve_target(context="prd-eu", environ={"KUBECONFIG": str(cfg)})
    assert caught.value.line().endswith(
        'context "prd-eu" does not exist; did you mean prod-eu or prod-us?'
    )


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("clusters:\n  - name: x\n   broken: [\n")
    with pytest.raises(ConfigError) as info:
        resolve_target(environ={"KUBECONFIG": str(bad)})
    assert str(bad) in info.value.line()
    assert "not valid YAML" in info.value.line()


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_target(kubeconfig=str(tmp_path / "none"), environ={})


def test_no_kubeconfig_at_all_means_no_target(tmp_path: Path) -> None:
    assert resolve_target(environ={"HOME": str(tmp_path)}) is None


def test_retarget_context_takes_that_contexts_namespace(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path / "a",
        {"dev": ("c1", "a"), "stage": ("c2", "b")},
        "dev",
        {"c1": "https://one", "c2": "https://two"},
    )
    target = resolve_target(environ={"KUBECONFIG": str(cfg)})
    moved = retarget_context(target, "stage")
    assert (moved.context, moved.namespace, moved.cluster_server) == ("stage", "b", "https://two")


def test_exec_command_with_a_separator_resolves_against_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "kube"
    folder.mkdir()
    path = write_config(folder / "config", {"c": ("k", None)}, "c", {"k": "https://k:6443"})
    doc = yaml.safe_load(path.read_text())
    doc["users"] = [
        {"name": "u", "user": {"exec": {"command": "./bin/helper", "apiVersion": "v1"}}},
        {"name": "plain", "user": {"exec": {"command": "aws", "apiVersion": "v1"}}},
    ]
    path.write_text(yaml.safe_dump(doc))
    target = resolve_target(kubeconfig=str(path), environ={})
    assert target is not None
    commands = {u["name"]: u["user"]["exec"]["command"] for u in target.merged["users"]}
    assert commands == {"u": str(folder / "bin" / "helper"), "plain": "aws"}  # bare: PATH


@pytest.mark.parametrize(
    "name", ["default", "team-a", "a", "0day", "x" * 63, "kube-system", "a-b-c1"]
)
def test_namespace_names_the_api_server_accepts(name: str) -> None:
    assert namespace_name_problem(name) is None


@pytest.mark.parametrize(
    "name", ["Team", "team_a", "-team", "team-", "x" * 64, "a.b", "", "ns\x1b[31m", "é"]
)
def test_namespace_names_the_api_server_rejects_are_refused_with_the_rule(name: str) -> None:
    problem = namespace_name_problem(name)
    assert problem is not None and "lowercase letters, digits" in problem
