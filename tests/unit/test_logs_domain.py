"""Log lines: sanitising, recognition, the ring buffer and grep -C style filtering."""

from __future__ import annotations

import json

import pytest
from gok_tui.domain.logs import (
    LogFilter,
    RingBuffer,
    marker,
    parse_line,
    render_raw,
    sanitize,
)


def test_control_sequences_are_removed_and_control_characters_made_visible() -> None:
    assert sanitize(b"\x1b[1;31mred\x1b[0m") == "red"
    assert sanitize(b"\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\") == "link"
    assert sanitize("\u009b2Jeight-bit csi".encode()) == "eight-bit csi"
    assert sanitize(b"tab\there") == "tab    here"
    assert sanitize(b"bell\x07 del\x7f") == "bell\\x07 del\\x7f"
    assert sanitize(b"\xc3\x28 invalid") == "\ufffd( invalid"
    assert sanitize("x" * 5000).endswith("… (1000 more characters)")


def test_json_lines_put_the_message_first_with_a_level() -> None:
    line = parse_line(0, json.dumps({"ts": 1, "severity": "WARNING", "message": "slow"}).encode())
    assert (line.text, line.level, line.structured) == ("slow", "warn", True)
    assert line.fields == (("ts", "1"),)
    numeric = parse_line(0, b'{"level":50,"msg":"boom"}')
    assert numeric.level == "error"
    plain = parse_line(0, b"2026-11-22T10:00:00.1Z 10:00 ERROR db down", timestamped=True)
    assert (plain.timestamp, plain.text, plain.level) == (
        "2026-11-22T10:00:00.1Z",
        "10:00 ERROR db down",
        "error",
    )
    assert parse_line(0, b"{not json").text == "{not json"


def test_the_ring_buffer_counts_what_it_drops() -> None:
    buffer = RingBuffer(3)
    assert buffer.extend([parse_line(0, f"{n}".encode()) for n in range(5)]) == 2
    assert [line.text for line in buffer.lines] == ["2", "3", "4"]
    assert (buffer.dropped, buffer.total) == (2, 5)


def test_context_comes_from_the_matching_pod_when_streams_interleave() -> None:
    lines = [
        parse_line(0, b"a1"),
        parse_line(1, b"b1"),
        parse_line(0, b"a2 ERROR"),
        parse_line(1, b"b2"),
        parse_line(0, b"a3"),
    ]
    shown, matches = LogFilter("error", context=1).visible(lines)
    assert [lines[i].text for i in shown] == ["a1", "a2 ERROR", "a3"]
    assert matches == {2}
    shown, _ = LogFilter("!error").visible(lines)
    assert [lines[i].text for i in shown] == ["a1", "b1", "b2", "a3"]
    assert LogFilter("[unclosed").error.startswith("not a regular expression")


def test_level_filter_keeps_markers_and_drops_unlevelled_lines() -> None:
    lines = [parse_line(0, b"INFO up"), parse_line(0, b"WARN slow"), parse_line(0, b"plain")]
    shown, _ = LogFilter(min_level="warn").visible(lines)
    assert [lines[i].text for i in shown] == ["WARN slow"]


def test_saved_file_holds_the_bytes_the_containers_wrote() -> None:
    written = [
        b'{"level":"error","msg":"payment failed","order":42}',
        b"\x1b[31mred\x1b[0m\ttab \xff" + b"x" * 5000,
    ]
    stamp = b"2026-11-22T10:00:00.123456789Z"
    lines = [parse_line(n, stamp + b" " + raw, timestamped=True) for n, raw in enumerate(written)]
    lines.insert(1, marker(0, "--- container web restarted (1) ---"))
    assert render_raw(lines, [], timestamps=False) == written[0] + b"\n" + written[1] + b"\n"
    assert render_raw(lines, ["web-1", "web-2"], timestamps=True) == (
        b"web-1 " + stamp + b" " + written[0] + b"\nweb-2 " + stamp + b" " + written[1] + b"\n"
    )
    assert render_raw([parse_line(0, b"no stamp")], [], timestamps=True) == b"no stamp\n"


def test_bidi_overrides_and_line_separators_in_a_log_line_are_shown_as_escapes() -> None:
    # "\u202e" would show "exe.txt" as "txt.exe"; U+2028 ends the line in some terminals
    line = parse_line(0, "upload ok: \u202etxt.exe done\u2028forged: admin login".encode())
    assert line.text == "upload ok: \\u202etxt.exe done forged: admin login"


@pytest.mark.timeout(20)  # with Python's re, each of these lines takes seconds: minutes in all
def test_a_backtracking_filter_pattern_answers_at_once() -> None:
    lines = [parse_line(0, b"a" * 24 + b"b") for _ in range(100)] + [parse_line(0, b"aaaa")]
    log_filter = LogFilter("^(a|a?)+$")
    assert not log_filter.error
    assert log_filter.visible(lines) == ([100], {100})
    assert log_filter.highlights("aaaa") == [(0, 4)]
