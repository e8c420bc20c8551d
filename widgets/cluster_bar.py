"""The top line: which cluster, context and namespace every key press acts on."""

from __future__ import annotations

from dataclasses import dataclass

from gok_tui.domain.rows import clean
from rich.text import Text
from textual.widgets import Static

STATE_STYLES = {
    "live": ("●", "green"),
    "connecting": ("◌", "yellow"),
    "retrying": ("✖", "red"),
    "forbidden": ("⊘", "red"),
    "unauthorized": ("✖", "red"),
    "stopped": ("○", "dim"),
}


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

    def show(self, status: ClusterStatus) -> None:
        self.update(render_cluster_status(status))


def render_cluster_status(status: ClusterStatus) -> Text:
    """The names come from kubeconfig files, which anyone can hand you: control characters in
    them are shown escaped, never sent to the terminal."""
    context, namespace = clean(status.context), clean(status.namespace)
    server = clean(status.server)
    text = Text(no_wrap=True, overflow="ellipsis")
    if status.production:
        text.append(f" {context} ", style="bold white on red")
        text.append(" PROD", style="bold red")
    else:
        text.append(context, style="bold cyan")
    text.append(f" ns:{namespace}", style="bold")
    symbol, style = STATE_STYLES.get(status.state, ("?", ""))
    text.append(f" {symbol} {status.state}", style=style)
    if status.readonly:
        text.append(" READ-ONLY", style="bold black on yellow")
    text.append(f" {server}", style="dim")
    return text
