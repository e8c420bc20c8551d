from __future__ import annotations

import pytest
from gok_tui.commands import (
    Command,
    command_candidates,
    missing_namespace_message,
    parse_command,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (":deploy", Command("view", "deployments")),
        ("dp", Command("view", "deployments")),
        ("po", Command("view", "pods")),
        ("ing", Command("view", "ingress")),
        ("build", Command("view", "build")),
        ("images", Command("view", "images")),
        ("logs", Command("view", "logs")),
        ("ctx prod-eu", Command("context", "prod-eu")),
        ("ns kube-system", Command("namespace", "kube-system")),
        ("ns all", Command("namespace", "")),
        ("ns -A", Command("namespace", "")),
        ("q", Command("quit")),
        ("help", Command("help")),
    ],
)
def test_commands(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"), [("ctx", "usage: ctx"), ("frob", "unknown command"), ("", "empty")]
)
def test_bad_commands_say_why(text: str, fragment: str) -> None:
    command = parse_command(text)
    assert command.kind == "error" and fragment in command.message


def test_candidates_complete_contexts_and_namespaces() -> None:
    lines = command_candidates(["dev", "prod"], ["default", "team-a"])
    assert "ctx prod" in lines and "ns team-a" in lines and "ns all" in lines


def test_every_command_the_readme_names_completes() -> None:
    lines = command_candidates([], [])
    for command in ("deploy", "pods", "ing", "build", "images", "logs", "problems", "traffic"):
        assert command in lines
    assert {"audit", "messages", "help", "quit"} <= set(lines)


def test_a_missing_namespace_is_named_with_the_nearest_existing_ones() -> None:
    message = missing_namespace_message("shpo", "prod", ["default", "shop", "shop-v2", "kube"])
    assert message.startswith("namespace shpo does not exist in context prod")
    assert message.endswith("did you mean shop?")
    assert "did you mean" not in missing_namespace_message("zzz", "prod", ["default"])


def test_xray_takes_kind_slash_name_as_kubectl_spells_the_kind() -> None:
    assert parse_command("xray deploy/web") == Command("xray", "deployments/web")
    assert parse_command("xray sts/db") == Command("xray", "statefulsets/db")
    assert parse_command("xray svc").kind == "error"
    assert "unknown kind 'gizmo'" in parse_command("xray gizmo/x").message
