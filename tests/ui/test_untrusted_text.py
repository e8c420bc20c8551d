"""Text from outside gok-tui (typed, from the cluster, from the audit log) is drawn as itself.

Textual reads a plain string as markup: ``[slug]`` would vanish and ``[/x]`` would raise
MarkupError and stop the app. Each test puts such text where a person would read it.
"""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.audit import AuditScreen
from gok_tui.screens.revisions import RevisionScreen
from textual.command import CommandPalette

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until, write_audit

MARKUP_LIKE = "[/x] [bold]v2[/bold] [slug]"


async def test_a_typed_command_that_reads_as_markup_is_answered_not_fatal(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(":", *"[/x]", "enter")
        await until(pilot, lambda: "unknown command '[/x]'" in screen_text(app))
        assert app.is_running
        await pilot.press(":", *"ctx [bold]nope", "enter")
        await until(pilot, lambda: "[bold]nope" in screen_text(app))


async def test_change_cause_is_shown_as_written(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for revision, image in enumerate(("web:1", "web:2"), start=1):
            obj = deployment("web", image=image, replicas=1)
            obj["metadata"]["annotations"] = {
                "kubernetes.io/change-cause": f"{MARKUP_LIKE} {image}"
            }
            fake_kube.apply_object(obj)
            await until(pilot, lambda r=revision: table_column(app, "REVISION") == [str(r)])
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
        await until(pilot, lambda: "Revisions of deployment default/web (2)" in screen_text(app))
        causes = [str(cell) for cell in app.screen.query_one("DataTable").get_column_at(5)]
        assert causes == [f"{MARKUP_LIKE} web:2", f"{MARKUP_LIKE} web:1"]


async def test_audit_entries_are_shown_as_written(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    entry = {
        "time": "2026-11-30T10:00:00+0000",
        "ok": True,
        "action": "set-image",
        "kind": "deployments",
        "namespace": "default",
        "name": "web",
        "from": "web:[/x]",
        "to": "web:[bold]2",
        "context": "kind-[dev]",
        "summary": f"set image {MARKUP_LIKE}",
    }
    write_audit(entry)
    app = make_app(fake_kubeconfig, view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        await until(pilot, lambda: "Audit[1]" in screen_text(app))
        text = screen_text(app)
        assert "web:[/x] -> web" in text  # the rest is past 80 columns, and in the detail:
        assert "change     web:[/x] -> web:[bold]2" in text
        assert "kind-[dev]" in text
        assert f"set image {MARKUP_LIKE}" in text


async def test_a_context_name_with_brackets_is_listed_in_the_palette(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(
        tmp_path / "kc", context="fake", extra_contexts=["team[/x]-dev"]
    )
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"team")
        await until(pilot, lambda: "Context: team[/x]-dev" in screen_text(app))
