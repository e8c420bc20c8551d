"""The WHY column of the Deployments and Pods tables: the worst problem a row's object shows."""

from __future__ import annotations

from gok_tui.domain.diagnosis import Snapshot, diagnose
from gok_tui.domain.table import Column, Row

WHY_COLUMN = Column("why", "WHY")


def with_why(row: Row, snapshot: Snapshot) -> Row:
    """The row plus a WHY cell: the worst problem the object shows on its own."""
    worst = next((f for f in diagnose(snapshot) if f.severity != "info"), None)
    return Row(row.key, (*row.cells, worst.cause if worst else ""), row.tone)
