"""Governance: the proposal life cycle of FameGovernor beside the OpenZeppelin governor stack.

This module also holds the FameEngine stack helper the economy suites use: `deploy_stack` deploys
every contract in the order of scripts/deploy.py and runs the same timelock bootstrap (without
importing ape), and `launch_persona` walks a persona launch through the DAO.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import keccak
from web3.contract import Contract
from web3.types import TxReceipt

from ..context import DEPLOY_GAS, Context, DevAccount, TxFailed
from ..core import Row, suite
from ..solidity import package_version

COMPONENT = "Governance"

E18 = 10**18
FMC_CAP = 1_000_000_000 * E18  # as scripts/deploy.py
FMC_GENESIS_SUPPLY = 100_000_000 * E18
ZERO32 = b"\x00" * 32
BLOCK_S = 12  # the harness's anvil: 12 s between block timestamps

# How the voters hold FMC (both tokens alike): self-delegated, so everyone's votes are theirs.
VOTER_FMC = (40_000_000 * E18, 30_000_000 * E18, 20_000_000 * E18)

AGAINST, FOR, ABSTAIN = 0, 1, 2
STATE_EXECUTED = 7


@dataclass(frozen=True)
class DaoParams:
    """The DAO parameters of scripts/deploy.py (its LOCAL set: the dev chain's)."""

    timelock_delay: int = 120
    voting_delay: int = 60
    voting_period: int = 3_600
    proposal_threshold: int = 1_000 * E18
    quorum_bps: int = 400
    revenue_fee_bps: int = 500
    max_creator_allocation_bps: int = 1_000
    oracle_heartbeat: int = 30
    oracle_performance_interval: int = 60


LOCAL = DaoParams()


# ------------------------------------------------------------------------------------------------
# The FameEngine stack, deployed like scripts/deploy.py


def blueprint_initcode(initcode: bytes) -> bytes:
    """Creation code that stores `initcode` as an ERC-5202 blueprint: the stored code starts with
    the blueprint preamble 0xFE71 00 (magic, version 0, no extra data), so it cannot be called,
    only used by `create_from_blueprint`. The 10-byte loader copies what follows it and returns it:
    PUSH2 len, RETURNDATASIZE, DUP2, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURN."""
    body = b"\xfe\x71\x00" + initcode
    if len(body) > 0xFFFF:
        raise ValueError("blueprint too large for a PUSH2 length")
    return b"\x61" + len(body).to_bytes(2, "big") + b"\x3d\x81\x60\x0a\x3d\x39\xf3" + body


def declare_blueprint(ctx: Context, name: str, sender: DevAccount) -> str:
    """Deploy one of our contracts as an ERC-5202 blueprint; returns its address."""
    artifact = ctx.ours(name)
    code = blueprint_initcode(bytes.fromhex(artifact.bytecode.removeprefix("0x")))
    tx_hash = ctx.w3.eth.send_transaction({"from": sender.address, "data": code, "gas": DEPLOY_GAS})
    receipt = ctx.w3.eth.wait_for_transaction_receipt(tx_hash)
    address = receipt["contractAddress"]
    if receipt["status"] != 1 or address is None:
        raise TxFailed(f"declaring the {name} blueprint reverted")
    return address


def calldata(contract: Contract, fn: str, *args) -> bytes:
    return bytes.fromhex(contract.encode_abi(fn, args=list(args)).removeprefix("0x"))


@dataclass
class Stack:
    """Every FameEngine contract, wired as scripts/deploy.py leaves them."""

    params: DaoParams
    fmc: Contract
    timelock: Contract
    governor: Contract
    registry: Contract
    treasury: Contract
    share_blueprint: str
    splitter: Contract
    staking: Contract
    reputation: Contract
    launchpad: Contract
    oracle: Contract
    deployer: DevAccount


def deploy_stack(
    ctx: Context,
    deployer: DevAccount,
    oracle_signers: Sequence[str],
    oracle_transmitters: Sequence[str],
    oracle_f: int,
    params: DaoParams = LOCAL,
) -> Stack:
    """Deploy FameEngine in scripts/deploy.py's order and bootstrap the timelock as it does: every
    privileged role ends with the timelock, which the governor alone drives."""

    def deploy(name: str, *args) -> Contract:
        return ctx.deploy(ctx.ours(name), *args, sender=deployer).contract

    def send(call, what: str | None = None) -> TxReceipt:
        return ctx.send(call, deployer, what=what)

    fmc = deploy("FMC", FMC_CAP, deployer.address, FMC_GENESIS_SUPPLY)
    # Delay 0 and the deployer as admin for the bootstrap batch below.
    timelock = deploy("FameTimelock", 0, [], [], deployer.address)
    governor = deploy(
        "FameGovernor",
        fmc.address,
        timelock.address,
        params.voting_delay,
        params.voting_period,
        params.proposal_threshold,
        params.quorum_bps,
    )
    registry = deploy("PersonaRegistry", timelock.address)
    treasury = deploy("PersonaTreasury", timelock.address, registry.address)
    share_blueprint = declare_blueprint(ctx, "PersonaShare", deployer)
    splitter = deploy("RevenueConfig", timelock.address, fmc.address, timelock.address, params.revenue_fee_bps)
    staking = deploy("PersonaStaking", timelock.address, fmc.address, registry.address)
    reputation = deploy("Reputation", timelock.address, fmc.address, registry.address)
    launchpad = deploy(
        "PersonaLaunchpad",
        governor.address,
        fmc.address,
        registry.address,
        treasury.address,
        share_blueprint,
        splitter.address,
        params.max_creator_allocation_bps,
    )
    oracle = deploy(
        "EngagementOracle",
        timelock.address,
        registry.address,
        reputation.address,
        staking.address,
        params.oracle_heartbeat,
        oracle_signers,
        oracle_transmitters,
        oracle_f,
    )

    send(governor.functions.bootstrap_launchpad(launchpad.address))

    # One timelock batch wires what the timelock already owns, accepts FMC's ownership and raises
    # the timelock's own delay to the real one.
    send(fmc.functions.transfer_ownership(timelock.address))
    batch: list[tuple[Contract, str, *tuple[Any, ...]]] = [
        (registry, "set_registrar", launchpad.address),
        (registry, "set_treasury", treasury.address),
        (staking, "set_updater", oracle.address),
        (reputation, "set_oracle", oracle.address),
        (oracle, "set_performance_interval", params.oracle_performance_interval),
        (fmc, "accept_ownership"),
        (timelock, "update_delay", params.timelock_delay),
    ]
    targets = [c[0].address for c in batch]
    payloads = [calldata(c[0], c[1], *c[2:]) for c in batch]
    values = [0] * len(batch)
    t = timelock.functions
    proposer, executor = t.PROPOSER_ROLE().call(), t.EXECUTOR_ROLE().call()
    canceller, admin = t.CANCELLER_ROLE().call(), t.DEFAULT_ADMIN_ROLE().call()
    send(t.grantRole(proposer, deployer.address))
    send(t.grantRole(executor, deployer.address))
    send(t.schedule_batch(targets, values, payloads, ZERO32, ZERO32, 0), "bootstrap schedule_batch")
    send(t.execute_batch(targets, values, payloads, ZERO32, ZERO32), "bootstrap execute_batch")
    for role in (proposer, canceller, executor):
        send(t.grantRole(role, governor.address))
    for role in (proposer, canceller, executor):
        send(t.revokeRole(role, deployer.address))
    send(t.renounceRole(admin, deployer.address))

    if t.get_minimum_delay().call() != params.timelock_delay or fmc.functions.owner().call() != timelock.address:
        raise RuntimeError("the timelock bootstrap did not take effect")
    return Stack(
        params,
        fmc,
        timelock,
        governor,
        registry,
        treasury,
        share_blueprint,
        splitter,
        staking,
        reputation,
        launchpad,
        oracle,
        deployer,
    )


def hand_out_votes(ctx: Context, token: Contract, holder: DevAccount, voters: list[DevAccount]) -> None:
    """VOTER_FMC to each voter, each self-delegated."""
    for voter, amount in zip(voters, VOTER_FMC, strict=False):
        ctx.send(token.functions.transfer(voter.address, amount), holder)
        ctx.send(token.functions.delegate(voter.address), voter)


def mine_to(ctx: Context, block: int) -> None:
    """Mine empty blocks until the latest block is `block` (anvil_mine keeps the 12 s step)."""
    current = ctx.w3.eth.block_number
    if block > current:
        ctx.chain.rpc("anvil_mine", [hex(block - current)])


def proposal_id(targets: list[str], values: list[int], calldatas: list[bytes], description: str) -> int:
    """keccak256(abi.encode(targets, values, calldatas, keccak256(description))): the id both
    governors give a proposal."""
    encoded = abi_encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32"],
        [targets, values, calldatas, keccak(text=description)],
    )
    return int.from_bytes(keccak(encoded), "big")


# ------------------------------------------------------------------------------------------------
# The proposal life cycle, in blocks: both governors walk the same block sequence, so their
# clocks (FameGovernor: timestamps, the OpenZeppelin governor: block numbers) pass every bound at
# the same measured transaction.


@dataclass(frozen=True)
class Timing:
    voting_delay_blocks: int
    voting_period_blocks: int
    timelock_delay_blocks: int

    @classmethod
    def of(cls, params: DaoParams) -> Timing:
        return cls(
            voting_delay_blocks=params.voting_delay // BLOCK_S,
            voting_period_blocks=params.voting_period // BLOCK_S,
            timelock_delay_blocks=-(-params.timelock_delay // BLOCK_S),
        )

    # ctx.measure mines one empty block, then the measured transaction lands in the next one: the
    # targets below are the latest block before that empty block.
    def before_vote(self, proposed_at: int) -> int:
        return proposed_at + self.voting_delay_blocks + 1

    def before_queue(self, proposed_at: int) -> int:
        return proposed_at + self.voting_delay_blocks + self.voting_period_blocks + 1

    def before_execute(self, queued_at: int) -> int:
        return queued_at + self.timelock_delay_blocks + 1


@dataclass
class Proposal:
    targets: list[str]
    values: list[int]
    calldatas: list[bytes]
    description: str

    @property
    def id(self) -> int:
        return proposal_id(self.targets, self.values, self.calldatas, self.description)

    @property
    def description_hash(self) -> bytes:
        return keccak(text=self.description)

    def queue_args(self) -> tuple:
        return (self.targets, self.values, self.calldatas, self.description_hash)


@dataclass(frozen=True)
class Voters:
    proposer: DevAccount  # also the first voter
    second: DevAccount
    keeper: DevAccount  # queues and executes (anyone may)
    contributor: DevAccount  # funds persona campaigns


STEPS = ("propose", "castVote (first vote)", "castVote (a later vote)", "queue", "execute")


def walk(
    ctx: Context,
    governor: Contract,
    voters: Voters,
    timing: Timing,
    propose: Callable[[], tuple[TxReceipt, Proposal]],
    upto: str,
    during_voting: Callable[[], None] | None = None,
) -> TxReceipt:
    """Run a proposal's life cycle up to step `upto` (one of STEPS); each step's transaction is
    taken with ctx.measure. Returns the receipt of `upto`."""
    receipt, proposal = propose()
    if upto == "propose":
        return receipt
    proposed_at = receipt["blockNumber"]
    pid = proposal.id
    if during_voting is not None:
        during_voting()
    mine_to(ctx, timing.before_vote(proposed_at))
    receipt = ctx.measure(governor.functions.castVote(pid, FOR), voters.proposer)
    if upto == "castVote (first vote)":
        return receipt
    receipt = ctx.measure(governor.functions.castVote(pid, FOR), voters.second)
    if upto == "castVote (a later vote)":
        return receipt
    mine_to(ctx, timing.before_queue(proposed_at))
    receipt = ctx.measure(governor.functions.queue(*proposal.queue_args()), voters.keeper)
    if upto == "queue":
        return receipt
    mine_to(ctx, timing.before_execute(receipt["blockNumber"]))
    receipt = ctx.measure(governor.functions.execute(*proposal.queue_args()), voters.keeper, gas=DEPLOY_GAS)
    if governor.functions.state(pid).call() != STATE_EXECUTED:
        raise RuntimeError("the proposal is not Executed after execute")
    return receipt


def parameter_proposal(governor: Contract, threshold: int, description: str) -> Proposal:
    """One action, the same on both governors: setProposalThreshold(threshold) on the governor
    itself (governance only: the timelock makes the call)."""
    return Proposal([governor.address], [0], [calldata(governor, "setProposalThreshold", threshold)], description)


# ------------------------------------------------------------------------------------------------
# Persona launches through the DAO


PERSONA_NAME = "Nova Lumen"
PERSONA_SYMBOL = "NOVA"
PERSONA_SPEC_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
FUNDING_GOAL = 50_000 * E18
CREATOR_BPS = 1_000


def persona_proposal(stack: Stack, campaign_id: int, description: str) -> Proposal:
    lp = stack.launchpad
    return Proposal([lp.address], [0], [calldata(lp, "launch", campaign_id)], description)


def propose_persona(ctx: Context, stack: Stack, creator: DevAccount, description: str) -> tuple[TxReceipt, Proposal]:
    """PersonaLaunchpad.propose_persona (opens the campaign, relays the proposal); measured."""
    lp = stack.launchpad
    campaign_id = lp.functions.campaign_count().call() + 1
    call = lp.functions.propose_persona(
        PERSONA_NAME, PERSONA_SYMBOL, PERSONA_SPEC_CID, FUNDING_GOAL, CREATOR_BPS, description
    )
    receipt = ctx.measure(call, creator)
    return receipt, persona_proposal(stack, campaign_id, description)


def contribute(ctx: Context, stack: Stack, contributor: DevAccount, campaign_id: int, amount: int) -> None:
    ctx.send(stack.fmc.functions.approve(stack.launchpad.address, amount), contributor)
    ctx.send(stack.launchpad.functions.contribute(campaign_id, amount), contributor)


def launch_persona(ctx: Context, stack: Stack, voters: Voters, description: str) -> tuple[int, int, Contract]:
    """A persona launched through the DAO: campaign, funding, vote, queue, execute. Returns
    (campaign id, persona id, share token)."""
    campaign_id = stack.launchpad.functions.campaign_count().call() + 1
    walk(
        ctx,
        stack.governor,
        voters,
        Timing.of(stack.params),
        lambda: propose_persona(ctx, stack, voters.proposer, description),
        "execute",
        during_voting=lambda: contribute(ctx, stack, voters.contributor, campaign_id, FUNDING_GOAL),
    )
    persona_id = stack.registry.functions.persona_count().call()
    share = stack.registry.functions.share_token_of(persona_id).call()
    token = ctx.w3.eth.contract(address=share, abi=ctx.ours("PersonaShare").abi)
    return campaign_id, persona_id, token


# ------------------------------------------------------------------------------------------------
# The OpenZeppelin side


@dataclass
class OZStack:
    token: Contract
    timelock: Contract
    governor: Contract


def deploy_oz_stack(ctx: Context, deployer: DevAccount, params: DaoParams) -> OZStack:
    """OZVotesToken (the FMC anchor), OZTimelock with the same minimum delay, and OZGovernor with
    the same parameters in its token's clock (block numbers, 12 s apart); roles as FameTimelock's:
    the governor alone proposes, cancels and executes, the deployer renounces its admin role."""
    token = ctx.deploy(
        ctx.anchor("OZVotesToken"), FMC_CAP, deployer.address, FMC_GENESIS_SUPPLY, sender=deployer
    ).contract
    timelock = ctx.deploy(
        ctx.anchor("OZGovernorStack", "OZTimelock"), params.timelock_delay, [], [], deployer.address, sender=deployer
    ).contract
    timing = Timing.of(params)
    governor = ctx.deploy(
        ctx.anchor("OZGovernorStack", "OZGovernor"),
        token.address,
        timelock.address,
        timing.voting_delay_blocks,
        timing.voting_period_blocks,
        params.proposal_threshold,
        params.quorum_bps // 100,
        sender=deployer,
    ).contract
    t = timelock.functions
    for role in (t.PROPOSER_ROLE().call(), t.CANCELLER_ROLE().call(), t.EXECUTOR_ROLE().call()):
        ctx.send(t.grantRole(role, governor.address), deployer)
    ctx.send(t.renounceRole(t.DEFAULT_ADMIN_ROLE().call(), deployer.address), deployer)
    return OZStack(token, timelock, governor)


def oz_label() -> str:
    return (
        f"OpenZeppelin {package_version('@openzeppelin/contracts')} Governor+Settings+CountingSimple+Votes"
        "+QuorumFraction+TimelockControl, TimelockController"
    )


def _zero_bytes(value: int) -> int:
    return value.to_bytes(32, "big").count(0)


def equal_cost_description(base: str, governors: list[Contract], threshold: int) -> str:
    """A description (base + a counter) for which the proposal id has as many zero bytes on every
    governor: castVote carries the id, and a zero byte of calldata costs 4 gas against 16."""
    for n in range(10_000):
        description = f"{base} (#{n})"
        zeros = {_zero_bytes(parameter_proposal(g, threshold, description).id) for g in governors}
        if len(zeros) == 1:
            return description
    raise RuntimeError("no description gives proposal ids with equal calldata cost")


# Persona-launch steps whose work no OpenZeppelin contract does (see the suite's docstring).
NO_LAUNCH_ANCHOR = ("propose", "execute")
NO_LAUNCH_ANCHOR_LABEL = "none does this job (OpenZeppelin's Governor has no launchpad)"


@suite("governance", title="Governance")
def governance(ctx: Context) -> Iterator[Row]:
    """FameGovernor + FameTimelock (contracts/governance/) beside the OpenZeppelin governor of the
    same shape: benchmarks/anchors/OZGovernorStack.sol inherits Governor, GovernorSettings,
    GovernorCountingSimple, GovernorVotes, GovernorVotesQuorumFraction and GovernorTimelockControl
    and schedules on a TimelockController. GovernorSettings is part of it because FameGovernor's
    voting delay, voting period and proposal threshold are settable by the DAO too (stored, not
    constants), so both read them from storage.

    Our side is the whole FameEngine stack deployed and bootstrapped as scripts/deploy.py does it
    (LOCAL parameters: voting delay 60 s, voting period 3,600 s, threshold 1,000 FMC, quorum 4 %,
    timelock delay 120 s). The OpenZeppelin side gets the same parameters in its token's clock:
    votes are read from OZVotesToken (the FMC anchor, block-number clock), so the delays are 5 and
    300 blocks of 12 s, and the quorum is 4 of 100; its TimelockController has the same 120 s delay
    and the same roles (the governor alone proposes, cancels and executes; the deployer renounces
    its admin role). Both tokens hold the same balances: 40M, 30M and 20M to three voters, each
    self-delegated.

    Each step is measured from one chain snapshot per side, after the same earlier steps: propose
    (by the 40M voter), castVote For by that voter (the proposal's first vote) and by the 30M voter
    (a later vote), queue, execute, each in a block of its own after an empty block, and both
    sides go through the same block numbers and timestamps (the voting and timelock delays are
    mined past with the same block counts). The "one action" rows compare like with like: a
    proposal whose single action is setProposalThreshold(2,000 FMC) on the governor itself,
    with the same calldata on both sides, and a description chosen so that both proposal ids
    carry as many zero bytes (castVote's calldata costs the same). After each measured step the
    harness compares the proposal state, the tally and the threshold on both sides.

    The "persona launch" rows are FameEngine's own proposal: PersonaLaunchpad.propose_persona
    opens a funding campaign and relays a one-action proposal (launch(campaign_id)) to the
    governor; a contributor funds the goal while the proposal is pending; execute has the timelock call
    launch, which deploys the persona's share token from the PersonaShare blueprint, registers the
    persona and deposits the raise (50,000 FMC) into the PersonaTreasury. OpenZeppelin has no
    launchpad, so no anchor does the job of propose (open a campaign and relay its proposal) or
    execute (deploy and register a persona) here: those two rows stand alone, and the governance
    part of them is what the one-action rows compare. castVote and queue do the same job for any
    proposal, so their persona-launch rows keep the one-action anchor.
    """
    accts = ctx.accounts
    deployer = holder_fmc = accts[0]  # the deployer receives FMC's genesis supply
    voters = Voters(proposer=accts[1], second=accts[2], keeper=accts[4], contributor=accts[5])
    third = accts[3]
    params = LOCAL
    timing = Timing.of(params)
    label = oz_label()
    persona_label = f"{label} (its one-action proposal)"

    with ctx.steps.step(
        "Governance: deploy the FameEngine stack (scripts/deploy.py order) and the OpenZeppelin governor"
    ):
        from oracle.keys import dev_committee

        signers, _ = dev_committee(4)
        transmitters = [a.address for a in accts[6:10]]
        stack = deploy_stack(ctx, deployer, signers, transmitters, 1, params)
        oz = deploy_oz_stack(ctx, deployer, params)
        for token in (stack.fmc, oz.token):
            hand_out_votes(ctx, token, holder_fmc, [voters.proposer, voters.second, third])
        # The contributor funds campaigns in FMC (it does not delegate, so it has no votes); the
        # anchor token makes the same transfer so that both tokens keep the same balances.
        ctx.send(stack.fmc.functions.transfer(voters.contributor.address, 10 * FUNDING_GOAL), holder_fmc)
        ctx.send(oz.token.functions.transfer(voters.contributor.address, 10 * FUNDING_GOAL), holder_fmc)
        ctx.mine()

    new_threshold = 2 * params.proposal_threshold
    governors = {"ours": stack.governor, "anchor": oz.governor}
    description = equal_cost_description(
        "FameEngine: raise the proposal threshold to 2,000 FMC", list(governors.values()), new_threshold
    )

    def plain(governor: Contract, upto: str) -> TxReceipt:
        def propose() -> tuple[TxReceipt, Proposal]:
            proposal = parameter_proposal(governor, new_threshold, description)
            call = governor.functions.propose(proposal.targets, proposal.values, proposal.calldatas, description)
            return ctx.measure(call, voters.proposer), proposal

        return walk(ctx, governor, voters, timing, propose, upto)

    def observe(governor: Contract) -> dict:
        pid = parameter_proposal(governor, new_threshold, description).id
        f = governor.functions
        return {
            "state": f.state(pid).call(),
            "proposalVotes": tuple(f.proposalVotes(pid).call()),
            "hasVoted(second voter)": f.hasVoted(pid, voters.second.address).call(),
            "proposalThreshold": f.proposalThreshold().call(),
        }

    anchor_gas: dict[str, int | None] = {}
    for step in STEPS:
        action = f"{step}: one action (setProposalThreshold)"

        def measured(g: Contract, step: str = step) -> TxReceipt:
            return plain(g, step)

        with ctx.steps.step(f"{COMPONENT}: {action}"):
            gas = ctx.compare(f"{COMPONENT}, {action}", governors, measured, observe=observe)
        anchor_gas[step] = gas.get("anchor")
        yield Row(COMPONENT, action, gas.get("ours"), label, gas.get("anchor"))

    persona_description = "FameEngine: launch the persona Nova Lumen"
    campaign_id = stack.launchpad.functions.campaign_count().call() + 1
    for step in STEPS:
        what = {
            "propose": "propose: persona launch (PersonaLaunchpad.propose_persona: campaign + relayed proposal)",
            "execute": "execute: persona launch (share token from blueprint, registry, treasury deposit)",
        }.get(step, f"{step}: persona launch proposal")
        with ctx.steps.step(f"{COMPONENT}: {what}"), ctx.isolated():
            try:
                receipt = walk(
                    ctx,
                    stack.governor,
                    voters,
                    timing,
                    lambda: propose_persona(ctx, stack, voters.proposer, persona_description),
                    step,
                    during_voting=lambda: contribute(ctx, stack, voters.contributor, campaign_id, FUNDING_GOAL),
                )
                ours = receipt["gasUsed"]
                if step == "execute" and stack.registry.functions.persona_count().call() != 1:
                    raise RuntimeError("no persona was registered by the launch")
            except Exception as exc:  # a failing scenario leaves its figure empty; the run goes on
                ctx.warn(f"{COMPONENT}, {what}: ours failed: {type(exc).__name__}: {exc}")
                ours = None
        if step in NO_LAUNCH_ANCHOR:
            yield Row(COMPONENT, what, ours, NO_LAUNCH_ANCHOR_LABEL, None)
        else:
            yield Row(COMPONENT, what, ours, persona_label, anchor_gas.get(step))
