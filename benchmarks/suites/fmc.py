"""FMC token: gas of the everyday token actions beside the OpenZeppelin governance token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt

from ..context import Context, Deployed, DevAccount
from ..core import Row, suite
from ..solidity import package_version

COMPONENT = "FMC token"

CAP = 1_000_000_000 * 10**18
INITIAL_SUPPLY = 100_000_000 * 10**18
SEED = 1_000_000 * 10**18  # what setup hands each actor that needs tokens
AMOUNT = 1_000 * 10**18  # moved by each measured transfer
MINT_AMOUNT = 500 * 10**18
PERMIT_VALUE = 2_000 * 10**18
PERMIT_DEADLINE = 4_000_000_000  # first deadline tried (year 2096); see _permit_deadline
EIP712_NAME, EIP712_VERSION = "FameEngine", "1"


def anchor_label() -> str:
    return f"OpenZeppelin {package_version('@openzeppelin/contracts')} ERC20+ERC20Permit+ERC20Votes+ERC20Capped"


@dataclass(frozen=True)
class Actors:
    deployer: DevAccount  # owner of both tokens
    holder: DevAccount  # receives the initial supply, funds everyone else
    minter: DevAccount  # authorised with set_minter before any scenario
    sender: DevAccount
    receiver: DevAccount
    relayer: DevAccount  # submits the permit
    permit_owner: DevAccount
    spender: DevAccount
    fresh: str  # an address that never held anything

    def watched(self) -> list[str]:
        people = (self.holder, self.minter, self.sender, self.receiver, self.permit_owner, self.spender)
        return [p.address for p in people] + [self.fresh]


@dataclass
class Plan:
    """Inputs fixed before the scenarios run, identical for both tokens."""

    actors: Actors
    permit_deadline: int
    permit_signatures: dict[str, tuple[int, bytes, bytes]]  # token address -> (v, r, s)


Scenario = Callable[[Context, Contract, Plan], TxReceipt]


def _fund(ctx: Context, token: Contract, plan: Plan, *who: DevAccount) -> None:
    for account in who:
        ctx.send(token.functions.transfer(account.address, SEED), plan.actors.holder)


def transfer_fresh(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.sender)
    return ctx.measure(token.functions.transfer(a.fresh, AMOUNT), a.sender)


def transfer_existing(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.sender, a.receiver)
    return ctx.measure(token.functions.transfer(a.receiver.address, AMOUNT), a.sender)


def transfer_delegated(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.sender, a.receiver)
    ctx.send(token.functions.delegate(a.sender.address), a.sender)
    ctx.send(token.functions.delegate(a.receiver.address), a.receiver)
    return ctx.measure(token.functions.transfer(a.receiver.address, AMOUNT), a.sender)


def transfer_delegated_same_block(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.sender, a.receiver)
    ctx.send(token.functions.delegate(a.sender.address), a.sender)
    ctx.send(token.functions.delegate(a.receiver.address), a.receiver)
    _, measured = ctx.same_block(
        (token.functions.transfer(a.sender.address, AMOUNT), a.receiver),
        (token.functions.transfer(a.receiver.address, AMOUNT), a.sender),
    )
    return measured


def delegate_first(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.sender)
    return ctx.measure(token.functions.delegate(a.sender.address), a.sender)


def permit(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.permit_owner)
    v, r, s = plan.permit_signatures[token.address]
    call = token.functions.permit(
        a.permit_owner.address, a.spender.address, PERMIT_VALUE, plan.permit_deadline, v, r, s
    )
    return ctx.measure(call, a.relayer)


def mint_delegated(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.receiver)
    ctx.send(token.functions.delegate(a.receiver.address), a.receiver)
    return ctx.measure(token.functions.mint(a.receiver.address, MINT_AMOUNT), a.minter)


def mint_undelegated(ctx: Context, token: Contract, plan: Plan) -> TxReceipt:
    a = plan.actors
    _fund(ctx, token, plan, a.receiver)
    return ctx.measure(token.functions.mint(a.receiver.address, MINT_AMOUNT), a.minter)


SCENARIOS: list[tuple[str, Scenario]] = [
    ("transfer to a fresh account", transfer_fresh),
    ("transfer to an existing holder", transfer_existing),
    ("transfer, both sides self-delegated", transfer_delegated),
    ("transfer, both sides self-delegated, same block as a prior transfer", transfer_delegated_same_block),
    ("delegate (first delegation, to self)", delegate_first),
    ("permit (EIP-2612, submitted by a relayer)", permit),
    ("mint to a self-delegated holder", mint_delegated),
    ("mint to a holder without delegate", mint_undelegated),
]


def permit_message(chain_id: int, token: str, owner: str, spender: str, nonce: int, deadline: int) -> dict:
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Permit": [
                {"name": "owner", "type": "address"},
                {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
        },
        "primaryType": "Permit",
        "domain": {"name": EIP712_NAME, "version": EIP712_VERSION, "chainId": chain_id, "verifyingContract": token},
        "message": {"owner": owner, "spender": spender, "value": PERMIT_VALUE, "nonce": nonce, "deadline": deadline},
    }


def _permit_deadline(ctx: Context, tokens: list[Contract], actors: Actors) -> tuple[int, dict]:
    """Sign the permit for every token, trying deadlines until r and s hold as many zero bytes
    on every side: the signatures differ (each token is its own EIP-712 domain) and a zero byte
    of calldata costs 4 gas against 16, so this keeps the permit's calldata cost equal."""
    owner = actors.permit_owner
    for token in tokens:
        expected = encode_typed_data(
            full_message=permit_message(ctx.chain_id, token.address, owner.address, actors.spender.address, 0, 0)
        ).header
        if bytes(token.functions.DOMAIN_SEPARATOR().call()) != bytes(expected):
            ctx.warn(f"{token.address}: DOMAIN_SEPARATOR is not the ({EIP712_NAME!r}, {EIP712_VERSION!r}) domain")
    for deadline in range(PERMIT_DEADLINE, PERMIT_DEADLINE + 1000):
        signatures, zeros = {}, set()
        for token in tokens:
            nonce = token.functions.nonces(owner.address).call()
            msg = permit_message(ctx.chain_id, token.address, owner.address, actors.spender.address, nonce, deadline)
            signed = owner.sign_typed_data(msg)
            r, s = signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")
            signatures[token.address] = (signed.v, r, s)
            zeros.add((r + s).count(0))
        if len(zeros) == 1:
            return deadline, signatures
    raise RuntimeError("no permit deadline gives signatures with equal calldata cost")


def _observe(token: Contract, actors: Actors) -> dict[str, object]:
    """The token state a scenario may change, read after the measured transaction; both sides
    must agree on it for the comparison to hold."""
    f = token.functions
    state: dict[str, object] = {"totalSupply": f.totalSupply().call()}
    for who in actors.watched():
        state[f"balanceOf({who[:8]})"] = f.balanceOf(who).call()
        state[f"getVotes({who[:8]})"] = f.getVotes(who).call()
        state[f"delegates({who[:8]})"] = f.delegates(who).call()
        state[f"numCheckpoints({who[:8]})"] = f.numCheckpoints(who).call()
    owner, spender = actors.permit_owner.address, actors.spender.address
    state["nonces(permit owner)"] = f.nonces(owner).call()
    state["allowance(permit owner, spender)"] = f.allowance(owner, spender).call()
    return state


@dataclass
class Side:
    name: str  # "ours" or "anchor"
    deployed: Deployed

    @property
    def token(self) -> Contract:
        return self.deployed.contract


@suite("fmc", title="FMC token")
def fmc(ctx: Context) -> Iterator[Row]:
    """FMC (contracts/token/FMC.vy) against the OpenZeppelin token given the same surface: a
    thin anchor, benchmarks/anchors/OZVotesToken.sol, that inherits ERC20, ERC20Capped,
    ERC20Permit and ERC20Votes, lets its deployer name minters (`set_minter`, a mapping like
    FMC's) and uses the same EIP-712 domain ("FameEngine", "1").

    Both tokens are deployed on the same chain with the same arguments (cap, initial holder,
    initial supply) and the same minter. Each action then runs twice from one chain snapshot,
    once per token: the same accounts, amounts and setup transactions, so every storage slot is
    zero or non-zero alike and warm or cold alike. The measured transaction goes into a block of
    its own after an empty block, so its timepoint is new under both clocks (OpenZeppelin counts
    block numbers, FMC block timestamps) and every votes checkpoint it touches is pushed, not
    rewritten. One variant puts the measured transfer in the same block as an earlier transfer
    between the same two delegates, so on both tokens it rewrites the checkpoints that transfer
    pushed (the timepoint is the same under either clock). Permit signatures differ per token (each is its own
    EIP-712 domain); the deadline
    is chosen so both signatures carry the same number of zero bytes, and so the same calldata
    cost. After each measured transaction the harness reads balances, votes, delegates,
    checkpoint counts, nonces and allowances on both tokens and warns if they differ, and it
    warns if the two measured transactions' calldata costs differ.

    Build: FMC is compiled by the Venom pipeline optimised for code size (its source's
    `experimental-codegen` and `optimize codesize` pragmas), the anchor by solc with 200 optimizer
    runs. The legacy pipeline optimised for gas made 10,026 bytes of runtime code (1.28x the
    anchor) and a 2.37M-gas deploy (1.23x); this build is under the anchor on both and on every
    action's gas as well.
    """
    accts = ctx.accounts
    actors = Actors(
        deployer=accts[0],
        holder=accts[1],
        minter=accts[2],
        sender=accts[3],
        receiver=accts[4],
        relayer=accts[5],
        permit_owner=accts[6],
        spender=accts[7],
        fresh=to_checksum_address(keccak(b"FameEngine benchmark: fresh account")[-20:]),
    )
    label = anchor_label()
    args = (CAP, actors.holder.address, INITIAL_SUPPLY)

    sides: list[Side] = []
    ours_artifact = ctx.ours_or_none("FMC")
    anchor_artifact = ctx.anchor("OZVotesToken")
    with ctx.steps.step("FMC token: deploy both tokens, authorise the minter"):
        if ours_artifact is not None:
            sides.append(Side("ours", ctx.deploy(ours_artifact, *args, sender=actors.deployer)))
        sides.append(Side("anchor", ctx.deploy(anchor_artifact, *args, sender=actors.deployer)))
        for side in sides:
            ctx.send(side.token.functions.set_minter(actors.minter.address, True), actors.deployer)

    def row(action: str, values: dict[str, int], unit: str = "gas") -> Row:
        return Row(COMPONENT, action, values.get("ours"), label, values.get("anchor"), unit=unit)

    yield row("deploy", {s.name: s.deployed.gas_used for s in sides})
    yield row("runtime bytecode size", {s.name: len(ctx.w3.eth.get_code(s.token.address)) for s in sides}, "bytes")

    deadline, signatures = _permit_deadline(ctx, [s.token for s in sides], actors)
    plan = Plan(actors=actors, permit_deadline=deadline, permit_signatures=signatures)

    tokens = {side.name: side.token for side in sides}
    for action, scenario in SCENARIOS:

        def measured(token: Contract, scenario: Scenario = scenario) -> TxReceipt:
            return scenario(ctx, token, plan)

        with ctx.steps.step(f"{COMPONENT}: {action}"):
            gas = ctx.compare(
                f"{COMPONENT}, {action}",
                tokens,
                measured,
                observe=lambda token: _observe(token, actors),
            )
        yield row(action, gas)
