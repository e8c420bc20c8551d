"""A key the cluster would refuse (403) is shown as not allowed, with why, before it is
pressed; pressed, it says why instead of planning. With the rights, the same key works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gok_tui.app import GokApp
from gok_tui.backends.kube import KubeBackend
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.views import DeploymentsScreen
from gok_tui.widgets.confirm import ReplicaPrompt

from tests.integration.helpers import deployment
from tests.integration.identity import restricted_backend
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, keys_reviewed, make_app, screen_text, table_keys, until
from tests.ui.notices import toast_texts

READ = ["get", "list", "watch"]
READER = [
    {"apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"], "verbs": READ},
    {"apiGroups": [""], "resources": ["pods", "namespaces"], "verbs": READ},
]
SCALER = [
    *READER,
    {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["patch"]},
]
NOT_ALLOWED = "not allowed: you may not patch deployments.apps/scale in namespace default"


def user_kubeconfig(
    fake_backend: KubeBackend, tmp_path: Path, account: str, rules: list[dict[str, Any]]
) -> Path:
    """A kubeconfig that talks to the fake as a ServiceAccount bound to ``rules``."""
    restricted_backend(fake_backend, "default", tmp_path, account, rules).close()
    return tmp_path / f"{account}.kubeconfig"


def help_keys(app: GokApp) -> dict[str, str]:
    """What ``?`` says each key does, its wrapped lines joined."""
    keys: dict[str, str] = {}
    key = ""
    for line in screen_text(app).splitlines():
        cells = line.split("│")
        if len(cells) < 4 or "┃" in line:
            continue
        if cells[1].strip():
            key = cells[1].strip()
            keys[key] = cells[2].strip()
        elif key:
            keys[key] += " " + cells[2].strip()
    return keys


async def test_scale_is_not_allowed_and_says_why(
    fake_kube: FakeKube, fake_backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(user_kubeconfig(fake_backend, tmp_path, "reader", READER))
    # tall enough that help shows every key of the view without scrolling
    async with app.run_test(size=(SIZE[0], 60), notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="web listed")
        await until(pilot, lambda: keys_reviewed(app), what="the keys reviewed")
        # one review per distinct need: scale, patch (restart, undo, pause share it) and
        # port-forward
        asked = [
            json.loads(r.body)["spec"]["resourceAttributes"]
            for r in list(fake_kube.requests)
            if r.path.endswith("/selfsubjectaccessreviews")
        ]
        assert sorted(a.get("subresource", "") for a in asked) == ["", "portforward", "scale"]
        assert {a["namespace"] for a in asked} == {"default"}
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = help_keys(app)
        assert keys["s"] == f"Scale (disabled: {NOT_ALLOWED})"
        assert keys["r"] == (
            "Restart (disabled: not allowed: you may not patch deployments.apps "
            "in namespace default)"
        )
        assert keys["d"] == "Describe"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        app.clear_notifications()
        await pilot.press("s")
        said = f"scale: {NOT_ALLOWED}"
        await until(pilot, lambda: said in toast_texts(app), what="why scale is refused")
        assert not isinstance(app.screen, ReplicaPrompt)
        assert not [r for r in fake_kube.requests if r.method == "PATCH"]


async def test_scale_with_the_right_to_patch_the_scale_works(
    fake_kube: FakeKube, fake_backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(user_kubeconfig(fake_backend, tmp_path, "scaler", SCALER))
    async with app.run_test(size=(SIZE[0], 60), notifications=True) as pilot:  # all of help
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="web listed")
        await until(pilot, lambda: keys_reviewed(app), what="the keys reviewed")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = help_keys(app)
        assert keys["s"] == "Scale" and keys["r"].startswith("Restart (disabled: not allowed")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt), what="the prompt")
