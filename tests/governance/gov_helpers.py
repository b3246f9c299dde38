"""Helpers shared by the governance tests (signatures, same-block transactions, events)."""

from eth_account import Account
from eth_utils import keccak, to_checksum_address

from ape import chain

from fame import eip712
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode

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
    message = eip712.ballot_typed_data(chain_id=chain.chain_id if chain_id is None else chain_id,
                                       governor=verifying or governor.address, proposal_id=proposal_id,
                                       support=support, voter=signer, nonce=nonce)
    v, r, s = eip712.sign_typed(private_key(signer), message)
    return r + s + bytes([v])


def sign_permit(token, owner, spender, value: int, nonce: int, deadline: int):
    """EIP-2612 permit of FMC (domain "FameEngine", "1"); returns (v, r, s)."""
    return eip712.sign_permit(private_key(owner), name="FameEngine", chain_id=chain.chain_id, token=token,
                              owner=owner, spender=spender, value=value, nonce=nonce, deadline=deadline)


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
            "debug_traceTransaction", [tx_hash.to_0x_hex(), {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}}]
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
