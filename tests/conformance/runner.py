"""Sending a case and turning the answer into the recorded form; what the fake serves (the
discovery entries compared)."""

from __future__ import annotations

from typing import Any

from tests.conformance.cases import Case
from tests.conformance.world import GIZMOS_CRD, World
from tests.kubefake.crds import resource_of
from tests.kubefake.resources import RESOURCES


def served_names() -> set[str]:
    """GROUPVERSION/NAME of every resource and subresource the fake serves ("v1/pods/log",
    "apps/v1/deployments/scale"): discovery compares these entries, and not_served.json names
    the rest."""
    names = set()
    custom = resource_of(GIZMOS_CRD)  # the CRD the world makes
    assert custom is not None
    for resource in [*RESOURCES.values(), custom]:
        names.add(f"{resource.api_version}/{resource.plural}")
        names.update(
            f"{resource.api_version}/{resource.plural}/{sub}" for sub in resource.subresources
        )
    return names


def run(world: World, case: Case) -> dict[str, Any]:
    """The request as sent and the answer as received."""
    if case.before is not None:
        case.before(world)
    req = case.request(world)
    wire = world.restricted() if case.viewer else world.wire
    if case.watch:
        during = case.during

        def act() -> None:
            if during is not None:
                during(world)

        response = wire.watch(req, act)
    else:
        response = wire.send(req)
    world.last = response
    return {"request": req.as_json(), "response": response}
