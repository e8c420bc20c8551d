"""`:svc`: the live Services table in our columns, with F to port-forward to one of the
Ready pods behind a Service (the forward moves when that pod goes away)."""

from __future__ import annotations

from gok_tui.screens.forward_keys import ForwardKeys
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.resource import Scope


class ServicesScreen(ForwardKeys, KindScreen):
    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__("services", scope)
