"""Patterns typed into ``/`` filters: case-insensitive regular expressions that cannot freeze
the screen.

They run on the ``regex`` engine, not ``re``: ``re`` backtracks for seconds on one short line
with patterns such as ``^(a|a?)+$`` or ``(a+)+b`` (a typo can make one), and it holds the
interpreter lock while it does, so the whole UI stops. ``regex`` takes the same syntax and
finishes those at once. A pattern that does not compile is searched for literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regex import Pattern


def compile_filter(text: str) -> tuple[Pattern[str], str]:
    """The pattern, and why it is searched literally ("" when it is a regular expression)."""
    import regex  # on the first filter typed, not at start (12 ms)

    try:
        return regex.compile(text, regex.IGNORECASE), ""
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:  # a{9999999999}, (((…
        literal = regex.compile(regex.escape(text), regex.IGNORECASE)
        return literal, f"not a regular expression: {exc}"
