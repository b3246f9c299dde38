"""Helpers for the IPFS tests: the reference CID tools, a real gateway process (its public
gateway and its RPC API), a threaded server for in-test apps.

References: `/usr/bin/ipfs_cid` (Debian's ipfs-cid, an independent Rust implementation of
Kubo's default import, printing the CIDv0 and that root's CIDv1) and the `aleph_cid`
Python package (another independent implementation, which also covers Kubo's
`--cid-version=1` raw-leaves import). Compatibility is never checked only against
values written down here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from fame.config import PROJECT_ROOT
from fame.procs import Supervisor, free_port, wait_until

IPFS_CID = shutil.which("ipfs_cid") or "/usr/bin/ipfs_cid"
GATEWAY_UPLOAD_LIMIT = 4 * 1024 * 1024
GATEWAY_API_TOKEN = None


def _require_ipfs_cid() -> str:
    if not os.access(IPFS_CID, os.X_OK):
        pytest.fail("ipfs_cid is missing: `apt-get install -y ipfs-cid` (make test installs it)")
    return IPFS_CID


def ref_cids(data: bytes) -> dict[str, str]:
    """{"CIDv0", "CIDv1"} from Debian's ipfs_cid for these bytes (fed through stdin)."""
    exe = _require_ipfs_cid()
    out = subprocess.run([exe, "/dev/stdin"], input=data, capture_output=True, check=True, timeout=120)
    return json.loads(out.stdout)


def ref_cids_file(path: Path) -> dict[str, str]:
    exe = _require_ipfs_cid()
    out = subprocess.run([exe, str(path)], capture_output=True, check=True, timeout=120)
    return json.loads(out.stdout)


def aleph(data: bytes, raw_leaves_v1: bool) -> str:
    """The CID from the aleph_cid package: Kubo's CIDv0 default, or CIDv1 with raw leaves."""
    try:
        import aleph_cid
    except ImportError:
        pytest.fail("the aleph-cid package is missing: pip install aleph-cid==0.1.0 (it is in pyproject.toml)")
    hasher = aleph_cid.CidHasher.for_ipfs_v1_raw_leaves() if raw_leaves_v1 else aleph_cid.CidHasher.for_ipfs()
    view = memoryview(data)
    for i in range(0, len(data), 1 << 20):
        hasher.update(bytes(view[i : i + (1 << 20)]))
    return hasher.finalize()


def start_gateway(sup: Supervisor, store_dir: Path, log: Path, **env: str) -> tuple[str, str]:
    """`python -m fame.ipfs gateway` on free loopback ports; (gateway URL, RPC API URL) once both answer."""
    port, rpc_port = free_port(), free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
    child_env.update(
        {
            "FAME_IPFS_MAX_UPLOAD_BYTES": str(GATEWAY_UPLOAD_LIMIT),
            "FAME_IPFS_FSYNC": "false",
            "PYTHONPATH": str(PROJECT_ROOT),
        }
    )
    child_env.update(env)
    proc = sup.start(
        "ipfs-gateway",
        [
            sys.executable,
            "-m",
            "fame.ipfs",
            "gateway",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--rpc-host",
            "127.0.0.1",
            "--rpc-port",
            str(rpc_port),
            "--dir",
            str(store_dir),
        ],
        log=log,
        env=child_env,
        cwd=PROJECT_ROOT,
    )
    url, rpc = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{rpc_port}"
    both = (url + "/health", rpc + "/health")
    wait_until(lambda: all(httpx.get(u, timeout=1).status_code == 200 for u in both), 30, "IPFS gateway", proc, log)
    return url, rpc


class ThreadServer:
    """A uvicorn server for an in-test ASGI app, on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        wait_until(lambda: self.server.started, 15, "in-test HTTP server")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
