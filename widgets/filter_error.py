"""The line under a view's title while its ``/`` filter is not a regular expression."""

from __future__ import annotations

from gok_tui.domain.text import clean
from gok_tui.widgets.plain import SafeText
from textual.widgets import Static


class FilterError(Static):
    """Why the pattern is not a regular expression, and that it is matched as plain text:
    one line that follows each key typed (a toast per key would pile up); hidden otherwise."""

    DEFAULT_CSS = """
    FilterError { height: auto; padding: 0 1; color: $error; display: none; }
    """

    def show(self, error: str) -> None:
        self.display = bool(error)
        if error:
            self.update(SafeText(clean(f"{error} · matched as plain text")))
