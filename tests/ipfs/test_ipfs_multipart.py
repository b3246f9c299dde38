"""The gateway's streaming multipart parser: same parts whatever the network's chunking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fame.ipfs.multipart import MultipartError, MultipartParser, boundary_of

BOUNDARY = "fame-b0undary"


def _body(files: list[tuple[str, bytes]]) -> bytes:
    out = b"preamble to ignore\r\n"
    for name, data in files:
        out += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\nepilogue".encode()


def _parse(body: bytes, cuts: list[int]) -> list[tuple[str | None, bytes]]:
    parts: list[list] = []
    parser = MultipartParser(
        BOUNDARY,
        lambda p: parts.append([p.filename, b""]),
        lambda d: parts[-1].__setitem__(1, parts[-1][1] + d),
        lambda: None,
    )
    pos = 0
    for c in sorted(cuts):
        parser.feed(body[pos:c])
        pos = c
    parser.feed(body[pos:])
    parser.finish()
    return [tuple(p) for p in parts]


# data that looks like pieces of the delimiter, to stress the boundary search
# (a sender picks a boundary that its data does not contain)
tricky = (
    st.lists(st.sampled_from([b"\r\n", b"--", BOUNDARY.encode(), b"fame", b"x", b"\r\n--fame"]), max_size=12)
    .map(b"".join)
    .filter(lambda d: b"\r\n--" + BOUNDARY.encode() not in d)
)


@given(
    files=st.lists(
        st.tuples(st.text("abc .%", min_size=1, max_size=5), st.binary(max_size=300) | tricky), min_size=1, max_size=4
    ),
    cuts=st.lists(st.integers(0, 2000), max_size=10),
)
def test_any_chunking_gives_the_same_parts(files, cuts):
    body = _body(files)
    cuts = [c for c in cuts if c <= len(body)]
    from urllib.parse import unquote

    assert _parse(body, cuts) == [(unquote(n), d) for n, d in files]


def test_errors():
    with pytest.raises(MultipartError):
        _parse(_body([("a", b"x")])[:-20], [])
    with pytest.raises(MultipartError):
        boundary_of("application/json")
    with pytest.raises(MultipartError):
        boundary_of("multipart/form-data")
    with pytest.raises(MultipartError):
        boundary_of(None)
    assert boundary_of('multipart/form-data; boundary="q b"') == "q b"
