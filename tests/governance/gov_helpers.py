"""Helpers shared by the governance tests (signatures, same-block transactions, events)."""

from ape import chain
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from fame import eip712

# anvil's default mnemonic ("test test ... junk"), accounts 0..9
DEV_KEYS = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
]


def private_key(account) -> str:
    key = DEV_KEYS_BY_ADDRESS.get(str(account.address).lower())
    assert key, f"no dev key for {account}"
    return key


DEV_KEYS_BY_ADDRESS = {Account.from_key(k).address.lower(): k for k in DEV_KEYS}


def sign_ballot(governor, signer, proposal_id: int, support: int, nonce: int, chain_id=None, verifying=None) -> bytes:
    """EIP-712 Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce), 65-byte r||s||v."""
    message = eip712.ballot_typed_data(
        chain_id=chain.chain_id if chain_id is None else chain_id,
        governor=verifying or governor.address,
        proposal_id=proposal_id,
        support=support,
        voter=signer,
        nonce=nonce,
    )
    v, r, s = eip712.sign_typed(private_key(signer), message)
    return r + s + bytes([v])


def sign_permit(token, owner, spender, value: int, nonce: int, deadline: int):
    """EIP-2612 permit of FMC (domain "FameEngine", "1"); returns (v, r, s)."""
    return eip712.sign_permit(
        private_key(owner),
        name="FameEngine",
        chain_id=chain.chain_id,
        token=token,
        owner=owner,
        spender=spender,
        value=value,
        nonce=nonce,
        deadline=deadline,
    )


def in_one_block(*calls):
    """Sends `(contract, method, args, sender)` transactions with automine off and
    mines them in a single block. Returns their receipts' statuses (1 ok, 0 reverted)."""
    w3 = chain.provider.web3
    w3.provider.make_request("evm_setAutomine", [False])
    hashes = []
    try:
        for contract, method, args, sender in calls:
            data = encode_call(contract, method, *args)
            hashes.append(
                w3.eth.send_transaction(
                    {
                        "from": to_checksum_address(str(sender.address)),
                        "to": to_checksum_address(str(contract.address)),
                        "data": bytes(data),
                        "gas": 5_000_000,
                    }
                )
            )
        w3.provider.make_request("evm_mine", [])
    finally:
        w3.provider.make_request("evm_setAutomine", [True])
    receipts = [w3.eth.get_transaction_receipt(h) for h in hashes]
    assert len({r["blockNumber"] for r in receipts}) == 1, "transactions did not share a block"
    return [r["status"] for r in receipts]


def events(receipt, event):
    """Decoded logs of `event` (a contract's event handle) in `receipt`."""
    return list(receipt.decode_logs(event))


def timelock_salt(governor, dhash: bytes) -> bytes:
    return keccak(bytes.fromhex(str(governor.address)[2:]) + dhash)


E18 = 10**18
SUPPLY = 100_000_000 * E18
CAP = 1_000_000_000 * E18

VOTING_DELAY = 86_400  # 1 day
VOTING_PERIOD = 5 * 86_400  # 5 days
THRESHOLD = 1_000_000 * E18  # 1M FMC
QUORUM_NUMERATOR = 400  # 4 % of the past total supply
TIMELOCK_DELAY = 2 * 86_400  # 2 days
GRACE_PERIOD = 14 * 86_400
MAX_CREATOR_BPS = 2_000

SHARES_PER_PERSONA = 1_000_000 * E18
BPS = 10_000

PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)
AGAINST, FOR, ABSTAIN = range(3)
PHASE_NONE, PHASE_FUNDING, PHASE_AWAITING, PHASE_LAUNCHED, PHASE_FAILED = range(5)

SPEC_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
ZERO = "0x0000000000000000000000000000000000000000"
PROPOSER_ROLE = keccak(text="PROPOSER_ROLE")
EXECUTOR_ROLE = keccak(text="EXECUTOR_ROLE")
CANCELLER_ROLE = keccak(text="CANCELLER_ROLE")
ADMIN_ROLE = b"\x00" * 32


def description_hash(description: str) -> bytes:
    return keccak(text=description)


def proposal_id(targets, values, calldatas, description: str) -> int:
    """The governor's id, computed off-chain like any frontend would."""
    encoded = abi_encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32"],
        [list(targets), list(values), [bytes(c) for c in calldatas], description_hash(description)],
    )
    return int.from_bytes(keccak(encoded), "big")


def now() -> int:
    """Timestamp of the latest block (what view calls see as block.timestamp)."""
    return chain.provider.web3.eth.get_block("latest")["timestamp"]


def mine_to(timestamp: int):
    """Mine one block at exactly `timestamp` (views then see it as the clock)."""
    assert timestamp > now(), "time travel goes forward only"
    w3 = chain.provider.web3
    w3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    w3.provider.make_request("evm_mine", [])


def warp(seconds: int):
    mine_to(now() + seconds)


def set_next(timestamp: int):
    """The next transaction's block gets exactly `timestamp`."""
    chain.provider.web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])


class Gov:
    """Drives proposals through their life cycle."""

    def __init__(self, governor, timelock, fmc, voters):
        self.governor = governor
        self.timelock = timelock
        self.fmc = fmc
        self.voters = voters
        self._n = 0

    def description(self, text="FameEngine proposal"):
        self._n += 1
        return f"{text} #{self._n}"

    def propose(self, actions, proposer, description=None):
        """actions: list of (target, value, calldata). Returns (pid, targets, values, calldatas, dhash)."""
        description = description or self.description()
        targets = [a[0].address if hasattr(a[0], "address") else a[0] for a in actions]
        values = [a[1] for a in actions]
        calldatas = [bytes(a[2]) for a in actions]
        self.governor.propose(targets, values, calldatas, description, sender=proposer)
        pid = proposal_id(targets, values, calldatas, description)
        return Proposal(pid, targets, values, calldatas, description)

    def to_active(self, proposal):
        mine_to(self.governor.proposalSnapshot(proposal.pid) + 1)

    def to_end(self, proposal):
        mine_to(self.governor.proposalDeadline(proposal.pid) + 1)

    def queue(self, proposal, sender):
        return self.governor.queue(*proposal.args, sender=sender)

    def execute(self, proposal, sender, value=0):
        return self.governor.execute(*proposal.args, sender=sender, value=value)

    def pass_and_queue(self, proposal, voters=None):
        self.to_active(proposal)
        for v in voters or self.voters:
            self.governor.castVote(proposal.pid, FOR, sender=v)
        self.to_end(proposal)
        self.queue(proposal, sender=self.voters[0])
        mine_to(self.governor.proposalEta(proposal.pid) + 1)

    def run(self, actions, proposer, voters=None):
        """Propose, pass, queue and execute `actions`; returns the proposal."""
        p = self.propose(actions, proposer)
        self.pass_and_queue(p, voters)
        self.execute(p, sender=proposer)
        return p


class Proposal:
    def __init__(self, pid, targets, values, calldatas, description):
        self.pid = pid
        self.targets = targets
        self.values = values
        self.calldatas = calldatas
        self.description = description
        self.dhash = description_hash(description)

    @property
    def args(self):
        return (self.targets, self.values, self.calldatas, self.dhash)


def delegate(token, delegator, delegatee):
    """ERC-5805 `delegate` (ape's instances hide the ABI method behind a property of their own)."""
    return token.invoke_transaction("delegate", delegatee, sender=delegator)


def encode_call(contract, method: str, *args) -> bytes:
    """Calldata (selector included) of `contract.method(*args)`, from the contract's ABI."""
    abi = next(
        a
        for a in contract.contract_type.abi
        if a.type == "function" and a.name == method and len(a.inputs) == len(args)
    )
    types = [i.canonical_type for i in abi.inputs]
    values = [str(a.address) if hasattr(a, "address") else a for a in args]
    return keccak(text=abi.selector)[:4] + abi_encode(types, values)


class ModelProposal:
    """Python model of one proposal (what the governor should answer about it)."""

    def __init__(self, proposal, proposer, snapshot, deadline, kind=None, value=None):
        self.proposal = proposal
        self.pid = proposal.pid
        self.proposer = proposer
        self.snapshot = snapshot
        self.deadline = deadline
        self.eta = 0
        self.executed = False
        self.canceled = False
        self.tally = [0, 0, 0]  # against, for, abstain
        self.voted = set()
        self.kind = kind
        self.value = value


def model_state(p: ModelProposal, t: int, quorum_at) -> int:
    """The governor's state machine, written independently: `t` is the clock,
    `quorum_at(snapshot)` the votes For+Abstain must reach."""
    if p.executed:
        return EXECUTED
    if p.canceled:
        return CANCELED
    if p.snapshot >= t:
        return PENDING
    if p.deadline >= t:
        return ACTIVE
    against, for_, abstain = p.tally
    if not (for_ > against and for_ + abstain >= quorum_at(p.snapshot)):
        return DEFEATED
    if p.eta == 0:
        return SUCCEEDED
    if t >= p.eta + GRACE_PERIOD:
        return EXPIRED
    return QUEUED


class VotesModel:
    """FMC balances, delegation and checkpointed votes, kept in Python."""

    def __init__(self, fmc, addresses):
        """`addresses`: every account that will ever hold FMC here (checksummed strings)."""
        self.balance = {a: fmc.balanceOf(a) for a in addresses}
        self.delegate_of = {a: str(fmc.delegates(a)) for a in addresses}
        self.history = {a: [(0, fmc.getVotes(a))] for a in addresses}  # delegate -> [(timepoint, votes)]

    def votes(self, who) -> int:
        return self.history.get(str(who), [(0, 0)])[-1][1]

    def past_votes(self, who, timepoint: int) -> int:
        value = 0
        for key, votes in self.history.get(str(who), []):
            if key <= timepoint:
                value = votes
            else:
                break
        return value

    def _move(self, src, dst, amount, t):
        for who, sign in ((src, -1), (dst, 1)):
            if who == ZERO or amount == 0:
                continue
            hist = self.history.setdefault(who, [(0, 0)])
            new = hist[-1][1] + sign * amount
            if hist[-1][0] == t:
                hist[-1] = (t, new)
            else:
                hist.append((t, new))

    def transfer(self, sender, receiver, amount, t):
        self.balance[sender] -= amount
        self.balance[receiver] += amount
        self._move(self.delegate_of[sender], self.delegate_of[receiver], amount, t)

    def delegate(self, account, delegatee, t):
        old = self.delegate_of[account]
        self.delegate_of[account] = str(delegatee)
        self._move(old, str(delegatee), self.balance[account], t)


class FastTx:
    """Transactions sent straight through web3 to anvil's unlocked dev accounts:
    two RPCs per transaction instead of ape's dozen, which is what makes the
    stateful tests affordable. Revert reasons and return values are read back
    from anvil's call tracer."""

    GAS = 10_000_000

    def __init__(self):
        self.w3 = chain.provider.web3

    def _send(self, contract, method, args, sender, value=0):
        data = encode_call(contract, method, *args)
        tx_hash = self.w3.eth.send_transaction(
            {
                "from": to_checksum_address(str(sender.address)),
                "to": to_checksum_address(str(contract.address)),
                "data": data,
                "value": value,
                "gas": self.GAS,
                "maxFeePerGas": 10**12,
                "maxPriorityFeePerGas": 0,
            }
        )
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.005)
        return tx_hash, receipt

    def _top_call(self, tx_hash):
        answer = self.w3.provider.make_request(
            "debug_traceTransaction",
            [tx_hash.to_0x_hex(), {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}}],
        )
        return answer["result"]

    def ok(self, contract, method, *args, sender, returns=None, value=0):
        """Sends the transaction, asserts that it succeeded; decodes `returns` (ABI types) if given."""
        tx_hash, receipt = self._send(contract, method, args, sender, value)
        if receipt["status"] != 1:
            reason = self._top_call(tx_hash).get("revertReason")
            raise AssertionError(f"{method}{args} from {sender} reverted: {reason!r}")
        if returns is None:
            return None
        output = bytes.fromhex(self._top_call(tx_hash)["output"][2:])
        decoded = abi_decode(returns, output)
        return decoded[0] if len(returns) == 1 else decoded

    def reverts(self, contract, method, *args, sender, reason, value=0):
        """Sends the transaction, asserts that it reverted with exactly `reason`."""
        tx_hash, receipt = self._send(contract, method, args, sender, value)
        assert receipt["status"] == 0, f"{method}{args} from {sender} did not revert (expected {reason!r})"
        got = self._top_call(tx_hash).get("revertReason")
        assert got == reason, f"{method}{args}: reverted with {got!r}, expected {reason!r}"


MAX_UINT = 2**256 - 1


class ProposalRules:
    """What the governance state machines share, mixed in before hypothesis'
    RuleBasedStateMachine: a chain snapshot per example (restored at teardown),
    a clock `t` that every transaction advances by exactly one second, and the
    proposal moves that do not depend on what a proposal carries: a cancel, and
    a walk through its whole life.

    The machine provides `actors` and `addr` (accounts, their addresses),
    `governor`, `_quorum_at(snapshot)` (the quorum its model expects),
    `_vote(x, v, support)`, `_queue(x, who)` and `_execute(x, who)`, where x is
    what its rules act on and `_proposal_of(x)` its ModelProposal, and which
    actors the walk has queue and execute (`queue_sender`, `execute_sender`)."""

    def __init__(self):
        super().__init__()
        self.snap = chain.snapshot()
        self.tx = FastTx()
        self.t = now()

    def teardown(self):
        chain.restore(self.snap)

    def _tx_time(self) -> int:
        """Pins the next transaction one second after the latest block; returns its timestamp."""
        t = self.t + 1
        set_next(t)
        return t

    def _sync(self):
        self.t = now()

    def _warp_to(self, target):
        if target > self.t:
            mine_to(target)
            self._sync()

    def _state(self, p, t):
        return model_state(p, t, self._quorum_at)

    def _proposal_of(self, x):
        return x

    def _cancel(self, x, who):
        p, sender = self._proposal_of(x), self.actors[who]
        t = self._tx_time()
        if self._state(p, t) != PENDING:
            self.tx.reverts(
                self.governor, "cancel", *p.proposal.args, sender=sender, reason="governor: proposal not pending"
            )
        elif self.addr[who] != p.proposer:
            self.tx.reverts(
                self.governor, "cancel", *p.proposal.args, sender=sender, reason="governor: caller is not the proposer"
            )
        else:
            self.tx.ok(self.governor, "cancel", *p.proposal.args, sender=sender)
            p.canceled = True
        self._sync()

    def _walk(self, x, supports, stop):
        """Walks x's proposal forward (the long sequences single rules would rarely
        string together): "canceled" has its proposer cancel it; otherwise actor v
        votes `supports[v]` (None: no vote) once voting is open, and the proposal
        goes as far as `stop`: "voted", "ended", "queued", "expired" or "executed"."""
        p = self._proposal_of(x)
        if stop == "canceled":
            self._cancel(x, self.addr.index(p.proposer))
            return
        if self._state(p, self.t) == PENDING:
            self._warp_to(p.snapshot + 1)
        if self._state(p, self.t) == ACTIVE:
            for v, support in enumerate(supports):
                if support is not None:
                    self._vote(x, v, support)
        if stop == "voted":
            return
        self._warp_to(p.deadline + 1)
        if stop == "ended":
            return
        self._queue(x, self.queue_sender)
        if stop == "queued" or p.eta == 0:
            return
        self._warp_to(p.eta + GRACE_PERIOD if stop == "expired" else p.eta)
        self._execute(x, self.execute_sender)


class Campaign:
    """Python model of one launchpad campaign (its proposal is a ModelProposal)."""

    def __init__(self, cid, proposal, creator, goal, bps):
        self.cid = cid
        self.p = proposal
        self.creator = creator
        self.goal = goal
        self.bps = bps
        self.creator_shares = SHARES_PER_PERSONA * bps // BPS
        self.pool = SHARES_PER_PERSONA - self.creator_shares
        self.raised = 0
        self.refunded = 0
        self.status = "open"  # open | launched | refunding
        self.given = {}  # address -> FMC given and not refunded
        self.claimed = set()
        self.creator_claimed = False
        self.minted = 0
        self.persona_id = 0
        self.share = None
        self.shares = {}  # address -> share balance


class CampaignRules(ProposalRules):
    """PersonaLaunchpad campaigns against their Python model (Campaign): propose a
    persona, contribute (plain or with a permit), vote, queue, execute (= launch),
    claim shares and refund, each asserting the revert reason or the outcome the
    model predicts. Rules act on campaigns; `_walk(c, ...)` drives c's proposal.

    Besides what ProposalRules asks, the machine provides `fmc`, `launchpad`,
    `treasury`, `project`, `personas` (the registry's persona count) and the
    parameters the model uses: `quorum` (fixed: neither the supply nor the
    numerator changes in these machines), `threshold`, `max_creator_bps`,
    `voting_delay`, `voting_period`, `timelock_delay`. A machine that keeps books
    of its own overrides `_fmc_of`, `_shares_of` and `_move_fmc`; one that does
    more on a vote, launch, claim or refund overrides the `_on_*` hooks."""

    def __init__(self):
        super().__init__()
        self.campaigns = []
        self.n = 0  # personas proposed so far (names them)

    # ------------------------------------------------------------ books and hooks

    def _fmc_of(self, a):
        """FMC balance of address `a` (from the chain: no books here)."""
        return self.fmc.balanceOf(a)

    def _shares_of(self, c, a):
        """c's share balance of address `a` (from the chain: no books here)."""
        return c.share.balanceOf(a)

    def _move_fmc(self, src, dst, amount):
        """A rule moved `amount` FMC from src to dst (no books to update here)."""

    def _on_voted(self, c, a, weight):
        pass

    def _on_launched(self, c):
        pass

    def _on_claimed(self, c, a, amount):
        pass

    def _on_refunded(self, c, a, amount):
        pass

    # ------------------------------------------------------------ the model

    def _quorum_at(self, _snapshot):
        return self.quorum

    def _proposal_of(self, c):
        return c.p

    def _phase(self, c, t):
        """The launchpad's campaign_state at clock `t`."""
        if c.status == "launched":
            return PHASE_LAUNCHED
        if c.status == "refunding":
            return PHASE_FAILED
        s = self._state(c.p, t)
        if s in (PENDING, ACTIVE):
            return PHASE_FUNDING
        if s in (SUCCEEDED, QUEUED):
            return PHASE_AWAITING if c.raised >= c.goal else PHASE_FAILED
        return PHASE_FAILED

    def _pick(self, i):
        return self.campaigns[i % len(self.campaigns)]

    def _launched(self):
        return [c for c in self.campaigns if c.status == "launched"]

    def _open_held(self):
        """FMC the launchpad must hold: the contributions to campaigns not launched, minus refunds."""
        return sum(c.raised - c.refunded for c in self.campaigns if c.status != "launched")

    def _claimable_shares(self, c, a):
        """(shares `a` may claim from c now, whether there is anything to claim at all)."""
        expected, something = 0, False
        if c.status == "launched":
            if c.given.get(a, 0) > 0 and a not in c.claimed:
                expected += c.given[a] * c.pool // c.raised
                something = True
            if a == c.creator and not c.creator_claimed and c.creator_shares > 0:
                expected += c.creator_shares
                something = True
        return expected, something

    def _assert_refundable(self, c):
        """Every contributor to c can withdraw exactly what they gave, right now (simulated)."""
        to, data = to_checksum_address(str(self.launchpad.address)), encode_call(self.launchpad, "refund", c.cid)
        for a, given in c.given.items():
            if given > 0:
                ret = self.tx.w3.eth.call({"from": a, "to": to, "data": data})
                assert abi_decode(["uint256"], ret)[0] == given

    # ------------------------------------------------------------ campaign moves

    def _propose(self, who, goal, bps):
        creator = self.actors[who]
        self.n += 1
        name, symbol, description = f"Persona {self.n}", f"P{self.n}", f"FameEngine persona {self.n}"
        votes = self.fmc.getVotes(creator)  # the threshold reads clock() - 1 = the latest block
        t = self._tx_time()
        args = (name, symbol, SPEC_CID, goal, bps, description)
        if bps > self.max_creator_bps:
            self.tx.reverts(
                self.launchpad,
                "propose_persona",
                *args,
                sender=creator,
                reason="launchpad: creator allocation too high",
            )
        elif votes < self.threshold:
            self.tx.reverts(
                self.launchpad,
                "propose_persona",
                *args,
                sender=creator,
                reason="governor: proposer votes below threshold",
            )
        else:
            cid, pid = self.tx.ok(
                self.launchpad, "propose_persona", *args, sender=creator, returns=["uint256", "uint256"]
            )
            assert cid == len(self.campaigns) + 1
            proposal = Proposal(
                pid, [str(self.launchpad.address)], [0], [encode_call(self.launchpad, "launch", cid)], description
            )
            # The governor's id is the hash of exactly this one action (launch(cid)) and description.
            assert pid == proposal_id(*proposal.args[:3], description)
            snapshot = t + self.voting_delay
            mp = ModelProposal(proposal, self.addr[who], snapshot, snapshot + self.voting_period)
            self.campaigns.append(Campaign(cid, mp, self.addr[who], goal, bps))
        self._sync()

    def _contribute(self, c, who, amount, permit=False):
        acct, a = self.actors[who], self.addr[who]
        amount = min(amount, self._fmc_of(a))
        if amount == 0:
            return
        if permit:
            deadline = self.t + 3_600
            v, r, s = sign_permit(self.fmc, acct, self.launchpad, amount, self.fmc.nonces(acct), deadline)
        t = self._tx_time()
        method, args = (
            ("contribute_with_permit", (c.cid, amount, deadline, v, r, s))
            if permit
            else ("contribute", (c.cid, amount))
        )
        if self._phase(c, t) == PHASE_FUNDING:
            self.tx.ok(self.launchpad, method, *args, sender=acct)
            c.raised += amount
            c.given[a] = c.given.get(a, 0) + amount
            self._move_fmc(a, self.launchpad, amount)
        else:
            self.tx.reverts(self.launchpad, method, *args, sender=acct, reason="launchpad: campaign not funding")
        self._sync()
        if permit:  # the permit replaced the standing approval
            self.tx.ok(self.fmc, "approve", self.launchpad, MAX_UINT, sender=acct)
            self._sync()

    def _vote(self, c, v, support):
        voter, a = self.actors[v], self.addr[v]
        t = self._tx_time()
        if self._state(c.p, t) != ACTIVE:
            self.tx.reverts(
                self.governor, "castVote", c.p.pid, support, sender=voter, reason="governor: vote not currently active"
            )
        elif a in c.p.voted:
            self.tx.reverts(
                self.governor, "castVote", c.p.pid, support, sender=voter, reason="governor: vote already cast"
            )
        else:
            weight = self.tx.ok(self.governor, "castVote", c.p.pid, support, sender=voter, returns=["uint256"])
            assert weight == self.fmc.getPastVotes(voter, c.p.snapshot)
            c.p.voted.add(a)
            c.p.tally[support] += weight
            self._on_voted(c, a, weight)
        self._sync()

    def _queue(self, c, who):
        t = self._tx_time()
        sender = self.actors[who]
        if self._state(c.p, t) != SUCCEEDED:
            self.tx.reverts(
                self.governor, "queue", *c.p.proposal.args, sender=sender, reason="governor: proposal not successful"
            )
        else:
            self.tx.ok(self.governor, "queue", *c.p.proposal.args, sender=sender)
            c.p.eta = t + self.timelock_delay
        self._sync()

    def _execute(self, c, who):
        t = self._tx_time()
        args, sender = c.p.proposal.args, self.actors[who]
        if self._state(c.p, t) != QUEUED:
            reason = "governor: proposal not queued"
        elif t < c.p.eta:
            reason = "governor: proposal not ready"
        elif c.status != "open":
            reason = "launchpad: campaign not open"
        elif c.raised < c.goal:
            reason = "launchpad: funding goal not reached"
        else:
            reason = None
        if reason:
            self.tx.reverts(self.governor, "execute", *args, sender=sender, reason=reason)
        else:
            self.tx.ok(self.governor, "execute", *args, sender=sender)
            c.p.executed = True
            c.status = "launched"
            self.personas += 1
            c.persona_id = self.personas
            record = self.launchpad.campaign(c.cid)
            assert record.persona_id == c.persona_id
            c.share = self.project.PersonaShare.at(record.share_token)
            assert c.share.max_supply() == SHARES_PER_PERSONA
            self._move_fmc(self.launchpad, self.treasury, c.raised)  # the raise goes to the persona's treasury account
            self._on_launched(c)
        self._sync()

    def _claim(self, c, who):
        acct, a = self.actors[who], self.addr[who]
        self._tx_time()
        expected, something = self._claimable_shares(c, a)
        if c.status != "launched":
            self.tx.reverts(
                self.launchpad, "claim_shares", c.cid, sender=acct, reason="launchpad: campaign not launched"
            )
        elif not something:
            self.tx.reverts(self.launchpad, "claim_shares", c.cid, sender=acct, reason="launchpad: nothing to claim")
        else:
            before = self._shares_of(c, a)
            assert self.tx.ok(self.launchpad, "claim_shares", c.cid, sender=acct, returns=["uint256"]) == expected
            if c.given.get(a, 0) > 0:
                c.claimed.add(a)
            if a == c.creator:
                c.creator_claimed = True
            c.minted += expected
            c.shares[a] = c.shares.get(a, 0) + expected
            assert self._shares_of(c, a) == before + expected
            self._on_claimed(c, a, expected)
        self._sync()

    def _refund(self, c, who):
        acct, a = self.actors[who], self.addr[who]
        t = self._tx_time()
        if self._phase(c, t) != PHASE_FAILED:
            self.tx.reverts(self.launchpad, "refund", c.cid, sender=acct, reason="launchpad: campaign not failed")
        elif c.given.get(a, 0) == 0:
            self.tx.reverts(self.launchpad, "refund", c.cid, sender=acct, reason="launchpad: nothing to refund")
        else:
            given, before = c.given[a], self._fmc_of(a)
            assert self.tx.ok(self.launchpad, "refund", c.cid, sender=acct, returns=["uint256"]) == given
            self._move_fmc(self.launchpad, a, given)
            assert self._fmc_of(a) == before + given
            c.refunded += given
            c.given[a] = 0
            c.status = "refunding"
            self._on_refunded(c, a, given)
        self._sync()
