"""Traffic scenarios shared by the fake API server (integration) and a real cluster (e2e)."""

from __future__ import annotations

from gok_tui.actions.run import execute
from gok_tui.actions.traffic import SwitchService
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.rollout import rollout_state

from tests.integration.helpers import service, track_deployment
from tests.integration.scenario_kit import PAUSE_IMAGE, PAUSE_IMAGE_NEXT, create, get, ref, wait


def blue_green(backend: KubeBackend, namespace: str, pods_can_run: bool) -> None:
    """The switch is refused while green has no Ready pods; once it has, it flips."""
    for track, image in (("blue", PAUSE_IMAGE), ("green", PAUSE_IMAGE_NEXT)):
        create(
            backend,
            "deployments",
            namespace,
            track_deployment(f"bg-{track}", "bg", track, image, 1, namespace),
        )
    create(backend, "services", namespace, service("bg", {"app": "bg", "track": "blue"}, namespace))
    switch = SwitchService(ref(backend, "services", namespace, "bg"), "track", "green", "bg-green")
    if pods_can_run:
        wait(
            lambda: (
                rollout_state(get(backend, "deployments", namespace, "bg-green")).phase
                == "complete"
            ),
            180,
            "bg-green rolled out",
        )
        result = execute(switch, backend)
        assert result.ok, result.message
        selector = get(backend, "services", namespace, "bg")["spec"]["selector"]
        assert selector == {"app": "bg", "track": "green"}
        return
    result = execute(switch, backend)
    assert not result.ok and "not every endpoint would be Ready" in result.message
    assert get(backend, "services", namespace, "bg")["spec"]["selector"]["track"] == "blue"
