"""Live events: gas of scheduling an event, buying a ticket (approve first, or with a permit) and
claiming an attendance badge with a voucher, beside an OpenZeppelin ERC721 mint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from web3.contract import Contract
from web3.types import TxReceipt

from fame.eip712 import DOMAIN_TYPE, domain, permit_typed_data

from ..context import Context, DevAccount, calldata_gas
from ..core import Row, suite
from ..solidity import package_version

COMPONENT = "Live events"
NO_ANCHOR = "—"
E18 = 10**18
CAP = 1_000_000_000 * E18
SUPPLY = 100_000_000 * E18
SEED = 1_000 * E18  # each fan's FMC
PRICE = 10 * E18
HOUR, DAY = 3_600, 86_400
CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"  # a CIDv1 (raw, sha2-256), 59 chars
EIP712_NAME = "FameEngine PersonaEvents"
ECRECOVER_GAS = 3_000  # the precompile's fixed price
ATTENDANCE_TYPE = [
    {"name": "eventId", "type": "uint256"},
    {"name": "attendee", "type": "address"},
    {"name": "attended", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]


def anchor_label() -> str:
    return f"OpenZeppelin {package_version('@openzeppelin/contracts')} ERC721 _mint (sequential id)"


def attendance_message(
    chain_id: int, contract: str, event_id: int, attendee: str, attended: int, deadline: int
) -> dict:
    """The EIP-712 voucher of docs/live.md, as the live server signs it."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Attendance": ATTENDANCE_TYPE},
        "primaryType": "Attendance",
        "domain": domain(EIP712_NAME, chain_id, contract),
        "message": {"eventId": event_id, "attendee": attendee, "attended": attended, "deadline": deadline},
    }


def goal_word(ours: int | None, anchor: int | None) -> str:
    """'met' when ours is at or under the anchor, 'not met (+N gas)' otherwise."""
    if ours is None or anchor is None:
        return "not measured"
    return "met" if ours <= anchor else f"not met, +{ours - anchor:,} gas"


@dataclass(frozen=True)
class World:
    """What every measurement starts from (each runs in its own chain snapshot)."""

    fmc: Contract
    events: Contract
    badge: Contract  # the OpenZeppelin anchor
    operator: DevAccount
    first_fan: DevAccount  # already holds a ticket and a badge: counters are warm
    fan: DevAccount  # approved the contract, no ticket yet
    permit_fan: DevAccount  # holds FMC, approved nothing
    signer: DevAccount  # the voucher key
    event_id: int


def _setup(ctx: Context) -> World:
    a = ctx.accounts
    deployer, operator, first_fan, fan, permit_fan, signer = a[0], a[1], a[2], a[3], a[4], a[8]
    fmc = ctx.deploy(ctx.ours("FMC"), CAP, deployer.address, SUPPLY).contract
    registry = ctx.deploy(ctx.ours("PersonaRegistry"), deployer.address).contract
    ctx.send(registry.functions.set_registrar(deployer.address), deployer)
    # The share token is only paid at settlement, which is not measured here: any address will do.
    ctx.send(registry.functions.register("Nova Lumen", CID, a[9].address, deployer.address), deployer)
    events = ctx.deploy(
        ctx.ours("PersonaEvents"), deployer.address, fmc.address, registry.address, signer.address
    ).contract
    ctx.send(events.functions.set_operator(1, operator.address, True), deployer)
    for who in (first_fan, fan, permit_fan):
        ctx.send(fmc.functions.transfer(who.address, SEED), deployer)
    for who in (first_fan, fan):
        ctx.send(fmc.functions.approve(events.address, 2**256 - 1), who)
    # One event with one ticket sold and one badge claimed, so that the measured calls find the
    # event count, the contract's FMC balance, the event's sales and the badge counters non-zero
    # (as every call but the very first does).
    event_id = _schedule(ctx, events, operator)
    ctx.send(events.functions.buy(event_id), first_fan)
    ctx.send(_claim(ctx, events, signer, first_fan, event_id), first_fan)
    badge = ctx.deploy(ctx.anchor("OZBadge721")).contract
    ctx.send(badge.functions.mint(first_fan.address), deployer)  # the anchor's counter is warm too
    return World(fmc, events, badge, operator, first_fan, fan, permit_fan, signer, event_id)


def _now(ctx: Context) -> int:
    return int(ctx.w3.eth.get_block("latest")["timestamp"])


def _schedule_call(ctx: Context, events: Contract):
    starts = _now(ctx) + HOUR
    return events.functions.schedule(1, starts, starts + 2 * HOUR, 100, PRICE, 60, CID)


def _schedule(ctx: Context, events: Contract, operator: DevAccount) -> int:
    receipt = ctx.send(_schedule_call(ctx, events), operator)
    return int(events.events.EventScheduled().process_receipt(receipt)[0]["args"]["event_id"])


def _claim(ctx: Context, events: Contract, signer: DevAccount, fan: DevAccount, event_id: int):
    attended, deadline = 3_600, _now(ctx) + DAY
    message = attendance_message(ctx.chain_id, events.address, event_id, fan.address, attended, deadline)
    signature = bytes(signer.sign_typed_data(message).signature)
    return events.functions.claim_badge(event_id, attended, deadline, signature)


def _measure_schedule(ctx: Context, w: World) -> TxReceipt:
    return ctx.measure(_schedule_call(ctx, w.events), w.operator)


def _measure_buy(ctx: Context, w: World) -> TxReceipt:
    return ctx.measure(w.events.functions.buy(w.event_id), w.fan)


def _measure_buy_with_permit(ctx: Context, w: World) -> TxReceipt:
    deadline = _now(ctx) + HOUR
    message = permit_typed_data(
        name="FameEngine",
        chain_id=ctx.chain_id,
        token=w.fmc.address,
        owner=w.permit_fan.address,
        spender=w.events.address,
        value=PRICE,
        nonce=w.fmc.functions.nonces(w.permit_fan.address).call(),
        deadline=deadline,
    )
    signed = w.permit_fan.sign_typed_data(message)
    r, s = signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")
    return ctx.measure(w.events.functions.buy_with_permit(w.event_id, deadline, signed.v, r, s), w.permit_fan)


def _measure_claim(ctx: Context, w: World) -> TxReceipt:
    ctx.send(w.events.functions.buy(w.event_id), w.fan)
    return ctx.measure(_claim(ctx, w.events, w.signer, w.fan, w.event_id), w.fan)


def _measure_mint(ctx: Context, w: World) -> TxReceipt:
    return ctx.measure(w.badge.functions.mint(w.fan.address), ctx.accounts[0])


@suite("events", title="Live events")
def events_suite(ctx: Context) -> Iterator[Row]:
    """PersonaEvents (contracts/events/PersonaEvents.vy) with the real FMC and PersonaRegistry:
    persona 1 registered, its operator granted, one event scheduled with one ticket sold and one
    badge claimed before anything is measured, so that every measured call finds the counters it
    bumps already non-zero (the steady state, not the first call ever). Each figure is the
    receipt's gasUsed of one transaction, each from the same chain snapshot: `schedule` of a
    second event (two hours, 100 tickets, 10 FMC, a 59-character CID); `buy` by a fan who
    approved the contract before; `buy_with_permit` by a fan with no allowance (the EIP-2612
    permit of FMC and the purchase in one transaction); `claim_badge` by a fan claiming a first
    badge with a voucher signed by the voucher key (EIP-712 hashing, one ecrecover, the ticket,
    attendance and deadline checks, the ERC-721 mint with its ERC-5192 `Locked` log and the
    persona's badge count).

    The anchor is the cheapest ERC-721 mint a badge could be: benchmarks/anchors/OZBadge721.sol,
    OpenZeppelin ERC721 `_mint` of the next sequential id to a fresh holder, with no access check,
    after one earlier mint (so its counter is warm too). The goal is `claim_badge` at or under
    it; the row says whether it is met and by how much. What `claim_badge` pays that the mint
    does not: the voucher's calldata (a 65-byte signature and three words; its calldata cost is
    in the row), the ecrecover precompile (3,000 gas) and the EIP-712 hashing, reading the event
    and the fan's pass (ticket) and writing the badge into it, the per-persona badge count, and
    the `Locked` log.
    """
    label = anchor_label()
    with ctx.steps.step(f"{COMPONENT}: deploy FMC, registry, PersonaEvents and the ERC721 anchor"):
        world = _setup(ctx)
    gas: dict[str, int] = {}
    calldata: dict[str, int] = {}
    for name, measure in (
        ("schedule", _measure_schedule),
        ("buy", _measure_buy),
        ("buy_with_permit", _measure_buy_with_permit),
        ("claim_badge", _measure_claim),
        ("mint", _measure_mint),
    ):
        with ctx.steps.step(f"{COMPONENT}: {name}"), ctx.isolated():
            receipt = measure(ctx, world)
            gas[name] = int(receipt["gasUsed"])
            calldata[name] = calldata_gas(ctx.tx_input(receipt))  # read before the snapshot is reverted

    yield Row(COMPONENT, "schedule (a second event, 59-character CID)", gas["schedule"], NO_ANCHOR, None)
    yield Row(COMPONENT, "buy (FMC approved before, a fan's first ticket)", gas["buy"], NO_ANCHOR, None)
    yield Row(COMPONENT, "buy_with_permit (EIP-2612 permit of FMC + buy)", gas["buy_with_permit"], NO_ANCHOR, None)
    goal = goal_word(gas["claim_badge"], gas["mint"])
    yield Row(
        COMPONENT,
        f"claim_badge with a voucher vs an ERC721 mint, a fan's first badge (goal: at or under the mint: {goal}; "
        f"calldata {calldata['claim_badge']:,} vs {calldata['mint']:,} gas, ecrecover {ECRECOVER_GAS:,})",
        gas["claim_badge"],
        label,
        gas["mint"],
    )
