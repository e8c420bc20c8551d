"""Text from outside gok-tui made safe to draw: the one sanitiser every view uses.

Pure, stdlib only. Anything that did not come from our own source code — cluster objects,
Docker and registry answers, build output, file names, config values, error messages, the audit
log — may hold bytes a terminal obeys: ESC sequences (OSC 52 writes the clipboard, OSC 0 the
window title, CSI moves the cursor), C0 and C1 controls, bidi overrides and zero-width
characters that reorder or hide what a line says. Such characters are *shown*, never sent:
ESC as ``^[``, other C0 in caret notation, C1 as ``\\x9b``, format characters as ``\\u202e``.
An ESC sequence stays readable as what it is (``^[]52;c;...^[\\``), so a person sees that a value
carries one.

``clean`` is for one line (a cell, a title, a summary), ``clean_block`` for text whose newlines
are meant (describe, a build error, a JSON patch); ``strip_sequences`` removes the colour codes
of program output (logs, ``docker build``) before the rest is escaped.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CELL = 256  # hard cap on any one-line value
ELLIPSIS = "…"

_SPACE_LIKE = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")

# ESC-introduced sequences of every kind, with any terminator or none: CSI, OSC (BEL, ESC \ or
# the 8-bit ST), DCS/SOS/PM/APC strings, two-character sequences, a lone ESC; and the 8-bit
# CSI/OSC/DCS introducers (C1) with what follows them.
TERMINAL_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x1b"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape_char(ch: str) -> str:
    if ch in _SPACE_LIKE:
        return " "
    code = ord(ch)
    if code < 0x20:
        return "^" + chr(code + 64)  # caret notation: ESC -> "^["
    if code == 0x7F:
        return "^?"
    if 0x80 <= code < 0xA0:
        return f"\\x{code:02x}"
    if ch.isprintable():
        return ch
    if unicodedata.category(ch) == "Zs":  # no-break and other odd spaces
        return " "
    # format (bidi overrides, zero-width), surrogate, private-use, unassigned
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_unprintable(text: str, keep: str = "") -> str:
    """``text`` with every character a terminal would not draw as itself made visible;
    characters in ``keep`` (say, the newlines of a multi-line message) stay."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in keep else _escape_char(ch) for ch in text)


def cut(text: str, limit: int) -> str:
    """``text`` no longer than ``limit`` characters, an ellipsis where it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS


def clean(value: object, limit: int = MAX_CELL) -> str:
    """``value`` as one safe line: newlines and tabs become spaces, every other control and
    invisible character is shown escaped; longer than ``limit``: cut with an ellipsis."""
    if type(value) is str:
        text = value
    elif value is None:
        return ""
    elif value is True or value is False:
        text = "True" if value else "False"
    else:
        text = str(value)
    return cut(escape_unprintable(text), limit)


def clean_block(value: object) -> str:
    """``value`` as safe lines: its newlines stay, tabs become four spaces, every other control
    and invisible character is shown escaped."""
    text = value if type(value) is str else ("" if value is None else str(value))
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    return escape_unprintable(text, keep="\n")


def strip_sequences(text: str) -> str:
    """``text`` without its terminal sequences (the colours and cursor moves of a program's
    output), lone surrogates replaced; what remains still needs ``clean``/``clean_block``."""
    text = _SURROGATE.sub("\ufffd", text)
    return TERMINAL_SEQUENCE.sub("", text)
