"""The top line: which cluster, context and namespace every key press acts on."""

from __future__ import annotations

from dataclasses import dataclass

from gok_tui.domain.contexts import cluster_name, cut_middle
from gok_tui.domain.text import clean
from gok_tui.widgets.plain import SafeText
from rich.cells import cell_len
from textual.app import RenderResult
from textual.widgets import Static

STATE_STYLES = {
    "live": ("●", "green"),
    "connecting": ("◌", "yellow"),
    "retrying": ("✖", "red"),
    "forbidden": ("⊘", "red"),
    "unauthorized": ("✖", "red"),
    "stopped": ("○", "dim"),
}

STATE_WIDTH = max(len(f" {symbol} {state}") for state, (symbol, _) in STATE_STYLES.items())
PROD = " PROD"
READ_ONLY = " READ-ONLY"
MIN_NAME = 6  # narrower than this a name says nothing: the line is cut at its end instead


@dataclass(frozen=True)
class ClusterStatus:
    context: str
    server: str
    namespace: str  # "all" for all namespaces
    state: str
    production: bool = False
    readonly: bool = False
    readonly_reason: str = ""


class ClusterBar(Static):
    DEFAULT_CSS = """
    ClusterBar { height: 1; background: $panel; padding: 0 1; }
    """

    _status: ClusterStatus | None = None

    def show(self, status: ClusterStatus) -> None:
        if status != self._status:
            self._status = status
            self.refresh()

    def render(self) -> RenderResult:
        # drawn for the width it has now: a resize repaints it, cut to the new width
        if self._status is None:
            return SafeText()
        return render_cluster_status(self._status, self.content_size.width or None)


def render_cluster_status(status: ClusterStatus, width: int | None = None) -> SafeText:
    """The names come from kubeconfig files, which anyone can hand you: control characters in
    them are shown escaped, never sent to the terminal.

    In ``width`` cells the badges a decision rests on (PROD, the namespace, the connection
    state, READ-ONLY) always stay: the server goes first, then a generated context name
    (EKS ARN, GKE) gives way to its cluster's name, then the context and the namespace are
    cut in the middle. The names are cut for the longest state, so that a connection going
    from live to retrying and back does not move them."""
    context, namespace = clean(status.context), clean(status.namespace)
    server = clean(status.server)
    symbol, style = STATE_STYLES.get(status.state, ("?", ""))
    state = f" {symbol} {status.state}"
    if width is not None:
        fixed = (
            (len("  ") + len(PROD) if status.production else 0)
            + len(" ns:")
            + max(cell_len(state), STATE_WIDTH)
            + (len(READ_ONLY) if status.readonly else 0)
        )
        names = cell_len(context) + cell_len(namespace)
        if fixed + names + 1 + cell_len(server) > width:
            server = ""
            if fixed + names > width:
                context = cluster_name(context)
                context, namespace = _fit(context, namespace, width - fixed)
    text = SafeText(no_wrap=True, overflow="ellipsis")
    if status.production:
        text.append(f" {context} ", style="bold white on red")
        text.append(PROD, style="bold red")
    else:
        text.append(context, style="bold cyan")
    text.append(f" ns:{namespace}", style="bold")
    text.append(state, style=style)
    if status.readonly:
        text.append(READ_ONLY, style="bold black on yellow")
    if server:
        text.append(f" {server}", style="dim")
    return text


def _fit(context: str, namespace: str, room: int) -> tuple[str, str]:
    """Both names in ``room`` cells: a short one whole, the rest shared out evenly."""
    if cell_len(context) + cell_len(namespace) <= room:
        return context, namespace
    half = max(room // 2, MIN_NAME)
    if cell_len(context) <= half:
        return context, cut_middle(namespace, max(room - cell_len(context), MIN_NAME))
    if cell_len(namespace) <= half:
        return cut_middle(context, max(room - cell_len(namespace), MIN_NAME)), namespace
    return cut_middle(context, half), cut_middle(namespace, max(room - half, MIN_NAME))
