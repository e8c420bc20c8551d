"""The fake API server answers as a real one did: every case of cases.py is sent to the fake
and what is compared of its answer (normalise.project) must equal the recorded answer's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target

from tests.conformance.cases import CASES, Case
from tests.conformance.normalise import aggregated_entries, project
from tests.conformance.runner import run, served_names
from tests.conformance.world import World
from tests.kubefake import FakeKube

ANSWERS = Path(__file__).parent / "answers"
NOT_SERVED = Path(__file__).parent / "not_served.json"
COMPARED = [case for case in CASES if not case.not_compared]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("conformance")
    with FakeKube() as fake:
        fake.controllers.stop_delay = 30.0  # containers take their grace period to stop
        target = resolve_target(kubeconfig=str(fake.write_kubeconfig(workdir / "kc")), environ={})
        assert target is not None
        backend = KubeBackend(target)
        world = World(backend, "rec", workdir, fake)
        world.build()
        yield {case.name: run(world, case) for case in COMPARED}
        backend.close()


def recorded(case: Case) -> dict[str, Any]:
    return json.loads((ANSWERS / f"{case.name}.json").read_text())


@pytest.mark.parametrize("case", COMPARED, ids=[case.name for case in COMPARED])
def test_the_fake_answers_as_the_real_server_did(case: Case, replayed: dict[str, Any]) -> None:
    answer = recorded(case)
    served = served_names()
    expected = project(answer["response"], case.compare, served)
    actual = project(replayed[case.name]["response"], case.compare, served)
    assert actual == expected, f"{case.name} ({answer['server_version']}): {case.note}"


def test_every_answer_has_its_case_and_every_case_an_answer() -> None:
    files = {path.stem for path in ANSWERS.glob("*.json")}
    assert files == {case.name for case in CASES}
    for case in CASES:
        assert recorded(case)["server_version"], f"{case.name}: no server version"
        assert case.compare or case.not_compared, f"{case.name}: compares nothing"


def discovered(body: dict[str, Any]) -> set[str]:
    if body.get("kind") == "APIResourceList":
        return {f"{body['groupVersion']}/{r['name']}" for r in body.get("resources") or []}
    return {name for name, _ in aggregated_entries(body)}


def test_each_discovered_resource_is_compared_or_named_as_not_served() -> None:
    """Nothing is left out silently: what a recorded discovery document lists and the fake
    does not serve is named in not_served.json (with why), and nothing else is."""
    listed = json.loads(NOT_SERVED.read_text())
    assert listed["why"]
    documents = [c for c in COMPARED if {"resources", "aggregated"} & set(c.compare)]
    assert sorted(listed["answers"]) == sorted(c.name for c in documents)
    for case in documents:
        names = discovered(recorded(case)["response"]["body"])
        assert sorted(names - served_names()) == listed["answers"][case.name], case.name
