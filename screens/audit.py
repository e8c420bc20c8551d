""":audit — every change gok-tui sent (or refused), newest first, from the audit log."""

from __future__ import annotations

import json
import re
import time
from typing import Any, ClassVar

from gok_tui.config.settings import home_relative
from gok_tui.domain.contexts import cluster_name, cut_middle
from gok_tui.domain.table import Row
from gok_tui.domain.text import clean
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.filtered_list import FilteredListScreen
from gok_tui.store.model import RowFilter
from gok_tui.widgets.confirm import request_parts
from gok_tui.widgets.filter_error import FilterError
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.plain import LONG_LINE, SafeText, cell, code_block
from rich.console import Group
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

# The context comes early and short: at 80 columns a last column is off-screen, and which
# cluster a change went to is what an incident review asks first (the detail has it whole).
# The action comes last: the change says what it was (replicas, an image, a label, a
# revision), and at 80 columns the change's target is what must stay on screen.
AUDIT_COLUMNS = ("TIME", "RESULT", "CONTEXT", "OBJECT", "CHANGE", "ACTION")
CONTEXT_WIDTH = 16


SHORT_KIND = {
    "deployments": "deploy",
    "services": "svc",
    "ingresses": "ing",
    "pods": "pod",
    "images": "image",
}


def entry_cells(entry: dict[str, Any], today: str) -> tuple[SafeText, ...]:
    ok = bool(entry.get("ok"))
    kind = str(entry.get("kind", ""))
    singular = SHORT_KIND.get(kind, kind)
    namespace, name = entry.get("namespace", ""), entry.get("name", "")  # images have no namespace
    return (
        cell(short_time(str(entry.get("time", "")), today)),
        SafeText("ok" if ok else "FAILED", style="green" if ok else "bold red"),
        cell(short_context(str(entry.get("context", "")))),
        cell("/".join(str(part) for part in (singular, namespace, name) if part)),
        cell(short_change(str(entry.get("from", "")), str(entry.get("to", "")))),
        cell(entry.get("action", "")),
    )


def entry_row(key: str, entry: dict[str, Any], today: str) -> Row:
    """What ``/`` searches: the cells as shown, and whole what they shorten (the context and
    the change), so a filter on the image repository or the full context name still finds the
    entry."""
    shown = tuple(text.plain for text in entry_cells(entry, today))
    whole = (
        clean(entry.get("context", "")),
        clean(f"{entry.get('from', '')} -> {entry.get('to', '')}"),
    )
    return Row(key, (*shown, *whole), "ok")


# An image reference as Docker reads one: [host[:port]/]path[:tag][@digest]. Anything else
# ("2 replicas", "track=blue", a tag with a space or a bracket) is shown as written.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE_REF = re.compile(
    rf"(?P<name>(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?"
)
# A run of 12 or more hex digits with a letter among them: a git sha, a content hash, a
# digest (an all-digit run is more often a date or a build number, and is kept).
_LONG_HEX = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{12,}(?![0-9A-Za-z])")
SHORT_HEX = 8


def _image_ref(text: str) -> tuple[str, str, str] | None:
    """(name, tag, digest) of an image reference, else None."""
    match = _IMAGE_REF.fullmatch(text)
    if match is None:
        return None
    return match["name"], match["tag"] or "", match["digest"] or ""


def _repository(name: str) -> str:
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _shorten_hex(text: str) -> str:
    return _LONG_HEX.sub(lambda match: match[0][:SHORT_HEX], text)


def _suffix(tag: str, digest: str, short: bool) -> str:
    """``:tag@digest`` (an image named without either runs ``latest``)."""
    tag = tag or ("" if digest else "latest")
    text = (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
    return _shorten_hex(text) if short else text


def short_change(before: str, after: str) -> str:
    """The CHANGE cell: ``from -> to`` for a narrow column. A new image of the same repository
    reads ``hello2:4de2fab3 -> 2f5474ea`` (the repository's last path segment once, hashes in
    tags and digests cut to 8 digits); images of two repositories keep their whole names with
    hashes cut; anything else (replicas, labels, weights) is as written. The detail pane has
    the change whole."""
    old, new = _image_ref(before), _image_ref(after)
    if old is None or new is None or not any(old[1:] + new[1:]):
        return f"{before} -> {after}"  # two plain words ("exists -> absent") are not images
    (old_name, old_tag, old_digest), (new_name, new_tag, new_digest) = old, new
    short = _suffix(old_tag, old_digest, True) != _suffix(new_tag, new_digest, True)
    old_suffix = _suffix(old_tag, old_digest, short)
    new_suffix = _suffix(new_tag, new_digest, short)
    if _repository(old_name) == _repository(new_name):
        last = _repository(old_name).rsplit("/", 1)[-1]
        return f"{last}{old_suffix} -> {new_suffix.removeprefix(':')}"
    return f"{old_name}{old_suffix} -> {new_name}{new_suffix}"


def short_time(stamp: str, today: str) -> str:
    """``HH:MM:SS`` for today's entries (``today``: ``YYYY-MM-DD``, local), ``MM-DD HH:MM``
    for older ones (the log's local time, as written)."""
    day, _, clock = stamp.partition("T")
    if day == today:
        return clock[:8]
    return f"{day[5:]} {clock[:5]}".strip()


def short_context(context: str) -> str:
    """A context name for a narrow column, as the cluster bar shortens it: a generated EKS or
    GKE name by its cluster name, a long one cut in the middle."""
    return cut_middle(cluster_name(context), CONTEXT_WIDTH)


def entry_detail(entry: dict[str, Any]) -> Group:
    text = SafeText()
    text.append(clean(entry.get("summary", ""), LONG_LINE) + "\n", style="bold")
    text.append(f"{'change':<11}", style="bold")
    text.append(clean(f"{entry.get('from', '')} -> {entry.get('to', '')}", LONG_LINE) + "\n")
    for label, key in (
        ("result", "result"),
        ("when", "time"),
        ("context", "context"),
        ("cluster", "cluster"),
        ("kube user", "kube_user"),
        ("local user", "local_user"),
        ("duration", "duration_ms"),
    ):
        value = entry.get(key, "")
        suffix = " ms" if key == "duration_ms" else ""
        text.append(f"{label:<11}", style="bold")
        text.append(clean(f"{value}{suffix}", LONG_LINE) + "\n")
    parts: list[Any] = [text]
    if entry.get("method"):  # entries written before the request line was kept have none
        parts.extend(
            request_parts(
                str(entry["method"]),
                str(entry.get("path", "")),
                str(entry.get("patch_type", "")),
                entry.get("patch"),
            )
        )
    else:
        parts.append(cell(entry.get("patch_type", ""), "dim"))
        parts.append(code_block(json.dumps(entry.get("patch"), indent=2), "json"))
    for extra in entry.get("then") or []:
        parts.append(SafeText("then", style="dim"))
        parts.extend(
            request_parts(str(extra.get("method")), str(extra.get("path")), "", extra.get("patch"))
        )
    return Group(*parts)


class AuditScreen(FilteredListScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("audit")
    DEFAULT_CSS = """
    AuditScreen #audit-title { height: 1; padding: 0 1; background: $boost; }
    AuditScreen DataTable { height: 1fr; max-height: 50%; }
    AuditScreen #audit-scroll { height: 1fr; border-top: solid $accent; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []  # the entries the filter lets through, in order
        self._stamp: tuple[float, int] | None = None
        self._ready = False  # the table has its columns
        self._filter = RowFilter()

    def compose_body(self) -> ComposeResult:
        yield Static(id="audit-title")
        yield FilterError()
        yield MeasuredTable(id="audit-table", cursor_type="row")
        with VerticalScroll(id="audit-scroll"):
            yield Static(id="audit-detail")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_columns(*AUDIT_COLUMNS)
        table.focus()
        self._ready = True
        self.reload()

    def sync(self, now: float) -> None:
        if self._ready and self.is_attached:
            self.reload()

    def reload(self) -> None:
        audit = self.session.audit
        stamp = audit.stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self.entries = audit.recent()
        self._fill()

    def _fill(self, keep: dict[str, Any] | None = None) -> None:
        """Show the entries the filter lets through; the cursor on ``keep`` if it is shown."""
        today = time.strftime("%Y-%m-%d", time.localtime(self.session.clock()))
        self.shown = [
            entry
            for index, entry in enumerate(self.entries)
            if self._filter.matches(entry_row(str(index), entry, today))
        ]
        table = self.query_one(DataTable)
        table.clear()
        for index, entry in enumerate(self.shown):
            table.add_row(*entry_cells(entry, today), key=str(index))
        if keep is not None:
            row = next((i for i, entry in enumerate(self.shown) if entry is keep), 0)
            table.move_cursor(row=row, animate=False)
        self._title()
        self._show_detail()

    def _title(self) -> None:
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append("Audit", style="bold")
        total = len(self.entries)
        title.append(f"[{len(self.shown)}/{total}]" if self._filter.text else f"[{total}]", "bold")
        if self._filter.text:
            title.append(f" /{clean(self._filter.text)}", style="magenta")
        title.append(f"  {home_relative(self.session.audit.path)}", style="dim")
        if not self.entries:
            title.append("  no change has been sent from this machine yet", style="yellow")
        self.query_one("#audit-title", Static).update(title)
        self.query_one(FilterError).show(self._filter.error)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def selected(self) -> dict[str, Any] | None:
        row = self.query_one(DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _show_detail(self) -> None:
        entry = self.selected()
        self.query_one("#audit-detail", Static).update(entry_detail(entry) if entry else "")
