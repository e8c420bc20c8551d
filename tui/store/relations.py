"""The cluster as the xray tree's Source: each question one list call in the namespace (a
name is asked by field selector, dependents by their owner's label selector), each asked once
per tree. Blocking: run it in a worker."""

from __future__ import annotations

import threading

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.relations import Listing, RelationNode, relation_kind, relations_of

Question = tuple[str, str | None, str | None, str | None]  # plural, namespace, labels, fields


class ClusterSource:
    """Answers the tree's questions from the cluster, remembering each answer."""

    def __init__(self, backend: KubeBackend) -> None:
        self.backend = backend
        self.answers: dict[Question, Listing] = {}
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        return len(self.answers)

    def named(self, plural: str, namespace: str | None, name: str) -> Listing:
        return self._ask((plural, namespace, None, f"metadata.name={name}"))

    def selected(self, plural: str, namespace: str | None, selector: str | None) -> Listing:
        return self._ask((plural, namespace, selector, None))

    def _ask(self, question: Question) -> Listing:
        with self._lock:
            known = self.answers.get(question)
        if known is not None:
            return known
        answer = self._list(*question)
        with self._lock:
            self.answers[question] = answer
        return answer

    def _list(
        self, plural: str, namespace: str | None, labels: str | None, fields: str | None
    ) -> Listing:
        kind = relation_kind(plural)
        if kind is None:
            return Listing(problem=f"no path known for {plural}", served=False)
        try:
            listed = self.backend.list(
                kind, namespace, label_selector=labels, field_selector=fields
            )
        except KubeError as error:
            if error.status == 403:
                return Listing(problem=f"not allowed to list {plural}")
            if error.status == 404:
                return Listing(problem=f"{plural} are not served by this cluster", served=False)
            return Listing(problem=f"{plural}: {error.message}")
        return Listing(tuple(listed.items))


def read_relations(
    backend: KubeBackend, plural: str, namespace: str | None, name: str
) -> tuple[RelationNode, int]:
    """The xray tree of one object, and how many list calls it took."""
    source = ClusterSource(backend)
    tree = relations_of(source, plural, namespace, name)
    return tree, source.calls
