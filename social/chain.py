"""What the social service reads from the chain: the PersonaRegistry's personas and share
balances (the holder badge), through the deployment manifest and fame.chain.

The service must work while the node is down, before the contracts are deployed and with no
chain at all, so nothing here raises into a request: the reader connects lazily, a failed
read marks the chain down for a few seconds (one slow timeout, not one per comment), and a
holder whose balance cannot be read is shown without the badge.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from fame.chain import Chain
from fame.errors import FameError

from .store.personas import ChainPersona

log = logging.getLogger("social.chain")

REGISTRY = "PersonaRegistry"
SHARE = "PersonaShare"  # the manifest records the share token's ABI under the blueprint's name
ZERO_ADDRESS = "0x" + "00" * 20
ACTIVE = 1


class ChainUnavailable(Exception):
    """The node or the deployment cannot be read right now."""


class ChainReader:
    """A lazily connected, fail-fast view of the deployment on `rpc_url`."""

    def __init__(self, rpc_url: str, deployments_dir: Path | None = None, timeout: float = 3.0, down_for: float = 10.0):
        self.rpc_url = rpc_url
        self.deployments_dir = deployments_dir
        self.timeout = timeout
        self.down_for = down_for
        self._chain: Chain | None = None
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _connect(self) -> Chain:
        with self._lock:
            if self._chain is not None:
                return self._chain
            if time.monotonic() < self._down_until:
                raise ChainUnavailable(f"the node at {self.rpc_url} did not answer a moment ago")
            w3 = Web3(
                Web3.HTTPProvider(
                    self.rpc_url, request_kwargs={"timeout": self.timeout}, exception_retry_configuration=None
                )
            )
            try:
                chain = Chain(w3, self.deployments_dir)
                chain.contract(REGISTRY)  # reads the chain id and the manifest
            except FameError as err:
                self._down_until = time.monotonic() + self.down_for
                raise ChainUnavailable(str(err)) from None
            except Exception as err:  # noqa: BLE001 - connection errors of every kind
                self._down_until = time.monotonic() + self.down_for
                raise ChainUnavailable(f"cannot read the node at {self.rpc_url} ({type(err).__name__})") from None
            self._chain = chain
            return chain

    def _failed(self, err: Exception) -> ChainUnavailable:
        with self._lock:
            self._down_until = time.monotonic() + self.down_for
            self._chain = None  # a redeploy writes a new manifest: read it again next time
        return ChainUnavailable(f"reading the chain failed ({type(err).__name__}: {str(err)[:120]})")

    @property
    def chain_id(self) -> int | None:
        """The connected chain's id, or None while it cannot be reached."""
        try:
            return self._connect().chain_id
        except ChainUnavailable:
            return None

    def personas(self) -> list[ChainPersona]:
        """Every persona in the registry (ids 1..persona_count)."""
        chain = self._connect()
        try:
            registry = chain.contract(REGISTRY)
            count = int(registry.functions.persona_count().call())
            out = []
            for pid in range(1, count + 1):
                name, spec_cid, share_token, _treasury, _creator, status, _created = registry.functions.persona(
                    pid
                ).call()
                token = None if share_token == ZERO_ADDRESS else Web3.to_checksum_address(share_token)
                out.append(ChainPersona(pid, str(name), str(spec_cid), token, int(status) == ACTIVE))
            return out
        except Exception as err:  # noqa: BLE001
            raise self._failed(err) from None

    def balance_of(self, token: str, holder: str) -> int:
        chain = self._connect()
        try:
            share = chain.w3.eth.contract(
                address=Web3.to_checksum_address(token), abi=chain.manifest.contract(SHARE).abi
            )
            return int(share.functions.balanceOf(Web3.to_checksum_address(holder)).call())
        except Exception as err:  # noqa: BLE001
            raise self._failed(err) from None


@dataclass
class _Entry:
    holder: bool
    until: float


class Holders:
    """`is_holder(token, address)`: balanceOf > 0, remembered for `ttl` seconds.

    Without a reader (no chain) or a share token, nobody is a holder. A failed read counts
    as "not a holder" and is remembered only briefly, so the badge comes back with the node.
    """

    def __init__(
        self,
        reader: ChainReader | None,
        ttl: float = 60.0,
        failure_ttl: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.reader = reader
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def is_holder(self, token: str | None, address: str) -> bool:
        if self.reader is None or token is None or not address.startswith("0x"):
            return False
        key = (token.lower(), address.lower())
        now = self.clock()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit.until > now:
                return hit.holder
        try:
            holder, ttl = self.reader.balance_of(token, address) > 0, self.ttl
        except ChainUnavailable:
            holder, ttl = False, self.failure_ttl
        with self._lock:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = _Entry(holder, now + ttl)
        return holder
