"""The driver's last wall: what Textual never writes itself does not reach the terminal."""

from __future__ import annotations

from gok_tui.app import GokApp
from gok_tui.config.settings import Settings
from gok_tui.session import Session
from gok_tui.widgets.terminal_guard import GuardedDriver, scrub

FRAME = "\x1b[?2026h\x1b[1;1H\x1b[38;2;224;224;224;48;2;30;30;30m web \x1b[0m\x1b]22;default\x07"


def test_textuals_own_output_passes_unchanged() -> None:
    assert scrub(FRAME) == FRAME
    assert scrub("plain text\r\n") == "plain text\r\n"


def test_clipboard_title_hyperlink_and_device_strings_are_dropped() -> None:
    hostile = (
        "a\x1b]52;c;cHduZWQ=\x1b\\b"  # OSC 52, ST
        "\x1b]0;OWNED\x07c"  # OSC 0, BEL
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\d"  # OSC 8 hyperlink
        "\x1bPq#0;2;0;0;0\x1b\\e"  # DCS (sixel)
        "\x1b_Gf=100;AAAA\x1b\\f"  # APC (kitty graphics)
        "\x9d0;T\x9cg\x9b31mh\x07i"  # 8-bit OSC, 8-bit CSI, a BEL
        "\x1b]2;unterminated"
    )
    assert scrub(FRAME + hostile) == FRAME + "abclinkdefghi"


def test_the_app_draws_through_the_guarded_driver_on_posix() -> None:
    app = GokApp(Session(settings=Settings(), target=None))
    assert app.driver_class is GuardedDriver
