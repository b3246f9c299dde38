"""A real local oracle network for the process tests: its own anvil, the contracts deployed
with web3 from ape's compiled artifacts, a deployment manifest in a temporary folder,
and operator processes started with oracle.launch.start_operators."""

from __future__ import annotations

import time
from pathlib import Path

from web3 import Web3

from fame.chain import Chain, dev_account
from fame.manifest import DeployedContract, Manifest, write_manifest
from oracle.keys import dev_committee
from oracle.launch import fund_dev_transmitters

TOKEN = 10**18


def contract_type(name: str) -> tuple[list, str]:
    """(abi, deployment bytecode) of a project contract, compiled by ape (the test run's project)."""
    from ape import project

    ct = getattr(project, name).contract_type
    abi = [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in ct.abi]
    return abi, ct.deployment_bytecode.bytecode


class Deployer:
    def __init__(self, w3: Web3, deployments_dir: Path) -> None:
        self.w3 = w3
        self.chain = Chain(w3, deployments_dir)
        self.account = dev_account(0)
        self.deployed: dict[str, DeployedContract] = {}

    def deploy(self, name: str, *args):
        abi, bytecode = contract_type(name)
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = self.chain.transact(self.account, factory.constructor(*args))
        address = receipt["contractAddress"]
        self.deployed[name] = DeployedContract(
            name, address, name, abi, receipt["blockNumber"], receipt["transactionHash"].hex()
        )
        return self.w3.eth.contract(address=address, abi=abi)

    def send(self, call) -> dict:
        return self.chain.transact(self.account, call)


def deploy_oracle_stack(
    w3: Web3, deployments_dir: Path, *, n: int = 4, f: int = 1, personas: int = 4, heartbeat: int = 3600
) -> dict:
    """FMC, PersonaRegistry (personas 1..`personas` active), Reputation, PersonaStaking and
    EngagementOracle with the dev committee; sinks point at the oracle. Writes the manifest."""
    d = Deployer(w3, deployments_dir)
    owner = d.account.address
    fmc = d.deploy("FMC", 10**9 * TOKEN, owner, 10**8 * TOKEN)
    registry = d.deploy("PersonaRegistry", owner)
    d.send(registry.functions.set_registrar(owner))
    for i in range(1, personas + 1):
        d.send(
            registry.functions.register(
                f"persona-{i}", f"cid-{i}", Web3.to_checksum_address(f"0x{0xF00 + i:040x}"), owner
            )
        )
    reputation = d.deploy("Reputation", owner, fmc.address, registry.address)
    staking = d.deploy("PersonaStaking", owner, fmc.address, registry.address)
    signers, transmitters = dev_committee(n)
    oracle = d.deploy(
        "EngagementOracle",
        owner,
        registry.address,
        reputation.address,
        staking.address,
        heartbeat,
        signers,
        transmitters,
        f,
    )
    d.send(reputation.functions.set_oracle(oracle.address))
    d.send(staking.functions.set_updater(oracle.address))
    fund_dev_transmitters(w3, n)
    write_manifest(
        Manifest(
            chain_id=w3.eth.chain_id,
            network="ethereum:local:foundry",
            deployer=owner,
            deploy_block=1,
            contracts=d.deployed,
        ),
        deployments_dir,
    )
    return {
        "oracle": oracle,
        "registry": registry,
        "reputation": reputation,
        "staking": staking,
        "fmc": fmc,
        "deployer": d,
    }


def accepted_reports(oracle, from_block: int = 0) -> list[dict]:
    """Every ReportAccepted event: epoch, transmitter, bitmap, observations, block, tx."""
    logs = oracle.events.ReportAccepted().get_logs(from_block=from_block)
    return [
        {
            "epoch": e.args.epoch,
            "transmitter": e.args.transmitter,
            "bitmap": e.args.signers_bitmap,
            "observations": list(e.args.observations),
            "block": e.blockNumber,
            "tx": e.transactionHash.hex(),
        }
        for e in logs
    ]


def wait_for(check, timeout: float, what: str, interval: float = 0.25):
    """Poll `check` until it returns something truthy; AssertionError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:  # noqa: BLE001
            last = exc
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


class TcpProxy:
    """A loopback TCP relay in front of the chain node that a test can cut and restore
    (an unreachable RPC without stopping anvil)."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        import socket
        import threading

        self._socket_mod = socket
        self.target = (target_host, target_port)
        self.up = True
        self._conns: list = []
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        import threading

        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = self._socket_mod.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src, dst) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def pause(self) -> None:
        """Refuse new connections and cut the open ones."""
        self.up = False
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.shutdown(self._socket_mod.SHUT_RDWR)
                c.close()
            except OSError:
                pass

    def resume(self) -> None:
        self.up = True

    def close(self) -> None:
        self._closed = True
        self.pause()
        self._server.close()


class OracleNetwork:
    """anvil + a cuttable RPC proxy + the contracts + n operator processes (dev keys)."""

    def __init__(
        self,
        folder: Path,
        *,
        n: int = 4,
        f: int = 1,
        personas: int = 4,
        round_seconds: int = 3,
        heartbeat: int = 4,
        faults: dict | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        import os

        from fame.procs import Supervisor, free_port
        from oracle.chainview import make_web3
        from oracle.launch import start_operators
        from stack.anvil import start_anvil

        self._os = os
        self.folder = folder
        self.n, self.f, self.round_seconds = n, f, round_seconds
        self.sup = Supervisor()
        self.procs: dict[int, object] = {}
        try:
            port = free_port()
            self.anvil_url = start_anvil(self.sup, "127.0.0.1", port, log=folder / "anvil.log")
            self.w3 = make_web3(self.anvil_url)
            self.proxy = TcpProxy(port)
            self.stack = deploy_oracle_stack(
                self.w3, folder / "deployments", n=n, f=f, personas=personas, heartbeat=heartbeat
            )
            self.oracle = self.stack["oracle"]
            self.genesis = int(time.time()) // round_seconds * round_seconds
            self.base_port = free_port()
            self.env = {
                "FAME_ORACLE_ADAPTER": "simulator",  # the deterministic simulated platform, not the default
                "FAME_ORACLE_ROUND_SECONDS": str(round_seconds),
                "FAME_ORACLE_GENESIS": str(self.genesis),
                "FAME_ORACLE_OUTAGE_RATE": "0",
                "FAME_ORACLE_REQUEST_TIMEOUT": "1",
                "FAME_ORACLE_SEED": "7",
                **(env or {}),
            }
            self._start = start_operators
            self.start(range(n), faults or {})
        except BaseException:
            self.close()
            raise

    def start(self, indices, faults: dict | None = None) -> None:
        before = len(self.sup.children)
        self._start(
            self.sup,
            self.n,
            rpc_url=self.proxy.url,
            state_dir=self.folder / "state",
            deployments_dir=self.folder / "deployments",
            base_port=self.base_port,
            env=self.env,
            faults=faults or {},
            only=list(indices),
        )
        for i, child in zip(indices, self.sup.children[before:], strict=False):
            self.procs[i] = child.proc

    def kill(self, i: int, sig=None) -> None:
        import signal

        proc = self.procs[i]
        try:
            self._os.killpg(proc.pid, sig or signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.base_port + i}"

    def epoch_now(self) -> int:
        return (int(time.time()) - self.genesis) // self.round_seconds

    def epoch_start(self, epoch: int) -> int:
        return self.genesis + epoch * self.round_seconds

    def reports(self) -> list[dict]:
        return accepted_reports(self.oracle)

    def wait_reports(self, count: int, after_epoch: int, timeout: float) -> list[dict]:
        return wait_for(
            lambda: (
                [r for r in self.reports() if r["epoch"] > after_epoch]
                if len([r for r in self.reports() if r["epoch"] > after_epoch]) >= count
                else None
            ),
            timeout,
            f"{count} reports after epoch {after_epoch}",
        )

    def latest_epoch(self) -> int:
        return self.oracle.functions.latest_epoch().call()

    def store(self, i: int):
        from oracle.store import Store

        return Store(self.folder / "state" / "oracle" / f"operator-{i}" / "node.sqlite3")

    def close(self) -> None:
        try:
            self.sup.stop()
        finally:
            if hasattr(self, "proxy"):
                self.proxy.close()
