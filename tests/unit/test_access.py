"""Key needs, SelfSubjectAccessReview answers and the access cache (no cluster)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gok_tui.config.keymap import DEFAULT_KEYS
from gok_tui.domain.access import (
    AccessAnswer,
    Need,
    needs_of_bindings,
    parse_need,
    parse_review,
    review_body,
)
from gok_tui.store.access import AccessCache, review_namespace

ANSWERS = Path(__file__).parents[1] / "conformance" / "answers"


def test_a_need_reads_verb_resource_group_and_subresource() -> None:
    assert parse_need("patch {kind}/scale", "deployments.apps") == Need(
        "patch", "deployments", "apps", "scale"
    )
    assert parse_need("delete pods") == Need("delete", "pods")
    assert parse_need("patch ingresses.networking.k8s.io") == Need(
        "patch", "ingresses", "networking.k8s.io"
    )
    assert str(Need("patch", "deployments", "apps", "scale")) == "patch deployments.apps/scale"
    for bad in ("patch", "Patch pods", "patch pods/Scale", "patch {kind}"):
        with pytest.raises(ValueError):
            parse_need(bad)


def test_every_declared_need_parses_and_only_mutating_keys_declare_one() -> None:
    for spec in DEFAULT_KEYS:
        if spec.needs:
            assert spec.mutates, spec.id
            parse_need(spec.needs, "deployments.apps")


def test_a_screens_needs_are_by_action_and_a_shared_key_needs_its_kind() -> None:
    ids = ("deploy.scale", "deploy.history", "table.filter")
    assert needs_of_bindings(ids, "deployments.apps") == {
        "scale": Need("patch", "deployments", "apps", "scale")
    }
    assert needs_of_bindings(ids) == {}  # no kind: the key stays allowed


def test_the_review_asks_in_the_namespace_unless_the_resource_has_none() -> None:
    scale = Need("patch", "deployments", "apps", "scale")
    body = review_body(scale, review_namespace(scale, "rec"))
    assert body["spec"]["resourceAttributes"] == {
        "verb": "patch",
        "group": "apps",
        "resource": "deployments",
        "subresource": "scale",
        "namespace": "rec",
    }
    assert review_namespace(Need("patch", "nodes"), "rec") is None
    assert review_namespace(scale, None) is None  # all namespaces


def test_recorded_answers_read_as_allowed_and_refused() -> None:
    allowed = json.loads((ANSWERS / "50-ssar-allowed.json").read_text())["response"]["body"]
    denied = json.loads((ANSWERS / "52-ssar-denied.json").read_text())["response"]["body"]
    assert parse_review(allowed) == AccessAnswer(allowed=True)
    answer = parse_review(denied)
    assert answer.refused
    need = Need("patch", "deployments", "apps")
    assert answer.why_not(need, "rec") == "you may not patch deployments.apps in namespace rec"
    assert answer.why_not(need, None) == "you may not patch deployments.apps in all namespaces"
    nodes = Need("patch", "nodes")
    assert answer.why_not(nodes, None) == "you may not patch nodes cluster-wide"
    with pytest.raises(ValueError):
        parse_review({"kind": "Status", "status": "Failure"})


def test_a_reason_is_the_servers_and_an_undecided_review_is_unknown() -> None:
    body = {"kind": "SelfSubjectAccessReview", "status": {"allowed": False, "denied": True}}
    body["status"]["reason"] = "denied by policy"
    answer = parse_review(body)
    assert answer.refused and answer.why_not(Need("delete", "pods"), "rec") == "denied by policy"
    undecided = parse_review(
        {"kind": "SelfSubjectAccessReview", "status": {"allowed": False, "evaluationError": "x"}}
    )
    assert not undecided.known and not undecided.refused
    long = {"kind": "SelfSubjectAccessReview", "status": {"allowed": False, "reason": "x" * 5000}}
    assert len(parse_review(long).reason) == 300


def test_the_cache_asks_once_keeps_answers_a_while_and_forgets_on_retarget() -> None:
    now = [0.0]
    cache = AccessCache(clock=lambda: now[0], ttl=100.0)
    where = ("ctx", "rec")
    scale, delete = Need("patch", "deployments", "apps", "scale"), Need("delete", "pods")
    assert cache.to_ask(where, [scale, scale, delete]) == [scale, delete]
    assert cache.to_ask(where, [scale]) == []  # asked already, the answer is on its way
    cache.record(where, {scale: AccessAnswer(allowed=False), delete: None})
    assert cache.answer(where, scale) == AccessAnswer(allowed=False)
    assert cache.answer(where, delete) is None  # failed: unknown
    assert cache.answer(("ctx", "other"), scale) is None
    assert cache.to_ask(where, [scale, delete]) == []  # not asked again at once, even failed
    now[0] = 100.0
    assert cache.to_ask(where, [scale, delete]) == [scale, delete]
    assert cache.answer(where, scale) == AccessAnswer(allowed=False)  # holds while re-asked
    cache.forget()
    assert cache.answer(where, scale) is None
    cache.record(where, {scale: AccessAnswer(allowed=True)})  # asked before: dropped
    assert cache.answer(where, scale) is None
