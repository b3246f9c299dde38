"""A streaming multipart/form-data parser for the gateway's /api/v0/add.

Uploads to FameEngine's gateway can be large (generated video), so a part's body is
handed on piece by piece as it arrives, never held whole in memory. Feed the request
body with feed(); the parser calls on_begin(headers), on_data(bytes), on_end() for each
part and finish() checks the body ended properly.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from .errors import IpfsError

MAX_HEADER_BYTES = 16 * 1024


class MultipartError(IpfsError):
    status = 400


def boundary_of(content_type: str | None) -> str:
    """The boundary parameter of a multipart/form-data Content-Type."""
    if not content_type:
        raise MultipartError("expected a multipart/form-data body (no Content-Type given)")
    kind, params = _split_header(content_type)
    if kind.lower() not in ("multipart/form-data", "multipart/mixed"):
        raise MultipartError(f"expected a multipart/form-data body, got {kind!r}")
    boundary = params.get("boundary")
    if not boundary or len(boundary) > 200:
        raise MultipartError("multipart Content-Type without a valid boundary")
    return boundary


def _split_header(value: str) -> tuple[str, dict[str, str]]:
    """'form-data; name="file"; filename="a b.txt"' -> ('form-data', {...})."""
    parts: list[str] = []
    cur, quoted, escape = [], False, False
    for ch in value:
        if escape:
            cur.append(ch)
            escape = False
        elif ch == "\\" and quoted:
            escape = True
        elif ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch == ";" and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    params: dict[str, str] = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            v = v.strip()
            if len(v) >= 2 and v[0] == v[-1] == '"':
                v = v[1:-1]
            params[k.strip().lower()] = v
    return parts[0].strip(), params


class Part:
    """Headers of one part, with the bits /api/v0/add needs."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        _disp, params = _split_header(headers.get("content-disposition", ""))
        self.name = params.get("name")
        raw = params.get("filename")
        # Kubo's clients percent-encode file names in the multipart header.
        self.filename = unquote(raw) if raw is not None else None
        self.content_type = headers.get("content-type", "application/octet-stream").split(";")[0].strip().lower()

    @property
    def is_directory(self) -> bool:
        return self.content_type == "application/x-directory"


class MultipartParser:
    _PREAMBLE, _AFTER_DELIM, _HEADERS, _BODY, _END = range(5)

    def __init__(
        self,
        boundary: str,
        on_begin: Callable[[Part], None],
        on_data: Callable[[bytes], None],
        on_end: Callable[[], None],
    ) -> None:
        self.delim = b"\r\n--" + boundary.encode("latin-1")
        self.on_begin, self.on_data, self.on_end = on_begin, on_data, on_end
        # A leading CRLF makes the first delimiter look like every later one.
        self.buf = bytearray(b"\r\n")
        self.state = self._PREAMBLE
        self.parts = 0

    def feed(self, chunk: bytes) -> None:
        if self.state == self._END:
            return  # epilogue: ignored
        self.buf += chunk
        self._run()

    def finish(self) -> None:
        if self.state != self._END:
            raise MultipartError("multipart body ended before its closing boundary")

    def _run(self) -> None:
        buf, delim = self.buf, self.delim
        while True:
            if self.state == self._PREAMBLE:
                i = buf.find(delim)
                if i < 0:
                    # keep only what might be the start of a delimiter
                    del buf[: max(0, len(buf) - len(delim) + 1)]
                    return
                del buf[: i + len(delim)]
                self.state = self._AFTER_DELIM
            elif self.state == self._AFTER_DELIM:
                if len(buf) < 2:
                    return
                if buf[:2] == b"--":
                    self.state = self._END
                    buf.clear()
                    return
                j = buf.find(b"\r\n")
                if j < 0:
                    if len(buf) > 256:
                        raise MultipartError("malformed multipart boundary line")
                    return
                if buf[:j].strip(b" \t"):
                    raise MultipartError("malformed multipart boundary line")
                del buf[: j + 2]
                self.state = self._HEADERS
            elif self.state == self._HEADERS:
                if buf.startswith(b"\r\n"):
                    j = -2  # a part with no headers at all
                else:
                    j = buf.find(b"\r\n\r\n")
                if j == -1:
                    if len(buf) > MAX_HEADER_BYTES:
                        raise MultipartError("multipart part headers too long")
                    return
                raw = bytes(buf[: max(j, 0)])
                del buf[: j + 4]
                self.parts += 1
                self.on_begin(Part(_parse_headers(raw)))
                self.state = self._BODY
            elif self.state == self._BODY:
                i = buf.find(delim)
                if i < 0:
                    keep = len(delim) - 1
                    if len(buf) > keep:
                        out = bytes(buf[: len(buf) - keep])
                        del buf[: len(buf) - keep]
                        self.on_data(out)
                    return
                if i:
                    self.on_data(bytes(buf[:i]))
                del buf[: i + len(delim)]
                self.on_end()
                self.state = self._AFTER_DELIM
            else:
                return


def _parse_headers(raw: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in raw.split(b"\r\n"):
        if not line:
            continue
        if b":" not in line:
            raise MultipartError("malformed multipart part header")
        k, v = line.split(b":", 1)
        headers[k.decode("latin-1").strip().lower()] = v.decode("utf-8", "replace").strip()
    return headers
