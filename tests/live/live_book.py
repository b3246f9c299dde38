"""The event book: events and tickets in a JSON file, the event source of the live server's
tests that have no chain (a uniquely named module: book_server.py imports it in a process of
its own). It stands in for PersonaEvents only where the chain is not the subject; the chain's
reader (live.tickets.ChainEvents) is tested against the real contract in test_live_chain.py.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from fame.chain import dev_account
from fame.config import DEV_VOUCHER_INDEX
from live.tickets import EventInfo

CONTRACT = "0x" + "ee" * 20  # the book's stand-in for PersonaEvents' address
VOUCHER_SIGNER = dev_account(DEV_VOUCHER_INDEX).address


class Book:
    """Events and tickets in a JSON file that the server reads at every call (so a test changes
    them under a running server, in this process or another one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            self._write(
                {"chain_id": 31337, "contract": CONTRACT, "signer": VOUCHER_SIGNER, "events": {}, "tickets": {}}
            )

    def _read(self) -> dict[str, Any]:
        return json.loads(self.path.read_text())

    def _write(self, data: dict[str, Any]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)

    def add_event(
        self,
        event_id: int,
        *,
        starts_in: float = -5,
        length: float = 3600,
        min_attendance: int = 60,
        cancelled: bool = False,
        persona_id: int = 1,
    ) -> None:
        data = self._read()
        start = int(time.time() + starts_in)
        data["events"][str(event_id)] = {
            "persona_id": persona_id,
            "starts_at": start,
            "ends_at": int(start + length),
            "min_attendance": min_attendance,
            "cancelled": cancelled,
        }
        self._write(data)

    def update_event(self, event_id: int, **fields: Any) -> None:
        data = self._read()
        data["events"][str(event_id)].update(fields)
        self._write(data)

    def give_ticket(self, event_id: int, address: str) -> None:
        data = self._read()
        data["tickets"].setdefault(str(event_id), []).append(address.lower())
        self._write(data)


class BookEvents:
    """live.tickets.EventSource over a Book's file (the wall clock is the chain's clock)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, Any]:
        return json.loads(self.path.read_text())

    def event(self, event_id: int) -> EventInfo | None:
        e = self._read()["events"].get(str(event_id))
        if e is None:
            return None
        return EventInfo(
            event_id,
            e["persona_id"],
            e["starts_at"],
            e["ends_at"],
            100,
            1,
            0,
            e["min_attendance"],
            e["cancelled"],
            False,
            "cid",
        )

    def has_ticket(self, event_id: int, address: str) -> bool:
        return address.lower() in self._read()["tickets"].get(str(event_id), [])

    def now(self) -> float:
        return time.time()

    def voucher_domain(self) -> tuple[int, str]:
        data = self._read()
        return int(data["chain_id"]), str(data["contract"])

    def voucher_signer(self) -> str:
        return str(self._read()["signer"])

    def describe(self) -> str:
        return f"the event book {self.path}"
