"""Full garbage collections wait for a pause in typing, and never wait forever."""

from __future__ import annotations

import gc

from gok_tui.idle_gc import ENOUGH_YOUNG_COLLECTIONS, NO_AUTOMATIC_FULL_COLLECTION, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def collector(clock: Clock, runs: list[float], allocated: list[int] | None = None) -> IdleCollector:
    allocated = allocated if allocated is not None else [ENOUGH_YOUNG_COLLECTIONS]
    return IdleCollector(
        quiet_seconds=1.0,
        every_seconds=10.0,
        longest_wait_seconds=120.0,
        clock=clock,
        collect=lambda: runs.append(clock.now),
        pending=lambda: allocated[0],
    )


def test_no_full_collection_while_keys_are_pressed_then_one_in_the_pause() -> None:
    clock, runs = Clock(), []
    idle = collector(clock, runs)
    idle.start()
    try:
        for _ in range(60):  # a key every half second for 30 s
            clock.now += 0.5
            idle.key_pressed()
            assert not idle.tick()
        clock.now += 1.2  # the user stops typing
        assert idle.tick()
        assert runs == [clock.now]
        clock.now += 5  # not again until ten seconds have passed
        assert not idle.tick()
        clock.now += 5
        assert idle.tick()
    finally:
        idle.stop()


def test_a_user_who_never_pauses_still_gets_a_collection_after_the_longest_wait() -> None:
    clock, runs = Clock(), []
    idle = collector(clock, runs)
    idle.start()
    try:
        for _ in range(1300):  # ten keys a second for 130 s
            clock.now += 0.1
            idle.key_pressed()
            idle.tick()
        assert len(runs) == 1
        assert runs[0] - 1000.0 >= 120.0
    finally:
        idle.stop()


def test_an_idle_app_that_allocates_nothing_is_never_collected() -> None:
    clock, runs, allocated = Clock(), [], [0]
    idle = collector(clock, runs, allocated)
    idle.start()
    try:
        for _ in range(300):  # ten minutes, no keys, nothing new
            clock.now += 2
            assert not idle.tick()
        allocated[0] = ENOUGH_YOUNG_COLLECTIONS  # a burst of watch events
        assert idle.tick()
        assert len(runs) == 1
    finally:
        idle.stop()


def test_start_takes_over_full_collections_and_stop_gives_them_back() -> None:
    before = gc.get_threshold()
    idle = IdleCollector()
    idle.start()
    try:
        assert gc.get_threshold()[2] == NO_AUTOMATIC_FULL_COLLECTION
        assert gc.get_freeze_count() > 0
    finally:
        idle.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert not idle.tick()  # stopped: does nothing


def test_collections_held_since_start_resume_when_the_collector_starts() -> None:
    from gok_tui.idle_gc import hold_collections_until_started

    idle = IdleCollector()
    hold_collections_until_started()
    try:
        assert not gc.isenabled()
        idle.start()
        assert gc.isenabled()
        assert gc.get_threshold()[2] == NO_AUTOMATIC_FULL_COLLECTION
    finally:
        idle.stop()
        gc.enable()
    assert gc.get_threshold()[2] != NO_AUTOMATIC_FULL_COLLECTION
