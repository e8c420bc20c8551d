"""SVG snapshots of every view and the main dialogs, at 80x24 and 120x40, against the fake API
server (pytest-textual-snapshot; the accepted pictures are in __snapshots__/test_snapshots/).

A picture is the same on every run because nothing in it comes from the moment or the machine:

- time: the fake cluster's clock (``FakeKube(clock=...)``: creation times, conditions, log
  lines) and the app's (``Session.clock``: every age and time of day it shows, and the audit
  log's) are frozen, ``AGE`` after one another; local times are read in UTC;
- names: the fake makes generated names and uids from what they name, and the world below is
  built one settled step at a time, so resourceVersions and pod IPs come in the same order;
- the server: the kubeconfig names ``SERVER``, which the client reaches through the fake as
  its ``proxy-url`` (the fake's own port changes from run to run);
- the moment of the picture: text cursors do not blink (``cursor_blink = false``) and toasts,
  which go away in real time, are cleared first (the Messages view shows what they said).

After a change that is meant to change what a view shows:
``pytest tests/ui/test_snapshots.py --snapshot-update``, then look at every changed picture
(``git diff --stat``; a failing run writes ``snapshot_report.html`` with old and new side by
side) before committing it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from gok_tui.app import GokApp
from gok_tui.config.settings import Settings
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.logs import LogsScreen
from gok_tui.screens.nodes import NodeScreen
from gok_tui.screens.problems import FindingPanel
from gok_tui.screens.relations import RelationsScreen
from gok_tui.screens.resource import ResourceScreen
from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.integration.helpers import bare_pod, deployment, ingress, service, track_deployment
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import (
    keys_reviewed,
    make_app,
    screen_text,
    table_column,
    table_keys,
    until,
    usage_settled,
)
from tests.ui.test_audit_view import three_entries
from tests.ui.test_problems_ui import crash

CLUSTER_NOW = 1_767_268_800.0  # 2026-01-01T12:00:00Z: when the fake cluster made everything
AGE = 5 * 60 + 7  # seconds later, the app looks: every age reads 5m7s
SERVER = "http://kube.fake.test:6443"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
LOG_LINES = ("listening on :8080", "GET /healthz 200 0.4ms", "GET /cart 200 12ms")
WEB_IMAGES = ("ghcr.io/acme/shop/web:1.4.2", "ghcr.io/acme/shop/web:1.5.0")

Snap = Callable[..., bool]
Steps = Callable[[Pilot[None]], Awaitable[None]]


def settled(fake: FakeKube) -> None:
    """Wait (real time: the fake's controllers) until every Deployment is rolled out, its old
    pods gone, and the fake has written nothing for a while."""

    def rolled_out(obj: dict[str, Any]) -> bool:
        status, wanted = obj.get("status") or {}, obj["spec"]["replicas"]
        return status.get("observedGeneration") == obj["metadata"]["generation"] and all(
            status.get(field) == wanted
            for field in ("replicas", "updatedReplicas", "readyReplicas")
        )

    wait_until(lambda: all(map(rolled_out, fake.list_objects("deployments"))), timeout=10)
    last = -1
    while fake.state.rv != last:
        last = fake.state.rv
        time.sleep(0.1)


@dataclass(frozen=True)
class World:
    fake: FakeKube
    kubeconfig: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A small shop, the same on every run: web (two revisions) behind a Service and an
    Ingress, a blue/green pair, and a pod that keeps crashing beside a Service that selects
    nothing. Built before the server starts, then one settled step at a time."""
    fake = FakeKube(port=0, clock=lambda: CLUSTER_NOW)
    fake.ready_delay = 0  # containers start on the controllers' first look: a fixed order
    fake.apply_object(deployment("web", image=WEB_IMAGES[0], replicas=3))
    fake.apply_object(service("web", {"app": "web"}))
    fake.apply_object(ingress("web", "web"))
    fake.apply_object(track_deployment("shop-blue", "shop", "blue", "ghcr.io/acme/shop:1"))
    fake.apply_object(track_deployment("shop-green", "shop", "green", "ghcr.io/acme/shop:2"))
    fake.apply_object(service("shop", {"app": "shop", "track": "blue"}))
    fake.apply_object(bare_pod("api-1", labels={"app": "api"}))
    fake.apply_object(service("orders", {"app": "orders"}))
    fake.start()
    try:
        settled(fake)
        fake.apply_object(deployment("web", image=WEB_IMAGES[1], replicas=3))
        settled(fake)
        crash(fake, "api-1")
        # one pod's lines: lines of several pods reach the view in whatever order their
        # streams answer
        fake.append_log("default", min(web_pods(fake)), "web", LOG_LINES)
        settled(fake)
        kubeconfig = tmp_path_factory.mktemp("kube") / "config"
        yield World(fake, fake.write_kubeconfig(kubeconfig, server=SERVER))
    finally:
        fake.stop()


def web_pods(fake: FakeKube) -> list[str]:
    return [
        pod["metadata"]["name"]
        for pod in fake.list_objects("pods", "default")
        if pod["metadata"]["labels"].get("app") == "web"
    ]


@pytest.fixture(autouse=True)
def same_place_and_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    for name in ("NO_PROXY", "no_proxy"):  # the proxy-url must be used for SERVER
        monkeypatch.delenv(name, raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def lists_answered(world: World) -> Iterator[None]:
    yield
    world.fake.release_lists()  # whatever became of the test


def app_for(world: World, **options: Any) -> GokApp:
    return make_app(
        world.kubeconfig,
        settings=Settings(cursor_blink=False),
        clock=lambda: CLUSTER_NOW + AGE,
        **options,
    )


def table_view(world: World, view: str = "deployments", **options: Any) -> GokApp:
    """The app on a table view, whose lists wait at the fake until ``loaded(world)``."""
    world.fake.clear_requests()
    world.fake.hold_lists()
    return app_for(world, view=view, **options)


def requested(fake: FakeKube, *, watch: bool) -> set[str]:
    """The resources (plural) the fake has been asked to list, or to watch."""
    return {
        record.path.rsplit("/", 1)[-1]
        for record in list(fake.requests)
        if record.method == "GET" and (record.query.get("watch") == "true") == watch
    }


def loaded(world: World) -> Steps:
    """The table view's lists, held at the fake (table_view), answered together: once the view
    has asked for every one, they are let go, and the app's loop is held (a blocking wait, so
    no refresh tick runs) until each answer is in the app's buffers (its feed went on to watch).
    The view then draws its rows once, from everything. A view that joins kinds would otherwise
    draw what came first ("no endpoints" before the endpoints came), and a column keeps the
    width of the widest text it has shown."""

    async def run(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, ResourceScreen)
        kinds = set(screen.watched_kinds())
        fake = world.fake
        await until(pilot, lambda: kinds <= requested(fake, watch=False), what="the lists")
        fake.release_lists()
        wait_until(lambda: kinds <= requested(fake, watch=True), timeout=10)
        await until(pilot, lambda: usage_settled(pilot.app), what="the metrics API's answer")

    return run


def steps(*actions: Callable[[Pilot[None]], Awaitable[None]]) -> Steps:
    """What runs before the picture: each step in turn, then every table measured and no
    toast on screen."""

    async def run(pilot: Pilot[None]) -> None:
        for action in actions:
            await action(pilot)
        await until(pilot, lambda: usage_settled(pilot.app), what="the metrics API's answer")
        await until(pilot, lambda: tables_measured(pilot.app), what="column widths")
        pilot.app.clear_notifications()

    return run


def tables_measured(app: App[Any]) -> bool:
    """Whether every table's columns are as wide as their cells: a table measures rows that
    came in when it is next idle, and a picture taken before then has a column cut short."""
    for screen in app.screen_stack:
        for table in screen.query(DataTable):
            for index, column in enumerate(table.ordered_columns):
                cells = (table.get_row_at(row)[index] for row in range(table.row_count))
                if max(map(cell_len, map(str, cells)), default=0) > column.content_width:
                    return False
    return True


def wait(predicate: Callable[[GokApp], bool], what: str) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, GokApp)
        await until(pilot, lambda: predicate(app), timeout=10, what=what)

    return run


def press(*keys: str) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.press(*keys)

    return run


def showing(kind: type) -> Steps:
    return wait(lambda app: isinstance(app.screen, kind), kind.__name__)


def shows(text: str) -> Steps:
    return wait(lambda app: text in screen_text(app), repr(text))


def deployments_loaded(world: World) -> Steps:
    ready = wait(lambda app: table_column(app, "READY") == ["2/2", "2/2", "3/3"], "three ready")
    return steps(loaded(world), ready)


def on_web(world: World) -> Steps:
    return steps(deployments_loaded(world), press("G"))  # web sorts last


def findings_loaded(world: World) -> Steps:
    """Both findings listed, the cursor on the first: they come from different feeds, and the
    cursor stays on whichever row came first (the picture must not depend on which)."""
    both = wait(lambda app: table_column(app, "OBJECT") == ["pod/api-1", "svc/orders"], "two")
    return steps(loaded(world), both, press("g"))


def traffic_loaded(world: World) -> Steps:
    pair = wait(lambda app: table_column(app, "STATE") == ["green is ready: s switches"], "pair")
    return steps(loaded(world), pair)


def after_web(key: str, screen: type, text: str) -> Callable[[World], Steps]:
    """A key on Deployment web, the screen it opens, and text that says it has loaded."""
    return lambda world: steps(on_web(world), press(key), showing(screen), shows(text))


def loaded_then(check: Steps) -> Callable[[World], Steps]:
    return lambda world: steps(loaded(world), check)


# -- the table views, and what opens from them -----------------------------------------------
FROM_TABLES = [
    pytest.param("deployments", deployments_loaded, id="deployments"),
    pytest.param(
        "pods", loaded_then(wait(lambda app: len(table_keys(app)) == 8, "eight pods")), id="pods"
    ),
    pytest.param("ingress", loaded_then(shows("3/3 ready")), id="ingress"),
    pytest.param("deployments", after_web("enter", RolloutScreen, "ReplicaSet"), id="rollout"),
    pytest.param("deployments", after_web("h", RevisionScreen, "web:1.4.2"), id="revisions"),
    pytest.param("deployments", after_web("d", DetailScreen, "Replicas:"), id="describe"),
    pytest.param("deployments", after_web("y", DetailScreen, "apiVersion: apps/v1"), id="yaml"),
    pytest.param("deployments", after_web("l", LogsScreen, "3 streams 3 lines"), id="logs"),
    pytest.param("deployments", after_web("s", ReplicaPrompt, "now 3 replicas"), id="scale"),
    pytest.param(
        "deployments",
        lambda world: steps(
            after_web("s", ReplicaPrompt, "now 3 replicas")(world),
            press("5", "enter"),
            showing(ConfirmModal),
        ),
        id="scale_confirm",
    ),
    pytest.param(
        "deployments",
        lambda world: steps(
            deployments_loaded(world), press("question_mark"), shows("table.filter")
        ),
        id="help",
    ),
    pytest.param("problems", findings_loaded, id="problems"),
    pytest.param(
        "problems",
        lambda world: steps(
            findings_loaded(world),
            press("enter"),
            showing(FindingPanel),
            shows("DATABASE_URL is not set"),
        ),
        id="finding_panel",
    ),
    pytest.param("traffic", traffic_loaded, id="traffic"),
    pytest.param(
        "traffic",
        lambda world: steps(
            traffic_loaded(world), press("s"), showing(ConfirmModal), shows("track=green")
        ),
        id="traffic_switch_confirm",
    ),
    pytest.param(
        "ingress",
        lambda world: steps(
            loaded(world),
            shows("3/3 ready"),
            press("X"),
            showing(RelationsScreen),
            shows("related"),
        ),
        id="xray",
    ),
    pytest.param(
        "deployments",
        lambda world: steps(
            deployments_loaded(world),
            press("colon", *"no", "enter"),
            showing(NodeScreen),
            wait(lambda app: table_column(app, "PODS") not in ([], ["-"]), "the node's pods"),
        ),
        id="nodes",
    ),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("view", "before"), FROM_TABLES)
def test_table_view(
    snap_compare: Snap,
    world: World,
    size: tuple[int, int],
    view: str,
    before: Callable[[World], Steps],
) -> None:
    assert snap_compare(table_view(world, view), terminal_size=size, run_before=before(world))


# -- the other views ------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_audit(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    three_entries(today=time.strftime("%Y-%m-%d", time.gmtime(CLUSTER_NOW)))
    app = app_for(world, view="audit")
    assert snap_compare(app, terminal_size=size, run_before=steps(shows("Audit[3]")))


@pytest.mark.parametrize("size", SIZES)
def test_messages(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    """Two toasts (a warning, then a note), read again in the Messages view."""
    before = steps(shows("Build (no project)"), press("b", "ctrl+z", "M"), shows("nothing to undo"))
    app = app_for(world, view="build")
    assert snap_compare(app, terminal_size=size, run_before=before)


NO_ENGINE = "unix:///nonexistent/docker.sock"


@pytest.mark.parametrize("size", SIZES)
def test_build_without_docker(
    snap_compare: Snap, world: World, size: tuple[int, int], tmp_path: Path
) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM busybox\n")
    (project / "gok.toml").write_text(
        '[image]\nrepository = "ghcr.io/acme/shop/web"\n\n'
        '[deploy]\nnamespace = "default"\ndeployment = "web"\ncontainer = "web"\n'
    )
    app = app_for(world, view="build", project=project, docker_host=NO_ENGINE)
    assert snap_compare(app, terminal_size=size, run_before=steps(shows("shop")))


@pytest.mark.parametrize("size", SIZES)
def test_images_engine_unreachable(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    app = app_for(world, view="images", docker_host=NO_ENGINE)
    unreachable = wait(lambda app: "nonexistent" in screen_text(app), "the engine's error")
    assert snap_compare(app, terminal_size=size, run_before=steps(unreachable))


def test_help_with_a_key_not_allowed(snap_compare: Snap, world: World) -> None:
    """``?`` where the cluster would refuse to scale or restart: those keys say why."""
    world.fake.forbid("deployments", "default", verbs=("patch",))
    reviewed = wait(keys_reviewed, "the keys' access reviews")
    before = steps(deployments_loaded(world), reviewed, press("question_mark"), shows("Scale"))
    try:
        assert snap_compare(table_view(world), terminal_size=(80, 24), run_before=before)
    finally:
        world.fake.allow_all()


@pytest.mark.parametrize("size", SIZES)
def test_generic_view(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    """A kind without a renderer of ours (the namespace's ServiceAccount), in the columns the
    server gives ``kubectl get``."""
    from gok_tui.domain.kinds import Kind
    from gok_tui.screens.kinds import kind_screen

    accounts = Kind("ServiceAccount", "serviceaccounts", "", "v1", True, ("sa",))

    async def open_accounts(pilot: Pilot[None]) -> None:
        await pilot.app.push_screen(kind_screen(accounts))

    listed = wait(lambda app: table_keys(app) == ["default/default"], "the ServiceAccount")
    before = steps(deployments_loaded(world), open_accounts, listed, shows("5m7s"))
    assert snap_compare(table_view(world), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_timeline(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    """:timeline on the small shop: web's two revisions, the crashing pod, what the fake's
    controllers said; every feed live before the picture (one draw of everything)."""
    from gok_tui.screens.timeline import TimelineScreen

    def all_live(app: GokApp) -> bool:
        screen = app.screen
        return (
            isinstance(screen, TimelineScreen)
            and screen.feed is not None
            and screen.feed.state() == "live"
        )

    # g: the first row (the cursor keeps the entry it was on while entries arrive)
    before = steps(wait(all_live, "every timeline feed live"), shows("revision 2:"), press("g"))
    app = app_for(world, view="timeline")
    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_build_live_update(
    snap_compare: Snap, world: World, size: tuple[int, int], tmp_path: Path
) -> None:
    """Live update: a save synced into the pods, then a Dockerfile change that rebuilt."""
    from gok_tui.devloop.history import BuildRecord
    from gok_tui.devloop.loop import BuildDone, ChangeRouted

    project = tmp_path / "shop"
    (project / "static").mkdir(parents=True)
    (project / "Dockerfile").write_text("FROM busybox\n")
    (project / "gok.toml").write_text(
        '[image]\nrepository = "ghcr.io/acme/shop/web"\n\n'
        '[deploy]\nnamespace = "default"\ndeployment = "web"\ncontainer = "web"\n\n'
        '[[sync]]\nlocal = "static"\ncontainer = "/www"\n'
    )
    routed = (
        ChangeRouted("synced", "synced 2 files to 3 pods in 140 ms", 0.14),
        ChangeRouted(
            "fallback", "sync failed: pod web-1: tar exited 2: No space left -> rebuilding"
        ),
    )
    built = BuildRecord(CLUSTER_NOW, ("static/app.css",), 8.25, "ok", tag="9f2c4e1a")

    async def sync_then_fall_back(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, GokApp)
        for event in (*routed, BuildDone(built)):
            app.session.build_view.apply(event)

    before = steps(shows("shop"), sync_then_fall_back, shows("steps cached"))
    app = app_for(world, view="build", project=project, docker_host=NO_ENGINE)
    assert snap_compare(app, terminal_size=size, run_before=before)


# -- the Build view of a project with several services ------------------------------------
SHOP_SERVICES = """
[[service]]
name = "api"
[service.image]
repository = "ghcr.io/acme/shop/api"
context = "api"
[service.deploy]
namespace = "default"
deployment = "api"

[[service]]
name = "web"
depends_on = ["api"]
[service.image]
repository = "ghcr.io/acme/shop/web"
context = "web"
[service.deploy]
namespace = "default"
deployment = "web"

[[service]]
name = "worker"
[service.image]
repository = "ghcr.io/acme/shop/worker"
context = "worker"
"""


def three_services_told(app: GokApp) -> None:
    """What the loops would have said: api rolled out, web's rollout crash-looping, worker's
    build failing (fed to the views as the loops' events; no engine runs)."""
    from gok_tui.devloop.history import BuildRecord
    from gok_tui.devloop.loop import BuildDone, DeployDone, DeployStarted, RolloutUpdate
    from gok_tui.devloop.services import ServiceEvent
    from gok_tui.domain.rollout import ReplicaSetCount, RolloutState

    def built(service: str, tag: str, seconds: float, result: str = "ok", message: str = "") -> Any:
        image = f"ghcr.io/acme/shop/{service}:{tag}" if result == "ok" else ""
        record = BuildRecord(
            CLUSTER_NOW, ("start",), seconds, result, tag=tag, message=message, image=image
        )
        return ServiceEvent(service, BuildDone(record))

    crashing = "container web keeps crashing (exit code 1, Error)"
    new = ReplicaSetCount("web-7d4b9c", "4", 1, 0, ("ghcr.io/acme/shop/web:5e1c0a7f9b22",))
    events = [
        built("api", "3f2a9c1e0b7d", 4.2),
        ServiceEvent(
            "api", DeployStarted("ghcr.io/acme/shop/api:3f2a9c1e0b7d", "api", "set image")
        ),
        ServiceEvent(
            "api", DeployDone(True, "default/api: successfully rolled out (1 of 1 ready)")
        ),
        built("web", "5e1c0a7f9b22", 2.7),
        ServiceEvent(
            "web", DeployStarted("ghcr.io/acme/shop/web:5e1c0a7f9b22", "web", "set image")
        ),
        ServiceEvent("web", RolloutUpdate(RolloutState("failed", crashing, 2, 1, 0, 0, new))),
        ServiceEvent("web", DeployDone(False, f"default/web: rollout failed: {crashing}")),
        built("worker", "", 0.8, "failed", "The build failed at step 2: RUN make (exit 2)"),
    ]
    for event in events:
        app.session.build_views.apply(event, 0.0)


def shop_services(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    for name in ("api", "web", "worker"):
        (project / name).mkdir(parents=True)
        (project / name / "Dockerfile").write_text("FROM busybox\n")
    (project / "gok.toml").write_text(SHOP_SERVICES)
    return project


def told(app: GokApp) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        three_services_told(app)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_build_services_list(
    snap_compare: Snap, world: World, size: tuple[int, int], tmp_path: Path
) -> None:
    app = app_for(world, view="build", project=shop_services(tmp_path), docker_host=NO_ENGINE)
    before = steps(shows("3 services"), told(app), shows("rollout failed"))
    assert snap_compare(app, terminal_size=size, run_before=before)


def test_build_service_opened_from_the_list(
    snap_compare: Snap, world: World, tmp_path: Path
) -> None:
    """enter on web: its own view, the rollout that failed in red, what the pods did."""
    app = app_for(world, view="build", project=shop_services(tmp_path), docker_host=NO_ENGINE)
    before = steps(
        shows("3 services"),
        told(app),
        shows("rollout failed"),
        press("down", "enter"),
        shows("shop / web"),
    )
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_timeline_configmap_restore_confirm(snap_compare: Snap, world: World) -> None:
    """``u`` on a ConfigMap change the timeline saw: the keys put back and removed, the exact
    patch, before anything is sent."""
    from gok_tui.screens.timeline import TimelineScreen

    from tests.ui.test_timeline_ui import settings_configmap

    def sees_settings(app: GokApp) -> bool:
        screen = app.screen
        return (
            isinstance(screen, TimelineScreen)
            and screen.feed is not None
            and "default/settings" in screen.feed.objects["configmaps"]
        )

    async def made(pilot: Pilot[None]) -> None:
        world.fake.apply_object(settings_configmap({"mode": "slow", "level": "info"}))

    async def edited(pilot: Pilot[None]) -> None:
        world.fake.apply_object(settings_configmap({"mode": "fast", "extra": "1"}))

    before = steps(
        wait(lambda app: isinstance(app.screen, TimelineScreen), "the timeline"),
        made,
        wait(sees_settings, "the ConfigMap listed"),
        edited,
        shows("changed mode"),
        press("slash", *"changed mode", "enter"),
        shows("Timeline[1/"),
        press("u"),
        showing(ConfirmModal),
    )
    try:
        app = app_for(world, view="timeline")
        assert snap_compare(app, terminal_size=(80, 24), run_before=before)
    finally:
        world.fake.delete_object("configmaps", "default", "settings")


def test_timeline_helm_rollback_confirm(
    snap_compare: Snap, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``u`` on a Helm revision with helm on PATH: the command aimed at this context and
    kubeconfig, and the manifest diff between the revision deployed and the one gone back to."""
    import shutil

    from tests.helm_release import helm_release_secret, write_helm_standin

    write_helm_standin(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    # the command shows the kubeconfig's path: one that is the same on every run
    fixed = Path("/tmp/gok-tui-snapshot-helm")  # not $TMPDIR, which differs between machines
    fixed.mkdir(exist_ok=True)
    shutil.copy(world.kubeconfig, fixed / "config")
    for number, status, image in ((1, "superseded", "1.4.2"), (2, "deployed", "1.5.0")):
        manifest = (
            "---\n# Source: shop/templates/web.yaml\nkind: Deployment\nmetadata:\n  name: web\n"
            f"spec:\n  image: ghcr.io/acme/shop/web:{image}\n"
        )
        world.fake.apply_object(
            helm_release_secret("shop", number, status=status, manifest=manifest)
        )
    before = steps(
        shows("release shop revision 2 deployed"),
        press("slash", *"revision 2 deployed", "enter"),
        shows("Timeline[1/"),
        press("u"),
        showing(ConfirmModal),
    )
    try:
        app = make_app(
            fixed / "config",
            settings=Settings(cursor_blink=False),
            clock=lambda: CLUSTER_NOW + AGE,
            view="timeline",
        )
        assert snap_compare(app, terminal_size=(80, 24), run_before=before)
    finally:
        for number in (1, 2):
            world.fake.delete_object("secrets", "default", f"sh.helm.release.v1.shop.v{number}")
        shutil.rmtree(fixed, ignore_errors=True)
