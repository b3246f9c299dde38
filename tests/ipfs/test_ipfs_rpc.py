"""The write side of the embedded store is the operator's: the RPC API (/api/v0: add, cat, pin,
unpin, import) listens on a loopback port of its own, beside the public gateway in the same
process, and the public port serves none of it. Exposed beyond loopback, the RPC listener
needs a token or does not start; uploads stop at the configured limit (413) as the body
streams in, without waiting for the rest of it. Real processes on loopback ports."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time

import pytest
from ipfs_helpers import GATEWAY_UPLOAD_LIMIT

from fame.config import PROJECT_ROOT, Settings
from fame.errors import FameError
from fame.ipfs.gateway import DRAIN_LIMIT, check_rpc_exposure, is_loopback
from fame.procs import free_port, port_in_use

RPC_CALLS = ("add", "cat", "pin/add", "pin/rm", "pin/ls", "dag/import", "version")


def test_the_public_port_serves_no_rpc(http, api, gateway):
    """Each RPC call on the public port is a 404 that says where the RPC API is, whatever the
    method; the same content, pinned through the RPC port, stays pinned and readable."""
    _, store, _ = gateway
    cid = api.post("/api/v0/add", files={"file": ("spec.json", b'{"name": "Nova"}')}).json()["Hash"]
    for call in RPC_CALLS:
        for method in ("POST", "GET"):
            kw = {"files": {"file": ("x", b"x")}} if method == "POST" and call in ("add", "dag/import") else {}
            resp = http.request(method, f"/api/v0/{call}", params={"arg": cid}, **kw)
            assert resp.status_code == 404, (method, call, resp.text)
            assert "FAME_IPFS_RPC_PORT" in resp.json()["Message"]
    assert http.post("/api/v0/pin/rm", params={"arg": f"/ipfs/{cid}"}).status_code == 404
    assert store.is_pinned(cid), "a pin/rm on the public port must unpin nothing"
    assert http.get(f"/ipfs/{cid}").content == b'{"name": "Nova"}'
    # ... and the RPC port serves the whole subset (and no content by path: that is the gateway's)
    assert api.post("/api/v0/cat", params={"arg": cid}).content == b'{"name": "Nova"}'
    assert cid in api.post("/api/v0/pin/ls").json()["Keys"]
    assert api.post("/api/v0/version").json()["Version"]
    assert api.get(f"/ipfs/{cid}").status_code == 404


def test_a_token_when_set_is_required_for_every_call(tmp_path):
    import httpx
    from ipfs_helpers import start_gateway

    from fame.procs import Supervisor

    with Supervisor() as sup:
        url, rpc = start_gateway(sup, tmp_path / "store", tmp_path / "gw.log", FAME_IPFS_API_TOKEN="s3cret")
        for call in RPC_CALLS:
            for auth in (None, "Bearer wrong", "Basic s3cret", "s3cret"):
                headers = {"Authorization": auth} if auth else {}
                resp = httpx.post(f"{rpc}/api/v0/{call}", params={"arg": "x"}, headers=headers)
                assert resp.status_code == 401, (call, auth, resp.text)
                assert "FAME_IPFS_API_TOKEN" in resp.json()["Message"]
        good = {"Authorization": "Bearer s3cret"}
        cid = httpx.post(f"{rpc}/api/v0/add", files={"file": ("a", b"a")}, headers=good).json()["Hash"]
        assert httpx.post(f"{rpc}/api/v0/pin/rm", params={"arg": cid}, headers=good).status_code == 200
        # a browser never drives it, token or not
        evil = {**good, "Origin": f"http://127.0.0.1:{rpc.rsplit(':', 1)[1]}"}
        assert httpx.post(f"{rpc}/api/v0/pin/add", params={"arg": cid}, headers=evil).status_code == 403


@pytest.mark.parametrize(
    "host,loopback",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("fame.example", False),
    ],
)
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback
    if loopback:
        check_rpc_exposure(host, None)
    else:
        with pytest.raises(FameError, match="FAME_IPFS_API_TOKEN"):
            check_rpc_exposure(host, None)
    check_rpc_exposure(host, "a-token")  # with a token, anywhere


def test_an_exposed_rpc_api_without_a_token_does_not_start(tmp_path):
    port, rpc_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
    env.update(FAME_STATE_DIR=str(tmp_path), PYTHONPATH=str(PROJECT_ROOT))
    argv = [sys.executable, "-m", "fame.ipfs", "gateway", "--port", str(port), "--rpc-port", str(rpc_port)]
    proc = subprocess.run(
        [*argv, "--rpc-host", "0.0.0.0", "--no-did-resolver"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode != 0
    assert "FAME_IPFS_API_TOKEN" in proc.stderr and "0.0.0.0" in proc.stderr, proc.stderr
    assert not port_in_use("127.0.0.1", port) and not port_in_use("127.0.0.1", rpc_port)
    # the same from the environment
    env.update(FAME_IPFS_RPC_HOST="0.0.0.0")
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode != 0 and "FAME_IPFS_API_TOKEN" in proc.stderr, proc.stderr


def test_settings_of_the_rpc_api(monkeypatch):
    s = Settings()
    assert (s.ipfs_rpc_host, s.ipfs_rpc_port) == ("127.0.0.1", 5001)
    assert s.ipfs_max_upload_bytes == 64 * 1024 * 1024
    assert s.ipfs_rpc_url == "http://127.0.0.1:5001"
    assert Settings(ipfs_rpc_host="0.0.0.0", ipfs_rpc_port=6001).ipfs_rpc_url == "http://127.0.0.1:6001"
    assert Settings(ipfs_rpc_host="::", ipfs_rpc_port=6001).ipfs_rpc_url == "http://[::1]:6001"
    monkeypatch.setenv("FAME_IPFS_RPC_PORT", "6002")
    assert Settings().ipfs_rpc_url == "http://127.0.0.1:6002"


def _rpc_socket(gateway) -> socket.socket:
    port = int(gateway[2].rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(20)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """The whole response: its head, then Content-Length bytes of body."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return data
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        body += piece
    return head + b"\r\n\r\n" + body


@pytest.mark.parametrize("call", ["add", "dag/import"])
def test_a_declared_size_past_the_limit_is_refused_before_the_body(gateway, call):
    """A Content-Length of 1 GiB: the 413 comes back while the body has not even been sent."""
    sock = _rpc_socket(gateway)
    try:
        sock.sendall(
            f"POST /api/v0/{call} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {1 << 30}\r\n\r\n--b\r\n".encode()
        )
        started = time.monotonic()
        head = _answer(sock)
    finally:
        sock.close()
    assert head.startswith(b"HTTP/1.1 413"), head[:300]
    assert b"FAME_IPFS_MAX_UPLOAD_BYTES" in head and str(GATEWAY_UPLOAD_LIMIT).encode() in head
    assert time.monotonic() - started < 10


def test_a_streamed_body_past_the_limit_is_refused_while_it_streams(gateway, api):
    """No length announced (chunked): the server stops importing at the limit and answers 413
    after at most DRAIN_LIMIT more bytes, though the client would send 1 GiB; nothing is kept."""
    _, store, _ = gateway
    pins_before = {p.cid for p in store.pins()}
    sock = _rpc_socket(gateway)
    sent, limit = 0, 1 << 30
    try:
        sock.sendall(
            b"POST /api/v0/add HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n'
        sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        piece = os.urandom(1 << 16)
        chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
        while sent < limit:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there
            try:
                sock.sendall(chunk)
            except OSError:
                break
            sent += len(piece)
        head = _answer(sock)
    finally:
        sock.close()
    assert head.startswith(b"HTTP/1.1 413"), head[:300]
    # the limit, what the server drains to answer cleanly, and what sits in the sockets' buffers
    assert sent < GATEWAY_UPLOAD_LIMIT + DRAIN_LIMIT + 32 * 1024 * 1024, sent
    assert {p.cid for p in store.pins()} == pins_before
    assert api.get("/health").status_code == 200
