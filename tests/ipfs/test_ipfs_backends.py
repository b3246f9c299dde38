"""The Backend interface over real HTTP: the Kubo RPC client against FameEngine's RPC listener
(which speaks that RPC subset, beside the gateway), and the Pinning Service client against an in-test service
implementing the spec. Nothing of our own code is mocked."""

from __future__ import annotations

import os
import time

import pytest
from ipfs_helpers import GATEWAY_UPLOAD_LIMIT, ThreadServer, aleph, ref_cids, start_gateway
from ipfs_pinning_service import create_pinning_app

from fame.ipfs.backends import (
    Backend,
    EmbeddedBackend,
    KuboBackend,
    PinningServiceBackend,
    PinningServiceClient,
    get_backend,
)
from fame.ipfs.cid import CID
from fame.ipfs.errors import BlockNotFound, CIDError, IpfsError, RemoteError, UploadTooLarge
from fame.ipfs.settings import IpfsSettings
from fame.ipfs.store import BlockStore
from fame.ipfs.unixfs import CHUNK_SIZE
from fame.procs import Supervisor, free_port

TOKEN = "fame-test-token"


@pytest.fixture(params=["embedded", "kubo-rpc"])
def backend(request, gateway, tmp_path) -> Backend:
    if request.param == "embedded":
        b = EmbeddedBackend(BlockStore(tmp_path / "store", fsync=False))
    else:
        b = KuboBackend(gateway[2], timeout=30)
    yield b
    b.close()


def test_contract(backend):
    assert isinstance(backend, Backend)
    data = os.urandom(2 * CHUNK_SIZE + 11)
    cid = backend.add(data, name="reel.mp4")
    assert str(cid) == ref_cids(data)["CIDv0"]
    assert backend.read(cid) == data
    assert b"".join(backend.cat(cid, CHUNK_SIZE - 1, 3)) == data[CHUNK_SIZE - 1 : CHUNK_SIZE + 2]
    v1 = backend.add(data, cid_version=1)
    assert str(v1) == aleph(data, raw_leaves_v1=True)
    backend.unpin(cid)
    with pytest.raises(BlockNotFound):
        backend.unpin(cid)
    backend.pin(cid, name="again")
    unknown = CID.of(b"nobody added this", 0x55)
    with pytest.raises(BlockNotFound):
        backend.read(unknown)
    with pytest.raises(BlockNotFound):
        backend.pin(unknown)


def test_streamed_add_of_a_generator(backend):
    """A generator is sent as a chunked upload and never gathered in memory by the client."""
    pieces = [os.urandom(100_000) for _ in range(8)]
    cid = backend.add(iter(pieces))
    assert backend.read(cid) == b"".join(pieces)


def test_kubo_client_errors(gateway):
    with KuboBackend(gateway[2]) as kubo:
        with pytest.raises(CIDError):
            kubo.read("not-a-cid")  # refused before any request
        with pytest.raises(UploadTooLarge):
            kubo.add(os.urandom(GATEWAY_UPLOAD_LIMIT + 10))
        assert kubo.version()
        assert isinstance(kubo.pins(), dict)
    with KuboBackend(f"http://127.0.0.1:{free_port()}", timeout=2) as nobody:
        with pytest.raises(RemoteError, match="cannot reach"):
            nobody.add(b"x")
        with pytest.raises(RemoteError):
            nobody.read(CID.of(b"x", 0x55))


def test_api_token(tmp_path):
    with Supervisor() as sup:
        _, url = start_gateway(sup, tmp_path / "store", tmp_path / "gw.log", FAME_IPFS_API_TOKEN="s3cret")
        with KuboBackend(url) as anonymous:
            with pytest.raises(RemoteError, match="401"):
                anonymous.add(b"x")
        with KuboBackend(url, auth="Bearer s3cret") as authorized:
            cid = authorized.add(b"persona spec")
            assert authorized.read(cid) == b"persona spec"


@pytest.fixture
def pinning_service():
    app = create_pinning_app(TOKEN)
    with ThreadServer(app) as server:
        yield server.url, app.state.pins


def _wait_status(client: PinningServiceClient, cid, want: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = client.status(cid)
        if status == want:
            return status
        time.sleep(0.05)
    raise AssertionError(f"pin status stayed {status}, wanted {want}")


def test_pinning_service_backend(pinning_service, gateway, tmp_path):
    url, pins = pinning_service
    port = gateway[0].rsplit(":", 1)[1]
    # Content in the embedded store behind the gateway; the service fetches it from there.
    content = EmbeddedBackend(gateway[1])
    backend = PinningServiceBackend(
        PinningServiceClient(url, TOKEN), content, origins=[f"/ip4/127.0.0.1/tcp/{port}/http"]
    )
    data = os.urandom(CHUNK_SIZE + 77)
    cid = backend.add(data, name="disclosure.json")
    assert backend.read(cid) == data
    assert _wait_status(backend.service, cid, "pinned") == "pinned"
    listed = backend.service.list_pins(cid=[str(cid)])
    assert listed["count"] == 1 and listed["results"][0]["pin"]["name"] == "disclosure.json"
    assert backend.service.list_pins(name="disclosure", match="partial")["count"] == 1
    rid = listed["results"][0]["requestid"]
    assert backend.service.get_pin(rid)["pin"]["cid"] == str(cid)
    # a CID nobody serves: the service cannot fetch it and says so
    missing = CID.of(b"content nobody has", 0x55)
    backend.pin(missing)
    assert _wait_status(backend.service, missing, "failed") == "failed"
    assert backend.service.list_pins(cid=[str(missing)])["count"] == 0  # default filter: pinned only
    # replace then delete
    replaced = backend.service.replace_pin(rid, cid, name="renamed")
    assert replaced["requestid"] != rid
    backend.unpin(cid)
    assert backend.service.status(cid) is None and not gateway[1].is_pinned(cid)
    with pytest.raises(BlockNotFound):
        backend.unpin(cid)
    with pytest.raises(BlockNotFound):
        backend.service.get_pin(rid)


def test_pinning_service_auth_and_errors(pinning_service):
    url, _ = pinning_service
    with pytest.raises(RemoteError, match="401"):
        PinningServiceClient(url, "wrong").list_pins()
    with pytest.raises(IpfsError):
        PinningServiceClient(url, "")
    with pytest.raises(RemoteError, match="cannot reach"):
        PinningServiceClient(f"http://127.0.0.1:{free_port()}", TOKEN, timeout=2).list_pins()
    with pytest.raises(RemoteError, match="400"):
        PinningServiceClient(url, TOKEN).list_pins(status=("bogus",))


def test_get_backend_from_settings(tmp_path, gateway, pinning_service):
    s = IpfsSettings(ipfs_dir=tmp_path / "s", ipfs_fsync=False)
    with get_backend(s) as b:
        assert isinstance(b, EmbeddedBackend) and b.store.path == tmp_path / "s"
    with get_backend(s.model_copy(update={"ipfs_backend": "kubo", "kubo_api_url": gateway[2]})) as b:
        assert isinstance(b, KuboBackend) and b.read(b.add(b"via settings")) == b"via settings"
    from pydantic import SecretStr

    ps = s.model_copy(
        update={
            "ipfs_backend": "pinning",
            "pinning_service_url": pinning_service[0],
            "pinning_service_token": SecretStr(TOKEN),
        }
    )
    with get_backend(ps) as b:
        assert isinstance(b, PinningServiceBackend)
        b.service.list_pins()
    with pytest.raises(IpfsError, match="PINNING_SERVICE_URL"):
        get_backend(s.model_copy(update={"ipfs_backend": "pinning"}))


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FAME_IPFS_BACKEND", "kubo")
    monkeypatch.setenv("FAME_KUBO_API_URL", "http://127.0.0.1:5999")
    monkeypatch.setenv("FAME_GATEWAY_PORT", "9999")
    s = IpfsSettings()
    assert (s.ipfs_backend, s.kubo_api_url, s.gateway_port) == ("kubo", "http://127.0.0.1:5999", 9999)
    monkeypatch.setenv("FAME_IPFS_BACKEND", "ftp")
    with pytest.raises(ValueError):
        IpfsSettings()
