"""What is known of the cluster connection, for the views that have no watches of their own.

Headless: the app asks it whether to probe, runs the probe (one ``GET /version`` with short
timeouts) in a worker and hands the answer back; this object decides what the answer means. A
target change (``:ctx``, ``:ns``) is a new ``generation``: what was learnt of another target is
never shown for this one, and an answer to a question asked before the last thing learnt is
old news (answers can overtake each other).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.store.watch import state_after

PROBE_TIMEOUT = (3.0, 3.0)  # connect, read: a hung server must not read as live for long
PROBE_INTERVAL = 10.0  # seconds between checks while a view without watches is shown


@dataclass(frozen=True)
class KnownState:
    """The last connection state learnt for one target."""

    generation: int
    state: str
    learnt_at: float  # monotonic: when it was true (a probe's: when its request went out)


class ClusterHealth:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.known: KnownState | None = None
        self._asked: Counter[int] = Counter()  # probes awaiting an answer, by generation

    def state(self, generation: int) -> str:
        """The last state learnt for this target; "connecting" until one is."""
        known = self.known
        if known is None or known.generation != generation:
            return "connecting"
        return known.state

    def note(self, generation: int, state: str, learnt_at: float | None = None) -> None:
        """A state a view learnt (its watches) or a probe found."""
        if state == "connecting":
            return  # says nothing about the cluster yet: keep what is known
        self.known = KnownState(generation, state, self.clock() if learnt_at is None else learnt_at)

    def is_old(self, generation: int) -> bool:
        known = self.known
        return (
            known is None
            or known.generation != generation
            or self.clock() - known.learnt_at >= PROBE_INTERVAL
        )

    def ask(self, generation: int, *, again: bool = False) -> bool:
        """Whether to send a probe now (and count it as sent): not while one is awaited, unless
        ``again`` (a view being shown: an earlier question's answer may say nothing of now)."""
        if self._asked[generation] and not again:
            return False
        self._asked[generation] += 1
        return True

    def answered(self, generation: int, state: str, asked_at: float, current: int) -> bool:
        """A probe's answer; whether it changed what is known of the ``current`` target."""
        self._asked[generation] -= 1
        if self._asked[generation] <= 0:
            del self._asked[generation]
        if generation != current:
            return False  # asked of a context no longer shown
        known = self.known
        if known is not None and known.generation == generation and known.learnt_at > asked_at:
            return False  # asked before what is known was learnt
        self.note(generation, state, learnt_at=asked_at)
        return True


def probe(backend: KubeBackend) -> str:
    """The cluster's state by one ``GET /version`` (blocking: run it in a worker)."""
    try:
        backend.server_version(timeout=PROBE_TIMEOUT)
        return "live"
    except KubeError as error:
        return state_after(error)
    except Exception:
        # a 200 that is no API server's answer (an SSO proxy's sign-in page: not JSON), or any
        # other surprise: the cluster does not answer as one; no "internal error" toast every
        # PROBE_INTERVAL for it
        return "retrying"
