"""The HTTP gateway, as a real process on loopback ports: on the public one, exact bytes,
ranges, caching headers, CAR and raw exports; on the RPC one, the Kubo RPC subset; 4xx (never
5xx) for bad input on both. (The split itself, the token and the upload limit:
test_ipfs_rpc.py.)"""

from __future__ import annotations

import json
import os
import random
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ipfs_helpers import GATEWAY_UPLOAD_LIMIT, aleph, ref_cids

from fame.ipfs.car import CAR_MEDIA_TYPE, read_car
from fame.ipfs.cid import CID
from fame.ipfs.unixfs import CHUNK_SIZE, iter_file


def add(api: httpx.Client, data: bytes, name: str = "file.bin", **params) -> dict:
    resp = api.post("/api/v0/add", params=params, files={"file": (name, data, "application/octet-stream")})
    assert resp.status_code == 200, resp.text
    lines = [json.loads(line) for line in resp.text.splitlines() if line]
    assert len(lines) == 1
    return lines[0]


@pytest.fixture(scope="module")
def sample(api):
    """A three-chunk file added through the gateway: (data, CID)."""
    data = random.Random(1).randbytes(2 * CHUNK_SIZE + 999)
    return data, add(api, data)["Hash"]


def test_add_gives_kubo_cids_and_fields(api, gateway):
    data = os.urandom(CHUNK_SIZE + 3)
    entry = add(api, data, name="clip.mp4")
    assert entry["Name"] == "clip.mp4"
    assert entry["Hash"] == ref_cids(data)["CIDv0"]
    url, store, _ = gateway
    assert int(entry["Size"]) == sum(len(b) for _, b in store.walk(entry["Hash"]))
    v1 = add(api, data, **{"cid-version": "1"})
    assert v1["Hash"] == aleph(data, raw_leaves_v1=True)
    v1_pb = add(api, data, **{"cid-version": "1", "raw-leaves": "false"})
    assert CID.parse(v1_pb["Hash"]).codec_name == "dag-pb" and v1_pb["Hash"] != v1["Hash"]
    assert store.is_pinned(entry["Hash"])
    assert not store.is_pinned(add(api, b"unpinned", pin="false")["Hash"])
    hash_only = add(api, b"only hashed", **{"only-hash": "true"})
    assert not store.has(hash_only["Hash"])


def test_serves_exact_bytes(http, sample):
    data, cid = sample
    resp = http.get(f"/ipfs/{cid}")
    assert resp.status_code == 200 and resp.content == data
    assert resp.headers["etag"] == f'"{cid}"'
    assert "immutable" in resp.headers["cache-control"]
    assert resp.headers["accept-ranges"] == "bytes"
    assert int(resp.headers["content-length"]) == len(data)
    assert resp.headers["x-ipfs-path"] == f"/ipfs/{cid}"
    assert resp.headers["content-type"] == "application/octet-stream"
    # the CIDv1 of the same root is the same content
    assert http.get(f"/ipfs/{CID.parse(cid).to_v1()}").content == data


@pytest.mark.parametrize(
    "header,span",
    [
        ("bytes=0-0", (0, 1)),
        ("bytes=10-19", (10, 20)),
        (f"bytes={CHUNK_SIZE - 5}-{CHUNK_SIZE + 4}", (CHUNK_SIZE - 5, CHUNK_SIZE + 5)),  # across a chunk border
        (f"bytes={2 * CHUNK_SIZE}-", (2 * CHUNK_SIZE, None)),
        ("bytes=-100", (-100, None)),
        ("bytes=5-999999999", (5, None)),
    ],
)
def test_ranges(http, sample, header, span):
    data, cid = sample
    resp = http.get(f"/ipfs/{cid}", headers={"Range": header})
    start, end = span
    want = data[start:end] if end is not None else data[start:]
    assert resp.status_code == 206
    assert resp.content == want
    first = start if start >= 0 else len(data) + start
    assert resp.headers["content-range"] == f"bytes {first}-{first + len(want) - 1}/{len(data)}"


@given(start=st.integers(0, 3 * CHUNK_SIZE), length=st.integers(1, CHUNK_SIZE + 10))
def test_random_ranges(http, sample, start, length):
    data, cid = sample
    resp = http.get(f"/ipfs/{cid}", headers={"Range": f"bytes={start}-{start + length - 1}"})
    if start >= len(data):
        assert resp.status_code == 416
        assert resp.headers["content-range"] == f"bytes */{len(data)}"
    else:
        assert resp.status_code == 206 and resp.content == data[start : start + length]


def test_unusable_range_headers_serve_the_whole_file(http, sample):
    data, cid = sample
    for header in ("bytes=9-3", "items=0-5", "bytes=0-1,5-6", "garbage"):
        resp = http.get(f"/ipfs/{cid}", headers={"Range": header})
        assert resp.status_code == 200 and resp.content == data


def test_head_and_conditional_get(http, sample):
    data, cid = sample
    head = http.head(f"/ipfs/{cid}")
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) == len(data)
    assert http.get(f"/ipfs/{cid}", headers={"If-None-Match": f'"{cid}"'}).status_code == 304


def test_content_type(http, api):
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(100)
    manifest = json.dumps({"persona": "ava", "ai_generated": True}).encode()
    for data, want in ((png, "image/png"), (manifest, "application/json"), (b"hi there\n", "text/plain")):
        cid = add(api, data)["Hash"]
        assert http.get(f"/ipfs/{cid}").headers["content-type"].startswith(want)
    cid = add(api, b"body{}")["Hash"]
    resp = http.get(f"/ipfs/{cid}", params={"filename": "style.css", "download": "true"})
    assert resp.headers["content-type"].startswith("text/css")
    assert resp.headers["content-disposition"].startswith('attachment; filename="style.css"')
    empty = add(api, b"")["Hash"]
    resp = http.get(f"/ipfs/{empty}")
    assert resp.status_code == 200 and resp.content == b""


def test_car_export(http, sample):
    data, cid = sample
    for resp in (
        http.get(f"/ipfs/{cid}", params={"format": "car"}),
        http.get(f"/ipfs/{cid}", headers={"Accept": CAR_MEDIA_TYPE}),
    ):
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith(CAR_MEDIA_TYPE)
        roots, blocks = read_car(resp.content, verify=False)
        assert [str(r) for r in roots] == [cid]
        assert all(c.matches(b) for c, b in blocks)
        table = {bytes(c): b for c, b in blocks}
        assert b"".join(iter_file(lambda c, t=table: t[bytes(c)], CID.parse(cid))) == data


def test_raw_block(http, api, sample, gateway):
    data, cid = sample
    resp = http.get(f"/ipfs/{cid}", params={"format": "raw"})
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/vnd.ipld.raw"
    assert CID.parse(cid).matches(resp.content) and resp.content == gateway[1].get(cid)
    leaf = add(api, b"leaf", **{"cid-version": "1"})["Hash"]
    assert http.get(f"/ipfs/{leaf}", headers={"Accept": "application/vnd.ipld.raw"}).content == b"leaf"


def test_rpc_cat_pin(api, gateway):
    data = os.urandom(CHUNK_SIZE + 50)
    cid = add(api, data, pin="false")["Hash"]
    assert api.post("/api/v0/cat", params={"arg": cid}).content == data
    assert api.post("/api/v0/cat", params={"arg": f"/ipfs/{cid}", "offset": 7, "length": 9}).content == data[7:16]
    assert api.post("/api/v0/pin/add", params={"arg": cid}).json() == {"Pins": [cid]}
    assert cid in api.post("/api/v0/pin/ls").json()["Keys"]
    assert gateway[1].is_pinned(cid)
    assert api.post("/api/v0/pin/rm", params={"arg": cid}).json() == {"Pins": [cid]}
    assert not gateway[1].is_pinned(cid)
    assert api.post("/api/v0/pin/rm", params={"arg": cid}).status_code == 404


def test_dag_import(http, api, gateway, tmp_path):
    from fame.ipfs.car import car_sections
    from fame.ipfs.store import BlockStore

    other = BlockStore(tmp_path / "elsewhere", fsync=False)
    data = os.urandom(CHUNK_SIZE + 1)
    cid = other.add(data)
    car = b"".join(car_sections([cid], other.walk(cid)))
    resp = api.post("/api/v0/dag/import", files={"file": ("x.car", car)})
    assert resp.status_code == 200, resp.text
    assert json.loads(resp.text.splitlines()[0])["Root"]["Cid"]["/"] == str(cid)
    assert http.get(f"/ipfs/{cid}").content == data


def _import_blocks(api, root, blocks) -> None:
    from fame.ipfs.car import car_sections

    car = b"".join(car_sections([root], blocks))
    resp = api.post("/api/v0/dag/import", params={"pin-roots": "false"}, files={"file": ("x.car", car)})
    assert resp.status_code == 200, resp.text


def test_crafted_dags_get_4xx(http, api):
    from fame.ipfs.unixfs import T_FILE, Link, PBNode, UnixFSData

    leaf = PBNode([], UnixFSData(T_FILE, b"x", 1).encode()).encode()
    leaf_cid = CID.of(leaf, 0x70, 0)
    # links and blocksizes disagree
    bad = PBNode([Link(leaf_cid, "", len(leaf))], UnixFSData(T_FILE, None, 1, [1, 1]).encode()).encode()
    bad_cid = CID.of(bad, 0x70, 0)
    _import_blocks(api, bad_cid, [(bad_cid, bad), (leaf_cid, leaf)])
    assert http.get(f"/ipfs/{bad_cid}").status_code == 422
    # a chain of single-link nodes far deeper than any file
    blocks, cid = [(leaf_cid, leaf)], leaf_cid
    for _ in range(40):
        node = PBNode([Link(cid, "", 1)], UnixFSData(T_FILE, None, 1, [1]).encode()).encode()
        cid = CID.of(node, 0x70, 0)
        blocks.append((cid, node))
    _import_blocks(api, cid, list(reversed(blocks)))
    assert api.post("/api/v0/cat", params={"arg": str(cid)}).status_code == 422
    assert http.get(f"/ipfs/{cid}").status_code == 422
    # an undecodable dag-pb block is refused at import
    junk = b"\xff\xff\xff"
    from fame.ipfs.car import car_sections

    car = b"".join(car_sections([CID.of(junk, 0x70, 1)], [(CID.of(junk, 0x70, 1), junk)]))
    assert api.post("/api/v0/dag/import", files={"file": ("x.car", car)}).status_code in (400, 422)


def test_health_and_openapi(http, api):
    assert http.get("/health").json()["status"] == "ok"
    assert api.get("/health").json()["status"] == "ok"
    spec = http.get("/openapi.json").json()
    assert {"/ipfs/{cid}", "/health"} <= set(spec["paths"])
    assert not [p for p in spec["paths"] if p.startswith("/api/v0")], "the public gateway documents no RPC"
    spec = api.get("/openapi.json").json()
    for path in ("/api/v0/add", "/api/v0/cat", "/api/v0/pin/add", "/api/v0/pin/rm", "/api/v0/dag/import", "/health"):
        assert path in spec["paths"]
    assert not [p for p in spec["paths"] if p.startswith("/ipfs")]
    add_op = spec["paths"]["/api/v0/add"]["post"]
    assert "multipart/form-data" in add_op["requestBody"]["content"]
    assert {p["name"] for p in add_op["parameters"]} >= {"cid-version", "raw-leaves", "pin"}


UNKNOWN = str(CID.of(b"never added to FameEngine", 0x55))
MULTIPART_X = {"Content-Type": "multipart/form-data; boundary=x"}


@pytest.mark.parametrize(
    "method,path,kw,status",
    [
        ("GET", "/ipfs/not-a-cid", {}, 400),
        ("GET", "/ipfs/QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXE0", {}, 400),
        ("GET", "/ipfs/bafybeig", {}, 400),
        ("GET", f"/ipfs/{UNKNOWN}", {}, 404),
        ("GET", f"/ipfs/{UNKNOWN}", {"params": {"format": "car"}}, 404),
        ("GET", f"/ipfs/{UNKNOWN}", {"params": {"format": "raw"}}, 404),
        ("GET", f"/ipfs/{UNKNOWN}", {"params": {"format": "tar"}}, 400),
        ("GET", f"/ipfs/{UNKNOWN}/some/path", {}, 400),
        ("GET", "/api/v0/add", {}, 405),
        ("POST", "/api/v0/add", {"content": b"not multipart"}, 400),
        ("POST", "/api/v0/add", {"content": b"--x\r\nbroken", "headers": MULTIPART_X}, 400),
        ("POST", "/api/v0/add", {"content": b"--x--\r\n", "headers": MULTIPART_X}, 400),
        ("POST", "/api/v0/add", {"params": {"cid-version": "7"}, "files": {"file": ("a", b"a")}}, 422),
        ("POST", "/api/v0/add", {"params": {"raw-leaves": "maybe"}, "files": {"file": ("a", b"a")}}, 400),
        ("POST", "/api/v0/add", {"params": {"chunker": "rabin"}, "files": {"file": ("a", b"a")}}, 400),
        ("POST", "/api/v0/add", {"params": {"hash": "blake3"}, "files": {"file": ("a", b"a")}}, 400),
        ("POST", "/api/v0/cat", {}, 400),
        ("POST", "/api/v0/cat", {"params": {"arg": "nope"}}, 400),
        ("POST", "/api/v0/cat", {"params": {"arg": UNKNOWN}}, 404),
        ("POST", "/api/v0/cat", {"params": {"arg": UNKNOWN, "offset": "-1"}}, 422),
        ("POST", "/api/v0/pin/add", {"params": {"arg": UNKNOWN}}, 404),
        ("POST", "/api/v0/pin/add", {"params": {"arg": UNKNOWN, "recursive": "false"}}, 400),
        ("POST", "/api/v0/pin/rm", {"params": {"arg": "Qm"}}, 400),
        ("POST", "/api/v0/dag/import", {"files": {"file": ("x.car", b"\x05junk")}}, 400),
    ],
)
def test_bad_requests_get_4xx(http, api, method, path, kw, status):
    resp = (api if path.startswith("/api/v0/") else http).request(method, path, **kw)
    assert resp.status_code == status, resp.text
    body = resp.json()
    message = body.get("Message") or body.get("detail")
    assert message, body


def test_browsers_read_but_never_write(http, api, sample):
    data, cid = sample
    resp = http.get(f"/ipfs/{cid}", headers={"Origin": "https://fame.example"})
    assert resp.headers["access-control-allow-origin"] == "*"
    assert "Content-Range" in resp.headers["access-control-expose-headers"]
    assert http.options(f"/ipfs/{cid}").status_code == 204
    assert http.get(f"/ipfs/{UNKNOWN}").headers["access-control-allow-origin"] == "*"
    # a foreign web page cannot drive the write API from a visitor's browser
    resp = api.post("/api/v0/pin/rm", params={"arg": cid}, headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403
    resp = api.post("/api/v0/add", files={"file": ("x", b"x")}, headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403


def test_directory_parts_are_refused(api):
    resp = api.post("/api/v0/add", files={"file": ("dir", b"", "application/x-directory")})
    assert resp.status_code == 400 and "director" in resp.json()["Message"]


def test_oversized_uploads_get_413(api, gateway):
    url, store, _ = gateway
    big = os.urandom(GATEWAY_UPLOAD_LIMIT + 1)
    resp = api.post("/api/v0/add", files={"file": ("big", big)})  # Content-Length says it all
    assert resp.status_code == 413 and "limit" in resp.json()["Message"]

    def chunked():  # no Content-Length: refused while streaming
        boundary = b"fameboundary"
        yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n\r\n'
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]
        yield b"\r\n--" + boundary + b"--\r\n"

    resp = api.post(
        "/api/v0/add", content=chunked(), headers={"Content-Type": "multipart/form-data; boundary=fameboundary"}
    )
    assert resp.status_code == 413
    # the refused upload was not pinned; the RPC API is still fine
    assert api.get("/health").status_code == 200


def test_multiple_files_in_one_request(api):
    a, b = os.urandom(1000), os.urandom(CHUNK_SIZE + 1)
    resp = api.post("/api/v0/add", files=[("file", ("a", a)), ("file", ("b", b))])
    entries = [json.loads(line) for line in resp.text.splitlines()]
    assert [e["Name"] for e in entries] == ["a", "b"]
    assert [e["Hash"] for e in entries] == [ref_cids(a)["CIDv0"], ref_cids(b)["CIDv0"]]


@given(st.text(min_size=1, max_size=80).filter(lambda s: s not in (".", "..")))
def test_arbitrary_paths_never_5xx(http, api, text):
    resp = http.get("/ipfs/" + quote(text, safe=""))
    assert resp.status_code < 500
    resp = api.post("/api/v0/cat", params={"arg": text})
    assert resp.status_code < 500
