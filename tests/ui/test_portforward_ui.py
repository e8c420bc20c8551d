"""Port-forward in the app: F on a Deployment opens the picker, enter starts the forward,
bytes go through the local port to the fake's echoing container, :pf lists it, x stops it;
read-only refuses F; pictures of the picker and of :pf at 80x24."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.app import GokApp
from gok_tui.screens.portforwards import PortForwardsScreen
from gok_tui.store.forwards import port_free
from gok_tui.widgets.forward_picker import ForwardPicker
from textual.pilot import Pilot

from tests.integration.helpers import deployment, service
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import keys_reviewed, screen_text, table_column, until
from tests.ui.test_snapshots import (  # noqa: F401 (same_place_and_time: an autouse fixture)
    CLUSTER_NOW,
    SERVER,
    Snap,
    World,
    app_for,
    press,
    same_place_and_time,
    settled,
    showing,
    shows,
    steps,
    wait,
)

WAIT = 15.0
PICTURE_PORT = 28080  # the local port in the pictures (a free one is taken when it is not)


def web() -> dict[str, Any]:
    obj = deployment("web", image="ghcr.io/acme/shop/web:1.5.0", replicas=1)
    obj["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"name": "http", "containerPort": 8080},
        {"name": "metrics", "containerPort": 9090},
    ]
    return obj


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    fake = FakeKube(port=0, clock=lambda: CLUSTER_NOW)
    fake.ready_delay = 0
    fake.apply_object(web())
    svc = service("web", {"app": "web"})
    svc["spec"]["ports"] = [{"name": "http", "port": 80, "targetPort": "http"}]
    fake.apply_object(svc)
    fake.start()
    try:
        settled(fake)
        kubeconfig = tmp_path_factory.mktemp("kube") / "config"
        yield World(fake, fake.write_kubeconfig(kubeconfig, server=SERVER))
    finally:
        fake.stop()


def web_pod(fake: FakeKube) -> str:
    return next(
        p["metadata"]["name"]
        for p in fake.list_objects("pods", "default")
        if p["metadata"]["labels"].get("app") == "web"
    )


def round_trip(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as client:
        client.sendall(payload)
        got = b""
        while len(got) < len(payload):
            chunk = client.recv(65536)
            if not chunk:
                break
            got += chunk
        return got


def free_local_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


# the pictures show PICTURE_PORT: one worker runs both, so neither sees the other's listener
pictures_port = pytest.mark.xdist_group("picture-port-28080")


async def type_local_port(pilot: Pilot[None], port: int) -> None:
    """From the port list: tab to the local port, clear it, type ``port``."""
    await pilot.press("tab", "tab", "ctrl+a", "ctrl+k", *str(port))


def on_web_deployment(app: GokApp) -> bool:
    try:
        return table_column(app, "NAME") == ["web"] and table_column(app, "READY") == ["1/1"]
    except Exception:
        return False


async def picker_open(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, GokApp)
    await until(pilot, lambda: on_web_deployment(app), timeout=WAIT, what="web listed")
    await pilot.press("F")
    await until(pilot, lambda: isinstance(app.screen, ForwardPicker), what="the picker")


async def test_F_starts_a_forward_that_pf_lists_and_x_stops(shop: World) -> None:
    app = app_for(shop)
    port = free_local_port()
    async with app.run_test(size=(80, 24)) as pilot:
        await picker_open(pilot)
        shown = screen_text(app)
        assert "port-forward deploy/web (namespace default)" in shown
        assert "8080/http (web)" in shown and "9090/metrics (web)" in shown
        await type_local_port(pilot, port)
        await pilot.press("enter")
        forwards = app.session.forwards
        await until(pilot, lambda: len(forwards.forwards()) == 1, timeout=WAIT, what="started")
        info = forwards.forwards()[0]
        assert (info.pod, info.pod_port, info.request.local) == (
            web_pod(shop.fake),
            8080,
            f"127.0.0.1:{port}",
        )
        assert round_trip(port, b"hello") == b"hello", forwards.forwards()[0].last_error
        await pilot.press("colon", *"pf", "enter")
        await until(pilot, lambda: isinstance(app.screen, PortForwardsScreen), what=":pf")
        await until(
            pilot,
            lambda: "5B" in screen_text(app) and "0/1" in screen_text(app),
            timeout=WAIT,
            what="the bytes and the connection counted",
        )
        assert f"127.0.0.1:{port}" in screen_text(app)
        await pilot.press("x")
        await until(pilot, lambda: forwards.forwards() == [], timeout=WAIT, what="stopped")
        assert port_free("127.0.0.1", port)
        await until(pilot, lambda: "Port-forwards[0]" in screen_text(app), what="an empty list")
    entries = [(e["action"], e["from"]) for e in app.session.audit.entries()]
    assert entries == [
        ("port-forward", f"127.0.0.1:{port}"),
        ("stop port-forward", f"127.0.0.1:{port}"),
    ]


async def test_a_local_port_in_use_is_said_in_the_picker(shop: World) -> None:
    app = app_for(shop)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        async with app.run_test(size=(80, 24)) as pilot:
            await picker_open(pilot)
            await type_local_port(pilot, port)
            await pilot.press("enter")
            await until(
                pilot,
                lambda: (
                    f"local port {port} on 127.0.0.1 is in use: pick another" in screen_text(app)
                ),
                what="the port in use said",
            )
            assert isinstance(app.screen, ForwardPicker)  # still open: pick another
            assert app.session.forwards.forwards() == []


async def test_read_only_refuses_F(shop: World) -> None:
    app = app_for(shop, readonly=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: on_web_deployment(app), timeout=WAIT, what="web listed")
        await pilot.press("F")
        await until(
            pilot,
            lambda: any(
                "read-only (started with --readonly): port-forward is disabled" in m.text
                for m in app.messages
            ),
            what="the refusal",
        )
        assert not isinstance(app.screen, ForwardPicker)
        assert app.session.forwards.forwards() == []


@pictures_port
def test_picker_picture(snap_compare: Snap, shop: World) -> None:
    async def fill(pilot: Pilot[None]) -> None:
        await picker_open(pilot)
        await type_local_port(pilot, PICTURE_PORT)

    assert snap_compare(app_for(shop), terminal_size=(80, 24), run_before=steps(fill))


@pictures_port
def test_pf_picture(snap_compare: Snap, shop: World) -> None:
    app = app_for(shop)

    async def forward(pilot: Pilot[None]) -> None:
        await picker_open(pilot)
        await type_local_port(pilot, PICTURE_PORT)
        await pilot.press("enter")
        await until(pilot, lambda: len(app.session.forwards.forwards()) == 1, timeout=WAIT)
        assert round_trip(PICTURE_PORT, b"hello") == b"hello"

    before = steps(
        forward,
        press("colon", *"pf", "enter"),
        showing(PortForwardsScreen),
        wait(lambda app: "5B" in screen_text(app) and "0/1" in screen_text(app), "bytes"),
    )
    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=before)
    finally:
        app.session.forwards.stop_all(audit=False)


def forward_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("pf ")]


async def test_gok_toml_forwards_start_with_the_app_and_quitting_stops_them(
    shop: World, tmp_path: Path
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    (tmp_path / "gok.toml").write_text(
        '[image]\nrepository = "r"\n[deploy]\ndeployment = "web"\n'
        f'[[forward]]\nlocal_port = {port}\nremote_port = "http"\n'
    )
    app = app_for(shop, project=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        said = f"port-forward deploy/web http on 127.0.0.1:{port} (pod {web_pod(shop.fake)})"
        await until(
            pilot, lambda: any(said in m.text for m in app.messages), timeout=WAIT, what="said"
        )
        assert round_trip(port, b"from gok.toml") == b"from gok.toml"
        await pilot.press("colon", *"pf", "enter")
        await until(pilot, lambda: isinstance(app.screen, PortForwardsScreen), what=":pf")
        await until(pilot, lambda: "from        gok.toml" in screen_text(app), what="origin")
        assert forward_threads()
    assert port_free("127.0.0.1", port)  # quit: nothing left listening
    wait_until(lambda: forward_threads() == [], timeout=WAIT)  # ending: none left behind


async def test_F_is_refused_where_the_cluster_forbids_port_forward(shop: World) -> None:
    shop.fake.forbid("pods/portforward", verbs=("get",))
    try:
        app = app_for(shop)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: on_web_deployment(app), timeout=WAIT, what="web listed")
            await until(pilot, lambda: keys_reviewed(app), timeout=WAIT, what="keys reviewed")
            await pilot.press("F")
            await until(
                pilot,
                lambda: any(m.text.startswith("port-forward: not allowed: ") for m in app.messages),
                what="the refusal",
            )
            assert not isinstance(app.screen, ForwardPicker)
    finally:
        shop.fake.allow_all()


async def test_X_in_pf_stops_every_forward(shop: World) -> None:
    from gok_tui.domain.forwards import ForwardTarget
    from gok_tui.store.forwards import ForwardRequest

    app = app_for(shop, view="portforwards")
    async with app.run_test(size=(80, 24)) as pilot:
        ports = []
        for target in (
            ForwardTarget("deployments", "default", "web"),
            ForwardTarget("services", "default", "web"),
        ):
            with socket.create_server(("127.0.0.1", 0)) as probe:
                ports.append(probe.getsockname()[1])
            app.session.start_forward(
                ForwardRequest(target, 8080 if target.kind != "services" else 80, ports[-1])
            )
        await until(pilot, lambda: "Port-forwards[2]" in screen_text(app), what="two listed")
        assert "svc/web" in screen_text(app) and "80->8080" in screen_text(app)
        await pilot.press("X")
        await until(pilot, lambda: "Port-forwards[0]" in screen_text(app), timeout=WAIT)
        assert [port_free("127.0.0.1", port) for port in ports] == [True, True]
        await until(pilot, lambda: any(m.text == "stopped 2 port-forwards" for m in app.messages))
