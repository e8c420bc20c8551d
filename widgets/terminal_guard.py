"""The last wall between text from outside and the terminal: the driver drops what Textual
never sends.

Every view builds its text through ``widgets/plain.py``, which escapes controls; this guard is
for the path someone forgets. Textual itself writes CSI sequences (cursor moves, styles, modes),
line breaks and OSC 22 (the mouse pointer's shape). An OSC of any other number (52 writes the
clipboard, 0 the window title, 8 a hyperlink), a DCS/SOS/PM/APC string, a C1 control or a BEL
can only have come from content, so the guard removes them before they reach the terminal.
CSI sequences cannot be told apart from Textual's own here; keeping them out is
``plain.py``'s job.
"""

from __future__ import annotations

import re

from textual.drivers.linux_driver import LinuxDriver

_POINTER_SHAPE = re.compile(r"\x1b\]22;[A-Za-z_-]*\x07")
_NOT_TEXTUALS = re.compile(
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, with any terminator or none
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # the same, 8-bit
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x07\x80-\x9f]"  # BEL outside an OSC, other C1 controls
)


def scrub(data: str) -> str:
    """``data`` without the sequences and controls Textual never writes itself."""
    if not _NOT_TEXTUALS.search(data):
        return data
    return _NOT_TEXTUALS.sub(_keep_pointer_shape, data)


def _keep_pointer_shape(match: re.Match[str]) -> str:
    return match.group() if _POINTER_SHAPE.fullmatch(match.group()) else ""


class GuardedDriver(LinuxDriver):
    """Textual's terminal driver, with ``scrub`` on every write."""

    def write(self, data: str) -> None:
        super().write(scrub(data))
