"""The port-forward picker (F): a container port (named ports shown; a Service's ports with
where they go), the local port offered and checked free; enter starts, esc cancels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from gok_tui.domain.forwards import ForwardTarget, PortChoice, local_port_problem
from gok_tui.widgets.plain import cell
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class PickedForward:
    port: int  # the container port (pod, Deployment) or Service port
    local_port: int


def remote_port_problem(text: str) -> str:
    return local_port_problem(text).replace("local port", "remote port")


class ForwardPicker(ModalScreen[PickedForward | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ForwardPicker { align: center middle; }
    ForwardPicker > Vertical {
        width: 64; height: auto; max-height: 22; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    ForwardPicker OptionList { height: auto; max-height: 8; }
    ForwardPicker Input { width: 20; }
    ForwardPicker #forward-problem { color: $error; display: none; }
    """

    def __init__(
        self,
        target: ForwardTarget,
        choices: Sequence[PortChoice],
        *,
        address: str,
        offer: Callable[[int], int],
        free: Callable[[int], bool],
    ) -> None:
        super().__init__()
        self.target = target
        self.choices = list(choices)
        self.address = address
        self.offer = offer  # remote port -> the local port to offer
        self.free = free  # whether a local port can be bound now
        self._offered = ""  # the local port last offered (one typed by hand is kept)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(cell(f"port-forward {self.target} (namespace {self.target.namespace})"))
            if self.choices:
                yield OptionList(
                    *(
                        Option(cell(choice.label()), id=str(i))
                        for i, choice in enumerate(self.choices)
                    ),
                    id="forward-ports",
                )
            else:
                yield Static(cell("no ports declared: type the remote port"), id="forward-none")
            yield Static(cell("remote port"))
            yield Input(self._first_port(), id="forward-remote")
            yield Static(cell(f"local port on {self.address}"))
            yield Input(id="forward-local")
            yield Static(id="forward-problem")
            yield Static(cell("tab: next field · enter: start · esc: cancel", "dim"))

    def _first_port(self) -> str:
        usable = [choice for choice in self.choices if choice.forwardable]
        return str(usable[0].port) if usable else ""

    def on_mount(self) -> None:
        self._offer_for(self.query_one("#forward-remote", Input).value)
        if self.choices:
            ports = self.query_one(OptionList)
            first = next((i for i, c in enumerate(self.choices) if c.forwardable), 0)
            ports.highlighted = first
            ports.focus()
        else:
            self.query_one("#forward-remote", Input).focus()

    def _offer_for(self, remote: str) -> None:
        local = self.query_one("#forward-local", Input)
        if local.value != self._offered or remote_port_problem(remote):
            return  # typed by hand: kept
        self._offered = str(self.offer(int(remote)))
        local.value = self._offered

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        choice = self.choices[event.option_index]
        self.query_one("#forward-remote", Input).value = str(choice.port)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "forward-remote":
            self._offer_for(event.value)
        self._show_problem("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        remote = self.query_one("#forward-remote", Input).value.strip()
        local = self.query_one("#forward-local", Input).value.strip()
        problem = remote_port_problem(remote) or local_port_problem(local)
        chosen = next((c for c in self.choices if str(c.port) == remote), None)
        if not problem and chosen is not None and not chosen.forwardable:
            problem = f"port {remote} is {chosen.protocol}: port-forward carries TCP only"
        if not problem and not self.free(int(local)):
            problem = f"local port {local} on {self.address} is in use: pick another"
        if problem:
            self._show_problem(problem)
            return
        self.dismiss(PickedForward(int(remote), int(local)))

    def _show_problem(self, problem: str) -> None:
        line = self.query_one("#forward-problem", Static)
        line.display = bool(problem)
        line.update(cell(problem))

    def action_cancel(self) -> None:
        self.dismiss(None)
