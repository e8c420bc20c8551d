"""What Textual writes to the terminal, byte for byte, and what in it did not come from Textual.

``run_test`` uses a headless driver that renders nothing. ``CapturingDriver`` is a driver that
says it is not headless, so the app renders every frame as it would for a real terminal, and
keeps each string the app writes instead of sending it to a tty.
"""

from __future__ import annotations

import re

from textual.drivers.headless_driver import HeadlessDriver

# What Textual itself sends: CSI sequences (cursor moves, SGR styles, modes) and OSC 22, the
# mouse pointer shape. Anything else ESC-introduced, any C1 control, and any C0 control other
# than a line break came from the content.
_TEXTUAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\]22;[A-Za-z_-]*\x07")
_FOREIGN = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


class CapturingDriver(HeadlessDriver):
    output: list[str] = []  # every write of every app run with this driver class

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        CapturingDriver.output.append(data)


def foreign_controls(output: str, markers: tuple[str, ...] = ()) -> list[str]:
    """Every control character or sequence in ``output`` that Textual would not send itself,
    with some context, plus each of ``markers`` (hostile CSI sequences that look like Textual's
    own) found anywhere in it."""
    found = [
        repr(output[max(m.start() - 12, 0) : m.end() + 12]) for m in _marker_hits(output, markers)
    ]
    rest = _TEXTUAL_SEQUENCE.sub("", output)
    for match in _FOREIGN.finditer(rest.replace("\x1b", "\x00")):
        found.append(repr(rest[max(match.start() - 16, 0) : match.end() + 16]))
    return found


def _marker_hits(output: str, markers: tuple[str, ...]) -> list[re.Match[str]]:
    return [m for marker in markers for m in re.finditer(re.escape(marker), output)]
