"""Which containers of a pod the log follower follows: chosen ones, init ones, "all"."""

from __future__ import annotations

from typing import Any

from gok_tui.store.logs import containers_to_follow, pod_containers


def pod(init_states: list[dict[str, Any]], initialized: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {
        "phase": "Pending" if initialized != "True" else "Running",
        "initContainerStatuses": [
            {"name": name, "state": state}
            for name, state in zip(("migrate", "seed"), init_states, strict=False)
        ],
    }
    if initialized is not None:
        status["conditions"] = [{"type": "Initialized", "status": initialized}]
    return {
        "spec": {
            "initContainers": [
                {"name": "mesh", "restartPolicy": "Always"},
                {"name": "migrate"},
                {"name": "seed"},
            ],
            "containers": [{"name": "app"}, {"name": "sidecar"}],
        },
        "status": status,
    }


DONE = {"terminated": {"exitCode": 0}}
CRASHING = {"waiting": {"reason": "CrashLoopBackOff"}}


def test_every_container_in_spec_order_main_ones_first() -> None:
    assert pod_containers(pod([])) == [
        ("app", False),
        ("sidecar", False),
        ("mesh", True),
        ("migrate", True),
        ("seed", True),
    ]


def test_a_chosen_container_main_or_init() -> None:
    assert containers_to_follow(pod([]), "sidecar") == ["sidecar"]
    assert containers_to_follow(pod([]), "migrate") == ["migrate"]
    assert containers_to_follow(pod([]), "nope") == []


def test_all_while_initialising_follows_the_init_containers_up_to_the_waited_on_one() -> None:
    assert containers_to_follow(pod([CRASHING], "False"), None) == ["mesh", "migrate"]
    assert containers_to_follow(pod([DONE, {"running": {}}], "False"), None) == [
        "mesh",
        "migrate",
        "seed",
    ]
    # no conditions yet: pending with no main container started
    assert containers_to_follow(pod([CRASHING]), None) == ["mesh", "migrate"]


def test_all_once_initialised_follows_the_main_containers_and_native_sidecars() -> None:
    assert containers_to_follow(pod([DONE, DONE], "True"), None) == ["mesh", "app", "sidecar"]
    plain = {"spec": {"containers": [{"name": "app"}]}, "status": {"phase": "Running"}}
    assert containers_to_follow(plain, None) == ["app"]
