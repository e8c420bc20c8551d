"""F on a pod, Deployment or Service row: the port-forward picker, then the forward is started
in a worker (it reads the target and its pods) and said in a toast; ``:pf`` lists it."""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.domain.forwards import TARGET_KINDS, ForwardTarget, port_choices
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.resource import ResourceScreen
from textual.binding import BindingType


class ForwardKeys(ResourceScreen):
    """Put first among a view's bases: F is offered on the views of pods, Deployments and
    Services only."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("forward")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "port_forward" and self.primary not in TARGET_KINDS:
            return False  # not this kind's: no "F Port-forward" in its footer
        return super().check_action(action, parameters)

    def action_port_forward(self) -> None:
        from gok_tui.store.forwards import LOOPBACK, offer_local_port, port_free
        from gok_tui.widgets.forward_picker import ForwardPicker, PickedForward

        picked = self.selected()
        if picked is None or not isinstance(picked[1], dict) or self.primary not in TARGET_KINDS:
            return
        obj: dict[str, Any] = picked[1]
        meta = obj.get("metadata") or {}
        kind = next(kind for kind in TARGET_KINDS if kind == self.primary)
        target = ForwardTarget(kind, meta.get("namespace", ""), meta.get("name", ""))

        def chosen(answer: PickedForward | None) -> None:
            if answer is not None:
                self.start_forward(target, answer.port, answer.local_port)

        self.app.push_screen(
            ForwardPicker(
                target,
                port_choices(kind, obj),
                address=LOOPBACK,
                offer=lambda remote: offer_local_port(remote, LOOPBACK),
                free=lambda local: port_free(LOOPBACK, local),
            ),
            callback=chosen,
        )

    def start_forward(self, target: ForwardTarget, port: int, local_port: int) -> None:
        from gok_tui.store.forwards import ForwardRequest

        request = ForwardRequest(target, port, local_port)
        session, app = self.session, self.gok

        def start() -> None:
            from gok_tui.store.forwards import ForwardError

            try:
                info = session.start_forward(request)
            except ForwardError as error:
                app.post_message(app.Notice(f"port-forward {target}: {error}", "error"))
                return
            where = f"pod {info.pod}" if info.pod else "waiting for a Ready pod"
            app.post_message(
                app.Notice(
                    f"port-forward {target} {port} on {request.local} ({where}); :pf lists it"
                )
            )

        # on the app: the forward outlives this view
        app.run_worker(start, thread=True, group="port-forward", exit_on_error=False)
