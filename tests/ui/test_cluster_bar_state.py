"""The cluster bar says how the cluster answers in every view, not only in the tables."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, until


def unreachable_kubeconfig(tmp_path: Path) -> Path:
    """A kubeconfig whose server port nobody listens on any more."""
    fake = FakeKube(port=0)
    fake.start()
    kubeconfig = fake.write_kubeconfig(tmp_path / "kc")
    fake.stop()
    return kubeconfig


class StubApiServer:
    """Answers GET /version as an API server that is up, down (503), or behind an SSO proxy
    whose session expired (200, an HTML page); one request can be held to answer late."""

    def __init__(self) -> None:
        self.mode = "up"  # "up", "down", "sso", "hang"
        self._hold_next = False
        self.holding = threading.Event()  # a held request is waiting
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, content_type, body = stub.answer(self.path)  # decided on arrival
                if self.path.startswith("/version") and stub.mode == "hang":
                    stub.release.wait(10)  # accepts, then says nothing (a wedged apiserver)
                if self.path.startswith("/version") and stub._hold_next:
                    stub._hold_next = False
                    stub.holding.set()
                    stub.release.wait(10)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if self.mode == "sso":
            return 200, "text/html", b"<!doctype html><html><body>Sign in</body></html>"
        if self.mode == "down":
            status = {"kind": "Status", "status": "Failure", "code": 503}
            return 503, "application/json", json.dumps(status).encode()
        if path.startswith("/version"):
            return 200, "application/json", b'{"major": "1", "gitVersion": "v1.30.0"}'
        return 200, "application/json", b'{"metadata": {"name": "default"}}'

    def hold_next_version(self) -> None:
        self.holding.clear()
        self.release.clear()
        self._hold_next = True

    def write_kubeconfig(self, path: Path) -> Path:
        url = f"http://127.0.0.1:{self._server.server_address[1]}"
        doc = {
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": "stub",
            "clusters": [{"name": "stub", "cluster": {"server": url}}],
            "users": [{"name": "stub", "user": {}}],
            "contexts": [
                {
                    "name": "stub",
                    "context": {"cluster": "stub", "user": "stub", "namespace": "default"},
                }
            ],
        }
        path.write_text(yaml.safe_dump(doc))
        return path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def stub_api() -> Iterator[StubApiServer]:
    stub = StubApiServer()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


def bar(text: str) -> str:
    return text.splitlines()[0]


@pytest.mark.parametrize("view", ["build", "images", "audit"])
async def test_views_without_tables_do_not_call_an_unreachable_cluster_live(
    tmp_path: Path, view: str
) -> None:
    kubeconfig = unreachable_kubeconfig(tmp_path)
    app = make_app(kubeconfig, view=view, docker_host=f"unix://{tmp_path}/no.sock")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="retrying")
        await pilot.pause(0.3)
        assert "live" not in bar(screen_text(app))


async def test_a_sign_in_page_instead_of_the_version_reads_retrying_not_internal_error(
    stub_api: StubApiServer, tmp_path: Path
) -> None:
    stub_api.mode = "sso"
    app = make_app(stub_api.write_kubeconfig(tmp_path / "kc"), view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="retrying")
        app.probe_cluster()  # as the tick does every PROBE_INTERVAL
        await app.workers.wait_for_complete()
        await pilot.pause()  # a failed worker's state change is handled on the app's loop
        assert "✖ retrying" in bar(screen_text(app))
        said = [message.text for message in app.messages]
        assert not [text for text in said if "internal error" in text], said


async def test_build_and_audit_follow_the_cluster_going_away_and_back(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="pods: live")
        await pilot.press("4")
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="build: live")
        fake_kube.stop()
        await pilot.press("9")
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="audit: retrying")
        await pilot.press("4")
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="build: retrying")
        fake_kube.start()
        await pilot.press("9")
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="audit: live again")


async def test_build_view_shows_a_context_switched_to_and_its_state(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    down = yaml.safe_load(unreachable_kubeconfig(tmp_path).read_text())
    kubeconfig = yaml.safe_load(fake_kube.write_kubeconfig(tmp_path / "kc").read_text())
    kubeconfig["clusters"].append(
        {"name": "down-cluster", "cluster": down["clusters"][0]["cluster"]}
    )
    kubeconfig["users"].append({"name": "down-user", "user": {}})
    kubeconfig["contexts"].append(
        {"name": "down", "context": {"cluster": "down-cluster", "user": "down-user"}}
    )
    (tmp_path / "kc").write_text(yaml.safe_dump(kubeconfig))
    app = make_app(tmp_path / "kc", view="build")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "fake ns:default ● live" in bar(screen_text(app)))
        await pilot.press("colon", *"ctx down", "enter")
        await until(pilot, lambda: "down ns:default ✖ retrying" in bar(screen_text(app)))
        await pilot.press("colon", *"ctx fake", "enter")
        await until(pilot, lambda: "fake ns:default ● live" in bar(screen_text(app)))


async def test_a_late_live_from_before_the_cluster_went_away_is_not_taken_as_news(
    stub_api: StubApiServer, tmp_path: Path
) -> None:
    """A probe asked while the cluster was up and answered after it went away says nothing of
    now: a view opened meanwhile asks again, and the older answer does not win."""
    app = make_app(stub_api.write_kubeconfig(tmp_path / "kc"), view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="audit: live")
        await app.workers.wait_for_complete()
        stub_api.hold_next_version()
        app.probe_cluster()  # as the tick does: asked while the cluster is up ...
        await until(pilot, stub_api.holding.is_set, what="the probe held by the server")
        stub_api.mode = "down"  # ... which goes away before the answer arrives
        await pilot.press("M")  # a view opened now asks again, though a probe is out
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="M: retrying")
        stub_api.release.set()  # the old "live" arrives last
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✖ retrying" in bar(screen_text(app))
        stub_api.mode = "up"
        await pilot.press("escape")  # back to audit: asks again
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="audit: live again")


async def test_a_server_that_stops_answering_is_not_shown_live_for_long(
    stub_api: StubApiServer, tmp_path: Path
) -> None:
    """Accepted connections and no answer (a wedged API server): a probe gives up after a few
    seconds, not after the client's usual 30 s read timeout."""
    app = make_app(stub_api.write_kubeconfig(tmp_path / "kc"), view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="audit: live")
        await app.workers.wait_for_complete()
        stub_api.mode = "hang"
        app.probe_cluster(again=True)
        await until(
            pilot, lambda: "✖ retrying" in bar(screen_text(app)), timeout=9, what="retrying"
        )
