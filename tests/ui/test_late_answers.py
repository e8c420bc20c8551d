"""A thread worker's answer must not wait for the UI: call_from_thread blocks the worker until
the app's loop runs the callback, and fails or blocks for good while the app shuts down (the
loop busy closing, then gone). post_message only queues."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from gok_tui.app import GokApp
from gok_tui.screens.deployments import DeploymentsScreen

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, until


@pytest.mark.parametrize(
    ("worker", "args", "said"),
    [
        ("check_namespace", (), "namespace gone does not exist"),
        ("open_logs", ("deployments", "missing"), "missing"),  # :logs deploy/missing
    ],
)
async def test_a_worker_answers_without_waiting_for_a_busy_app_loop(
    fake_kube: FakeKube, tmp_path: Path, worker: str, args: tuple[str, ...], said: str
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="fake", namespace="gone")
    app = make_app(kubeconfig)

    def answered() -> bool:
        return any(said in message.text for message in app.messages)

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        await app.workers.wait_for_complete()
        app.messages.clear()
        # the worker's thread body, run while the app's loop is held (as during shutdown):
        # the thread must finish on its own; its answer is shown once the loop runs again
        body = getattr(GokApp, worker).__wrapped__
        thread = threading.Thread(target=body, args=(app, *args), daemon=True)
        thread.start()
        thread.join(timeout=5)  # blocks this loop, the app's loop too, on purpose
        finished = not thread.is_alive()
        await until(pilot, answered, what="the answer, once the loop runs")
        assert finished, f"{worker} waited for the app's loop"
