"""Kubeconfig context names made short enough for one line, and still recognisable."""

from __future__ import annotations

from rich.cells import cell_len

ELLIPSIS = "…"


def cluster_name(context: str) -> str:
    """The part of a generated context name that names the cluster: an EKS ARN
    (``arn:aws:eks:REGION:ACCOUNT:cluster/NAME``) or a GKE name (``gke_PROJECT_ZONE_NAME``)
    by its NAME; any other name as it is."""
    if context.startswith("arn:") and "/" in context:
        return context.rsplit("/", 1)[1] or context
    if context.startswith("gke_") and context.count("_") >= 3:
        return context.split("_", 3)[3] or context
    return context


def cut_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, its middle replaced by an ellipsis: the start and
    the end of a name (``prod-``, ``-eu``) are what tell one from another."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    tail = _take(text[::-1], room // 2)[::-1]
    head = _take(text, room - cell_len(tail))  # the head gets the odd cell, and any spare
    return head + ELLIPSIS + tail


def _take(text: str, width: int) -> str:
    """The longest start of ``text`` that fits ``width`` cells."""
    taken = 0
    for index, char in enumerate(text):
        taken += cell_len(char)
        if taken > width:
            return text[:index]
    return text
