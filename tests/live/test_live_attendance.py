"""Attendance and the badge voucher, through the real server and the social service's sign-in.

Invariants: a fan is counted once however many tabs it has open, only while the event is on;
the voucher is refused (403, saying how long is left) until the fan stayed min_attendance,
and then it is EIP-712 typed data that recovers, with eth_account and the domain written out
here from docs/live.md, to the voucher signer, for this fan, with the seconds counted and a
deadline voucher_ttl_s ahead.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from live_book import CONTRACT, VOUCHER_SIGNER, BookEvents
from live_helpers import InProcessLive, fan, live_settings_for, open_room, session_cookie

EVENT = 7
TTL = 600


@pytest.fixture
def live(social, book, tmp_path):
    cfg = live_settings_for(social.url, f"sqlite:///{tmp_path / 'live.db'}", voucher_ttl_s=TTL)
    server = InProcessLive(cfg, BookEvents(book.path)).start()
    try:
        yield server
    finally:
        server.stop()


def recovered(voucher: dict, event_id: int) -> str:
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Attendance": [
                {"name": "eventId", "type": "uint256"},
                {"name": "attendee", "type": "address"},
                {"name": "attended", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
        },
        "primaryType": "Attendance",
        "domain": {
            "name": "FameEngine PersonaEvents",
            "version": "1",
            "chainId": voucher["chain_id"],
            "verifyingContract": voucher["contract"],
        },
        "message": {
            "eventId": event_id,
            "attendee": voucher["attendee"],
            "attended": voucher["attended"],
            "deadline": voucher["deadline"],
        },
    }
    return Account.recover_message(encode_typed_data(full_message=typed), signature=voucher["signature"])


def test_two_tabs_count_once_and_the_voucher_comes_after_min_attendance(live, book, social):
    book.add_event(EVENT, starts_in=-30, min_attendance=2)
    book.give_ticket(EVENT, fan(5).address)
    cookie = session_cookie(social, fan(5))
    api = httpx.Client(base_url=live.url, cookies={"fame_session": cookie}, timeout=10)
    assert httpx.get(f"{live.url}/api/events/{EVENT}/attendance").status_code == 401
    assert httpx.post(f"{live.url}/api/events/{EVENT}/voucher").status_code == 401
    assert api.get("/api/events/404/attendance").status_code == 404

    async def scenario() -> float:
        first = await open_room(live.ws, EVENT, cookie=cookie)
        await first.next("welcome")
        opened = time.monotonic()
        second = await open_room(live.ws, EVENT, cookie=cookie)
        welcome = await second.next("welcome")
        assert [a["address"] for a in welcome["attendees"]] == [fan(5).address]  # one avatar for two tabs
        early = api.post(f"/api/events/{EVENT}/voucher")
        assert early.status_code == 403 and "s to go" in early.json()["detail"]
        for _ in range(5):
            await first.send({"type": "ping"})
            await second.send({"type": "ping"})
            await asyncio.sleep(0.5)
        await first.close()
        await second.close()
        return time.monotonic() - opened

    stayed = asyncio.run(scenario())
    time.sleep(0.2)  # the last tab's close is counted as it happens; let its write land
    attended = api.get(f"/api/events/{EVENT}/attendance").json()
    assert attended["required"] == 2
    assert int(stayed) - 1 <= attended["attended"] <= stayed + 0.1  # once, not twice (two tabs)
    before = int(time.time())
    r = api.post(f"/api/events/{EVENT}/voucher")
    assert r.status_code == 200, r.text
    voucher = r.json()
    assert voucher["attendee"] == fan(5).address and voucher["attended"] == attended["attended"]
    assert (voucher["chain_id"], voucher["contract"].lower()) == (31337, CONTRACT)
    assert before + TTL <= voucher["deadline"] <= int(time.time()) + TTL + 1
    assert len(bytes.fromhex(voucher["signature"][2:])) == 65
    assert recovered(voucher, EVENT) == VOUCHER_SIGNER
    # another fan's voucher is not this one: the signature binds the attendee
    forged = {**voucher, "attendee": fan(6).address}
    assert recovered(forged, EVENT) != VOUCHER_SIGNER
    api.close()


def test_time_before_the_start_does_not_count_and_no_ticket_no_voucher(live, book, social):
    book.add_event(EVENT, starts_in=2, min_attendance=1)
    book.give_ticket(EVENT, fan(6).address)
    cookie = session_cookie(social, fan(6))

    async def scenario() -> None:
        room = await open_room(live.ws, EVENT, cookie=cookie)  # early: fans may come in before the start
        await room.next("welcome")
        await asyncio.sleep(1.5)
        await room.close()

    asyncio.run(scenario())
    time.sleep(0.2)
    with httpx.Client(base_url=live.url, cookies={"fame_session": cookie}) as api:
        assert api.get(f"/api/events/{EVENT}/attendance").json() == {"attended": 0, "required": 1}
        book.add_event(8, min_attendance=0)
        r = api.post("/api/events/8/voucher")
        assert r.status_code == 403 and r.json()["detail"] == "no ticket for event 8"
        book.add_event(9, cancelled=True)
        book.give_ticket(9, fan(6).address)
        assert api.post("/api/events/9/voucher").status_code == 409


def test_a_silent_fan_stops_counting_and_counts_again_when_it_speaks(live, book, social):
    book.add_event(EVENT, starts_in=-30, min_attendance=1)
    book.give_ticket(EVENT, fan(11).address)
    cookie = session_cookie(social, fan(11))
    live.service.idle_s = 1.0  # the real one (90 s: a minute of a throttled background tab, and more) is long

    async def scenario() -> None:
        room = await open_room(live.ws, EVENT, cookie=cookie)
        await room.next("welcome")
        await asyncio.sleep(3.5)  # silent: counted for idle_s after the join only
        for _ in range(6):  # speaking again: counted again
            await room.send({"type": "ping"})
            await asyncio.sleep(0.25)
        await room.close()

    asyncio.run(scenario())
    time.sleep(0.2)
    with httpx.Client(base_url=live.url, cookies={"fame_session": cookie}) as api:
        attended = api.get(f"/api/events/{EVENT}/attendance").json()["attended"]
    assert 1 <= attended <= 3, attended  # about 1 s + 1.5 s, not the 5 s the socket was open
