"""The one-off reads behind describe, against the fake API server over HTTP."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.kinds import KINDS
from gok_tui.store.reads import read_for_describe

from tests.integration.helpers import deployment, ingress, service
from tests.kubefake import FakeKube


def test_describe_reads_the_object_its_events_and_what_an_ingress_routes_to(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(service("web", {"app": "web"}))
    fake_kube.apply_object(ingress("web", "web"))
    fake_kube.add_event(
        "default", {"kind": "Deployment", "name": "web", "namespace": "default"}, "Scaled", "x"
    )
    read = read_for_describe(fake_backend, KINDS["deployments"], "default", "web")
    assert read.obj["metadata"]["name"] == "web" and read.problems == ()
    assert [event["reason"] for event in read.events] == ["Scaled"]
    assert read.related == {}  # a Deployment's describe names no Services
    routed = read_for_describe(fake_backend, KINDS["ingresses"], "default", "web")
    assert list(routed.related["services"]) == ["default/web"]


def test_forbidden_events_keep_the_fresh_object_and_say_why(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.forbid("events")
    read = read_for_describe(fake_backend, KINDS["deployments"], "default", "web")
    assert read.obj["metadata"]["name"] == "web" and read.events == []
    assert read.events_error and read.problems == (f"events not shown: {read.events_error}",)


def test_an_object_that_is_gone_raises(fake_backend: KubeBackend) -> None:
    with pytest.raises(KubeError, match="not found"):
        read_for_describe(fake_backend, KINDS["deployments"], "default", "nope")
