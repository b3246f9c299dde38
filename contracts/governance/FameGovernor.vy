# pragma version ~=0.4.3
"""
@title FameGovernor
@custom:contract-name FameGovernor
@license AGPL-3.0-only
@notice The FameEngine DAO: FMC holders (through their delegated votes)
        propose, vote on and execute decisions, among them the creation of
        AI virtual-influencer personas relayed by the PersonaLaunchpad.

        Lifecycle of a proposal (a batch of at most MAX_ACTIONS calls made by
        the FameTimelock):
          - `propose` (or `relay_propose` from the launchpad) records it; the
            proposer needs at least `proposalThreshold()` votes at clock()-1;
          - Pending until its snapshot (clock at proposal + voting delay),
            then Active until its deadline (snapshot + voting period),
            both inclusive like the reference semantics of on-chain
            governors;
          - a vote weighs the voter's FMC votes at the snapshot
            (`getPastVotes(voter, snapshot)`), nothing acquired later counts;
          - after the deadline: Succeeded if For + Abstain reached the quorum
            at the snapshot and For > Against, Defeated otherwise;
          - `queue` schedules the batch on the timelock (Queued, with an ETA
            = now + the timelock's minimum delay); `execute` runs it once the
            ETA is reached (Executed); a queued proposal not executed within
            GRACE_PERIOD after its ETA becomes Expired;
          - the proposer may `cancel` while it is Pending (Canceled).

        The quorum is `quorumNumerator / quorumDenominator` of FMC's past
        total supply at the snapshot. The numerator is checkpointed: the
        quorum of a proposal uses the numerator in force at its snapshot, so
        changing it never revives (or defeats) a proposal whose snapshot is
        already past.

        Parameters change only through governance itself (the caller must be
        the timelock), each within constant bounds.

        The clock is FMC's ERC-6372 clock (timestamps). ETAs and the grace
        period are measured in block timestamps, like the timelock.
"""


from ..interfaces import IFameGovernor
implements: IFameGovernor


# @dev EIP-712 domain (with the ERC-5267 `eip712Domain` getter) for votes
# cast by signature.
from snekmate.utils import eip712_domain_separator
initializes: eip712_domain_separator

# @dev ECDSA and ERC-1271 signature verification (stateless).
from snekmate.utils import signature_checker


exports: eip712_domain_separator.eip712Domain


# @dev What the governor reads from FMC (ERC-5805 + ERC-6372).
interface IVotes:
    def getPastVotes(account: address, timepoint: uint256) -> uint256: view
    def getPastTotalSupply(timepoint: uint256) -> uint256: view
    def clock() -> uint48: view
    def CLOCK_MODE() -> String[64]: view


# @dev What the governor calls on the FameTimelock (snekmate's timelock
# controller; its dynamic arrays are wider, the ABI encoding is the same).
interface ITimelock:
    def schedule_batch(
        targets: DynArray[address, MAX_ACTIONS],
        amounts: DynArray[uint256, MAX_ACTIONS],
        payloads: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
        predecessor: bytes32,
        salt: bytes32,
        delay: uint256,
    ): nonpayable
    def execute_batch(
        targets: DynArray[address, MAX_ACTIONS],
        amounts: DynArray[uint256, MAX_ACTIONS],
        payloads: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
        predecessor: bytes32,
        salt: bytes32,
    ): payable
    def get_minimum_delay() -> uint256: view


# @notice Most actions in one proposal.
MAX_ACTIONS: public(constant(uint256)) = 8
# @notice Most calldata bytes of one action (the timelock's payload bound).
MAX_CALLDATA: public(constant(uint256)) = 1_024
# @notice Most bytes of a proposal description.
MAX_DESCRIPTION: public(constant(uint256)) = 4_096
# @notice Most bytes of a vote reason.
MAX_REASON: public(constant(uint256)) = 1_024

# @notice Proposal states, as returned by `state`.
STATE_PENDING: public(constant(uint8)) = 0
STATE_ACTIVE: public(constant(uint8)) = 1
STATE_CANCELED: public(constant(uint8)) = 2
STATE_DEFEATED: public(constant(uint8)) = 3
STATE_SUCCEEDED: public(constant(uint8)) = 4
STATE_QUEUED: public(constant(uint8)) = 5
STATE_EXPIRED: public(constant(uint8)) = 6
STATE_EXECUTED: public(constant(uint8)) = 7

# @notice Vote types.
VOTE_AGAINST: public(constant(uint8)) = 0
VOTE_FOR: public(constant(uint8)) = 1
VOTE_ABSTAIN: public(constant(uint8)) = 2

# @notice Time after its ETA during which a queued proposal can be executed.
GRACE_PERIOD: public(constant(uint256)) = 14 * 86_400

# @notice Bounds of the governance parameters (clock units are seconds).
MAX_VOTING_DELAY: public(constant(uint256)) = 30 * 86_400
MIN_VOTING_PERIOD: public(constant(uint256)) = 3_600
MAX_VOTING_PERIOD: public(constant(uint256)) = 60 * 86_400
MAX_PROPOSAL_THRESHOLD: public(constant(uint256)) = 10_000_000 * 10**18
QUORUM_DENOMINATOR: public(constant(uint256)) = 10_000
MIN_QUORUM_NUMERATOR: public(constant(uint256)) = 1
MAX_QUORUM_NUMERATOR: public(constant(uint256)) = 5_000

# @notice EIP-712 type of a vote cast by signature.
BALLOT_TYPEHASH: public(constant(bytes32)) = keccak256(
    "Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)"
)

# @dev `launch(uint256)` of the PersonaLaunchpad: only the launchpad itself
# may propose it (through `relay_propose`).
_LAUNCH_SELECTOR: constant(bytes4) = method_id("launch(uint256)", output_type=bytes4)

_MASK_160: constant(uint256) = (1 << 160) - 1
_MASK_48: constant(uint256) = (1 << 48) - 1
_MASK_32: constant(uint256) = (1 << 32) - 1
_EXECUTED_BIT: constant(uint256) = 1 << 240
_CANCELED_BIT: constant(uint256) = 1 << 248

_NAME: constant(String[50]) = "FameEngine Governor"
_VERSION: constant(String[20]) = "1"


# @dev A proposal as the code reads it. In storage it is one packed word
# (see `_pack_core`), as in OpenZeppelin's Governor: a proposal is written
# once by `propose`, then read by every vote, so one slot instead of five
# saves ~44k gas per proposal and ~8k per vote.
struct ProposalCore:
    proposer: address
    vote_start: uint256
    vote_end: uint256
    executed: bool
    canceled: bool


struct ProposalTally:
    against_votes: uint256
    for_votes: uint256
    abstain_votes: uint256


struct Checkpoint:
    key: uint256
    value: uint256


# @notice The FMC token whose past votes weigh the votes.
token: public(immutable(address))
# @notice The FameTimelock that executes proposals and owns the parameters.
timelock: public(immutable(address))

# @notice The PersonaLaunchpad allowed to call `relay_propose`.
launchpad: public(address)
# @notice The deployer until it sets the first launchpad or renounces:
#         the only account besides governance that can set it, once.
bootstrapper: public(address)

_voting_delay: uint256
_voting_period: uint256
_proposal_threshold: uint256

# @dev Checkpointed history of the quorum numerator, keyed by clock.
_quorum_checkpoints: HashMap[uint256, Checkpoint]
_quorum_checkpoint_count: uint256

# proposal id -> packed ProposalCore (proposer | vote_start << 160 |
# voting duration << 208 | executed << 240 | canceled << 248)
_proposal_words: HashMap[uint256, uint256]
# proposal id -> timestamp from which the queued proposal may execute (0: not queued)
_etas: HashMap[uint256, uint256]
_tallies: HashMap[uint256, ProposalTally]
_has_voted: HashMap[uint256, HashMap[address, bool]]

# @notice Next nonce of each signer of `castVoteBySig`.
nonces: public(HashMap[address, uint256])


event ProposalCreated:
    proposalId: uint256
    proposer: address
    targets: DynArray[address, MAX_ACTIONS]
    values: DynArray[uint256, MAX_ACTIONS]
    signatures: DynArray[String[1], MAX_ACTIONS]
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS]
    voteStart: uint256
    voteEnd: uint256
    description: String[MAX_DESCRIPTION]


event ProposalQueued:
    proposalId: uint256
    etaSeconds: uint256


event ProposalExecuted:
    proposalId: uint256


event ProposalCanceled:
    proposalId: uint256


event VoteCast:
    voter: indexed(address)
    proposalId: uint256
    support: uint8
    weight: uint256
    reason: String[MAX_REASON]


event VotingDelaySet:
    oldVotingDelay: uint256
    newVotingDelay: uint256


event VotingPeriodSet:
    oldVotingPeriod: uint256
    newVotingPeriod: uint256


event ProposalThresholdSet:
    oldProposalThreshold: uint256
    newProposalThreshold: uint256


event QuorumNumeratorUpdated:
    oldQuorumNumerator: uint256
    newQuorumNumerator: uint256


event LaunchpadSet:
    oldLaunchpad: indexed(address)
    newLaunchpad: indexed(address)


event BootstrapperRenounced:
    bootstrapper: indexed(address)


@deploy
def __init__(
    token_: address,
    timelock_: address,
    voting_delay_: uint256,
    voting_period_: uint256,
    proposal_threshold_: uint256,
    quorum_numerator_: uint256,
):
    """
    @notice Deploys the FameEngine governor. The deployer becomes the
            bootstrapper (see `bootstrap_launchpad`).
    @param token_ FMC (ERC-5805 votes, ERC-6372 clock in "mode=timestamp").
    @param timelock_ The FameTimelock (grant this contract PROPOSER_ROLE,
           CANCELLER_ROLE and EXECUTOR_ROLE there).
    @param voting_delay_ Seconds between proposal and snapshot
           (<= MAX_VOTING_DELAY).
    @param voting_period_ Seconds of voting after the snapshot
           (MIN_VOTING_PERIOD..MAX_VOTING_PERIOD).
    @param proposal_threshold_ Votes needed to propose
           (<= MAX_PROPOSAL_THRESHOLD).
    @param quorum_numerator_ Quorum in 1/QUORUM_DENOMINATOR of the past total
           supply (MIN_QUORUM_NUMERATOR..MAX_QUORUM_NUMERATOR).
    """
    assert token_ != empty(address), "governor: zero token"
    assert timelock_ != empty(address), "governor: zero timelock"
    # Delays, periods, ETAs and the grace period are all in seconds.
    assert keccak256(staticcall IVotes(token_).CLOCK_MODE()) == keccak256("mode=timestamp"), "governor: token clock is not timestamp"
    eip712_domain_separator.__init__(_NAME, _VERSION)
    token = token_
    timelock = timelock_
    self.bootstrapper = msg.sender

    assert voting_delay_ <= MAX_VOTING_DELAY, "governor: voting delay out of bounds"
    assert voting_period_ >= MIN_VOTING_PERIOD and voting_period_ <= MAX_VOTING_PERIOD, "governor: voting period out of bounds"
    assert proposal_threshold_ <= MAX_PROPOSAL_THRESHOLD, "governor: proposal threshold out of bounds"
    assert quorum_numerator_ >= MIN_QUORUM_NUMERATOR and quorum_numerator_ <= MAX_QUORUM_NUMERATOR, "governor: quorum numerator out of bounds"

    self._voting_delay = voting_delay_
    self._voting_period = voting_period_
    self._proposal_threshold = proposal_threshold_
    self._push_quorum_numerator(quorum_numerator_)
    log VotingDelaySet(oldVotingDelay=0, newVotingDelay=voting_delay_)
    log VotingPeriodSet(oldVotingPeriod=0, newVotingPeriod=voting_period_)
    log ProposalThresholdSet(oldProposalThreshold=0, newProposalThreshold=proposal_threshold_)
    log QuorumNumeratorUpdated(oldQuorumNumerator=0, newQuorumNumerator=quorum_numerator_)


# ---------------------------------------------------------------- metadata


@view
@external
def name() -> String[50]:
    """
    @notice The governor's name (also its EIP-712 domain name).
    @return "FameEngine Governor".
    """
    return _NAME


@view
@external
def version() -> String[20]:
    """
    @notice The governor's version (also its EIP-712 domain version).
    @return "1".
    """
    return _VERSION


@view
@external
def COUNTING_MODE() -> String[64]:
    """
    @notice How votes are counted: For/Against/Abstain; the quorum counts
            For and Abstain.
    @return "support=bravo&quorum=for,abstain".
    """
    return "support=bravo&quorum=for,abstain"


@view
@external
def clock() -> uint48:
    """
    @notice The current timepoint of FMC's ERC-6372 clock (a timestamp).
    @return The clock.
    """
    return staticcall IVotes(token).clock()


@view
@external
def CLOCK_MODE() -> String[64]:
    """
    @notice FMC's ERC-6372 clock mode.
    @return "mode=timestamp".
    """
    return staticcall IVotes(token).CLOCK_MODE()


# ------------------------------------------------------------ proposal views


@pure
@external
def hashProposal(
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    descriptionHash: bytes32,
) -> uint256:
    """
    @notice The id of a proposal: keccak256 of the ABI encoding of
            (targets, values, calldatas, descriptionHash).
    @param targets The called contracts.
    @param values The wei sent with each call.
    @param calldatas The calldata of each call.
    @param descriptionHash keccak256 of the description.
    @return The proposal id.
    """
    return self._hash_proposal(targets, values, calldatas, descriptionHash)


@view
@external
def state(proposalId: uint256) -> uint8:
    """
    @notice The state of a proposal: 0 Pending, 1 Active, 2 Canceled,
            3 Defeated, 4 Succeeded, 5 Queued, 6 Expired, 7 Executed.
    @dev Reverts with "governor: unknown proposal" for an id never proposed.
    @param proposalId The proposal.
    @return The state.
    """
    return self._state(proposalId)


@view
@external
def proposalSnapshot(proposalId: uint256) -> uint256:
    """
    @notice The timepoint at which votes are weighed (voting starts after it).
    @param proposalId The proposal (0 if unknown).
    @return The snapshot timepoint.
    """
    return self._core(proposalId).vote_start


@view
@external
def proposalDeadline(proposalId: uint256) -> uint256:
    """
    @notice The last timepoint at which votes are accepted.
    @param proposalId The proposal (0 if unknown).
    @return The deadline.
    """
    return self._core(proposalId).vote_end


@view
@external
def proposalProposer(proposalId: uint256) -> address:
    """
    @notice The recorded proposer (for relayed proposals, the account the
            launchpad proposed for).
    @param proposalId The proposal (zero address if unknown).
    @return The proposer.
    """
    return self._core(proposalId).proposer


@view
@external
def proposalEta(proposalId: uint256) -> uint256:
    """
    @notice The timestamp from which a queued proposal can be executed.
    @param proposalId The proposal (0 if not queued).
    @return The ETA.
    """
    return self._etas[proposalId]


@view
@external
def proposalNeedsQueuing(proposalId: uint256) -> bool:
    """
    @notice Every proposal goes through the timelock.
    @param proposalId Any proposal.
    @return True.
    """
    return True


@view
@external
def proposalVotes(proposalId: uint256) -> (uint256, uint256, uint256):
    """
    @notice The tally of a proposal.
    @param proposalId The proposal.
    @return Against votes, For votes, Abstain votes.
    """
    tally: ProposalTally = self._tallies[proposalId]
    return tally.against_votes, tally.for_votes, tally.abstain_votes


@view
@external
def hasVoted(proposalId: uint256, account: address) -> bool:
    """
    @notice Whether `account` has voted on `proposalId`.
    @param proposalId The proposal.
    @param account The voter.
    @return True if it has voted.
    """
    return self._has_voted[proposalId][account]


# ---------------------------------------------------------- parameter views


@view
@external
def votingDelay() -> uint256:
    """
    @notice Seconds between a proposal and its snapshot.
    @return The voting delay.
    """
    return self._voting_delay


@view
@external
def votingPeriod() -> uint256:
    """
    @notice Seconds between a proposal's snapshot and its deadline.
    @return The voting period.
    """
    return self._voting_period


@view
@external
def proposalThreshold() -> uint256:
    """
    @notice Votes (at clock()-1) a proposer needs.
    @return The proposal threshold.
    """
    return self._proposal_threshold


@view
@external
def quorumNumerator() -> uint256:
    """
    @notice The quorum numerator in force now.
    @return The numerator (over QUORUM_DENOMINATOR).
    """
    return self._quorum_checkpoints[self._quorum_checkpoint_count - 1].value


@view
@external
def quorum_numerator_at(timepoint: uint256) -> uint256:
    """
    @notice The quorum numerator that was in force at `timepoint`.
    @param timepoint A clock value (before the first checkpoint: the
           initial numerator).
    @return The numerator (over QUORUM_DENOMINATOR).
    """
    return self._quorum_numerator_at(timepoint)


@view
@external
def quorumDenominator() -> uint256:
    """
    @notice The denominator of the quorum fraction.
    @return QUORUM_DENOMINATOR.
    """
    return QUORUM_DENOMINATOR


@view
@external
def quorum(timepoint: uint256) -> uint256:
    """
    @notice Votes (For + Abstain) a proposal with snapshot `timepoint` needs.
    @dev Reverts (FMC's "fmc: future lookup") unless `timepoint` < clock().
    @param timepoint A past clock value.
    @return The quorum.
    """
    return self._quorum(timepoint)


@view
@external
def getVotes(account: address, timepoint: uint256) -> uint256:
    """
    @notice Voting weight of `account` at `timepoint` (FMC past votes).
    @param account The account.
    @param timepoint A past clock value.
    @return The votes.
    """
    return staticcall IVotes(token).getPastVotes(account, timepoint)


# ---------------------------------------------------------------- lifecycle


@external
def propose(
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    description: String[MAX_DESCRIPTION],
) -> uint256:
    """
    @notice Creates a proposal with the caller as proposer.
    @dev Reverts "governor: invalid proposal length" (mismatched arrays),
         "governor: empty proposal", "governor: proposer votes below
         threshold", "governor: proposal already exists", and
         "governor: launch only through the launchpad" for an action
         calling the launchpad's `launch` (persona launches are proposed by
         the launchpad, bound to their funding campaign).
    @param targets The contracts the timelock will call (1..MAX_ACTIONS).
    @param values The wei sent with each call.
    @param calldatas The calldata of each call.
    @param description Human-readable description (its hash is part of the id).
    @return The proposal id.
    """
    lp: address = self.launchpad
    if lp != empty(address):
        for i: uint256 in range(MAX_ACTIONS):
            if i >= len(targets) or i >= len(calldatas):
                break
            if targets[i] == lp and len(calldatas[i]) >= 4:
                assert convert(slice(calldatas[i], 0, 4), bytes4) != _LAUNCH_SELECTOR, "governor: launch only through the launchpad"
    proposal_id: uint256 = convert(keccak256(abi_encode(targets, values, calldatas, keccak256(description))), uint256)
    snapshot: uint256 = 0
    deadline: uint256 = 0
    snapshot, deadline = self._open_proposal(msg.sender, proposal_id, len(targets), len(values), len(calldatas))
    signatures: DynArray[String[1], MAX_ACTIONS] = []
    for _: address in targets:
        signatures.append("")
    log ProposalCreated(
        proposalId=proposal_id,
        proposer=msg.sender,
        targets=targets,
        values=values,
        signatures=signatures,
        calldatas=calldatas,
        voteStart=snapshot,
        voteEnd=deadline,
        description=description,
    )
    return proposal_id


@external
def relay_propose(
    proposer: address,
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    description: String[MAX_DESCRIPTION],
) -> uint256:
    """
    @notice Launchpad only: creates a proposal on behalf of `proposer`, who
            must meet the proposal threshold and is recorded as proposer
            (and so may cancel it while Pending).
    @dev Reverts "governor: caller is not the launchpad" and the reasons
         of `propose`.
    @param proposer The account the launchpad proposes for.
    @param targets The contracts the timelock will call.
    @param values The wei sent with each call.
    @param calldatas The calldata of each call.
    @param description Human-readable description.
    @return The proposal id.
    """
    assert msg.sender == self.launchpad and msg.sender != empty(address), "governor: caller is not the launchpad"
    assert proposer != empty(address), "governor: zero proposer"
    proposal_id: uint256 = convert(keccak256(abi_encode(targets, values, calldatas, keccak256(description))), uint256)
    snapshot: uint256 = 0
    deadline: uint256 = 0
    snapshot, deadline = self._open_proposal(proposer, proposal_id, len(targets), len(values), len(calldatas))
    signatures: DynArray[String[1], MAX_ACTIONS] = []
    for _: address in targets:
        signatures.append("")
    log ProposalCreated(
        proposalId=proposal_id,
        proposer=proposer,
        targets=targets,
        values=values,
        signatures=signatures,
        calldatas=calldatas,
        voteStart=snapshot,
        voteEnd=deadline,
        description=description,
    )
    return proposal_id


@external
@nonreentrant
def queue(
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    descriptionHash: bytes32,
) -> uint256:
    """
    @notice Anyone: schedules a Succeeded proposal on the timelock with the
            timelock's current minimum delay.
    @dev Reverts "governor: unknown proposal", "governor: proposal not
         successful".
    @param targets As proposed.
    @param values As proposed.
    @param calldatas As proposed.
    @param descriptionHash keccak256 of the description as proposed.
    @return The proposal id.
    """
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, descriptionHash)
    assert self._state(proposal_id) == STATE_SUCCEEDED, "governor: proposal not successful"
    delay: uint256 = staticcall ITimelock(timelock).get_minimum_delay()
    eta: uint256 = block.timestamp + delay
    self._etas[proposal_id] = eta
    log ProposalQueued(proposalId=proposal_id, etaSeconds=eta)
    extcall ITimelock(timelock).schedule_batch(
        targets, values, calldatas, empty(bytes32), self._timelock_salt(descriptionHash), delay
    )
    return proposal_id


@external
@payable
@nonreentrant
def execute(
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    descriptionHash: bytes32,
) -> uint256:
    """
    @notice Anyone: executes a Queued proposal whose ETA is reached, through
            the timelock (msg.value is forwarded to it).
    @dev Marks the proposal Executed before the calls, so the executed
         actions observe it as Executed. Reverts "governor: unknown
         proposal", "governor: proposal not queued" (also once Expired),
         "governor: proposal not ready", and bubbles up a failing action's
         revert reason.
    @param targets As proposed.
    @param values As proposed.
    @param calldatas As proposed.
    @param descriptionHash keccak256 of the description as proposed.
    @return The proposal id.
    """
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, descriptionHash)
    assert self._state(proposal_id) == STATE_QUEUED, "governor: proposal not queued"
    assert block.timestamp >= self._etas[proposal_id], "governor: proposal not ready"
    self._proposal_words[proposal_id] |= _EXECUTED_BIT
    log ProposalExecuted(proposalId=proposal_id)
    extcall ITimelock(timelock).execute_batch(
        targets, values, calldatas, empty(bytes32), self._timelock_salt(descriptionHash), value=msg.value
    )
    return proposal_id


@external
def cancel(
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    descriptionHash: bytes32,
) -> uint256:
    """
    @notice Proposer only: cancels a proposal while it is Pending.
    @dev Reverts "governor: unknown proposal", "governor: proposal not
         pending", "governor: caller is not the proposer".
    @param targets As proposed.
    @param values As proposed.
    @param calldatas As proposed.
    @param descriptionHash keccak256 of the description as proposed.
    @return The proposal id.
    """
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, descriptionHash)
    assert self._state(proposal_id) == STATE_PENDING, "governor: proposal not pending"
    assert msg.sender == self._core(proposal_id).proposer, "governor: caller is not the proposer"
    self._proposal_words[proposal_id] |= _CANCELED_BIT
    log ProposalCanceled(proposalId=proposal_id)
    return proposal_id


# -------------------------------------------------------------------- votes


@external
def castVote(proposalId: uint256, support: uint8) -> uint256:
    """
    @notice Votes on an Active proposal with the caller's FMC votes at its
            snapshot.
    @dev Reverts "governor: unknown proposal", "governor: vote not
         currently active", "governor: invalid vote type", "governor: vote
         already cast".
    @param proposalId The proposal.
    @param support 0 Against, 1 For, 2 Abstain.
    @return The weight counted.
    """
    return self._cast_vote(proposalId, msg.sender, support, "")


@external
def castVoteWithReason(proposalId: uint256, support: uint8, reason: String[MAX_REASON]) -> uint256:
    """
    @notice Like `castVote`, with a reason logged in `VoteCast`.
    @param proposalId The proposal.
    @param support 0 Against, 1 For, 2 Abstain.
    @param reason Free text.
    @return The weight counted.
    """
    return self._cast_vote(proposalId, msg.sender, support, reason)


@external
def castVoteBySig(proposalId: uint256, support: uint8, voter: address, signature: Bytes[65]) -> uint256:
    """
    @notice Casts `voter`'s vote from its EIP-712 signature of
            Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)
            in the domain ("FameEngine Governor", "1", chain id, this
            contract). EOA (ECDSA) and ERC-1271 contract signatures.
    @dev Consumes `nonces(voter)`. Reverts "governor: invalid signature"
         and the reasons of `castVote`.
    @param proposalId The proposal.
    @param support 0 Against, 1 For, 2 Abstain.
    @param voter The signer, whose votes are counted.
    @param signature 65-byte r ‖ s ‖ v signature.
    @return The weight counted.
    """
    nonce: uint256 = self.nonces[voter]
    struct_hash: bytes32 = keccak256(abi_encode(BALLOT_TYPEHASH, proposalId, support, voter, nonce))
    digest: bytes32 = eip712_domain_separator._hash_typed_data_v4(struct_hash)
    assert signature_checker._is_valid_signature_now(voter, digest, signature), "governor: invalid signature"
    self.nonces[voter] = nonce + 1
    return self._cast_vote(proposalId, voter, support, "")


# ------------------------------------------------------ governance setters


@external
def setVotingDelay(newVotingDelay: uint256):
    """
    @notice Governance only (the timelock): sets the voting delay of future
            proposals (<= MAX_VOTING_DELAY).
    @param newVotingDelay Seconds.
    """
    self._only_governance()
    assert newVotingDelay <= MAX_VOTING_DELAY, "governor: voting delay out of bounds"
    log VotingDelaySet(oldVotingDelay=self._voting_delay, newVotingDelay=newVotingDelay)
    self._voting_delay = newVotingDelay


@external
def setVotingPeriod(newVotingPeriod: uint256):
    """
    @notice Governance only (the timelock): sets the voting period of future
            proposals (MIN_VOTING_PERIOD..MAX_VOTING_PERIOD).
    @param newVotingPeriod Seconds.
    """
    self._only_governance()
    assert newVotingPeriod >= MIN_VOTING_PERIOD and newVotingPeriod <= MAX_VOTING_PERIOD, "governor: voting period out of bounds"
    log VotingPeriodSet(oldVotingPeriod=self._voting_period, newVotingPeriod=newVotingPeriod)
    self._voting_period = newVotingPeriod


@external
def setProposalThreshold(newProposalThreshold: uint256):
    """
    @notice Governance only (the timelock): sets the proposal threshold
            (<= MAX_PROPOSAL_THRESHOLD).
    @param newProposalThreshold Votes.
    """
    self._only_governance()
    assert newProposalThreshold <= MAX_PROPOSAL_THRESHOLD, "governor: proposal threshold out of bounds"
    log ProposalThresholdSet(oldProposalThreshold=self._proposal_threshold, newProposalThreshold=newProposalThreshold)
    self._proposal_threshold = newProposalThreshold


@external
def updateQuorumNumerator(newQuorumNumerator: uint256):
    """
    @notice Governance only (the timelock): sets the quorum numerator from
            now on (MIN_QUORUM_NUMERATOR..MAX_QUORUM_NUMERATOR). Proposals
            whose snapshot is already past keep the numerator of their
            snapshot.
    @param newQuorumNumerator Over QUORUM_DENOMINATOR.
    """
    self._only_governance()
    assert newQuorumNumerator >= MIN_QUORUM_NUMERATOR and newQuorumNumerator <= MAX_QUORUM_NUMERATOR, "governor: quorum numerator out of bounds"
    old: uint256 = self._quorum_checkpoints[self._quorum_checkpoint_count - 1].value
    self._push_quorum_numerator(newQuorumNumerator)
    log QuorumNumeratorUpdated(oldQuorumNumerator=old, newQuorumNumerator=newQuorumNumerator)


@external
def set_launchpad(new_launchpad: address):
    """
    @notice Governance only (the timelock): sets the PersonaLaunchpad allowed
            to relay proposals (zero address: none). Ends the bootstrap.
    @param new_launchpad The launchpad.
    """
    self._only_governance()
    self._set_launchpad(new_launchpad)
    self._end_bootstrap()


@external
def bootstrap_launchpad(new_launchpad: address):
    """
    @notice Bootstrapper only, once: sets the first PersonaLaunchpad (which
            needs the governor's address at deployment) without a proposal,
            then the bootstrapper role ends.
    @dev Reverts "governor: caller is not the bootstrapper", "governor: zero
         launchpad".
    @param new_launchpad The launchpad.
    """
    assert msg.sender == self.bootstrapper and msg.sender != empty(address), "governor: caller is not the bootstrapper"
    assert new_launchpad != empty(address), "governor: zero launchpad"
    self._set_launchpad(new_launchpad)
    self._end_bootstrap()


@external
def renounce_bootstrapper():
    """
    @notice Bootstrapper only: gives up the bootstrapper role without setting
            a launchpad (governance can still set one).
    """
    assert msg.sender == self.bootstrapper and msg.sender != empty(address), "governor: caller is not the bootstrapper"
    self._end_bootstrap()


# ---------------------------------------------------------------- internals


@internal
@pure
def _hash_proposal(
    targets: DynArray[address, MAX_ACTIONS],
    values: DynArray[uint256, MAX_ACTIONS],
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS],
    description_hash: bytes32,
) -> uint256:
    return convert(keccak256(abi_encode(targets, values, calldatas, description_hash)), uint256)


@internal
@view
def _timelock_salt(description_hash: bytes32) -> bytes32:
    # Distinct per governor and description: a batch with the same calls
    # proposed again (with another description) is another timelock operation.
    return keccak256(concat(convert(self, bytes20), description_hash))


@internal
@view
def _clock() -> uint256:
    return convert(staticcall IVotes(token).clock(), uint256)


@internal
@view
def _state(proposal_id: uint256) -> uint8:
    p: ProposalCore = self._core(proposal_id)
    assert p.vote_start != 0, "governor: unknown proposal"
    if p.executed:
        return STATE_EXECUTED
    if p.canceled:
        return STATE_CANCELED
    now: uint256 = self._clock()
    if p.vote_start >= now:
        return STATE_PENDING
    if p.vote_end >= now:
        return STATE_ACTIVE
    if not self._succeeded(proposal_id, p.vote_start):
        return STATE_DEFEATED
    eta: uint256 = self._etas[proposal_id]
    if eta == 0:
        return STATE_SUCCEEDED
    if block.timestamp >= eta + GRACE_PERIOD:
        return STATE_EXPIRED
    return STATE_QUEUED


@internal
@view
def _succeeded(proposal_id: uint256, snapshot: uint256) -> bool:
    tally: ProposalTally = self._tallies[proposal_id]
    if tally.for_votes <= tally.against_votes:
        return False
    return tally.for_votes + tally.abstain_votes >= self._quorum(snapshot)


@internal
@view
def _quorum(timepoint: uint256) -> uint256:
    supply: uint256 = staticcall IVotes(token).getPastTotalSupply(timepoint)
    return supply * self._quorum_numerator_at(timepoint) // QUORUM_DENOMINATOR


@internal
@view
def _quorum_numerator_at(timepoint: uint256) -> uint256:
    count: uint256 = self._quorum_checkpoint_count
    latest: Checkpoint = self._quorum_checkpoints[count - 1]
    if latest.key <= timepoint:
        return latest.value
    # Binary search for the first checkpoint with key > timepoint; the
    # answer is the one before it. 64 halvings cover any reachable count.
    low: uint256 = 0
    high: uint256 = count - 1
    for _: uint256 in range(64):
        if low >= high:
            break
        mid: uint256 = (low + high) // 2
        if self._quorum_checkpoints[mid].key > timepoint:
            high = mid
        else:
            low = mid + 1
    if high == 0:
        return self._quorum_checkpoints[0].value
    return self._quorum_checkpoints[high - 1].value


@internal
def _push_quorum_numerator(numerator: uint256):
    now: uint256 = self._clock()
    count: uint256 = self._quorum_checkpoint_count
    if count > 0 and self._quorum_checkpoints[count - 1].key == now:
        self._quorum_checkpoints[count - 1].value = numerator
    else:
        self._quorum_checkpoints[count] = Checkpoint(key=now, value=numerator)
        self._quorum_checkpoint_count = count + 1


@internal
def _open_proposal(proposer: address, proposal_id: uint256, n_targets: uint256, n_values: uint256, n_calldatas: uint256) -> (uint256, uint256):
    # Checks and stores a new proposal; returns its (snapshot, deadline).
    # The callers hash the proposal and emit ProposalCreated themselves:
    # handing the bounded arrays to an internal function would copy them into
    # memory sized for MAX_ACTIONS x MAX_CALLDATA, which costs ~5k gas a call.
    assert n_targets == n_values and n_targets == n_calldatas, "governor: invalid proposal length"
    assert n_targets > 0, "governor: empty proposal"
    now: uint256 = self._clock()
    votes: uint256 = staticcall IVotes(token).getPastVotes(proposer, now - 1)
    assert votes >= self._proposal_threshold, "governor: proposer votes below threshold"
    assert self._proposal_words[proposal_id] == 0, "governor: proposal already exists"

    snapshot: uint256 = now + self._voting_delay
    period: uint256 = self._voting_period
    self._proposal_words[proposal_id] = self._pack_core(proposer, snapshot, period)
    return snapshot, snapshot + period


@internal
def _cast_vote(proposal_id: uint256, voter: address, support: uint8, reason: String[MAX_REASON]) -> uint256:
    assert self._state(proposal_id) == STATE_ACTIVE, "governor: vote not currently active"
    assert support <= VOTE_ABSTAIN, "governor: invalid vote type"
    assert not self._has_voted[proposal_id][voter], "governor: vote already cast"
    weight: uint256 = staticcall IVotes(token).getPastVotes(voter, self._core(proposal_id).vote_start)
    self._has_voted[proposal_id][voter] = True
    if support == VOTE_AGAINST:
        self._tallies[proposal_id].against_votes += weight
    elif support == VOTE_FOR:
        self._tallies[proposal_id].for_votes += weight
    else:
        self._tallies[proposal_id].abstain_votes += weight
    log VoteCast(voter=voter, proposalId=proposal_id, support=support, weight=weight, reason=reason)
    return weight


@internal
@pure
def _pack_core(proposer: address, vote_start: uint256, duration: uint256) -> uint256:
    # vote_start is a timestamp (< 2**48 for millions of years) and the
    # duration at most MAX_VOTING_PERIOD (< 2**32): both fit their fields.
    return convert(proposer, uint256) | (vote_start << 160) | (duration << 208)


@internal
@view
def _core(proposal_id: uint256) -> ProposalCore:
    word: uint256 = self._proposal_words[proposal_id]
    vote_start: uint256 = (word >> 160) & _MASK_48
    return ProposalCore(
        proposer=convert(convert(word & _MASK_160, uint160), address),
        vote_start=vote_start,
        vote_end=vote_start + ((word >> 208) & _MASK_32),
        executed=(word & _EXECUTED_BIT) != 0,
        canceled=(word & _CANCELED_BIT) != 0,
    )


@internal
@view
def _only_governance():
    assert msg.sender == timelock, "governor: caller is not the timelock"


@internal
def _set_launchpad(new_launchpad: address):
    log LaunchpadSet(oldLaunchpad=self.launchpad, newLaunchpad=new_launchpad)
    self.launchpad = new_launchpad


@internal
def _end_bootstrap():
    b: address = self.bootstrapper
    if b != empty(address):
        self.bootstrapper = empty(address)
        log BootstrapperRenounced(bootstrapper=b)
