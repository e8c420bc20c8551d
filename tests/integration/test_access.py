"""SelfSubjectAccessReview over the wire: what the fake's RBAC lets a ServiceAccount do, asked
as the product asks it (store.access.ask through KubeBackend)."""

from __future__ import annotations

from pathlib import Path

from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.access import Need
from gok_tui.store.access import ask

from tests.integration import access_scenarios
from tests.integration.identity import restricted_backend
from tests.kubefake import FakeKube

SCALE = access_scenarios.SCALE


def test_a_reader_is_told_it_may_list_but_not_scale(
    fake_backend: KubeBackend, tmp_path: Path
) -> None:
    access_scenarios.reader_may_list_but_not_scale(fake_backend, "default", tmp_path)
    # the fake names the binding as RBAC does
    reader = restricted_backend(
        fake_backend, "default", tmp_path, "reader", access_scenarios.DEPLOYMENT_READER
    )
    try:
        listing = ask(reader, [access_scenarios.LIST], "default")[access_scenarios.LIST]
    finally:
        reader.close()
    assert listing is not None and listing.reason == (
        'RBAC: allowed by RoleBinding "reader/default" of Role "reader" '
        'to ServiceAccount "reader/default"'
    )


def test_a_review_in_read_only_mode_is_sent_and_the_admin_is_allowed(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    readonly = KubeBackend(fake_backend.target, readonly=True)
    try:
        answer = ask(readonly, [SCALE], "default")[SCALE]
    finally:
        readonly.close()
    assert answer is not None and answer.allowed and not answer.reason
    sent = [r for r in fake_kube.requests if r.method == "POST"]
    assert [r.path for r in sent] == ["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]
    fake_kube.forbid("deployments", "default", verbs=("patch",))
    patch = Need("patch", "deployments", "apps")
    refused = ask(fake_backend, [patch], "default")[patch]
    assert refused is not None and refused.refused
