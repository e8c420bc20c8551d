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
from gok_tui.domain.access import AccessAnswer, Need, parse_review, review_body
from gok_tui.domain.kinds import KINDS

ACCESS_TTL = 180.0  # seconds an answer is trusted: a RoleBinding may change meanwhile
REVIEW_TIMEOUT = (5.0, 10.0)  # (connect, read): a key stays allowed rather than wait long

Where = tuple[str, str | None]  # (context, namespace; None: all namespaces)


def cluster_scoped(need: Need) -> bool:
    """Whether the need's resource lives outside namespaces (asked without one)."""
    kind = KINDS.get(need.resource)
    return kind is not None and kind.group == need.group and not kind.namespaced


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
    """Answers per (context, namespace); ``clock`` is monotonic seconds."""

    clock: Callable[[], float] = time.monotonic
    ttl: float = ACCESS_TTL
    _answers: dict[Where, dict[Need, tuple[float, AccessAnswer]]] = field(default_factory=dict)
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
        """What a review said (None: it failed, the need stays unknown and is asked again)."""
        if where not in self._asking:
            return  # forgotten since it was asked (the context or namespace changed)
        self._asking[where].difference_update(answers)
        now = self.clock()
        slot = self._answers.setdefault(where, {})
        for need, answer in answers.items():
            if answer is not None and answer.known:
                slot[need] = (now, answer)
            else:
                slot.pop(need, None)

    def answer(self, where: Where, need: Need) -> AccessAnswer | None:
        """The answer for the need (None: unknown, never asked, failed or too old)."""
        entry = self._answers.get(where, {}).get(need)
        if entry is None or self.clock() - entry[0] >= self.ttl:
            return None
        return entry[1]

    def forget(self) -> None:
        """The context or namespace changed: nothing known holds, nothing out is awaited."""
        self._answers.clear()
        self._asking.clear()
