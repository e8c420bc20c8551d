"""What the cluster bar says of a connection, decided without a terminal."""

from __future__ import annotations

from gok_tui.cluster_health import PROBE_INTERVAL, ClusterHealth


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_known_of_a_target_until_something_is_learnt_of_it() -> None:
    health = ClusterHealth(Clock())
    assert health.state(1) == "connecting"
    health.note(1, "live")
    assert health.state(1) == "live"
    assert health.state(2) == "connecting"  # :ctx made a new target: nothing known of it
    health.note(1, "connecting")  # says nothing about the cluster: what is known stays
    assert health.state(1) == "live"


def test_one_probe_at_a_time_unless_a_view_asks_again() -> None:
    health = ClusterHealth(Clock())
    assert health.ask(1)
    assert not health.ask(1)  # an answer is awaited
    assert health.ask(1, again=True)
    assert health.ask(2)  # another target's probes are its own


def test_an_answer_older_than_what_is_known_is_dropped() -> None:
    clock = Clock()
    health = ClusterHealth(clock)
    health.ask(1)
    asked_at = clock.now
    clock.now += 1
    health.note(1, "live")  # a watch saw the cluster answer after the probe went out
    assert not health.answered(1, "retrying", asked_at, current=1)
    assert health.state(1) == "live"
    assert health.ask(1), "the answer counted: another probe may go out"


def test_an_answer_about_another_target_changes_nothing() -> None:
    clock = Clock()
    health = ClusterHealth(clock)
    health.ask(1)
    assert not health.answered(1, "live", clock.now, current=2)
    assert health.state(2) == "connecting"


def test_a_state_is_old_after_the_probe_interval() -> None:
    clock = Clock()
    health = ClusterHealth(clock)
    assert health.is_old(1)
    health.ask(1)
    assert health.answered(1, "unauthorized", clock.now, current=1)
    assert health.state(1) == "unauthorized" and not health.is_old(1)
    clock.now += PROBE_INTERVAL
    assert health.is_old(1)
