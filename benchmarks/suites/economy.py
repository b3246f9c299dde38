"""Persona economy: revenue sharing beside OpenZeppelin's PaymentSplitter, staking beside Synthetix
StakingRewards, and the everyday actions of contributors and share holders (no reference
implementation)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from eth_utils import keccak, to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt, Wei

from ..context import Context, DevAccount, TxFailed
from ..core import Row, suite
from ..solidity import package_version

T = TypeVar("T")

NO_ANCHOR = "—"
E18 = 10**18


# ------------------------------------------------------------------------------------------------
# Shared helpers


def synthetic(n: int) -> str:
    """A checksummed address nobody holds a key for (a holder that never sends)."""
    return to_checksum_address(f"0x{n:040x}")


def advance(ctx: Context, seconds: int) -> None:
    """Mine one block `seconds` after the latest (the chain's fixed timestamp step would ignore
    evm_increaseTime); later blocks keep the 12 s step from there."""
    latest = ctx.w3.eth.get_block("latest")["timestamp"]
    ctx.chain.rpc("evm_setNextBlockTimestamp", [latest + seconds])
    ctx.mine()


def measure_transfer(ctx: Context, sender: DevAccount, to: str, value: int, gas: int = 100_000) -> TxReceipt:
    """A plain ETH transfer (empty calldata), measured like ctx.measure."""
    ctx.mine()
    tx_hash = ctx.w3.eth.send_transaction({"from": sender.address, "to": to, "value": Wei(value), "gas": gas})
    receipt = ctx.w3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        raise TxFailed(f"ETH transfer to {to} reverted")
    return receipt


def side_by_side(
    ctx: Context, label: str, sides: Mapping[str, T], scenario: Callable[[str, T], TxReceipt]
) -> dict[str, int]:
    """Like ctx.compare for two implementations whose entry points differ (so their calldata
    differs by design): each side runs from the same chain snapshot; a side that fails is left
    out with a warning. Scenarios check their own outcome (amounts paid) and raise if it is off."""
    gas: dict[str, int] = {}
    for name, target in sides.items():
        with ctx.isolated():
            try:
                gas[name] = scenario(name, target)["gasUsed"]
            except Exception as exc:  # a failing side leaves its figure empty; the run goes on
                ctx.warn(f"{label}: {name} failed: {type(exc).__name__}: {exc}")
    return gas


def batch_send(ctx: Context, txs: list[dict], chunk: int = 500) -> None:
    """Send many transactions from unlocked dev accounts as JSON-RPC batches with automine off,
    then mine blocks until the pool is empty (as many per block as the block gas limit allows).
    Every transaction must carry an explicit gas limit and nonce (the node may handle a batch's
    requests concurrently)."""
    ctx.chain.rpc("evm_setAutomine", [False])
    try:
        for start in range(0, len(txs), chunk):
            body = [
                {"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction", "params": [tx]}
                for i, tx in enumerate(txs[start : start + chunk])
            ]
            req = urllib.request.Request(
                ctx.chain.url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=300) as resp:
                replies = json.loads(resp.read())
            errors = [r["error"] for r in replies if "error" in r]
            if errors:
                raise TxFailed(f"batch_send: {len(errors)} transactions refused, first: {errors[0]}")
        for _ in range(10_000):
            status = ctx.chain.rpc("txpool_status")
            if int(status["pending"], 16) == 0 and int(status["queued"], 16) == 0:
                break
            ctx.chain.rpc("evm_mine")
        else:
            raise RuntimeError("batch_send: the pool did not drain")
    finally:
        ctx.chain.rpc("evm_setAutomine", [True])


# ------------------------------------------------------------------------------------------------
# Revenue: PersonaShare (which holds and splits its persona's revenue) beside PaymentSplitter


HOLDERS = 10
MANY_HOLDERS = 10_000
SHARES_EACH = 100 * E18  # 100 whole shares per holder, on both sides (revenue is distributed from 1 share up)
FEE_BPS = 500  # the protocol fee scripts/deploy.py deploys RevenueConfig with (5 %)
MINT_GAS = 150_000  # a mint (which settles the persona's revenue first) uses about 70k


def payment_for(holders: int) -> int:
    """A payment whose net (after the 5 % fee) gives a 100-share holder exactly 1.9e16 wei out of
    holders * 100 shares, with no rounding in the per-share accumulator (net * ACC_SCALE is a
    multiple of the supply), so the claim writes the same storage at any holder count."""
    return 2 * 10**16 * holders


PAYMENT = payment_for(HOLDERS)  # each payment in the 10-holder scenarios


@dataclass
class Revenue:
    config: Contract
    share: Contract
    persona_id: int
    minter: DevAccount
    oz: Contract
    holder: DevAccount  # the measured holder
    other: DevAccount  # a second holder who claims in some scenarios
    payer: DevAccount
    other_holders: list[str]  # the rest of the 10 holders (no keys)


def _set_up_revenue(ctx: Context) -> Revenue:
    accts = ctx.accounts
    owner, holder, other, _payer, minter = accts[0], accts[1], accts[2], accts[3], accts[9]
    deploy = lambda name, *args: ctx.deploy(ctx.ours(name), *args, sender=owner).contract  # noqa: E731
    fmc = deploy("FMC", 1_000_000_000 * E18, owner.address, 100_000_000 * E18)
    registry = deploy("PersonaRegistry", owner.address)
    ctx.send(registry.functions.set_registrar(owner.address), owner)
    config = deploy("RevenueConfig", owner.address, fmc.address, owner.address, FEE_BPS)
    persona_id = registry.functions.persona_count().call() + 1
    # The token a launch creates, with a dev account as its minter: PersonaShare's creation code
    # with the launchpad's arguments, run directly (create_from_blueprint runs the same code, so
    # the runtime code and immutables are those of a launched persona's token).
    share = deploy("PersonaShare", "Revenue Bench", "RVB", persona_id, minter.address, config.address, 10**30)
    ctx.send(registry.functions.register("Revenue Bench", "cid-revenue", share.address, owner.address), owner)

    others = [synthetic(0x4E000000 + i) for i in range(HOLDERS - 2)]
    payees = [holder.address, other.address] + others
    for who in payees:
        ctx.send(share.functions.mint(who, SHARES_EACH), minter)
    oz = ctx.deploy(ctx.anchor("OZPaymentSplitter"), payees, [SHARES_EACH] * len(payees), sender=owner).contract
    return Revenue(config, share, persona_id, minter, oz, holder, other, accts[3], others)


def _pay(ctx: Context, r: Revenue, side: str, amount: int, measured: bool = False) -> TxReceipt:
    """A plain ETH transfer (empty calldata) on both sides: to the persona's share token (ours)
    or to the PaymentSplitter (its `receive`)."""
    to = r.share.address if side == "ours" else r.oz.address
    if measured:
        return measure_transfer(ctx, r.payer, to, amount)
    tx_hash = ctx.w3.eth.send_transaction({"from": r.payer.address, "to": to, "value": Wei(amount), "gas": 100_000})
    receipt = ctx.w3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        raise TxFailed(f"ETH transfer to {to} reverted")
    return receipt


def _claim(
    ctx: Context, r: Revenue, side: str, who: DevAccount, expected: int | None, measured: bool = True
) -> TxReceipt:
    """`who` takes its ETH revenue: ours PersonaShare.claim(), PaymentSplitter release(who)."""
    before = ctx.w3.eth.get_balance(who.address)
    if side == "ours":
        call = r.share.functions.claim()
    else:
        call = r.oz.functions.release(who.address)
    receipt = ctx.measure(call, who) if measured else ctx.send(call, who)
    fee = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    got = ctx.w3.eth.get_balance(who.address) - before + fee
    if expected is not None and got != expected:
        raise RuntimeError(f"{side} paid {got} wei, expected {expected}")
    return receipt


def holder_part(side: str, payment: int, holders: int) -> int:
    """What one SHARES_EACH holder gets of `payment`: ours after the fee, PaymentSplitter all of it."""
    net = payment - payment * FEE_BPS // 10_000 if side == "ours" else payment
    return net // holders


def _mint_many(ctx: Context, r: Revenue, first: int, count: int) -> None:
    """`count` more holders (the addresses first, first+1, ...) with SHARES_EACH shares each,
    minted by real transactions (each settling the persona's revenue, as any mint), batched many per
    block. The calldata is mint(address,uint256) encoded by hand (web3's encoder would take
    longer than the minting)."""
    nonce = ctx.w3.eth.get_transaction_count(r.minter.address, "pending")
    selector = keccak(text="mint(address,uint256)")[:4]
    amount = SHARES_EACH.to_bytes(32, "big")
    txs = [
        {
            "from": r.minter.address,
            "to": r.share.address,
            "nonce": hex(nonce + i),
            "gas": hex(MINT_GAS),
            "data": "0x" + (selector + (first + i).to_bytes(32, "big") + amount).hex(),
        }
        for i in range(count)
    ]
    batch_send(ctx, txs)


@suite("revenue", title="Revenue splitter")
def revenue(ctx: Context) -> Iterator[Row]:
    """A persona's PersonaShare (contracts/persona/PersonaShare.vy: the share token, which also
    receives and splits the persona's revenue) beside OpenZeppelin 4.9.6 PaymentSplitter
    (benchmarks/anchors/OZPaymentSplitter.sol, the library contract deployed as is), both paying
    ETH to 10 holders of 100 shares each: ours are PersonaShare holders of one registered persona
    (the share token is created with PersonaShare's own creation code, a dev account as minter and
    a RevenueConfig with the 5 % fee, and registered in a PersonaRegistry), the anchor's are the
    same 10 addresses as payees with the same shares. Revenue is paid in with a plain ETH transfer
    on both sides (our share token's `__default__`, the anchor's `receive`: both only log); a
    holder takes its part with claim() on ours and release(account) on the anchor, sent by the
    holder. Ours keeps the protocol fee (5 %, settled lazily from the balance), which the anchor
    does not have. Each action runs from the same chain snapshot on both sides, in a block of its
    own after an empty block; "first" and "later" say whether the persona (pay) or the holder
    (claim) did it before, which decides whether storage is written from zero. In the "first
    claim" scenario another holder has claimed before (so the anchor's running total of releases
    is not written from zero either). Amounts are chosen so that every holder's part is a whole
    number of wei, and each scenario checks the amount the holder received.

    The claim entry points differ, so their calldata differs by design (claim() carries 4 bytes
    against 36 for release(address)); payments carry none on either side.

    Holder count: the same later claim is measured with 10 holders and again after 9,990 more
    holders received shares, 10,000 in all. They are minted by real transactions (each through
    settling the persona's revenue, as any mint), batched 500 per JSON-RPC request and mined as many per block
    as the gas limit allows; payments are scaled with the share supply so that the holder's part
    stays a whole number of wei, so the claim writes storage exactly as with 10 holders and any
    difference would come from the holder count. The anchor has no 10,000-holder figure:
    PaymentSplitter's payees are fixed in its constructor, and 10,000 payees make init code far
    over EIP-3860's 49,152-byte limit (and their storage writes far over a block's gas), so it
    cannot be deployed; the suite tries it and reports what the node answers.
    """
    with ctx.steps.step("Revenue: persona share with 10 holders, RevenueConfig and PaymentSplitter"):
        r = _set_up_revenue(ctx)
    label = f"OpenZeppelin {package_version('@openzeppelin/contracts-v4')} PaymentSplitter"
    sides = {"ours": "ours", "anchor": "anchor"}

    def pay_first(side: str, _: str) -> TxReceipt:
        return _pay(ctx, r, side, PAYMENT, measured=True)

    def pay_later(side: str, _: str) -> TxReceipt:
        _pay(ctx, r, side, PAYMENT)
        return _pay(ctx, r, side, PAYMENT, measured=True)

    def claim_first(side: str, _: str) -> TxReceipt:
        _pay(ctx, r, side, PAYMENT)
        _claim(ctx, r, side, r.other, holder_part(side, PAYMENT, HOLDERS), measured=False)
        _pay(ctx, r, side, PAYMENT)
        return _claim(ctx, r, side, r.holder, 2 * holder_part(side, PAYMENT, HOLDERS))

    def claim_later(side: str, _: str) -> TxReceipt:
        _pay(ctx, r, side, PAYMENT)
        _claim(ctx, r, side, r.holder, holder_part(side, PAYMENT, HOLDERS), measured=False)
        _pay(ctx, r, side, PAYMENT)
        return _claim(ctx, r, side, r.holder, holder_part(side, PAYMENT, HOLDERS))

    scenarios = [
        ("pay revenue in ETH, 10 holders (the persona's first payment)", pay_first),
        ("pay revenue in ETH, 10 holders (a later payment)", pay_later),
        ("claim ETH revenue, 10 holders (the holder's first claim)", claim_first),
        ("claim ETH revenue, 10 holders (a later claim)", claim_later),
    ]
    later_claim_10: dict[str, int] = {}
    for action, scenario in scenarios:
        with ctx.steps.step(f"Revenue: {action}"):
            gas = side_by_side(ctx, f"Revenue, {action}", sides, scenario)
        if scenario is claim_later:
            later_claim_10 = gas
        yield Row("Revenue splitter", action, gas.get("ours"), label, gas.get("anchor"))

    # Holder count: the later claim again, after 9,990 more holders got shares.
    many_label = f"{label} (cannot be deployed with {MANY_HOLDERS:,} payees)"
    ours_many = None
    with ctx.steps.step(f"Revenue: {MANY_HOLDERS - HOLDERS:,} more holders, then the same later claim"), ctx.isolated():
        try:
            claim_later("ours", "ours")  # the state of the 10-holder row, measured again below
            _mint_many(ctx, r, 0x60000000, MANY_HOLDERS - HOLDERS)
            supply = r.share.functions.totalSupply().call()
            last = r.share.functions.balanceOf(synthetic(0x60000000 + MANY_HOLDERS - HOLDERS - 1)).call()
            if supply != MANY_HOLDERS * SHARES_EACH or last != SHARES_EACH:
                raise RuntimeError(f"minting the holders went wrong (supply {supply})")
            _pay(ctx, r, "ours", payment_for(MANY_HOLDERS))
            ours_many = _claim(ctx, r, "ours", r.holder, holder_part("ours", payment_for(MANY_HOLDERS), MANY_HOLDERS))[
                "gasUsed"
            ]
        except Exception as exc:
            ctx.warn(f"Revenue, claim with {MANY_HOLDERS:,} holders: ours failed: {type(exc).__name__}: {exc}")
    if ours_many is not None and later_claim_10.get("ours") is not None and ours_many != later_claim_10["ours"]:
        ctx.warn(
            f"Revenue: the claim costs {ours_many} gas with {MANY_HOLDERS:,} holders "
            f"and {later_claim_10['ours']} with {HOLDERS}"
        )
    yield Row(
        "Revenue splitter", f"claim ETH revenue, {MANY_HOLDERS:,} holders (a later claim)", ours_many, many_label, None
    )

    with ctx.steps.step(f"Revenue: try PaymentSplitter with {MANY_HOLDERS:,} payees"), ctx.isolated():
        payees = [synthetic(0x60000000 + i) for i in range(MANY_HOLDERS)]
        factory = ctx.w3.eth.contract(abi=r.oz.abi, bytecode=ctx.anchor("OZPaymentSplitter").bytecode)
        try:
            receipt = ctx.send(
                factory.constructor(payees, [SHARES_EACH] * MANY_HOLDERS),
                ctx.accounts[0],
                gas=30_000_000,
                what=f"PaymentSplitter with {MANY_HOLDERS:,} payees",
            )
            ctx.warn(
                f"Revenue: PaymentSplitter deployed with {MANY_HOLDERS:,} payees "
                f"({receipt['gasUsed']:,} gas): its {MANY_HOLDERS:,}-holder figure could be measured"
            )
        except Exception as exc:  # expected: the node refuses it
            ctx.steps.console.print(
                f"PaymentSplitter with {MANY_HOLDERS:,} payees, as expected not deployed: {str(exc)[:160]}"
            )


# ------------------------------------------------------------------------------------------------
# Economy: contributors, share holders and stakers on a bootstrapped FameEngine


STAKE = 10_000 * E18
STREAM = 1_000_000 * E18
STREAM_DAYS = 90
LOCK_INDEX = 1  # 30 days, 1.25x
LOCK_S = 30 * 86_400
#: The steady-state stake figures the suite's notes break down, line by line; the suite warns when a
#: run measures something else, so that the breakdown is redone rather than left stale.
EXPLAINED_STAKE_GAS = {"ours": 186_764, "anchor": 121_318}


def staking_anchor_label() -> str:
    return (
        f"Synthetix StakingRewards (Solidity 0.8, OpenZeppelin {package_version('@openzeppelin/contracts')} libraries)"
    )


@suite("economy", title="Economy actions")
def economy(ctx: Context) -> Iterator[Row]:
    """Everyday actions on the whole FameEngine stack (deployed and bootstrapped as
    scripts/deploy.py does, LOCAL parameters); staking stands beside Synthetix StakingRewards, the
    other actions have no reference implementation to stand beside.
    Setup: three voters hold 40M, 30M and 20M FMC (self-delegated); a persona ("Nova Lumen") is
    launched through the DAO (campaign, 50,000 FMC raised by one contributor, vote, queue,
    execute), its creator and contributor claim their shares, and it is paid revenue in ETH (a
    plain transfer to its share token) and in FMC (PersonaShare.pay). Each figure is one
    transaction's receipt gas, in a block of its own after an empty block.

    Contribute: a second campaign is open (its proposal Pending) and already funded by another
    account; the measured contributor approves the launchpad, then contributes (its first
    contribution): both transactions and their sum. Claim shares: a contributor's
    PersonaLaunchpad.claim_shares after the launch (the mint settles the persona's revenue first).
    Share transfers: PersonaShare.transfer between holders, before the persona received any
    revenue (nothing to account) and after revenue in ETH and FMC accrued since the two holders
    last moved (the transfer moves the accrued part into both holders' corrections, per asset).

    Staking: PersonaStaking (contracts/staking/PersonaStaking.vy) beside Synthetix StakingRewards
    (benchmarks/anchors/SynthetixStakingRewards.sol: its logic statement for statement in Solidity
    0.8 with OpenZeppelin 5.7.0's SafeERC20, Math and ReentrancyGuard), deployed on the same chain
    with the stack's FMC as both its staking and its reward token. Both get the same reward stream
    (1,000,000 FMC over 90 days: ours funded by an account, as anyone may while no stream runs; the
    anchor paid that amount, then notified by its rewards distribution) and the same first
    staker (10,000 FMC, another account); ours then has the persona scored by the engagement
    oracle (two reports signed by 2 of the 4 operators, each followed by a performance push). The
    measured account stakes 10,000 FMC (ours: 30-day lock, 1.25x) from one snapshot on both sides,
    after approving exactly that amount, so the token's slots are warm or cold and zero or not
    alike on both (its balance, the contract's balance, the allowance spent to zero and refunded).
    It is the account's first stake on both. "First settlement": nothing has settled rewards since
    they started, so the stake moves every accumulator from zero (ours three words, the global
    reward per performance and the pool's two; the anchor one, rewardPerTokenStored), at 20,000
    gas apiece. "Settled before": an hour later the first staker claims on both sides, and from
    that state each side stakes, claims a day later (ours claim, the anchor getReward) and
    withdraws after the lock (ours withdraw, which also pays the rewards; the anchor exit). The
    entry points differ, so the calldata does too (ours 280 gas more for stake's two extra
    arguments).

    Stake, settled before, line by line: every storage access of the two measured transactions,
    read from anvil's per-opcode trace (debug_traceTransaction) and summed per source line. Cold
    slot reads are 2,100 gas, a write of a non-zero slot 2,900 on top, of a zero slot 20,000 (so
    a new word is 22,100), a repeated read 100. The suite warns if a run measures other totals.

    | Where the gas goes | Ours | Anchor |
    |---|---:|---:|
    | transaction: 21,000 + calldata | 21,568 | 21,288 |
    | refunds: FMC allowance spent to zero (both); the anchor's guard restored (2,800) | -4,800 | -7,600 |
    | reentrancy guard: ours transient; the anchor's a storage slot (read, write, restore) | 300 | 5,100 |
    | anchor `notPaused` flag and staking-token address (ours: an immutable) | — | 4,200 |
    | lock option: one word (duration, multiplier, enabled), non-zero iff it exists | 2,100 | — |
    | persona active? `REGISTRY.is_active` (cold account 2,600 + the registry's read) | 4,939 | — |
    | global accumulator: stream word, performance word (total, carry), reward per performance | 15,100 | — |
    | anchor `updateReward`, global part: 5 slots read, 2 written | — | 17,300 |
    | persona pool settlement: pool word read, its two accumulators read and written | 12,200 | — |
    | totals word (next position id, total staked, total weight) | 5,000 | — |
    | pool stake word (staked, open positions); pool word written with the new weight | 7,900 | — |
    | anchor `_totalSupply` written | — | 2,900 |
    | the position: two new packed words (head; amount, list index, unlock time) | 44,200 | — |
    | reward checkpoint: a new word (anchor: `userRewardPerTokenPaid`, `rewards`) | 22,100 | 24,300 |
    | anchor `_balances[account]` read, new | — | 22,200 |
    | the owner's list (enumeration): count and first id in one new word | 22,100 | — |
    | event `Staked`: 3 topics and 4 words (anchor: 1 topic, 1 word) | 2,899 | 1,381 |
    | FMC.transferFrom (same token, same slots) | 27,036 | 27,036 |
    | everything else (decoding, hashing mapping keys, arithmetic, jumps) | 4,122 | 3,213 |
    | **receipt gas** | **186,764** | **121,318** |

    So of the 65,446 gas between them, 41,900 pay for positions being records of their own (an
    account may hold several, on several personas, each with its lock, multiplier and unlock time,
    and list them on chain) instead of one balance per account; 27,039 for the second reward
    level (rewards split across personas by performance, then within each persona by weight, with
    per-persona totals), the persona check and the lock option; 1,518 for the richer event, 909
    for the rest of the code and 280 for calldata. The anchor spends 6,200 more on its
    storage-slot guard, pause flag and token address (after its refund).

    What was brought down: this stake cost 238,844 gas (first settlement 307,244, claim 101,944,
    withdraw 117,548), touching 24 storage words where it now touches 13. The owner's list kept
    its count, each entry and each entry's index in words of their own (46,400 gas for a first
    position); it is now 64-bit lanes, four to a word, the count in the first lane and the index
    in the position's own word (22,100; the second to fourth positions of an account only rewrite
    that word, where each wrote two new ones). The next position id, total staked and total
    weight were three words (15,000), now one (5,000). The stream's rate, end and last update
    (three cold reads) and total performance with its division carry (two) are two words
    (-6,300). A lock option was three words read after the option count (8,400), now one word
    whose being non-zero is the range check (2,100). The pool's weight moved into the word its
    settlement reads anyway, and its stake and position count share one (-5,300). Every
    behaviour, event, view and revert reason is kept (the ABI is the same); positions no longer
    store their weight, which is recomputed from the amount and the multiplier fixed at stake
    time. Left as the features need them: the three words of a position (its fields and reward
    checkpoint need more than two at the packing bounds), the owner's list word, the pool's two
    accumulators and the global one (each can need more than 128 bits), and the registry call.
    """
    # Imported here, not at the top, so that importing this module registers only its own suites
    # (the runner lists suites in registration order).
    from .governance import (
        FUNDING_GOAL,
        Voters,
        contribute,
        deploy_stack,
        hand_out_votes,
        launch_persona,
        propose_persona,
    )
    from .oracle import committee_keys, next_observed_at, observations, signed_report, transmit

    accts = ctx.accounts
    deployer = accts[0]
    voters = Voters(proposer=accts[1], second=accts[2], keeper=accts[4], contributor=accts[5])
    third, other, staker, payer = accts[3], accts[6], accts[7], accts[8]
    transmitter = accts[9]

    def row(action: str, value: int | None) -> Row:
        return Row("Economy", action, value, NO_ANCHOR, None)

    with ctx.steps.step("Economy: deploy the FameEngine stack, launch a persona through the DAO"):
        keys = committee_keys(4)
        transmitters = [transmitter.address] + [synthetic(0x7B000000 + i) for i in range(1, 4)]
        stack = deploy_stack(ctx, deployer, [k.address for k in keys], transmitters, 1)
        hand_out_votes(ctx, stack.fmc, deployer, [voters.proposer, voters.second, third])
        for who in (voters.contributor, other, staker):
            ctx.send(stack.fmc.functions.transfer(who.address, 10 * FUNDING_GOAL), deployer)
        ctx.send(stack.fmc.functions.transfer(payer.address, 2 * STREAM), deployer)
        ctx.mine()
        campaign_id, persona_id, share = launch_persona(ctx, stack, voters, "FameEngine: launch Nova Lumen")

    lp, fmc, staking = stack.launchpad, stack.fmc, stack.staking

    # -- contribute: approve then contribute, to an open campaign
    approve: int | None
    given: int | None
    with ctx.steps.step("Economy: contribute (approve, then contribute)"), ctx.isolated():
        try:
            propose_persona(ctx, stack, voters.second, "FameEngine: launch a second persona")
            second_campaign = lp.functions.campaign_count().call()
            contribute(ctx, stack, other, second_campaign, 1_000 * E18)
            amount = 2_000 * E18
            approve = ctx.measure(fmc.functions.approve(lp.address, amount), voters.contributor)["gasUsed"]
            given = ctx.measure(lp.functions.contribute(second_campaign, amount), voters.contributor)["gasUsed"]
            if lp.functions.contribution_of(second_campaign, voters.contributor.address).call() != amount:
                raise RuntimeError("the contribution was not recorded")
        except Exception as exc:
            ctx.warn(f"Economy, contribute: {type(exc).__name__}: {exc}")
            approve = given = None
    yield row("contribute, step 1: FMC approve (launchpad as spender)", approve)
    yield row("contribute, step 2: PersonaLaunchpad.contribute (the account's first contribution)", given)
    yield row(
        "contribute: approve + contribute (two transactions)",
        None if approve is None or given is None else approve + given,
    )

    # -- claim shares after the launch
    claim = ctx.measure(lp.functions.claim_shares(campaign_id), voters.contributor)["gasUsed"]
    yield row("claim shares after the launch (contributor; the mint settles revenue first)", claim)
    ctx.send(lp.functions.claim_shares(campaign_id), voters.proposer)  # the creator's allocation
    creator, contributor = voters.proposer, voters.contributor

    # -- share transfers
    amount = share.functions.balanceOf(contributor.address).call() // 100
    with ctx.isolated():
        before = ctx.measure(share.functions.transfer(creator.address, amount), contributor)["gasUsed"]
    yield row("PersonaShare transfer to another holder, no revenue paid yet (nothing to account)", before)

    def pay_both(eth: int, fmc_amount: int) -> None:
        tx_hash = ctx.w3.eth.send_transaction(
            {"from": payer.address, "to": share.address, "value": Wei(eth), "gas": 100_000}
        )
        if ctx.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] != 1:
            raise TxFailed("the ETH payment to the share token reverted")
        ctx.send(fmc.functions.approve(share.address, fmc_amount), payer)
        ctx.send(share.functions.pay(fmc.address, fmc_amount), payer)

    pay_both(10**18, 1_000 * E18)
    ctx.send(share.functions.transfer(creator.address, amount), contributor)  # both holders credited once
    pay_both(10**18, 1_000 * E18)
    with ctx.isolated():
        existing = ctx.measure(share.functions.transfer(creator.address, amount), contributor)["gasUsed"]
    with ctx.isolated():
        fresh = ctx.measure(share.functions.transfer(synthetic(0xF4E5), amount), contributor)["gasUsed"]
    yield row(
        "PersonaShare transfer to another holder, revenue in ETH and FMC accrued (corrections in both assets)", existing
    )
    yield row("PersonaShare transfer to a fresh account, revenue in ETH and FMC accrued", fresh)

    # -- staking, beside Synthetix StakingRewards on the same chain and the same FMC
    with ctx.steps.step("Economy: reward streams on both staking contracts, a first staker, oracle reports and pushes"):
        srw = ctx.deploy(
            ctx.anchor("SynthetixStakingRewards"),
            deployer.address,  # owner
            payer.address,  # rewards distribution
            fmc.address,  # reward token
            fmc.address,  # staking token
            sender=deployer,
        ).contract
        ctx.send(srw.functions.setRewardsDuration(STREAM_DAYS * 86_400), deployer)
        ctx.send(fmc.functions.transfer(payer.address, STREAM), deployer)  # the anchor's budget
        ctx.send(fmc.functions.approve(staking.address, STREAM), payer)
        ctx.send(staking.functions.fund(STREAM, STREAM_DAYS * 86_400), payer)
        ctx.send(fmc.functions.transfer(srw.address, STREAM), payer)  # the anchor is paid, then notified
        ctx.send(srw.functions.notifyRewardAmount(STREAM), payer)
        ctx.send(fmc.functions.approve(staking.address, STAKE), other)
        ctx.send(staking.functions.stake(persona_id, STAKE, LOCK_INDEX), other)
        other_position = staking.functions.position_of_owner_by_index(other.address, 0).call()
        ctx.send(fmc.functions.approve(srw.address, STAKE), other)
        ctx.send(srw.functions.stake(STAKE), other)
        oracle = stack.oracle
        # Two reports, each followed by a performance push: the first push keeps the persona's
        # word, the second scores the engagement gained between them.
        for epoch in (1, 2):
            if epoch == 2:
                advance(ctx, stack.params.oracle_performance_interval + 1)
            report, sigs = signed_report(
                ctx, oracle, keys, 1, epoch, observations([persona_id], next_observed_at(ctx), epoch)
            )
            transmit(ctx, oracle, transmitter, report, sigs, measure=False)
            ctx.send(oracle.functions.push_performance([persona_id]), transmitter)
        if staking.functions.persona_stake(persona_id).call()[2] == 0:
            ctx.warn("Economy: the oracle reports did not give the persona a performance score")

    label = staking_anchor_label()
    sides = {"ours": staking, "anchor": srw}

    def stake(side: str, target: Contract) -> TxReceipt:
        ctx.send(fmc.functions.approve(target.address, STAKE), staker)
        if side == "ours":
            receipt = ctx.measure(staking.functions.stake(persona_id, STAKE, LOCK_INDEX), staker)
            position = staking.functions.position_of_owner_by_index(staker.address, 0).call()
            if staking.functions.position(position).call()[2] != STAKE:
                raise RuntimeError("the position does not hold the stake")
        else:
            receipt = ctx.measure(srw.functions.stake(STAKE), staker)
            if srw.functions.balanceOf(staker.address).call() != STAKE:
                raise RuntimeError("the anchor does not hold the stake")
        return receipt

    with ctx.steps.step("Economy: stake, the pool's first settlement since rewards started"):
        first = side_by_side(ctx, "Economy, stake (first settlement)", sides, stake)
    yield Row(
        "Economy",
        "stake (30-day lock, 1.25x; reward stream running, persona already staked on; "
        "first settlement of the pool since rewards started)",
        first.get("ours"),
        label,
        first.get("anchor"),
    )

    # The other staker claims an hour later on both sides: every accumulator is non-zero from here.
    advance(ctx, 3_600)
    ctx.send(staking.functions.claim(other_position), other)
    ctx.send(srw.functions.getReward(), other)

    measured: dict[str, dict[str, int]] = {"stake": {}, "claim": {}, "withdraw": {}}
    for side, target in sides.items():
        with ctx.steps.step(f"Economy: stake, claim a day later, withdraw after the lock ({side})"), ctx.isolated():
            try:
                measured["stake"][side] = stake(side, target)["gasUsed"]
                advance(ctx, 86_400)
                before = fmc.functions.balanceOf(staker.address).call()
                if side == "ours":
                    position = staking.functions.position_of_owner_by_index(staker.address, 0).call()
                    receipt = ctx.measure(staking.functions.claim(position), staker)
                else:
                    receipt = ctx.measure(srw.functions.getReward(), staker)
                if fmc.functions.balanceOf(staker.address).call() <= before:
                    raise RuntimeError("claiming the rewards paid nothing")
                measured["claim"][side] = receipt["gasUsed"]
                advance(ctx, LOCK_S)
                before = fmc.functions.balanceOf(staker.address).call()
                if side == "ours":
                    receipt = ctx.measure(staking.functions.withdraw(position), staker)
                    still_open = staking.functions.position_count_of(staker.address).call()
                else:
                    receipt = ctx.measure(srw.functions.exit(), staker)
                    still_open = srw.functions.balanceOf(staker.address).call()
                if still_open != 0 or fmc.functions.balanceOf(staker.address).call() <= before + STAKE:
                    raise RuntimeError("the withdrawal did not return the principal and the rewards")
                measured["withdraw"][side] = receipt["gasUsed"]
            except Exception as exc:  # a failing side leaves its figures empty; the run goes on
                ctx.warn(f"Economy, staking: {side} failed: {type(exc).__name__}: {exc}")
    steady = measured["stake"]
    for side, explained in EXPLAINED_STAKE_GAS.items():
        if side in steady and steady[side] != explained:
            ctx.warn(
                f"Economy: the {side} stake costs {steady[side]:,} gas; the notes explain {explained:,}: "
                "update their breakdown"
            )
    yield Row(
        "Economy",
        "stake (30-day lock, 1.25x; reward stream running, persona already staked on; accumulators settled before)",
        steady.get("ours"),
        label,
        steady.get("anchor"),
    )
    yield Row(
        "Economy",
        "claim staking rewards (one position, a day of rewards)",
        measured["claim"].get("ours"),
        f"{label}: getReward()",
        measured["claim"].get("anchor"),
    )
    yield Row(
        "Economy",
        "withdraw after the lock (principal + pending rewards)",
        measured["withdraw"].get("ours"),
        f"{label}: exit()",
        measured["withdraw"].get("anchor"),
    )
