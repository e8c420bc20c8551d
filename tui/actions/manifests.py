"""Server-side apply of the project's manifests (field manager ``gok-tui``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from gok_tui.actions.base import APPLY_PATCH, ObjectRef, Plan
from gok_tui.domain.kinds import KINDS

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

FIELD_MANAGER = "gok-tui"
KIND_BY_NAME = {kind.name: kind for kind in KINDS.values()}


class ManifestError(Exception):
    """A manifest file that cannot be applied, said in one sentence."""


def load_manifests(root: Path, files: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    """(file, document) for every non-empty YAML document, in file order."""
    documents = []
    for name in files:
        path = root / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ManifestError(f"{name}: {exc.strerror or exc}") from None
        try:
            parsed = list(yaml.safe_load_all(text))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise ManifestError(f"{name}{where}: not valid YAML") from None
        for doc in parsed:
            if doc is None:
                continue
            if not isinstance(doc, dict) or not doc.get("kind") or not doc.get("apiVersion"):
                raise ManifestError(f"{name}: a document without apiVersion and kind")
            documents.append((name, doc))
    return documents


def with_image(
    doc: Mapping[str, Any], deployment: str | None, container: str | None, image: str
) -> dict[str, Any]:
    """The document with ``image`` in the target container, when it is the target Deployment."""
    copy = yaml.safe_load(yaml.safe_dump(dict(doc)))
    if copy.get("kind") != "Deployment" or (copy.get("metadata") or {}).get("name") != deployment:
        return copy
    containers = ((copy.get("spec") or {}).get("template") or {}).get("spec", {}).get(
        "containers"
    ) or []
    for entry in containers:
        if container is None or entry.get("name") == container:
            entry["image"] = image
            break
    return copy


@dataclass(frozen=True)
class ApplyManifest:
    ref: ObjectRef
    document: Mapping[str, Any]
    source: str  # the manifest file it came from
    name: str = "apply"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        from gok_tui.backends.kube import KubeError

        kind = KIND_BY_NAME.get(str(self.document.get("kind")))
        if kind is None:
            return {"current": None}
        try:
            return {"current": backend.get(kind, self.ref.namespace or None, self.ref.name)}
        except KubeError as error:
            if error.status == 404:
                return {"current": None}
            raise

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        kind = KIND_BY_NAME.get(str(self.document.get("kind")))
        refusal = ""
        path = ""
        if kind is None:
            known = ", ".join(sorted(KIND_BY_NAME))
            refusal = f"{self.source}: gok-tui cannot apply kind {self.document.get('kind')} " + (
                f"(it applies {known})"
            )
        else:
            path = kind.object_path(self.ref.namespace or None, self.ref.name)
        body = dict(self.document)
        metadata = dict(body.get("metadata") or {})
        if kind is not None and kind.namespaced:
            metadata["namespace"] = self.ref.namespace
        body["metadata"] = metadata
        current = snapshot.get("current")
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"apply {self.document.get('kind')} {self.ref.namespace}/{self.ref.name} "
            f"from {self.source}",
            before="exists" if current else "absent",
            after="applied",
            method="PATCH",
            path=path,
            body=body,
            content_type=APPLY_PATCH,
            refusal=refusal,
            query=(("fieldManager", FIELD_MANAGER), ("force", "true")),
        )


def apply_actions(
    documents: Iterable[tuple[str, dict[str, Any]]], context: str, server: str, namespace: str
) -> list[ApplyManifest]:
    actions = []
    for source, doc in documents:
        meta = doc.get("metadata") or {}
        kind = KIND_BY_NAME.get(str(doc.get("kind")))
        plural = kind.plural if kind else str(doc.get("kind", "")).lower()
        ns = str(meta.get("namespace") or namespace) if (kind is None or kind.namespaced) else ""
        ref = ObjectRef(context, server, plural, ns, str(meta.get("name") or ""))
        actions.append(ApplyManifest(ref, doc, source))
    return actions
