"""Text from outside gok-tui, drawn as itself.

Textual and Rich read a plain ``str`` as markup: ``app/[slug]/page.tsx`` loses its ``[slug]``
and a ``[/x]`` in a server message, a file name or a typed command raises MarkupError and stops
the app. Everything that comes from the cluster, Docker, the file system or the user goes
through these helpers, which build ``Text``/``Content`` objects that are never parsed.
"""

from __future__ import annotations

from gok_tui.domain.rows import clean, escape_unprintable
from rich.text import Text
from textual.content import Content
from textual.fuzzy import Matcher


def cell(value: object, style: str = "") -> Text:
    """One line: controls escaped, cut with an ellipsis when long."""
    return Text(clean(value), style=style, no_wrap=True, overflow="ellipsis")


def block(value: str, style: str = "") -> Text:
    """Several lines as they are (newlines kept, other controls escaped)."""
    return Text(escape_unprintable(value, keep="\n"), style=style)


def highlighted(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` with the letters ``matcher`` matched highlighted (``Matcher.highlight``
    parses the candidate as markup)."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
