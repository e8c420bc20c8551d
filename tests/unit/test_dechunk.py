"""The followed log's chunked framing, taken apart from whole socket reads (backends/kube.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from gok_tui.backends.kube import ChunkError, dechunk
from hypothesis import given
from hypothesis import strategies as st


def chunked(payloads: list[bytes], end: bytes = b"0\r\n\r\n") -> bytes:
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in payloads) + end


def reads(data: bytes, cuts: list[int]) -> Callable[[], bytes]:
    """``read()`` handing ``data`` on in pieces cut at ``cuts``, then b"" (end of stream)."""
    bounds = sorted({c for c in cuts if 0 < c < len(data)})
    pieces: Iterator[bytes] = iter(
        data[a:b] for a, b in zip([0, *bounds], [*bounds, len(data)], strict=True)
    )
    return lambda: next(pieces, b"")


def test_every_chunk_of_one_read_comes_as_one_block() -> None:
    data = chunked([b"a 1\n", b"b 2\n", b"c 3\n"])
    assert list(dechunk(reads(data, []))) == [b"a 1\nb 2\nc 3\n"]


def test_a_chunk_cut_by_the_network_comes_once_its_rest_has() -> None:
    data = chunked([b"a\n", b"0123456789\n"])
    cut = data.index(b"5")
    assert list(dechunk(reads(data, [cut]))) == [b"a\n", b"0123456789\n"]


def test_size_extensions_are_ignored() -> None:
    data = b"4;name=value\r\nabc\n\r\n0\r\n\r\n"
    assert list(dechunk(reads(data, []))) == [b"abc\n"]


@given(
    st.lists(st.binary(min_size=1, max_size=40), max_size=20),
    st.lists(st.integers(min_value=0, max_value=2_000), max_size=30),
)
def test_any_cut_gives_back_the_payload(payloads: list[bytes], cuts: list[int]) -> None:
    data = chunked(payloads)
    assert b"".join(dechunk(reads(data, cuts))) == b"".join(payloads)


@pytest.mark.parametrize(
    "data",
    [
        chunked([b"abc\n"], end=b""),  # the connection ends before the last chunk
        b"zz\r\nabc\r\n",  # not a size
        b"-3\r\nabc\r\n",
        b"3\r\nabcX\r\n",  # no CRLF after the payload
        b"1" * 2_000,  # a size line that never ends
    ],
)
def test_a_broken_framing_is_an_error(data: bytes) -> None:
    with pytest.raises(ChunkError):
        list(dechunk(reads(data, [])))


@given(
    st.lists(
        st.lists(
            st.sampled_from([b"\r\n", b"\r", b"\n", b"0", b"a", b"5\r\n", b"ff"]), min_size=1
        ).map(b"".join),
        max_size=20,
    ),
    st.lists(st.integers(min_value=0, max_value=400), max_size=10),
)
def test_payloads_that_look_like_framing_come_back_whole(
    payloads: list[bytes], cuts: list[int]
) -> None:
    data = chunked(payloads)
    assert b"".join(dechunk(reads(data, cuts))) == b"".join(payloads)


def test_a_large_chunk_is_handed_on_as_it_arrives() -> None:
    big = b"x" * 200_000 + b"\n"
    data = chunked([b"a\n", big])
    blocks = list(dechunk(reads(data, list(range(4096, len(data), 65536)))))
    assert b"".join(blocks) == b"a\n" + big
    assert len(blocks) > 2
