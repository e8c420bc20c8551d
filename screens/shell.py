"""``s`` on a pod: pick a container (when there are several), hand the terminal to a shell
in it (``gok_tui.actions.shell``), and take it back as it was, with a toast of how it ended."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.actions.base import ObjectRef
from gok_tui.domain.text import clean
from gok_tui.widgets.plain import SafeText
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from gok_tui.app import GokApp

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


def containers_of(pod: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, a few words of state) of each of a pod's containers, the default one first."""
    spec = pod.get("spec") or {}
    statuses = {
        entry.get("name"): entry
        for entry in (pod.get("status") or {}).get("containerStatuses") or []
    }
    found: list[tuple[str, str]] = []
    for container in spec.get("containers") or []:
        name = str(container.get("name", ""))
        state = (statuses.get(name) or {}).get("state") or {}
        words = next(iter(state), "not started")
        found.append((name, f"{container.get('image', '')}  {words}"))
    default = ((pod.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_CONTAINER)
    found.sort(key=lambda item: item[0] != default)
    return found


class ContainerPicker(ModalScreen[str | None]):
    """Which container of the pod the shell opens in."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ContainerPicker { align: center middle; }
    ContainerPicker > Vertical {
        width: 90%; max-width: 80; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    ContainerPicker OptionList { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, ref: ObjectRef, containers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.ref = ref
        self.containers = containers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(SafeText(f"Shell in {clean(self.ref)}: which container?", style="bold"))
            yield OptionList(
                *(
                    Option(
                        SafeText.assemble((clean(name), "bold"), "  ", (clean(words), "dim")),
                        id=name,
                    )
                    for name, words in self.containers
                )
            )
            yield Static(SafeText("enter open   esc cancel", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_shell(app: GokApp, ref: ObjectRef, container: str) -> None:
    """Suspend the UI, run the shell on the terminal, resume and say how it ended."""
    from gok_tui.actions.shell import find_kubectl
    from gok_tui.actions.shell import open_shell as run_shell
    from gok_tui.backends.kube import KubeError

    backend = app.session.backend
    if backend is None:
        app.notify("shell: no cluster configured", severity="error")
        return
    if app.refused_as_readonly("shell"):
        return
    if backend.target.context != ref.context:
        app.notify(f"shell not opened: the context changed from {ref.context}", severity="error")
        return
    try:
        with app.suspend():
            outcome = run_shell(backend, ref, container, app.session.audit, kubectl=find_kubectl())
    except SuspendNotSupported:
        app.notify(
            "shell: this terminal cannot be handed over (gok-tui runs without one)",
            severity="error",
        )
        return
    except KubeError as error:
        app.notify(f"shell: {error.message}", severity="error")
        return
    app.notify(outcome.message, severity="information" if outcome.ok else "error", timeout=8)
