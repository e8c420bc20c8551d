"""Whether the cluster lets you do what a view's keys would do: one SelfSubjectAccessReview per
distinct need, asked in a worker when a view opens, remembered a few minutes per (context,
namespace).

The worker only asks (``ask``); what it learnt reaches the cache on the UI thread, by message
(``record``), so the cache needs no lock. A review that fails leaves the need unknown: its
key stays allowed, and a real 403 is said when it happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.access import AccessAnswer, Need, cluster_scoped, parse_review, review_body

ACCESS_TTL = 180.0  # seconds an answer is trusted: a RoleBinding may change meanwhile
REVIEW_TIMEOUT = (5.0, 10.0)  # (connect, read): a key stays allowed rather than wait long

Where = tuple[str, str | None]  # (context, namespace; None: all namespaces)


def review_namespace(need: Need, namespace: str | None) -> str | None:
    return None if cluster_scoped(need) else namespace


def ask(
    backend: KubeBackend, needs: Iterable[Need], namespace: str | None
) -> dict[Need, AccessAnswer | None]:
    """Review each need (blocking: call from a worker). None: the review failed."""
    answers: dict[Need, AccessAnswer | None] = {}
    for need in needs:
        body = review_body(need, review_namespace(need, namespace))
        try:
            answers[need] = parse_review(backend.review_access(body, timeout=REVIEW_TIMEOUT))
        except (KubeError, ValueError):
            answers[need] = None
    return answers


@dataclass
class AccessCache:
    """Answers per (context, namespace); ``clock`` is monotonic seconds. An answer (or a
    failed review) is asked again once ``ttl`` old; until then, and while it is asked again,
    the last answer holds."""

    clock: Callable[[], float] = time.monotonic
    ttl: float = ACCESS_TTL
    # when each need was last answered, and what it said (None: the review failed)
    _answers: dict[Where, dict[Need, tuple[float, AccessAnswer | None]]] = field(
        default_factory=dict
    )
    _asking: dict[Where, set[Need]] = field(default_factory=dict)

    def to_ask(self, where: Where, needs: Iterable[Need]) -> list[Need]:
        """The needs with no fresh answer and no review out, now marked as asked."""
        known = self._answers.get(where, {})
        asking = self._asking.setdefault(where, set())
        now = self.clock()
        missing = [
            need
            for need in dict.fromkeys(needs)
            if need not in asking and (need not in known or now - known[need][0] >= self.ttl)
        ]
        asking.update(missing)
        return missing

    def record(self, where: Where, answers: dict[Need, AccessAnswer | None]) -> None:
        """What the reviews said (None: one failed; its need stays unknown)."""
        if where not in self._asking:
            return  # forgotten since it was asked (the context or namespace changed)
        self._asking[where].difference_update(answers)
        now = self.clock()
        slot = self._answers.setdefault(where, {})
        for need, answer in answers.items():
            slot[need] = (now, answer if answer is not None and answer.known else None)

    def answer(self, where: Where, need: Need) -> AccessAnswer | None:
        """The last answer for the need (None: unknown: never asked, or the review failed)."""
        entry = self._answers.get(where, {}).get(need)
        return entry[1] if entry is not None else None

    def forget(self) -> None:
        """The context or namespace changed: nothing known holds, nothing out is awaited."""
        self._answers.clear()
        self._asking.clear()
