"""The live server against the real PersonaEvents on anvil (run by `ape test`): the chain
reader, the ticket check at the door and a voucher that mints the badge on chain.

Invariants: the reader gives the contract's events (None for an unknown id), tickets and the
chain's clock (ahead of the wall after time travel, as event times are); a fan without a
ticket is refused with 1008 "no ticket for event N", a fan with one is welcomed; once it stayed
min_attendance, the server's voucher is accepted by claim_badge, which mints the soulbound
badge to that fan (and only that fan can use it).
"""

from __future__ import annotations

import asyncio
import time

import ape
import httpx
import pytest
from live_helpers import HOST_TOKEN, LiveProcess, open_room, session_cookie

from fame.chain import dev_account
from fame.config import DEV_VOUCHER_INDEX
from fame.manifest import DeployedContract, Manifest, write_manifest
from live.tickets import ChainEvents

CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
MIN_ATTENDANCE = 3


def _abi(contract_type) -> list[dict]:
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in contract_type.abi]


def _latest(chain) -> int:
    return chain.provider.web3.eth.get_block("latest")["timestamp"]


@pytest.fixture(scope="module")
def deployment(project, accounts, chain, tmp_path_factory):
    """FMC, a registry with one active persona, PersonaEvents (the dev voucher key signs) and a
    manifest naming them; one free event that is on (the chain travelled past its start)."""
    owner = accounts[0]
    fmc = project.FMC.deploy(10**30, owner, 10**29, sender=owner)
    registry = project.PersonaRegistry.deploy(owner, sender=owner)
    registry.set_registrar(owner, sender=owner)
    share = project.MockERC20.deploy("Share", "SHR", sender=owner)
    registry.register("Nova Lumen", "bafyspec", share, owner, sender=owner)
    events = project.PersonaEvents.deploy(owner, fmc, registry, dev_account(DEV_VOUCHER_INDEX).address, sender=owner)
    events.set_operator(1, owner, True, sender=owner)
    # past the wall's clock too: the chain's clock may lag it (snapshots revert time), and the
    # reader is meant to be seen following the chain ahead of the wall
    starts_at = max(_latest(chain), int(time.time())) + 600
    events.schedule(1, starts_at, starts_at + 7200, 10, 0, MIN_ATTENDANCE, CID, sender=owner)
    w3 = chain.provider.web3
    w3.provider.make_request("evm_setNextBlockTimestamp", [starts_at + 1])
    w3.provider.make_request("evm_mine", [])
    folder = tmp_path_factory.mktemp("deployments")
    contracts = {
        "PersonaEvents": DeployedContract(
            "PersonaEvents", str(events.address), "PersonaEvents", _abi(project.PersonaEvents.contract_type)
        )
    }
    write_manifest(
        Manifest(chain.provider.chain_id, "ethereum:local:foundry", str(owner.address), 0, contracts), folder
    )
    return {"rpc": w3.provider.endpoint_uri, "dir": folder, "events": events, "starts_at": starts_at}


def test_the_reader_sees_the_contract(deployment, chain):
    reader = ChainEvents(deployment["rpc"], deployment["dir"])
    event = reader.event(1)
    assert event is not None
    assert (event.persona_id, event.starts_at, event.ends_at) == (
        1,
        deployment["starts_at"],
        deployment["starts_at"] + 7200,
    )
    assert (event.capacity, event.price, event.min_attendance, event.cancelled) == (10, 0, MIN_ATTENDANCE, False)
    assert event.metadata_cid == CID
    assert reader.event(2) is None and reader.event(0) is None
    assert reader.has_ticket(1, dev_account(1).address) is False
    assert reader.now() >= deployment["starts_at"] > time.time() + 500  # the chain's clock, not the wall's
    assert reader.voucher_signer() == dev_account(DEV_VOUCHER_INDEX).address
    assert reader.voucher_domain() == (chain.provider.chain_id, str(deployment["events"].address))


def test_a_ticket_lets_the_fan_in_and_the_voucher_mints_the_badge(deployment, accounts, social, tmp_path):
    events = deployment["events"]
    fan, other = accounts[1], accounts[2]  # anvil's dev keys 1 and 2: they sign in with SIWE too
    events.buy(1, sender=fan)
    cookie = session_cookie(social, dev_account(1))
    other_cookie = session_cookie(social, dev_account(2))
    env = {
        "FAME_STATE_DIR": str(tmp_path / "state"),
        "FAME_DEPLOYMENTS_DIR": str(deployment["dir"]),
        "FAME_LIVE_SOCIAL_URL": social.url,
        "FAME_LIVE_HOST_TOKEN": HOST_TOKEN,
    }
    argv = ["--rpc-url", deployment["rpc"], "--database-url", f"sqlite:///{tmp_path / 'live.db'}"]
    server = LiveProcess(tmp_path, env, argv=argv).start()  # python -m live
    api = httpx.Client(base_url=server.url, cookies={"fame_session": cookie}, timeout=10)
    try:
        assert httpx.get(f"{server.url}/api/events/2/room").status_code == 404

        async def scenario() -> None:
            refused = await open_room(server.ws, 1, cookie=other_cookie)
            assert await refused.closed() == (1008, "no ticket for event 1")
            room = await open_room(server.ws, 1, cookie=cookie)
            welcome = await room.next("welcome")
            assert welcome["you"] == fan.address and welcome["event"]["ends_at"] == deployment["starts_at"] + 7200
            early = api.post("/api/events/1/voucher")
            assert early.status_code == 403 and "s to go" in early.json()["detail"]
            opened = time.monotonic()
            while time.monotonic() - opened < MIN_ATTENDANCE + 1.2:
                await room.send({"type": "ping"})
                await asyncio.sleep(0.3)
            await room.close()

        asyncio.run(scenario())
        time.sleep(0.2)
        r = api.post("/api/events/1/voucher")
        assert r.status_code == 200, r.text
        voucher = r.json()
        assert voucher["attendee"] == fan.address and voucher["attended"] >= MIN_ATTENDANCE
        signature = bytes.fromhex(voucher["signature"][2:])
        events.buy(1, sender=other)
        with ape.reverts("events: voucher not signed by the voucher signer"):  # no use to another ticket holder
            events.claim_badge(1, voucher["attended"], voucher["deadline"], signature, sender=other)
        events.claim_badge(1, voucher["attended"], voucher["deadline"], signature, sender=fan)
        token = events.badge_of(1, fan)
        assert token > 0 and events.ownerOf(token) == fan.address and events.locked(token)
    finally:
        api.close()
        server.stop()
