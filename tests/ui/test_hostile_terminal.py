"""A namespace full of hostile values, walked through every screen and dialog: nothing in it
reaches the terminal as a control sequence.

Someone with edit rights in one namespace can put an OSC 52 (write the clipboard), an OSC 0
(retitle the window), a CSI that asks the terminal to answer (``ESC [ 21 t`` reports the window
title into the input), C1 controls and bidi overrides into any string field the API server
accepts. The check is on the bytes Textual writes (``CapturingDriver``), not on widget text, and
each screen must also *show* the value, escaped, so a view that silently drops it does not pass.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from gok_tui.screens.audit import AuditScreen
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.ingress import IngressScreen
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.logs import LogsScreen
from gok_tui.screens.messages import MessagesScreen
from gok_tui.screens.pods import PodsScreen
from gok_tui.screens.problems import ProblemsScreen
from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.screens.traffic import TrafficScreen
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.helpers import deployment, ingress, service
from tests.integration.test_devloop import QUICK_DOCKERFILE, make_project
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until, write_audit
from tests.ui.terminal_bytes import CapturingDriver, foreign_controls

CLIPBOARD = "\x1b]52;c;cHduZWQtY2xpcGJvYXJk\x1b\\"  # OSC 52, ST-terminated
TITLE = "\x1b]0;OWNED\x07"  # OSC 0, BEL-terminated
REPORT = "\x1b[21t"  # CSI: the terminal types its window title into our input
C1 = "\x9b31m"  # 8-bit CSI
BIDI = "\u202edeliaf"  # reads "failed" backwards
PAYLOAD = f"{CLIPBOARD}{TITLE}{REPORT}{C1}{BIDI}"
SHOWN = "^[]52;c;"  # how the clipboard write is drawn instead (a cell may cut the rest)
YAML_SHOWN = "\\e]52;c;"  # YAML's own escape, in a double-quoted scalar
# CSI sequences look like Textual's own; these never come from Textual
MARKERS = (REPORT, "\x1b]52", "\x1b]0;")


def hostile_deployment(fake: FakeKube) -> None:
    for revision, tag in enumerate(("1", "2"), start=1):
        obj = deployment("web", image=f"r/x{PAYLOAD}:{tag}", replicas=1)
        obj["metadata"]["annotations"] = {
            "kubernetes.io/change-cause": f"deploy {PAYLOAD} {revision}",
            "note": PAYLOAD,
        }
        container = obj["spec"]["template"]["spec"]["containers"][0]
        container["env"] = [{"name": "GREETING", "value": PAYLOAD}]
        fake.apply_object(obj)
        wait_until(lambda r=revision: len(fake.list_objects("replicasets", "default")) == r)
    fake.apply_object(service("web", {"app": "web"}))
    canary = ingress("web-canary", "web", canary_weight=10)
    canary["metadata"]["annotations"]["owner"] = PAYLOAD
    fake.apply_object(canary)
    fake.apply_object(ingress("web", "web"))


def seed_pod_data(fake: FakeKube) -> str:
    pods = [
        p for p in fake.list_objects("pods", "default") if p["metadata"]["name"].startswith("web")
    ]
    pod = pods[0]["metadata"]["name"]
    fake.append_log("default", pod, "web", [f"started {PAYLOAD}".encode()])
    fake.add_event(
        "default",
        {"kind": "Pod", "name": pod, "namespace": "default"},
        f"Reason{PAYLOAD}",
        f"message {PAYLOAD}",
        type="Warning",
    )
    return pod


def seed_audit() -> None:
    entry = {
        "time": "2026-11-30T10:00:00+0000",
        "ok": True,
        "action": "set-image",
        "kind": "deployments",
        "namespace": "default",
        "name": "web",
        "from": f"r/x{PAYLOAD}:1",
        "to": "r/x:2",
        "context": f"kind-{PAYLOAD}",
        "summary": f"set image {PAYLOAD}",
        "method": "PATCH",
        "path": "/apis/apps/v1/namespaces/default/deployments/web",
        "patch_type": "application/merge-patch+json",
        "patch": {"metadata": {"annotations": {"a": PAYLOAD}}},
    }
    write_audit(entry)


async def test_no_control_sequence_from_the_cluster_reaches_the_terminal(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    hostile_deployment(fake_kube)
    seed_audit()
    app = make_app(fake_kubeconfig)
    app.driver_class = CapturingDriver
    CapturingDriver.output = []
    seen: dict[str, str] = {}

    def shows_escaped(what: str) -> bool:
        text = screen_text(app)
        seen[what] = text
        return SHOWN in text or YAML_SHOWN in text

    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "REVISION") == ["2"], timeout=10)
        pod = seed_pod_data(fake_kube)
        await until(pilot, lambda: SHOWN in screen_text(app), what="deployments table")

        await pilot.press("enter")  # the rollout panel: images and change-cause of each revision
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen))
        await until(pilot, lambda: shows_escaped("rollout"), what="rollout panel")
        await pilot.press("escape")

        await pilot.press("h")  # revisions, with the diff of the older one highlighted
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
        await until(pilot, lambda: "Revisions of deployment default/web (2)" in screen_text(app))
        await pilot.press("j")
        await until(pilot, lambda: shows_escaped("revision diff"), what="revision diff")
        await pilot.press("enter")  # undo to it: the confirm names both images
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await until(pilot, lambda: shows_escaped("undo confirm"), what="undo confirm")
        await pilot.press("escape")
        await pilot.press("escape")

        await pilot.press("d")  # describe: annotations, env, events
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: shows_escaped("describe"), what="describe")
        await pilot.press("y")
        await until(pilot, lambda: shows_escaped("yaml"), what="yaml")
        await pilot.press("escape")

        await pilot.press("2")  # pods: a waiting message in the WHY line
        await until(pilot, lambda: isinstance(app.screen, PodsScreen))
        await until(pilot, lambda: len(table_column(app, "NAME")) == 1)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen))
        await until(pilot, lambda: "started " in screen_text(app), what="log line")
        await pilot.press("escape")

        fake_kube.set_container_state(
            "default", pod, "web", {"waiting": {"reason": "CrashLoopBackOff", "message": PAYLOAD}}
        )
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, IngressScreen))
        await pilot.press("7")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        await until(pilot, lambda: "keeps crashing" in screen_text(app), timeout=10)
        await pilot.press("G", "enter")
        await until(pilot, lambda: "evidence:" in screen_text(app), what="problem finding")
        await pilot.press("escape")

        await pilot.press("8")  # traffic: the canary's confirm
        await until(pilot, lambda: isinstance(app.screen, TrafficScreen))
        await until(pilot, lambda: "canary 10%" in screen_text(app))
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("escape")

        await pilot.press("9")
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        await until(pilot, lambda: shows_escaped("audit"), what="audit entry")
        app.notify(f"from a server: {PAYLOAD}")
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MessagesScreen))
        await until(pilot, lambda: shows_escaped("messages"), what="messages")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.press("colon", *"ev", "enter")  # the events: reason and message
        await until(pilot, lambda: isinstance(app.screen, KindScreen))
        await until(pilot, lambda: shows_escaped("events"), what="events")

    output = "".join(CapturingDriver.output)
    assert len(output) > 10_000, "the capturing driver saw the frames"
    assert foreign_controls(output, MARKERS) == []
    assert BIDI not in output and "\u202e" not in output


async def test_the_canary_confirm_starts_from_the_weight_the_table_shows(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(ingress("shop", "shop"))
    canary = ingress("shop-canary", "shop-v2", canary_weight=10)
    weight = "20\x1b]0;T\x1b\\\x1b]52;c;dHJjbGlw\x1b\\"
    canary["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"] = weight
    fake_kube.apply_object(canary)
    app = make_app(fake_kubeconfig, view="traffic")
    app.driver_class = CapturingDriver
    CapturingDriver.output = []
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "SPLIT") == ["stable 100% · canary 0%"])
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        flat = " ".join(screen_text(app).replace("█", " ").split())  # the dialog's lines, joined
        assert (
            "change canary 0% (canary-weight '20^[]0;T^[\\^[]52;c;dHJjbGlw^[\\' is not a whole "
            "number from 0 to 100; ingress-nginx reads it as 0) -> canary 10%"
        ) in flat
        await pilot.press("y")
        await until(pilot, lambda: table_column(app, "SPLIT") == ["stable 90% · canary 10%"])
    sent = fake_kube.get_object("ingresses", "default", "shop-canary")["metadata"]["annotations"]
    assert sent["nginx.ingress.kubernetes.io/canary-weight"] == "10"
    assert foreign_controls("".join(CapturingDriver.output), MARKERS) == []


HOSTILE_BUILD = QUICK_DOCKERFILE.replace(
    'RUN ["/bin/busybox", "cp", "/src/app.txt", "/out.txt"]',
    'RUN ["/bin/busybox", "sh", "-c", "'
    + r"printf '\\033]52;c;cHduZWQ=\\033\\\\ compiled\\n'; "  # OSC 52, ESC \\ ended
    + r"printf '\\033]0;OWNED\\007 \\302\\23331m header missing\\n' >&2; "  # OSC 0, C1 CSI
    + 'exit 3"]',
)


async def test_build_output_and_file_names_reach_the_terminal_escaped(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    root = make_project(
        tmp_path, busybox_binary, f"{registry}/ui-{uuid.uuid4().hex[:8]}", dockerfile=HOSTILE_BUILD
    )
    app = make_app(fake_kubeconfig, view="build", project=root, watch=True, docker_host=docker_host)
    app.driver_class = CapturingDriver
    CapturingDriver.output = []
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "watching ." in screen_text(app), what="the watcher")
        (root / f"x{TITLE}.txt").write_text("saved\n")
        await until(pilot, lambda: "FAILED at step 4" in screen_text(app), timeout=60)
        flat = " ".join(screen_text(app).split())
        assert "triggered by x^[]0;OWNED^G.txt" in flat  # the file name, escaped
        lines = [line.strip() for line in screen_text(app).splitlines()]
        # the output lines, their sequences removed (the failure's toast may cover their right)
        assert any(line.startswith("compiled") for line in lines)
        assert any(line.startswith("header missing") for line in lines)
    output = "".join(CapturingDriver.output)
    assert foreign_controls(output, MARKERS) == []
