"""Images: the project's local builds, the Deployments that run them, their layers, the
registry's tags; delete, prune and roll one out."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import ClassVar

from gok_tui.actions.base import ObjectRef, Plan, Request
from gok_tui.actions.deployments import SetImage
from gok_tui.backends.docker_backend import DockerError, ImageSummary, LayerSummary
from gok_tui.domain.build import registry_of
from gok_tui.domain.images import (
    IMAGE_COLUMNS,
    ImageEntry,
    human_size,
    image_row,
    prune_candidates,
    sort_entries,
)
from gok_tui.domain.table import Column
from gok_tui.domain.text import clean
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.resource import TableCursor
from gok_tui.store.model import RowDelta, RowFilter
from gok_tui.store.reads import image_entries
from gok_tui.widgets.confirm import ConfirmModal
from gok_tui.widgets.filter_error import FilterError
from gok_tui.widgets.plain import SafeText, block
from gok_tui.widgets.resource_table import ResourceTable
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Static


class TextPanel(ModalScreen[None]):
    """A scrollable text panel (layers, registry tags); esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]
    DEFAULT_CSS = """
    TextPanel { align: center middle; }
    TextPanel > VerticalScroll {
        width: 95%; height: 80%; border: round $accent; padding: 0 1; background: $surface;
    }
    """

    def __init__(self, text: SafeText) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)


class ImagesScreen(TableCursor):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            b
            for b in bindings_for("table")
            if isinstance(b, Binding) and b.action not in ("yaml", "logs", "events")
        ),
        *bindings_for("images"),
    ]
    DEFAULT_CSS = """
    ImagesScreen #images-title { height: 1; padding: 0 1; background: $boost; }
    ImagesScreen #images-error { padding: 0 1; color: $error; display: none; }
    ImagesScreen ResourceTable { height: 1fr; }
    """

    class PanelReady(Message):
        """A worker's text (layers, registry tags) to show in a panel."""

        def __init__(self, text: SafeText) -> None:
            super().__init__()
            self.text = text

    class Said(Message):
        """A worker's outcome to say; ``reload``: the images changed."""

        def __init__(self, text: str, severity: SeverityLevel, *, reload: bool = False) -> None:
            super().__init__()
            self.text = text
            self.severity: SeverityLevel = severity
            self.reload = reload

    def on_images_screen_panel_ready(self, message: PanelReady) -> None:
        self.app.push_screen(TextPanel(message.text))

    def on_images_screen_said(self, message: Said) -> None:
        self.notify(message.text, severity=message.severity)
        if message.reload:
            self.reload()

    class Loaded(Message):
        def __init__(
            self, generation: int, entries: list[ImageEntry] | None, error: str = ""
        ) -> None:
            super().__init__()
            self.generation = generation
            self.entries = entries
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.sort_by = "age"
        self.entries: list[ImageEntry] = []
        self.error = ""
        self.loading = False
        self.generation = 0  # of the last listing asked for: an older answer is stale
        self.row_filter = RowFilter()
        self.shown = 0  # rows the filter lets through

    @property
    def repository(self) -> str | None:
        project = self.session.project
        return project.image.repository if project is not None else None

    def compose_body(self) -> ComposeResult:
        yield Static(id="images-title")
        yield FilterError()
        yield Static(id="images-error")
        yield ResourceTable(id="images")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ResourceTable).set_columns(
            [Column(title.lower(), title) for title in IMAGE_COLUMNS]
        )
        self.query_one(ResourceTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self.loading = True
        self.generation += 1
        self._title()
        self._load(self.generation, self.show_all)

    @work(thread=True, exclusive=True, group="images", exit_on_error=False)
    def _load(self, generation: int, show_all: bool) -> None:
        repository = None if show_all else self.repository
        session = self.session
        try:
            entries = image_entries(session.docker, repository, session.backend, session.namespace)
        except DockerError as error:
            self.post_message(self.Loaded(generation, None, error.message))
            return
        self.post_message(self.Loaded(generation, entries))

    def on_images_screen_loaded(self, message: Loaded) -> None:
        # A thread worker cannot be cancelled: a listing that started before the last reload
        # (e.g. on return from the delete confirmation, while the delete ran) may answer after
        # it, and would show images already removed.
        if message.generation != self.generation:
            return
        self.loading = False
        if message.entries is None:
            self.error = message.error
            self.entries = []
        else:
            self.error = ""
            self.entries = message.entries
        self._paint()

    def _paint(self) -> None:
        table = self.query_one(ResourceTable)
        now = datetime.fromtimestamp(self.session.clock(), UTC)
        rows = [image_row(e, now) for e in sort_entries(self.entries, self.sort_by)]
        shown = [row for row in rows if self.row_filter.matches(row)]
        self.shown = len(shown)
        table.apply_delta(RowDelta(reset=True, added=shown))
        self._title()

    def _title(self) -> None:
        text = SafeText(no_wrap=True, overflow="ellipsis")
        text.append("Images", style="bold")
        scope = "all" if self.show_all or not self.repository else self.repository
        text.append(f"({scope})", style="cyan")
        total = len(self.entries)
        filtering = bool(self.row_filter.text)
        text.append(f"[{self.shown}/{total}]" if filtering else f"[{total}]", style="bold")
        if filtering:
            text.append(f" /{clean(self.row_filter.text)}", style="magenta")
        text.append(f" by {self.sort_by}", style="dim")
        if self.loading:
            text.append("  loading…", style="yellow")
        self.query_one("#images-title", Static).update(text)
        error = self.query_one("#images-error", Static)
        error.display = bool(self.error)
        error.update(block(self.error))
        self.query_one(FilterError).show(self.row_filter.error)

    def selected(self) -> ImageEntry | None:
        key = self.query_one(ResourceTable).selected_key()
        return next((e for e in self.entries if e.key == key), None)

    # -- keys ------------------------------------------------------------------------------
    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_sort(self) -> None:
        self.sort_by = "size" if self.sort_by == "age" else "age"
        self._paint()

    def apply_filter(self, text: str) -> None:
        if text != self.row_filter.text:
            self.row_filter = RowFilter(text)
            self._paint()

    def action_filter(self) -> None:
        self.open_prompt("filter", self.row_filter.text)

    def action_back(self) -> None:
        if self.row_filter.text:
            self.apply_filter("")
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def focus_body(self) -> None:
        self.query_one(ResourceTable).focus()

    def action_open(self) -> None:
        self.action_describe()

    def on_data_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        event.stop()
        self.action_describe()

    def action_describe(self) -> None:
        entry = self.selected()
        if entry is not None:
            self._layers(entry.image)

    @work(thread=True, group="image-detail", exit_on_error=False)
    def _layers(self, image: ImageSummary) -> None:
        try:
            layers = self.session.docker.history(image.id)
        except DockerError as error:
            self.post_message(self.Said(error.message, "error"))
            return
        self.post_message(self.PanelReady(layers_text(image, layers)))

    def action_registry_tags(self) -> None:
        repository = self.repository
        if repository is None:
            self.notify("no project repository (gok.toml [image] repository)", severity="warning")
            return
        self._registry_tags(repository)

    @work(thread=True, group="registry", exit_on_error=False)
    def _registry_tags(self, repository: str) -> None:
        registry = registry_of(repository)
        name = repository.removeprefix(f"{registry}/")  # Docker Hub's "team/app" keeps "team/"
        try:
            tags = self.session.docker.registry_tags(registry, name)
        except DockerError as error:
            self.post_message(self.Said(error.message, "error"))
            return
        text = SafeText()
        text.append(f"{repository} in {registry}: {len(tags)} tags\n\n", style="bold")
        local = {t for e in self.entries for t in e.image.tags}
        for tag in tags:
            marker = "local " if f"{repository}:{tag}" in local else "      "
            text.append(f"{marker}{clean(tag, 128)}\n")
        self.post_message(self.PanelReady(text))

    def _images_unknown(self, action: str) -> bool:
        """Say so when the engine's images are not known (the last listing failed, or the
        first one is still running): an empty list then proves nothing. True when ``action``
        cannot run. A list shown while it reloads is fine: the confirmation names each image."""
        if self.error:
            self.notify(f"cannot {action}: {self.error}", severity="error")
            self.reload()  # the engine may be back: the next press works on a fresh list
            return True
        if self.loading and not self.entries:
            self.notify(f"cannot {action} yet: the images are still loading", severity="warning")
            return True
        return False

    def action_delete_image(self) -> None:
        if self._images_unknown("delete"):
            return
        entry = self.selected()
        if entry is not None:
            self._confirm_removal([entry], "delete")

    def action_prune(self) -> None:
        repository = self.repository
        if repository is None:
            self.notify("prune works on the project's repository: no project", severity="warning")
            return
        if self._images_unknown("prune"):
            return
        candidates = prune_candidates(self.entries, repository)
        if not candidates:
            self.notify("nothing to prune: old builds are in use or among the newest 3")
            return
        self._confirm_removal(candidates, "prune")

    def _confirm_removal(self, entries: list[ImageEntry], action: str) -> None:
        docker = self.session.docker
        names = [image_name(e) for e in entries]
        size = sum(e.image.size for e in entries)
        # The requests shown are the ones _remove sends, in its order: one per tag (the engine
        # deletes an image with its last tag), or one by id for an image without tags.
        first, *rest = [(ref, f"/images/{ref}") for e in entries for ref in removal_refs(e)]
        plan = Plan(
            action=f"image {action}",
            ref=ObjectRef("docker", docker.endpoint, "images", "", names[0]),
            summary=f"{action} {len(entries)} local image(s), {human_size(size)}",
            before="\n".join(names),
            after="removed",
            method="DELETE",
            path=first[1],
            body=None,
            content_type="",
            dangerous=any(e.users for e in entries),
            warnings=tuple(
                f"{name} runs in {', '.join(e.users)}"
                for name, e in zip(names, entries, strict=True)
                if e.users
            ),
            then=tuple(Request("DELETE", path, None, "", f"remove {ref}") for ref, path in rest),
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._remove(entries, plan)

        self.app.push_screen(
            ConfirmModal(plan, production=False, readonly_reason=self.session.readonly_reason),
            callback=confirmed,
        )

    @work(thread=True, group="image-remove", exit_on_error=False)
    def _remove(self, entries: list[ImageEntry], plan: Plan) -> None:
        started = time.monotonic()
        removed, errors = 0, []
        for entry in entries:
            try:
                for ref in removal_refs(entry):
                    self.session.docker.remove_image(ref)
                removed += 1
            except DockerError as error:
                errors.append(error.message)
        ok = not errors
        message = f"removed {removed} image(s)" + (f"; {'; '.join(errors)}" if errors else "")
        self.session.audit.record(
            plan, kube_user="", result=message, ok=ok, duration_s=time.monotonic() - started
        )
        self.post_message(self.Said(message, "information" if ok else "error", reload=True))

    def action_rollout_image(self) -> None:
        entry = self.selected()
        project = self.session.project
        target = self.session.target
        if entry is None or not entry.image.tags:
            self.notify("pick a tagged image to roll out", severity="warning")
            return
        if project is None or not project.deploy.deployment or target is None:
            self.notify("roll out needs gok.toml [deploy] deployment and a cluster")
            return
        ref = ObjectRef(
            target.context,
            target.cluster_server,
            "deployments",
            project.deploy.namespace or target.namespace,
            project.deploy.deployment,
        )
        image = entry.image.tags[0]
        container = project.deploy.container or "app"
        self.gok.propose(SetImage(ref, container, image, f"gok-tui: rolled out {image} by hand"))


def image_name(entry: ImageEntry) -> str:
    """An image as a person names it: its tags, or its short id when it has none."""
    return ", ".join(entry.image.tags) or entry.image.id.removeprefix("sha256:")[:12]


def removal_refs(entry: ImageEntry) -> tuple[str, ...]:
    """What removing an image sends, one ``DELETE /images/<ref>`` each: its tags, else its id."""
    return tuple(entry.image.tags) or (entry.image.id,)


def layers_text(image: ImageSummary, layers: list[LayerSummary]) -> SafeText:
    text = SafeText()
    text.append(f"{', '.join(image.tags) or image.id}\n", style="bold cyan")
    text.append(f"{image.id}  {human_size(image.size)}\n\n", style="dim")
    text.append(f"{'SIZE':>9}  CREATED BY\n", style="bold")
    for layer in layers:
        command = clean(layer.created_by.replace("/bin/sh -c #(nop) ", "").strip(), 200)
        text.append(f"{human_size(layer.size):>9}  {command}\n")
    return text
