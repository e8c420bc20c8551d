"""NO_COLOR (https://no-color.org): no colour codes at all reach the terminal.

Textual honours NO_COLOR by turning every colour grey (its Monochrome filter), so grey levels
(``38;5;253``, ``48;2;30;30;30``) still go out. This filter drops colours from every segment
instead. What colour alone marked (the table's cursor row, the highlighted button, a footer
key) is shown in reverse video, which the terminal draws in its own colours.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

# A background this much brighter or darker than the screen's stands out as a highlight.
HIGHLIGHT_CONTRAST = 0.2

_REVERSE = Style(reverse=True)


@lru_cache(maxsize=1024)
def colourless_style(style: Style, base_brightness: float) -> Style:
    plain = style.without_color
    background = style.bgcolor
    if background is None or background.is_default:
        return plain
    brightness = Color.from_rich_color(background).brightness
    if abs(brightness - base_brightness) >= HIGHLIGHT_CONTRAST:
        return plain + _REVERSE
    return plain


class Colourless(LineFilter):
    """Every segment without foreground or background colour (bold, dim, italic, underline
    and reverse stay)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        base = background.brightness
        return [
            Segment(text, colourless_style(style, base) if style is not None else None, None)
            for text, style, _ in segments
        ]
