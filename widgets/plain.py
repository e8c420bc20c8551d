"""The only way text reaches the screen: Rich and Textual objects that escape what they hold.

Textual and Rich read a plain ``str`` as markup (``app/[slug]/page.tsx`` loses its ``[slug]``,
``[/x]`` raises MarkupError) and pass ESC, C1 and bidi characters to the terminal as they are:
an image name holding ``ESC ] 52`` would write the user's clipboard. Screens and widgets build
what they show from ``SafeText``, ``SafeTable``, ``code_block`` and the ``cell``/``block``
shorthands, which run every string through ``gok_tui.domain.text`` and never parse markup.
Importing ``rich.text.Text``, ``rich.table.Table``, ``rich.syntax.Syntax`` or
``textual.content.Content`` anywhere else in the UI fails ``ruff`` (TID251, pyproject.toml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gok_tui.domain.text import clean, clean_block
from rich.console import RenderableType
from rich.style import StyleType
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.fuzzy import Matcher

if TYPE_CHECKING:
    from rich.syntax import Syntax

LONG_LINE = 4_096  # a value shown whole (a confirm's from -> to) is still bounded


class SafeText(Text):
    """A Rich ``Text`` whose strings are made safe as they come in: newlines stay, tabs become
    spaces, every other control or invisible character is shown escaped (``^[``). Values that
    must stay on one line still go through ``clean`` (or ``cell``) first."""

    def __init__(self, text: str = "", style: StyleType = "", **options: Any) -> None:
        super().__init__(clean_block(text), style, **options)

    def append(self, text: str | Text, style: StyleType | None = None) -> SafeText:
        super().append(clean_block(text) if isinstance(text, str) else _safe(text), style)
        return self

    def append_text(self, text: Text) -> SafeText:
        super().append_text(_safe(text))
        return self


def _safe(text: Text) -> SafeText:
    """``text`` as SafeText; its styles are kept where escaping did not move the characters."""
    if isinstance(text, SafeText):
        return text
    safe = SafeText(text.plain, text.style, end=text.end)
    if len(safe.plain) == len(text.plain):
        safe.spans[:] = text.spans
    return safe


class SafeTable(Table):
    """A Rich ``Table`` (or ``SafeTable.grid()``) whose ``str`` cells are ``SafeText``."""

    def add_row(self, *renderables: RenderableType | None, **options: Any) -> None:
        super().add_row(
            *(SafeText(cell) if isinstance(cell, str) else cell for cell in renderables),
            **options,
        )


def cell(value: object, style: str = "") -> SafeText:
    """One line: controls escaped, cut with an ellipsis when long."""
    return SafeText(clean(value), style=style, no_wrap=True, overflow="ellipsis")


# Cells that say the same are one object: most of a big table's cells repeat ("Running",
# "1/1", "250m", "12%"), and a cell is never changed once made (a change is a new cell).
_SHARED_CELLS: dict[tuple[str, str], SafeText] = {}
_SHARED_CELLS_MAX = 8192  # distinct short cells kept; the cache starts again when full
_SHARED_CELL_LENGTH = 24  # longer values (names, messages) are mostly unique: not kept


def table_cell(value: str, style: str = "") -> SafeText:
    """``SafeText(value, style, no_wrap=True, overflow="ellipsis")``, built in a quarter of
    the time when ``value`` is printable (nothing to escape or strip): a 1,000-row table is
    10,000 of them; a short one already made is given again. Anything else takes the whole
    path."""
    if not value.isprintable():
        return SafeText(value, style=style, no_wrap=True, overflow="ellipsis")
    if len(value) > _SHARED_CELL_LENGTH:
        return _printable_cell(value, style)
    key = (value, style)
    shared = _SHARED_CELLS.get(key)
    if shared is None:
        if len(_SHARED_CELLS) >= _SHARED_CELLS_MAX:
            _SHARED_CELLS.clear()
        shared = _SHARED_CELLS[key] = _printable_cell(value, style)
    return shared


def _printable_cell(value: str, style: str) -> SafeText:
    text = SafeText.__new__(SafeText)
    # what Text.__init__ sets (its __slots__), for a string with no control code to strip
    text._text = [value]
    text.style = style
    text.justify = None
    text.overflow = "ellipsis"
    text.no_wrap = True
    text.end = "\n"
    text.tab_size = None
    text._spans = []
    text._length = len(value)
    return text


def line(value: object, style: str = "") -> SafeText:
    """One logical line shown whole: it wraps, but nothing in it can start a new line (a value
    with a newline cannot forge a line of a confirm)."""
    return SafeText(clean(value, limit=LONG_LINE), style=style)


def block(value: object, style: str = "") -> SafeText:
    """Several lines as they are (newlines kept, other controls escaped)."""
    return SafeText(clean_block(value), style=style)


def code_block(code: str, lexer: str) -> Syntax:
    """``code`` (a JSON patch, a manifest) highlighted, its characters made safe first:
    ``json.dumps(ensure_ascii=False)`` leaves C1 and bidi characters in strings."""
    from rich.syntax import Syntax  # pygments: ~15 ms, for the views that show code only

    return Syntax(clean_block(code), lexer, theme="ansi_dark", word_wrap=True)


def highlighted(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` with the letters ``matcher`` matched highlighted (``Matcher.highlight``
    parses the candidate as markup)."""
    shown = clean(candidate)
    content = Content(shown)
    score, offsets = matcher.fuzzy_search.match(matcher.query, shown)
    if not score:
        return content
    for offset in offsets:
        if not shown[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def plain_content(value: object) -> Content:
    """A Textual ``Content`` of one safe line, never parsed as markup."""
    return Content(clean(value))
