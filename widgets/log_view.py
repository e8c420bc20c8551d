"""LogView: a line-API scroll view over a ring buffer; it renders only the rows on screen.

Lines arrive in batches (one ``append`` per UI tick). With no filter the visible rows are the
buffer itself; with a filter an index list is kept up to date incrementally, and shifted when
lines fall off the front of the buffer.
"""

from __future__ import annotations

import bisect
import zlib
from collections import deque
from collections.abc import Sequence

from gok_tui.domain.logs import LogFilter, LogLine, RingBuffer
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

PALETTE = (
    "cyan",
    "magenta",
    "green",
    "yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "bright_green",
    "orange1",
    "orchid",
)
LEVEL_STYLES = {
    "trace": Style(dim=True),
    "debug": Style(color="bright_black"),
    "info": Style(color="green"),
    "warn": Style(color="yellow", bold=True),
    "error": Style(color="red", bold=True),
    "fatal": Style(color="white", bgcolor="red", bold=True),
}
MATCH_STYLE = Style(bgcolor="dark_goldenrod", color="black", bold=True)
MARKER_STYLE = Style(color="bright_black", italic=True)
CONTEXT_STYLE = Style(dim=True)
TIMESTAMP_STYLE = Style(color="bright_black")
MAX_FIELDS_COLLAPSED = 3


def source_style(label: str) -> Style:
    """A stable colour per pod/container: the same on every run (crc32, not hash())."""
    return Style(color=PALETTE[zlib.crc32(label.encode()) % len(PALETTE)])


class LogView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LogView { height: 1fr; background: $surface; }
    """

    def __init__(self, capacity: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer = RingBuffer(capacity)
        self.filter = LogFilter()
        self.prefixes: list[str] = []
        self.follow = True
        self.new_while_paused = 0
        self.timestamps = False
        self.wrap = False
        self.expand_fields = False
        self._visible: list[int] | None = None  # None: every line
        self._matches: set[int] = set()
        self._recent: dict[int, deque[int]] = {}  # per source: recent unshown lines (context)
        self._after: dict[int, int] = {}  # per source: context lines still owed after a match
        self._rows: list[tuple[int, int]] | None = None  # wrap: (line, start char)
        self._width = 0
        self._last_match_row: int | None = None  # a position in the visible lines
        # while paused, what a filter change keeps in place: (buffer line, its screen row, is
        # it the current match, the scroll y that put it there); kept until the reader scrolls
        self._pinned: tuple[int, int, bool, int] | None = None
        # rendered lines: following a fast stream repaints the same rows several times a tick
        self._strips: LRUCache[tuple[int, int, bool, int], tuple[LogLine, Strip]] = LRUCache(2048)
        self._style_version = 0
        self._frame = (0, 0, 0)  # scroll x, scroll y, width: set per frame in render_lines

    # -- data ------------------------------------------------------------------------------
    def set_prefixes(self, prefixes: Sequence[str]) -> None:
        self.prefixes = list(prefixes)
        self._restyle()

    def append(self, batch: Sequence[LogLine]) -> None:
        if not batch:
            return
        start = len(self.buffer.lines)
        dropped = self.buffer.extend(batch)
        start -= dropped
        if self._visible is not None:
            if dropped:
                self._visible = [i - dropped for i in self._visible if i >= dropped]
                self._matches = {i - dropped for i in self._matches if i >= dropped}
                for source, recent in self._recent.items():
                    self._recent[source] = deque(
                        (i - dropped for i in recent if i >= dropped), maxlen=recent.maxlen
                    )
            self._extend_filtered(max(0, start))
        if dropped and self._pinned is not None:
            line, column, wrapped, row = self._pinned
            self._pinned = (line - dropped, column, wrapped, row) if line >= dropped else None
        if not self.follow:
            self.new_while_paused += len(batch)
        self._relayout()

    def _extend_filtered(self, start: int) -> None:
        """Filter the lines from ``start`` on. Context (like ``grep -C``) is taken from the
        same pod/container as the match, since streams of several pods interleave."""
        assert self._visible is not None
        lines = self.buffer.lines
        context = self.filter.context
        visible = self._visible
        for i in range(start, len(lines)):
            line = lines[i]
            source = line.source
            if self.filter.matches(line):
                self._matches.add(i)
                if context:
                    recent = self._recent.get(source)
                    if recent:
                        for j in recent:
                            bisect.insort(visible, j)
                        recent.clear()
                    self._after[source] = context
                visible.append(i)
            elif context and self._after.get(source, 0) > 0:
                self._after[source] -= 1
                visible.append(i)
            elif context:
                self._recent.setdefault(source, deque(maxlen=context)).append(i)

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show what ``log_filter`` lets through. Following, the view stays at the newest line;
        paused, the line being read stays where it is on screen (see ``_anchor``)."""
        anchor = None if self.follow else self._anchor()
        self.filter = log_filter
        self._restyle()  # highlights and context dimming change
        self._recent, self._after = {}, {}
        if log_filter.active:
            self._visible, self._matches = [], set()
            self._extend_filtered(0)
        else:
            self._visible, self._matches = None, set()
        self._last_match_row = None
        self._relayout()
        if anchor is not None:
            self._restore(*anchor)

    def _anchor(self) -> tuple[int, int, bool] | None:
        """The buffer line a filter change keeps in place, its screen row (negative when the
        top row continues a wrapped line), and whether it is the current match: the current
        match while it is on screen, else the line at the top. Through changes with no scroll
        in between (a filter typed a key at a time, then cleared) the first one found is
        kept, so a pattern that matches nothing for a moment does not lose the place."""
        top = int(self.scroll_offset.y)
        count = len(self.buffer.lines)
        if self._pinned is not None:
            line, screen_row, was_match, scroll_y = self._pinned
            if scroll_y == top and line < count:
                return line, screen_row, was_match
        self._pinned = None
        rows = self._row_count()
        if not rows:
            return None
        height = self.scrollable_content_region.height or self.size.height
        match = self._last_match_row
        if match is not None and match < self.visible_count:
            row = self._position_to_row(match)
            if top <= row < top + height and self.line_at(match) < count:
                return self.line_at(match), row - top, True
        position = self._row_to_position(min(top, rows - 1))
        line = self.line_at(position)
        if line >= count:  # the buffer was emptied under a filter (following starts over)
            return None
        return line, self._position_to_row(position) - top, False

    def _restore(self, line: int, screen_row: int, was_match: bool) -> None:
        """Scroll so that ``line`` (or, filtered out, the nearest shown line after it) is at
        ``screen_row`` again."""
        if not self.visible_count:  # nothing shown: the place waits for the next filter
            self.scroll_to(y=0, animate=False, immediate=True, force=True)
            self._pinned = (line, screen_row, was_match, 0)
            return
        position = self._position_of(line)
        if was_match and self.line_at(position) == line and line in self._matches:
            self._last_match_row = position  # n and N go on from it
        y = max(0, self._position_to_row(position) - screen_row)
        self.scroll_to(y=y, animate=False, immediate=True, force=True)
        self._pinned = (line, screen_row, was_match, int(self.scroll_offset.y))

    def _position_of(self, line: int) -> int:
        """The position of buffer line ``line`` among the shown lines or, when the filter hides
        it, of the first shown line after it (the last one when none is)."""
        if self._visible is None:
            return min(line, len(self.buffer.lines) - 1)
        return min(bisect.bisect_left(self._visible, line), len(self._visible) - 1)

    def _row_count(self) -> int:
        return len(self._rows) if self._rows is not None else self.visible_count

    def _row_to_position(self, row: int) -> int:
        """Which shown line a screen row (scroll y + row on screen) belongs to."""
        return self._rows[row][0] if self._rows is not None else row

    def _position_to_row(self, position: int) -> int:
        """The first row of a shown line (wrapped lines take several)."""
        if self._rows is None:
            return position
        return bisect.bisect_left(self._rows, (position, 0))

    # -- geometry --------------------------------------------------------------------------
    @property
    def visible_count(self) -> int:
        return len(self.buffer.lines) if self._visible is None else len(self._visible)

    def line_at(self, position: int) -> int:
        return position if self._visible is None else self._visible[position]

    def visible_lines(self) -> list[LogLine]:
        lines = self.buffer.lines
        if self._visible is None:
            return list(lines)
        return [lines[i] for i in self._visible]

    def _relayout(self) -> None:
        width = max(20, self.scrollable_content_region.width or self.size.width or 80)
        self._width = width
        if self.wrap:
            rows: list[tuple[int, int]] = []
            for position in range(self.visible_count):
                length = len(self._plain(self.buffer.lines[self.line_at(position)]))
                for offset in range(0, max(1, length), width):
                    rows.append((position, offset))
            self._rows = rows
            height = len(rows)
            longest = width
        else:
            self._rows = None
            height = self.visible_count
            longest = width * 4  # horizontal scroll for long lines, without measuring them all
        self.virtual_size = Size(longest, height)
        if self.follow:
            self._scroll_to_newest()
        self.refresh()

    def _scroll_to_newest(self) -> None:
        # force: until the next layout pass Textual still thinks the content fits (no vertical
        # scrollbar yet), and would refuse to scroll the first batch, leaving its oldest lines
        # on screen
        self.scroll_end(animate=False, x_axis=False, immediate=True, force=True)

    def on_resize(self) -> None:
        self._relayout()

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        # the horizontal scrollbar takes a row without a resize: a first batch that lands
        # before it appears was scrolled to an end one row short, and stays there
        if self.follow and shown:
            self._scroll_to_newest()

    # -- keys and modes --------------------------------------------------------------------
    def set_follow(self, follow: bool) -> None:
        self.follow = follow
        if follow:
            self.new_while_paused = 0
            self._pinned = None
            self._scroll_to_newest()

    def toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self._relayout()

    def toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._restyle()
        self._relayout()

    def toggle_fields(self) -> None:
        self.expand_fields = not self.expand_fields
        self._restyle()
        self._relayout()

    def jump_to_match(self, forward: bool) -> bool:
        """Move to the next/previous matching line; False when there is none."""
        if not self._matches or self._visible is None:
            return False
        current = self._last_match_row
        if current is None:
            top = int(self.scroll_offset.y)
            bottom = top + self.size.height - 1
            rows = self._row_count()
            if not rows:
                return False
            row = min(top if forward else bottom, rows - 1)
            # forward: after the line at the top; backward: from the one at the bottom on
            current = self._row_to_position(row) + (0 if forward else 1)
        positions = [p for p, i in enumerate(self._visible) if i in self._matches]
        candidates = (
            [p for p in positions if p > current]
            if forward
            else [p for p in positions if p < current]
        )
        if not candidates:
            return False
        target = candidates[0] if forward else candidates[-1]
        self._last_match_row = target
        self._pinned = None
        self.set_follow(False)
        row = self._position_to_row(target)
        self.scroll_to(y=max(0, row - self.size.height // 2), animate=False)
        return True

    # -- painting --------------------------------------------------------------------------
    def _prefix(self, line: LogLine) -> str:
        if 0 <= line.source < len(self.prefixes):
            return self.prefixes[line.source]
        return ""

    def _fields_text(self, line: LogLine) -> str:
        if not line.fields:
            return ""
        fields = line.fields if self.expand_fields else line.fields[:MAX_FIELDS_COLLAPSED]
        more = "" if self.expand_fields or len(line.fields) <= MAX_FIELDS_COLLAPSED else " …"
        return "  " + " ".join(f"{k}={v}" for k, v in fields) + more

    def _plain(self, line: LogLine) -> str:
        stamp = f"{line.timestamp} " if self.timestamps and line.timestamp else ""
        prefix = self._prefix(line)
        level = f"{line.level.upper():<5} " if line.level and line.structured else ""
        return f"{stamp}{prefix + ' ' if prefix else ''}{level}{line.text}{self._fields_text(line)}"

    def _segments(self, index: int) -> list[Segment]:
        line = self.buffer.lines[index]
        segments: list[Segment] = []
        if self.timestamps and line.timestamp:
            segments.append(Segment(f"{line.timestamp} ", TIMESTAMP_STYLE))
        prefix = self._prefix(line)
        if prefix:
            segments.append(Segment(f"{prefix} ", source_style(prefix)))
        if line.marker:
            segments.append(Segment(line.text, MARKER_STYLE))
            return segments
        base = Style()
        if self._visible is not None and self._matches and index not in self._matches:
            base = CONTEXT_STYLE
        if line.level and line.structured:
            segments.append(Segment(f"{line.level.upper():<5} ", LEVEL_STYLES[line.level]))
        elif line.level in ("error", "fatal", "warn"):
            base = base + LEVEL_STYLES[line.level]
        text = line.text
        position = 0
        for start, end in self.filter.highlights(text):
            if start > position:
                segments.append(Segment(text[position:start], base))
            segments.append(Segment(text[start:end], MATCH_STYLE))
            position = end
        segments.append(Segment(text[position:], base))
        fields = self._fields_text(line)
        if fields:
            segments.append(Segment(fields, Style(color="bright_black")))
        return segments

    def _restyle(self) -> None:
        self._style_version += 1
        self._strips.clear()

    def _strip(self, index: int) -> Strip:
        line = self.buffer.lines[index]
        key = (id(line), self._style_version, index in self._matches, len(self.prefixes))
        cached = self._strips.get(key)
        if cached is not None and cached[0] is line:  # ids are reused once a line is freed
            return cached[1]
        strip = Strip(self._segments(index))
        self._strips[key] = (line, strip)
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        # the scroll offset and width are the same for every row of a frame: read them once
        self._frame = (*self.scroll_offset, self.scrollable_content_region.width)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y, width = self._frame
        row = scroll_y + y
        if self._rows is not None:
            if row >= len(self._rows):
                return Strip.blank(width)
            position, offset = self._rows[row]
            return self._strip(self.line_at(position)).crop_extend(offset, offset + width, None)
        if row >= self.visible_count:
            return Strip.blank(width)
        return self._strip(self.line_at(row)).crop_extend(scroll_x, scroll_x + width, None)
