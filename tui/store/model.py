"""Row models: raw objects in, row deltas out. Pure: no threads, no widgets.

A model holds the objects of one primary kind (and any secondary kinds its rows are derived
from, e.g. ingress routes need services and endpoints), renders rows with a pure renderer, and
answers each change with a ``RowDelta``: rows added, cells changed, rows removed, or a reset
when most rows went away (cheaper for a table to refill than to remove one by one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gok_tui.domain.search import compile_filter
from gok_tui.domain.server_table import FALLBACK_COLUMNS, Columns
from gok_tui.domain.table import Row
from gok_tui.store.buffer import Drained

if TYPE_CHECKING:
    from regex import Pattern

Objects = Mapping[str, Mapping[str, dict[str, Any]]]  # plural -> key -> object
RenderFn = Callable[[dict[str, Any], Objects, float], list[Row]]

RESET_MIN_ROWS = 50


@dataclass
class RowDelta:
    reset: bool = False
    added: list[Row] = field(default_factory=list)
    updated: list[tuple[Row, tuple[int, ...]]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.reset or self.added or self.updated or self.removed)


def changed_cells(old: Row, new: Row) -> tuple[int, ...]:
    if old.tone != new.tone or len(old.cells) != len(new.cells):
        return tuple(range(len(new.cells)))
    return tuple(i for i, (a, b) in enumerate(zip(old.cells, new.cells, strict=True)) if a != b)


class RowFilter:
    """k9s-style ``/`` filter: a case-insensitive regex over a row's cells; ``!`` inverts.

    A pattern that is not a regular expression is searched for as plain text, and ``error``
    says why ("" when the pattern is a regular expression or there is none)."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.inverse = text.startswith("!")
        pattern = text[1:] if self.inverse else text
        self._regex: Pattern[str] | None = None
        self.error = ""
        if pattern:
            self._regex, self.error = compile_filter(pattern)

    @property
    def active(self) -> bool:
        return self._regex is not None

    def matches(self, row: Row) -> bool:
        if self._regex is None:
            return True
        found = any(self._regex.search(cell) for cell in row.cells)
        return found != self.inverse


def apply_batch(store: dict[str, dict[str, Any]], batch: Drained) -> set[str]:
    """Fold a drained batch into a store of objects by key; returns the keys it touched."""
    touched: set[str] = set()
    if batch.snapshot is not None:
        touched.update(store)
        touched.update(batch.snapshot)
        store.clear()
        store.update(batch.snapshot)
    for key, obj in batch.changes.items():
        if obj is None:
            store.pop(key, None)
        else:
            store[key] = obj
        touched.add(key)
    return touched


class RowSet:
    """Rows by key and what a table shows of them (filtered, in key order); every change is
    answered with the ``RowDelta`` that brings the table there. Where the rows come from is the
    subclass's business: objects rendered one by one (``TableModel``) or rows derived from
    several kinds at once (``DerivedModel``)."""

    primary: str  # the row source's name ("deployments", "findings", ...)
    objects: dict[str, dict[str, dict[str, Any]]]  # the watched objects: plural -> key -> object

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}  # every row, by row key
        self.shown: dict[str, Row] = {}  # what the table shows now (filtered), in order
        self.row_filter = RowFilter()
        self.now = 0.0

    def item(self, row_key: str) -> Any:
        """What the row stands for (an object, a finding, a route), for the keys on it."""
        raise NotImplementedError

    def apply(self, drained: Mapping[str, Drained], now: float) -> RowDelta:
        raise NotImplementedError

    def rerender_rows(self, row_keys: Iterable[str], now: float) -> RowDelta:
        """Render these rows again (their ages move on); only changed cells reach the table."""
        return RowDelta()

    def clear(self) -> RowDelta:
        raise NotImplementedError

    def set_filter(self, text: str) -> RowDelta:
        self.row_filter = RowFilter(text)
        return self._diff_shown()

    @property
    def filter_error(self) -> str:
        """Why the filter is searched for as plain text ("" when it is a regex or unset)."""
        return self.row_filter.error

    def full(self) -> RowDelta:
        """Everything shown, as a reset (for a table that is (re)built)."""
        self.shown = {}
        delta = self._diff_shown()
        delta.reset = True
        return delta

    # -- internals -------------------------------------------------------------------------
    def _diff_rows(self, row_keys: set[str]) -> RowDelta:
        """What changed on screen, looking only at these rows (the rest are as shown)."""
        previous = self.shown
        matches = self.row_filter.matches
        delta = RowDelta()
        for key in row_keys:
            row = self.rows.get(key)
            old = previous.get(key)
            if row is None or not matches(row):
                if old is not None:
                    delta.removed.append(key)
            elif old is None:
                delta.added.append(row)
            elif old != row:
                delta.updated.append((row, changed_cells(old, row)))
        return self._commit(delta)

    def _diff_shown(self) -> RowDelta:
        """What changed on screen, looking at every row (after a filter change or a clear)."""
        wanted = {k: r for k, r in self.rows.items() if self.row_filter.matches(r)}
        delta = RowDelta()
        previous = self.shown
        delta.removed = [key for key in previous if key not in wanted]
        for key, row in wanted.items():
            old = previous.get(key)
            if old is None:
                delta.added.append(row)
            elif old != row:
                delta.updated.append((row, changed_cells(old, row)))
        return self._commit(delta)

    def _commit(self, delta: RowDelta) -> RowDelta:
        """Make ``shown`` what the delta leads to; most rows gone becomes a reset."""
        previous = self.shown
        reset = len(previous) >= RESET_MIN_ROWS and len(delta.removed) * 2 > len(previous)
        delta.added.sort(key=lambda r: r.key)
        for key in delta.removed:
            del previous[key]
        for row, _ in delta.updated:
            previous[row.key] = row
        for row in delta.added:
            previous[row.key] = row
        if reset:
            rows = sorted(previous.values(), key=lambda r: r.key)
            self.shown = {r.key: r for r in rows}
            return RowDelta(reset=True, added=rows)
        return delta


class TableModel(RowSet):
    """Objects of one primary kind (and the secondary kinds its rows also read, e.g. ingress
    routes read services and endpoints), each rendered into its rows."""

    def __init__(self, primary: str, render: RenderFn, secondary: Iterable[str] = ()) -> None:
        super().__init__()
        self.primary = primary
        self.secondary = tuple(secondary)
        self.render = render
        self.objects: dict[str, dict[str, dict[str, Any]]] = {
            plural: {} for plural in (primary, *self.secondary)
        }
        self.rows_of: dict[str, tuple[str, ...]] = {}  # primary object key -> its row keys
        self.owner_of: dict[str, str] = {}  # row key -> its primary object key

    def item(self, row_key: str) -> dict[str, Any] | None:
        return self.objects[self.primary].get(self.owner_of.get(row_key, row_key))

    # -- inputs ----------------------------------------------------------------------------
    def apply(self, drained: Mapping[str, Drained], now: float) -> RowDelta:
        self.now = now
        touched: set[str] = set()
        rerender_all = False
        for plural, batch in drained.items():
            if plural not in self.objects or not batch.has_data:
                continue
            keys = apply_batch(self.objects[plural], batch)
            if plural == self.primary:
                touched.update(keys)
            else:
                rerender_all = True
        if rerender_all:
            touched = set(self.objects[self.primary]) | set(self.rows_of)
        if not touched:
            return RowDelta()
        return self._diff_rows(self._rerender(touched))

    def rerender_rows(self, row_keys: Iterable[str], now: float) -> RowDelta:
        """Re-render the objects behind these rows (the ones on screen, whose ages move on);
        only changed cells reach the table."""
        self.now = now
        owners = {self.owner_of[key] for key in row_keys if key in self.owner_of}
        if not owners:
            return RowDelta()
        return self._diff_rows(self._rerender(owners))

    def clear(self) -> RowDelta:
        for store in self.objects.values():
            store.clear()
        self.rows.clear()
        self.rows_of.clear()
        self.owner_of.clear()
        return self._diff_shown()

    # -- internals -------------------------------------------------------------------------
    def _rerender(self, keys: set[str]) -> set[str]:
        """Re-render these primary objects; returns the row keys that may have changed."""
        store = self.objects[self.primary]
        changed: set[str] = set()
        for key in keys:
            for row_key in self.rows_of.pop(key, ()):
                self.rows.pop(row_key, None)
                self.owner_of.pop(row_key, None)
                changed.add(row_key)
            obj = store.get(key)
            if obj is None:
                continue
            rows = self.render(obj, self.objects, self.now)
            self.rows_of[key] = tuple(row.key for row in rows)
            for row in rows:
                self.rows[row.key] = row
                self.owner_of[row.key] = key
                changed.add(row.key)
        return changed


class DerivedModel(RowSet):
    """Rows computed from several kinds at once (the findings of a namespace, its traffic
    routes): every change to a source recomputes them, and what each row stands for is kept
    beside it in ``items``."""

    def __init__(self, primary: str, sources: Iterable[str]) -> None:
        super().__init__()
        self.primary = primary
        self.sources = tuple(sources)
        self.objects: dict[str, dict[str, dict[str, Any]]] = {plural: {} for plural in self.sources}
        self.items: dict[str, Any] = {}

    def item(self, row_key: str) -> Any:
        return self.items.get(row_key)

    def apply(self, drained: Mapping[str, Drained], now: float) -> RowDelta:
        changed = False
        for plural, batch in drained.items():
            if plural in self.objects and batch.has_data:
                apply_batch(self.objects[plural], batch)
                changed = True
        return self.recompute(now) if changed else RowDelta()

    def recompute(self, now: float) -> RowDelta:
        """Derive every row again from the sources (``derive``) and diff what is shown."""
        self.now = now
        rows = self.derive()
        keys = set(self.rows) | {row.key for row, _ in rows}
        self.rows = {row.key: row for row, _ in rows}
        self.items = {row.key: item for row, item in rows}
        return self._diff_rows(keys)

    def derive(self) -> list[tuple[Row, Any]]:
        """Each row with what it stands for."""
        raise NotImplementedError

    def clear(self) -> RowDelta:
        for store in self.objects.values():
            store.clear()
        self.rows.clear()
        self.items.clear()
        return self._diff_shown()


class ServerTableModel(TableModel):
    """The entries of a Table feed (``domain.server_table``): rows in the server's columns.
    ``columns`` follows the latest answer (a CRD's printer columns may change under a list),
    ``plain`` says the server gave no Table; ``item`` is the object the server sent."""

    def __init__(self, primary: str, render: RenderFn) -> None:
        super().__init__(primary, render)
        self.columns: Columns = FALLBACK_COLUMNS
        self.plain = False
        self.columns_changed = False  # by the last apply: the table needs new columns

    def item(self, row_key: str) -> dict[str, Any] | None:
        entry = super().item(row_key)
        return entry.get("object") if entry is not None else None

    def apply(self, drained: Mapping[str, Drained], now: float) -> RowDelta:
        batch = drained.get(self.primary)
        self.columns_changed = batch is not None and self._note_columns(batch)
        delta = super().apply(drained, now)
        if self.columns_changed:  # every row again, in the new columns
            delta = self._diff_rows(self._rerender(set(self.objects[self.primary])))
        return delta

    def _note_columns(self, batch: Drained) -> bool:
        latest: dict[str, Any] | None = None
        if batch.snapshot:
            latest = next(iter(batch.snapshot.values()))
        for entry in batch.changes.values():
            if entry is not None:
                latest = entry
        if latest is None:
            return False
        own: Columns | None = latest.get("columns")
        columns = own if own is not None else FALLBACK_COLUMNS
        plain = own is None
        if plain == self.plain and (columns is self.columns or columns == self.columns):
            return False
        self.columns, self.plain = columns, plain
        return True
