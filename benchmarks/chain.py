"""The benchmark chain: a private anvil on a free loopback port, stopped by its PID.

Every run starts its own node (Prague rules, the project's dev mnemonic, blocks mined one per
transaction with a fixed 12-second step between block timestamps), so figures never depend on
what else runs on the machine.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from fame.errors import FameError
from fame.procs import Supervisor, free_port
from stack.anvil import anvil_binary, start_anvil

HARDFORK = "prague"
BLOCK_INTERVAL_S = 12


class ChainError(RuntimeError):
    pass


def _rpc(url: str, method: str, params: list | None = None, timeout: float = 2.0):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        reply = json.loads(resp.read())
    if "error" in reply:
        raise ChainError(f"{method}: {reply['error']}")
    return reply["result"]


@dataclass
class Anvil:
    """One anvil process. Use as a context manager: it is stopped on exit, error or not."""

    accounts: int = 10
    balance_eth: int = 10_000
    host: str = "127.0.0.1"
    startup_timeout_s: float = 30.0
    port: int = 0
    _sup: Supervisor | None = field(default=None, repr=False)
    version: str = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._sup.children[0].proc.pid if self._sup and self._sup.children else None

    def start(self) -> Anvil:
        try:
            binary = anvil_binary()
        except FameError as exc:
            raise ChainError(str(exc)) from None
        self.version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
        last_error = ""
        for _ in range(3):  # a port found free can be taken before anvil binds it: retry on another
            self.port = free_port(self.host)
            self._sup = Supervisor()
            try:
                start_anvil(
                    self._sup,
                    self.host,
                    self.port,
                    hardfork=HARDFORK,
                    accounts=self.accounts,
                    extra_args=["--balance", str(self.balance_eth), "--silent"],
                    timeout=self.startup_timeout_s,
                )
            except FameError as exc:
                last_error = str(exc)
                self.stop()
                continue
            self.rpc("anvil_setBlockTimestampInterval", [BLOCK_INTERVAL_S])
            return self
        raise ChainError(f"anvil did not start: {last_error}")

    def rpc(self, method: str, params: list | None = None):
        return _rpc(self.url, method, params)

    def stop(self) -> None:
        """Stop this anvil (its whole process group), politely first."""
        sup, self._sup = self._sup, None
        if sup is not None:
            sup.stop()

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
