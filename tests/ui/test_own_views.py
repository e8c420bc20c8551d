"""kind_screen opens a kind's own view where it has one, for every entry of OWN_VIEWS."""

from __future__ import annotations

import pytest
from gok_tui.domain.kinds import KINDS, Kind
from gok_tui.screens.generic import TableKindScreen
from gok_tui.screens.kinds import OWN_VIEWS, KindScreen, kind_screen


@pytest.mark.parametrize("group_plural", sorted(OWN_VIEWS), ids="/".join)
def test_a_kind_with_a_view_of_its_own_opens_it(group_plural: tuple[str, str]) -> None:
    group, plural = group_plural
    kind = KINDS[plural]
    assert kind.group == group
    screen = kind_screen(kind)
    assert type(screen).__name__ == OWN_VIEWS[group_plural].partition(":")[2]
    assert screen.primary == plural


def test_a_kind_of_the_same_name_in_another_group_gets_the_servers_columns() -> None:
    nodes_elsewhere = Kind("Node", "nodes", "example.com", "v1", False, ())
    assert isinstance(kind_screen(nodes_elsewhere), TableKindScreen)
    assert type(kind_screen(KINDS["configmaps"])) is KindScreen
