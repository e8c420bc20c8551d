"""Patterns typed into ``/`` filters: case-insensitive regular expressions that cannot freeze
the screen.

They run on the ``regex`` engine, not ``re``: ``re`` backtracks for seconds on one short line
with patterns such as ``^(a|a?)+$`` or ``(a+)+b`` (a typo can make one), and it holds the
interpreter lock while it does, so the whole UI stops. ``regex`` takes the same syntax and
finishes those at once. A pattern that does not compile is searched for literally.
"""

from __future__ import annotations

import regex

Pattern = regex.Pattern


def compile_filter(text: str) -> tuple[regex.Pattern[str], str]:
    """The pattern, and why it is searched literally ("" when it is a regular expression)."""
    try:
        return regex.compile(text, regex.IGNORECASE), ""
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:  # a{9999999999}, (((…
        literal = regex.compile(regex.escape(text), regex.IGNORECASE)
        return literal, f"not a regular expression: {exc}"
