"""The local chain: finding and starting anvil on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from web3 import Web3

from fame.config import DEV_MNEMONIC, LOCAL_CHAIN_ID, PROJECT_ROOT
from fame.errors import FameError
from fame.procs import Supervisor, port_in_use, wait_until


def anvil_binary() -> str:
    """Path of the anvil binary installed by `npm ci` (or one on PATH)."""
    local = PROJECT_ROOT / "node_modules" / ".bin" / "anvil"
    if local.exists():
        return str(local)
    found = shutil.which("anvil")
    if found:
        return found
    raise FameError("anvil is not installed: run `make up` (it runs `npm ci`), or put anvil on PATH")


def start_anvil(
    sup: Supervisor,
    host: str,
    port: int,
    *,
    hardfork: str = "prague",
    block_time: int = 0,
    accounts: int = 10,
    extra_args: Sequence[str] = (),
    log: Path | None = None,
    state: Path | None = None,
    timeout: float = 30.0,
) -> str:
    """Start anvil on host:port under `sup`; returns its RPC URL once it answers."""
    if port_in_use(host, port):
        raise FameError(
            f"port {port} on {host} is already in use: stop what runs there, or pick another port "
            f"with FAME_ANVIL_PORT=<port> (or point FAME_RPC_URL at that node to use it)"
        )
    argv = [
        anvil_binary(),
        "--host",
        host,
        "--port",
        str(port),
        "--chain-id",
        str(LOCAL_CHAIN_ID),
        "--hardfork",
        hardfork,
        "--mnemonic",
        DEV_MNEMONIC,
        "--accounts",
        str(accounts),
        *extra_args,
    ]
    if block_time:
        argv += ["--block-time", str(block_time)]
    if state is not None:
        argv += ["--state", str(state)]
    proc = sup.start("anvil", argv, log=log)
    url = f"http://{host}:{port}"
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 2}))
    wait_until(lambda: w3.eth.chain_id == LOCAL_CHAIN_ID, timeout, "anvil", proc=proc, log=log)
    return url
