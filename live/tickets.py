"""What the live server reads on chain: PersonaEvents' events and tickets (through the
deployment manifest and fame.chain), the voucher signer, and the chain's clock.

The server keeps no ticket state of its own. Reads are cached briefly: an event for
EVENT_CACHE_S (its times never change, whether it was cancelled can), a ticket for
TICKET_CACHE_S once seen and NO_TICKET_CACHE_S while missing (a fan who just bought one
gets in at the next try). A node that does not answer makes every read fail fast with
`ChainUnavailable` for DOWN_S, not wait once per fan.

The room's clock is the chain's: a local chain runs ahead of the wall after time travel, and
event times are block timestamps. It is read from the pending block where the node gives one
(else the latest), at most every CLOCK_S, and carried forward by the wall clock; it never runs
behind the wall (a latest block that is minutes old is not "now").

Every method blocks on the node: the server calls them in a worker thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from fame.errors import FameError

CONTRACT = "PersonaEvents"
EVENT_CACHE_S = 5.0
TICKET_CACHE_S = 30.0
NO_TICKET_CACHE_S = 2.0
SIGNER_CACHE_S = 30.0
CLOCK_S = 5.0
DOWN_S = 3.0
UINT256_MAX = 2**256 - 1


class ChainUnavailable(Exception):
    """The node or the deployment cannot be read right now; `str()` says why."""


@dataclass(frozen=True)
class EventInfo:
    """One event as PersonaEvents has it (times are unix seconds by the chain's clock)."""

    event_id: int
    persona_id: int
    starts_at: int
    ends_at: int
    capacity: int
    sold: int
    price: int
    min_attendance: int
    cancelled: bool
    settled: bool
    metadata_cid: str

    def over(self, now: float) -> bool:
        """Ended or cancelled: the room is closed."""
        return self.cancelled or now >= self.ends_at


class EventSource(Protocol):
    """Where events, tickets and the chain's clock come from."""

    def event(self, event_id: int) -> EventInfo | None:
        """The event, or None when there is no such event."""

    def has_ticket(self, event_id: int, address: str) -> bool: ...

    def now(self) -> float:
        """Unix seconds by the chain's clock."""

    def voucher_domain(self) -> tuple[int, str]:
        """(chain id, PersonaEvents' address): the EIP-712 domain of the vouchers."""

    def voucher_signer(self) -> str:
        """The address PersonaEvents accepts vouchers from."""

    def describe(self) -> str: ...


class _Cache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> tuple[bool, Any]:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] < self.clock():
                return False, None
            return True, hit[1]

    def put(self, key: Any, value: Any, ttl: float) -> None:
        with self._lock:
            if len(self._items) > 50_000:
                now = self.clock()
                self._items = {k: v for k, v in self._items.items() if v[0] >= now}
            self._items[key] = (self.clock() + ttl, value)


def event_from_tuple(event_id: int, row: Any) -> EventInfo | None:
    """The `events(event_id)` view's struct (all zero for an unknown id) as an EventInfo."""
    persona_id, starts_at, ends_at, capacity, sold, price, min_attendance, cancelled, settled, cid = row
    if int(persona_id) == 0:
        return None
    return EventInfo(
        event_id,
        int(persona_id),
        int(starts_at),
        int(ends_at),
        int(capacity),
        int(sold),
        int(price),
        int(min_attendance),
        bool(cancelled),
        bool(settled),
        str(cid),
    )


class ChainEvents:
    """PersonaEvents on the node at `rpc_url`, the deployment from `deployments_dir`."""

    def __init__(self, rpc_url: str, deployments_dir: Path | None = None, timeout: float = 5.0) -> None:
        self.rpc_url = rpc_url
        self.deployments_dir = deployments_dir
        self.timeout = timeout
        self._contract: Any = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._cache = _Cache()
        self._offset = 0.0
        self._clock_read = -CLOCK_S

    def describe(self) -> str:
        return f"{CONTRACT} on {self.rpc_url}"

    def _events(self) -> Any:
        with self._lock:
            if self._contract is not None:
                return self._contract
            if time.monotonic() < self._down_until:
                raise ChainUnavailable(f"the node at {self.rpc_url} did not answer a moment ago")
            from web3 import Web3

            from fame.chain import Chain

            w3 = Web3(
                Web3.HTTPProvider(
                    self.rpc_url, request_kwargs={"timeout": self.timeout}, exception_retry_configuration=None
                )
            )
            try:
                self._contract = Chain(w3, self.deployments_dir).contract(CONTRACT)
            except FameError as err:
                self._down_until = time.monotonic() + DOWN_S
                raise ChainUnavailable(str(err)) from None
            except Exception as err:  # noqa: BLE001 - connection errors of every kind
                self._down_until = time.monotonic() + DOWN_S
                raise ChainUnavailable(f"cannot read the node at {self.rpc_url} ({type(err).__name__})") from None
            return self._contract

    def _call(self, read: Callable[[Any], Any]) -> Any:
        contract = self._events()
        try:
            return read(contract)
        except Exception as err:  # noqa: BLE001 - the node went away, or a redeploy moved the contract
            with self._lock:
                self._down_until = time.monotonic() + DOWN_S
                self._contract = None  # read the manifest again next time
            raise ChainUnavailable(f"reading {CONTRACT} failed ({type(err).__name__}: {str(err)[:120]})") from None

    def event(self, event_id: int) -> EventInfo | None:
        if not 1 <= event_id <= UINT256_MAX:
            return None
        hit, value = self._cache.get(("event", event_id))
        if hit:
            return value
        row = self._call(lambda c: c.functions.events(event_id).call())
        info = event_from_tuple(event_id, row)
        self._cache.put(("event", event_id), info, EVENT_CACHE_S)
        return info

    def has_ticket(self, event_id: int, address: str) -> bool:
        key = ("ticket", event_id, address.lower())
        hit, value = self._cache.get(key)
        if hit:
            return bool(value)
        from web3 import Web3

        held = bool(self._call(lambda c: c.functions.has_ticket(event_id, Web3.to_checksum_address(address)).call()))
        self._cache.put(key, held, TICKET_CACHE_S if held else NO_TICKET_CACHE_S)
        return held

    def voucher_signer(self) -> str:
        hit, value = self._cache.get("signer")
        if hit:
            return str(value)
        signer = str(self._call(lambda c: c.functions.voucher_signer().call()))
        self._cache.put("signer", signer, SIGNER_CACHE_S)
        return signer

    def voucher_domain(self) -> tuple[int, str]:
        contract = self._events()
        return int(self._call(lambda c: c.w3.eth.chain_id)), str(contract.address)

    def now(self) -> float:
        wall = time.time()
        if time.monotonic() - self._clock_read >= CLOCK_S:
            self._clock_read = time.monotonic()
            try:
                self._offset = max(0.0, self._chain_stamp() - wall)
            except ChainUnavailable:
                pass  # keep the last offset: the clock is still the best known
        return wall + self._offset

    def _chain_stamp(self) -> float:
        def read(c: Any) -> float:
            stamps = [int(c.w3.eth.get_block("latest")["timestamp"])]
            try:
                stamps.append(int(c.w3.eth.get_block("pending")["timestamp"]))
            except Exception:  # noqa: BLE001 - not every node serves the pending block
                pass
            return float(max(stamps))

        return float(self._call(read))
