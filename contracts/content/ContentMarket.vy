# pragma version ~=0.4.3
"""
@title ContentMarket
@notice Paid content requests for FameEngine personas, fulfilled by bonded AI
        workers.

        1. Anyone requests content for an active persona: a brief (IPFS CID),
           a kind (image, caption, post, voice or video), an emotion hint (or none: the
           worker's emotion engine chooses), an FMC fee held here in escrow
           and a deadline.
        2. Workers register by bonding at least `min_bond` FMC. A worker
           claims an open request; the claim lasts `claim_ttl` seconds (never
           past the request's deadline). An expired claim puts the request
           back on the queue: any worker may claim it again.
        3. The claimant fulfils with a content CID and a manifest CID (the
           signed AI-disclosure manifest) before its claim expires.
        4. After `challenge_window` seconds anyone may release the fee: the
           protocol's part (`protocol_fee_bps`) to `fee_recipient`, the
           persona's part (`persona_share_bps`) paid as FMC revenue to the
           persona's share token (which splits it among the share holders),
           the rest to the worker.
        5. Within the window the requester may reject with a reason, which
           opens a dispute. Only the owner (the DAO timelock) settles it:
           REFUND (fee back to the requester), SLASH (fee back and up to
           `slash_amount` of the worker's bond to `fee_recipient`) or
           RELEASE (paid as in 4).
        6. A request that is still open, or whose claim expired unfulfilled,
           is refundable to its requester once its deadline has passed; the
           requester may also cancel it while nobody holds a live claim.

        Nothing is stuck: every request ends Released, Refunded or
        Cancelled, through a path anyone (release), its requester (refund,
        cancel) or the DAO (disputes) can take. Escrow conservation: the
        contract's FMC balance is at least `escrowed + bonded`, where
        `escrowed` is the sum of the fees of unsettled requests and `bonded`
        the sum of the workers' bonds. Workers withdraw their bond only while
        they have no claimed, fulfilled-unsettled or disputed request.
"""

from ethereum.ercs import IERC20

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
)


# @dev Where the persona's part goes: the persona's share token takes ERC-20
# revenue with `pay` and splits it among its holders.
interface IShareRevenue:
    def pay(token: address, amount: uint256): nonpayable


# @dev EIP-2612 permit of FMC.
interface IERC20Permit:
    def permit(owner: address, spender: address, amount: uint256, deadline: uint256, v: uint8, r: bytes32, s: bytes32): nonpayable


# @notice Request statuses.
STATUS_OPEN: public(constant(uint8)) = 1
STATUS_CLAIMED: public(constant(uint8)) = 2
STATUS_FULFILLED: public(constant(uint8)) = 3
STATUS_DISPUTED: public(constant(uint8)) = 4
STATUS_RELEASED: public(constant(uint8)) = 5
STATUS_REFUNDED: public(constant(uint8)) = 6
STATUS_CANCELLED: public(constant(uint8)) = 7

# @notice Content kinds.
KIND_IMAGE: public(constant(uint8)) = 0
KIND_CAPTION: public(constant(uint8)) = 1
KIND_POST: public(constant(uint8)) = 2
KIND_VOICE: public(constant(uint8)) = 3
KIND_VIDEO: public(constant(uint8)) = 4

# @notice Emotion hints are indices into the worker's emotion list
#         (ai_worker/emotions.py: joy, sadness, anger, surprise, calm, fear);
#         EMOTION_ANY lets the worker's emotion engine choose.
EMOTION_COUNT: public(constant(uint8)) = 6
EMOTION_ANY: public(constant(uint8)) = 255

# @notice Dispute outcomes (`settle_dispute`).
OUTCOME_REFUND: public(constant(uint8)) = 1
OUTCOME_SLASH: public(constant(uint8)) = 2
OUTCOME_RELEASE: public(constant(uint8)) = 3

# @notice Bounds of the DAO parameters.
MAX_TAKE_BPS: public(constant(uint256)) = 5_000
MIN_CLAIM_TTL: public(constant(uint256)) = 60
MAX_CLAIM_TTL: public(constant(uint256)) = 7 * 86_400
MIN_CHALLENGE_WINDOW: public(constant(uint256)) = 60
MAX_CHALLENGE_WINDOW: public(constant(uint256)) = 30 * 86_400
MAX_REQUEST_DURATION: public(constant(uint256)) = 90 * 86_400
MAX_MIN_BOND: public(constant(uint256)) = 10_000_000 * 10**18
MAX_MIN_FEE: public(constant(uint256)) = 1_000_000 * 10**18
MAX_CID: public(constant(uint256)) = 100
MAX_REASON: public(constant(uint256)) = 256

BPS: constant(uint256) = 10_000


struct Request:
    requester: address
    persona_id: uint256
    kind: uint8
    emotion: uint8
    status: uint8
    fee: uint256
    deadline: uint256
    created_at: uint256
    worker: address
    claim_expires: uint256
    fulfilled_at: uint256
    challenge_ends: uint256
    brief_cid: String[MAX_CID]
    content_cid: String[MAX_CID]
    manifest_cid: String[MAX_CID]


struct Worker:
    bond: uint256
    # claimed, fulfilled-unsettled and disputed requests held by the worker
    open_jobs: uint256
    fulfilled: uint256
    slashed: uint256


struct Parameters:
    min_bond: uint256
    min_fee: uint256
    claim_ttl: uint256
    challenge_window: uint256
    persona_share_bps: uint256
    protocol_fee_bps: uint256
    slash_amount: uint256


# @notice FMC, the currency of fees and bonds.
FMC: public(immutable(IERC20))
# @notice The persona registry (requests only for active personas).
REGISTRY: public(immutable(IPersonaRegistry))

# @notice Receives the protocol fee and slashed bonds.
fee_recipient: public(address)
# @notice The DAO parameters (see the bounds above).
params: public(Parameters)

# @notice Requests made so far (ids start at 1).
request_count: public(uint256)
# @notice Sum of the fees of requests not yet released, refunded or cancelled.
escrowed: public(uint256)
# @notice Sum of all workers' bonds.
bonded: public(uint256)

_requests: HashMap[uint256, Request]
_workers: HashMap[address, Worker]


event RequestCreated:
    request_id: indexed(uint256)
    persona_id: indexed(uint256)
    requester: indexed(address)
    kind: uint8
    emotion: uint8
    fee: uint256
    deadline: uint256
    brief_cid: String[MAX_CID]


event RequestClaimed:
    request_id: indexed(uint256)
    worker: indexed(address)
    claim_expires: uint256


event RequestReopened:
    request_id: indexed(uint256)
    previous_worker: indexed(address)


event RequestFulfilled:
    request_id: indexed(uint256)
    worker: indexed(address)
    content_cid: String[MAX_CID]
    manifest_cid: String[MAX_CID]


event RequestRejected:
    request_id: indexed(uint256)
    requester: indexed(address)
    reason: String[MAX_REASON]


event RequestReleased:
    request_id: indexed(uint256)
    worker: indexed(address)
    worker_amount: uint256
    persona_amount: uint256
    protocol_amount: uint256


event RequestRefunded:
    request_id: indexed(uint256)
    requester: indexed(address)
    amount: uint256


event RequestCancelled:
    request_id: indexed(uint256)
    requester: indexed(address)
    amount: uint256


event DisputeSettled:
    request_id: indexed(uint256)
    outcome: uint8
    slashed: uint256


event BondChanged:
    worker: indexed(address)
    bond: uint256
    delta: int256


event ParametersChanged:
    min_bond: uint256
    min_fee: uint256
    claim_ttl: uint256
    challenge_window: uint256
    persona_share_bps: uint256
    protocol_fee_bps: uint256
    slash_amount: uint256


event FeeRecipientChanged:
    previous_recipient: indexed(address)
    new_recipient: indexed(address)


@deploy
def __init__(owner_: address, fmc_: IERC20, registry_: IPersonaRegistry, fee_recipient_: address,
             params_: Parameters):
    """
    @notice Deploys the market owned by `owner_` (the DAO timelock).
    @param owner_ The owner (non-zero).
    @param fmc_ The FMC token (non-zero).
    @param registry_ The PersonaRegistry (non-zero; names each persona's share token).
    @param fee_recipient_ Receiver of protocol fees and slashed bonds (non-zero).
    @param params_ The initial parameters, within their bounds.
    """
    assert owner_ != empty(address), "market: zero owner"
    assert fmc_.address != empty(address), "market: zero FMC"
    assert registry_.address != empty(address), "market: zero registry"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    FMC = fmc_
    REGISTRY = registry_
    self._set_fee_recipient(fee_recipient_)
    self._set_params(params_)


# ---------------------------------------------------------------- requesters


@external
@nonreentrant
def request(persona_id: uint256, brief_cid: String[MAX_CID], kind: uint8, emotion: uint8, fee: uint256,
            deadline: uint256) -> uint256:
    """
    @notice Requests content for an active persona, escrowing `fee` FMC from
            the caller (approve the market first).
    @param persona_id An active persona.
    @param brief_cid IPFS CID of the brief (non-empty).
    @param kind KIND_IMAGE, KIND_CAPTION, KIND_POST, KIND_VOICE or KIND_VIDEO.
    @param emotion An emotion index below EMOTION_COUNT, or EMOTION_ANY.
    @param fee At least `min_fee` FMC.
    @param deadline A future timestamp at most MAX_REQUEST_DURATION away.
    @return The request id.
    """
    return self._request(persona_id, brief_cid, kind, emotion, fee, deadline)


@external
@nonreentrant
def request_with_permit(persona_id: uint256, brief_cid: String[MAX_CID], kind: uint8, emotion: uint8,
                        fee: uint256, deadline: uint256, permit_deadline: uint256, v: uint8, r: bytes32,
                        s: bytes32) -> uint256:
    """
    @notice Like `request`, approving the fee with an EIP-2612 permit of FMC
            (one transaction instead of two).
    @dev A permit that fails (e.g. already used by someone who front-ran it)
         is ignored when the allowance already covers the fee; otherwise
         reverts "market: permit failed".
    @param persona_id An active persona.
    @param brief_cid IPFS CID of the brief.
    @param kind The content kind.
    @param emotion The emotion hint.
    @param fee The fee in FMC.
    @param deadline The request's deadline.
    @param permit_deadline The permit's deadline.
    @param v The permit signature's v.
    @param r The permit signature's r.
    @param s The permit signature's s.
    @return The request id.
    """
    ok: bool = raw_call(
        FMC.address,
        abi_encode(msg.sender, self, fee, permit_deadline, v, r, s,
                   method_id=method_id("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)")),
        revert_on_failure=False,
    )
    if not ok:
        assert staticcall FMC.allowance(msg.sender, self) >= fee, "market: permit failed"
    return self._request(persona_id, brief_cid, kind, emotion, fee, deadline)


@external
@nonreentrant
def reject(request_id: uint256, reason: String[MAX_REASON]):
    """
    @notice Requester only: rejects fulfilled content within its challenge
            window (fixed when it was fulfilled), opening a dispute for the
            DAO to settle.
    @param request_id A fulfilled request of the caller's.
    @param reason Why (non-empty; shown to the DAO).
    """
    r: Request = self._requests[request_id]
    assert r.requester == msg.sender, "market: caller is not the requester"
    assert r.status == STATUS_FULFILLED, "market: not fulfilled"
    assert block.timestamp < r.challenge_ends, "market: challenge window closed"
    assert len(reason) > 0, "market: empty reason"
    self._requests[request_id].status = STATUS_DISPUTED
    log RequestRejected(request_id=request_id, requester=msg.sender, reason=reason)


@external
@nonreentrant
def refund(request_id: uint256):
    """
    @notice Requester only: takes back the fee of a request whose deadline
            passed while it was open or its claim had expired unfulfilled.
    @param request_id A request of the caller's.
    """
    r: Request = self._requests[request_id]
    assert r.requester == msg.sender, "market: caller is not the requester"
    assert block.timestamp > r.deadline, "market: deadline not passed"
    assert r.status == STATUS_OPEN or (r.status == STATUS_CLAIMED and block.timestamp >= r.claim_expires), "market: not refundable"
    self._drop_claim(r)
    self._settle(request_id, STATUS_REFUNDED, r.fee)
    log RequestRefunded(request_id=request_id, requester=r.requester, amount=r.fee)
    self._send(r.requester, r.fee)


@external
@nonreentrant
def cancel(request_id: uint256):
    """
    @notice Requester only: withdraws a request nobody holds a live claim on,
            taking back its fee.
    @param request_id An open request of the caller's (or one whose claim expired).
    """
    r: Request = self._requests[request_id]
    assert r.requester == msg.sender, "market: caller is not the requester"
    assert r.status == STATUS_OPEN or (r.status == STATUS_CLAIMED and block.timestamp >= r.claim_expires), "market: not cancellable"
    self._drop_claim(r)
    self._settle(request_id, STATUS_CANCELLED, r.fee)
    log RequestCancelled(request_id=request_id, requester=r.requester, amount=r.fee)
    self._send(r.requester, r.fee)


# ---------------------------------------------------------------- workers


@external
@nonreentrant
def bond(amount: uint256):
    """
    @notice Adds `amount` FMC to the caller's worker bond (approve first); a
            bond of at least `min_bond` lets the caller claim requests.
    @param amount A positive amount.
    """
    assert amount > 0, "market: zero amount"
    new_bond: uint256 = self._workers[msg.sender].bond + amount
    self._workers[msg.sender].bond = new_bond
    self.bonded += amount
    log BondChanged(worker=msg.sender, bond=new_bond, delta=convert(amount, int256))
    assert extcall FMC.transferFrom(msg.sender, self, amount, default_return_value=True), "market: transferFrom failed"


@external
@nonreentrant
def unbond(amount: uint256):
    """
    @notice Returns `amount` of the caller's bond, only while it holds no
            claimed, fulfilled-unsettled or disputed request.
    @param amount At most the caller's bond.
    """
    w: Worker = self._workers[msg.sender]
    assert w.open_jobs == 0, "market: worker has open jobs"
    assert amount > 0 and amount <= w.bond, "market: amount exceeds bond"
    self._workers[msg.sender].bond = w.bond - amount
    self.bonded -= amount
    log BondChanged(worker=msg.sender, bond=w.bond - amount, delta=-convert(amount, int256))
    self._send(msg.sender, amount)


@external
@nonreentrant
def claim(request_id: uint256):
    """
    @notice Bonded workers: claims an open request (or one whose previous
            claim expired) until `claim_ttl` from now, or its deadline if
            sooner.
    @param request_id The request.
    """
    assert self._workers[msg.sender].bond >= self.params.min_bond, "market: bond below minimum"
    r: Request = self._requests[request_id]
    assert r.status == STATUS_OPEN or (r.status == STATUS_CLAIMED and block.timestamp >= r.claim_expires), "market: not claimable"
    assert block.timestamp < r.deadline, "market: request expired"
    self._drop_claim(r)
    expires: uint256 = min(block.timestamp + self.params.claim_ttl, r.deadline)
    self._requests[request_id].status = STATUS_CLAIMED
    self._requests[request_id].worker = msg.sender
    self._requests[request_id].claim_expires = expires
    self._workers[msg.sender].open_jobs += 1
    log RequestClaimed(request_id=request_id, worker=msg.sender, claim_expires=expires)


@external
@nonreentrant
def reopen(request_id: uint256):
    """
    @notice Puts a claimed request back on the queue: its claimant may give
            it up at any time, anyone may once the claim expired (so an
            expired claim never keeps a worker's bond locked).
    @param request_id A claimed request.
    """
    r: Request = self._requests[request_id]
    assert r.status == STATUS_CLAIMED, "market: not claimed"
    assert msg.sender == r.worker or block.timestamp >= r.claim_expires, "market: claim still live"
    self._drop_claim(r)
    self._requests[request_id].status = STATUS_OPEN
    self._requests[request_id].worker = empty(address)
    self._requests[request_id].claim_expires = 0
    log RequestReopened(request_id=request_id, previous_worker=r.worker)


@external
@nonreentrant
def fulfil(request_id: uint256, content_cid: String[MAX_CID], manifest_cid: String[MAX_CID]):
    """
    @notice The claimant: posts the content and its AI-disclosure manifest
            before the claim expires, starting the challenge window.
    @param request_id A request the caller claimed.
    @param content_cid IPFS CID of the content (non-empty).
    @param manifest_cid IPFS CID of the signed manifest (non-empty).
    """
    r: Request = self._requests[request_id]
    assert r.status == STATUS_CLAIMED and r.worker == msg.sender, "market: caller does not hold the claim"
    assert block.timestamp < r.claim_expires, "market: claim expired"
    assert len(content_cid) > 0 and len(manifest_cid) > 0, "market: empty cid"
    self._requests[request_id].status = STATUS_FULFILLED
    self._requests[request_id].fulfilled_at = block.timestamp
    self._requests[request_id].challenge_ends = block.timestamp + self.params.challenge_window
    self._requests[request_id].content_cid = content_cid
    self._requests[request_id].manifest_cid = manifest_cid
    self._workers[msg.sender].fulfilled += 1
    log RequestFulfilled(request_id=request_id, worker=msg.sender, content_cid=content_cid, manifest_cid=manifest_cid)


@external
@nonreentrant
def release(request_id: uint256):
    """
    @notice Anyone, once the challenge window of fulfilled content has
            passed without a rejection: pays the fee out (protocol, persona,
            worker).
    @param request_id A fulfilled request.
    """
    r: Request = self._requests[request_id]
    assert r.status == STATUS_FULFILLED, "market: not fulfilled"
    assert block.timestamp >= r.challenge_ends, "market: challenge window open"
    self._release(request_id, r)


# ---------------------------------------------------------------- the DAO


@external
@nonreentrant
def settle_dispute(request_id: uint256, outcome: uint8):
    """
    @notice Owner only (the DAO timelock): settles a disputed request.
    @param request_id A disputed request.
    @param outcome OUTCOME_REFUND (fee to the requester), OUTCOME_SLASH (fee
           to the requester and up to `slash_amount` of the worker's bond
           to `fee_recipient`) or OUTCOME_RELEASE (paid out as by `release`).
    """
    ownable._check_owner()
    r: Request = self._requests[request_id]
    assert r.status == STATUS_DISPUTED, "market: not disputed"
    assert outcome >= OUTCOME_REFUND and outcome <= OUTCOME_RELEASE, "market: invalid outcome"
    if outcome == OUTCOME_RELEASE:
        log DisputeSettled(request_id=request_id, outcome=outcome, slashed=0)
        self._release(request_id, r)
        return
    slashed: uint256 = 0
    if outcome == OUTCOME_SLASH:
        slashed = min(self.params.slash_amount, self._workers[r.worker].bond)
        self._workers[r.worker].bond -= slashed
        self._workers[r.worker].slashed += slashed
        self.bonded -= slashed
        log BondChanged(worker=r.worker, bond=self._workers[r.worker].bond, delta=-convert(slashed, int256))
    self._workers[r.worker].open_jobs -= 1
    self._settle(request_id, STATUS_REFUNDED, r.fee)
    log DisputeSettled(request_id=request_id, outcome=outcome, slashed=slashed)
    log RequestRefunded(request_id=request_id, requester=r.requester, amount=r.fee)
    self._send(r.requester, r.fee)
    if slashed > 0:
        self._send(self.fee_recipient, slashed)


@external
def set_params(new_params: Parameters):
    """
    @notice Owner only: sets every market parameter at once. Requests keep
            their fee and deadline; claims and challenge windows already
            running keep their end; new ones use the new values.
    @param new_params The parameters, within their bounds.
    """
    ownable._check_owner()
    self._set_params(new_params)


@external
def set_fee_recipient(new_recipient: address):
    """
    @notice Owner only: sets the receiver of protocol fees and slashed bonds.
    @param new_recipient The receiver (non-zero).
    """
    ownable._check_owner()
    self._set_fee_recipient(new_recipient)


# ---------------------------------------------------------------- views


@view
@external
def get_request(request_id: uint256) -> Request:
    """
    @notice The request `request_id` (all fields zero / empty if unknown).
    @param request_id The request.
    @return The request.
    """
    return self._requests[request_id]


@view
@external
def status_of(request_id: uint256) -> uint8:
    """
    @notice The stored status of `request_id` (0 if unknown). A CLAIMED
            request whose claim expired is claimable again: see `is_claimable`.
    @param request_id The request.
    @return The status.
    """
    return self._requests[request_id].status


@view
@external
def is_claimable(request_id: uint256) -> bool:
    """
    @notice Whether a bonded worker could claim `request_id` now.
    @param request_id The request.
    @return True if open (or its claim expired) and before its deadline.
    """
    r: Request = self._requests[request_id]
    live: bool = r.status == STATUS_OPEN or (r.status == STATUS_CLAIMED and block.timestamp >= r.claim_expires)
    return live and block.timestamp < r.deadline


@view
@external
def worker(account: address) -> Worker:
    """
    @notice The worker record of `account` (zero if it never bonded).
    @param account The worker.
    @return Bond, open jobs, fulfilled count and total slashed.
    """
    return self._workers[account]


# ---------------------------------------------------------------- internals


@internal
def _request(persona_id: uint256, brief_cid: String[MAX_CID], kind: uint8, emotion: uint8, fee: uint256,
             deadline: uint256) -> uint256:
    assert staticcall REGISTRY.is_active(persona_id), "market: persona not active"
    assert len(brief_cid) > 0, "market: empty brief"
    assert kind <= KIND_VIDEO, "market: invalid kind"
    assert emotion < EMOTION_COUNT or emotion == EMOTION_ANY, "market: invalid emotion"
    assert fee >= self.params.min_fee and fee > 0, "market: fee below minimum"
    assert deadline > block.timestamp, "market: deadline passed"
    assert deadline <= block.timestamp + MAX_REQUEST_DURATION, "market: deadline too far"
    request_id: uint256 = self.request_count + 1
    self.request_count = request_id
    self._requests[request_id] = Request(
        requester=msg.sender,
        persona_id=persona_id,
        kind=kind,
        emotion=emotion,
        status=STATUS_OPEN,
        fee=fee,
        deadline=deadline,
        created_at=block.timestamp,
        worker=empty(address),
        claim_expires=0,
        fulfilled_at=0,
        challenge_ends=0,
        brief_cid=brief_cid,
        content_cid="",
        manifest_cid="",
    )
    self.escrowed += fee
    log RequestCreated(request_id=request_id, persona_id=persona_id, requester=msg.sender, kind=kind,
                       emotion=emotion, fee=fee, deadline=deadline, brief_cid=brief_cid)
    assert extcall FMC.transferFrom(msg.sender, self, fee, default_return_value=True), "market: transferFrom failed"
    return request_id


@internal
def _drop_claim(r: Request):
    # A CLAIMED request leaving its worker (claim expired, re-claimed,
    # refunded or cancelled) no longer counts as the worker's open job.
    if r.status == STATUS_CLAIMED:
        self._workers[r.worker].open_jobs -= 1


@internal
def _settle(request_id: uint256, status: uint8, fee: uint256):
    self._requests[request_id].status = status
    self.escrowed -= fee


@internal
def _release(request_id: uint256, r: Request):
    p: Parameters = self.params
    protocol_amount: uint256 = r.fee * p.protocol_fee_bps // BPS
    persona_amount: uint256 = r.fee * p.persona_share_bps // BPS
    worker_amount: uint256 = r.fee - protocol_amount - persona_amount
    self._workers[r.worker].open_jobs -= 1
    self._settle(request_id, STATUS_RELEASED, r.fee)
    log RequestReleased(request_id=request_id, worker=r.worker, worker_amount=worker_amount,
                        persona_amount=persona_amount, protocol_amount=protocol_amount)
    if protocol_amount > 0:
        self._send(self.fee_recipient, protocol_amount)
    if persona_amount > 0:
        share: address = staticcall REGISTRY.share_token_of(r.persona_id)
        assert extcall FMC.approve(share, persona_amount, default_return_value=True), "market: approve failed"
        extcall IShareRevenue(share).pay(FMC.address, persona_amount)
    if worker_amount > 0:
        self._send(r.worker, worker_amount)


@internal
def _send(to: address, amount: uint256):
    assert extcall FMC.transfer(to, amount, default_return_value=True), "market: transfer failed"


@internal
def _set_params(p: Parameters):
    assert p.min_bond <= MAX_MIN_BOND, "market: min bond out of bounds"
    assert p.min_fee <= MAX_MIN_FEE, "market: min fee out of bounds"
    assert p.claim_ttl >= MIN_CLAIM_TTL and p.claim_ttl <= MAX_CLAIM_TTL, "market: claim ttl out of bounds"
    assert p.challenge_window >= MIN_CHALLENGE_WINDOW and p.challenge_window <= MAX_CHALLENGE_WINDOW, "market: challenge window out of bounds"
    assert p.persona_share_bps + p.protocol_fee_bps <= MAX_TAKE_BPS, "market: take out of bounds"
    assert p.slash_amount <= p.min_bond, "market: slash above min bond"
    self.params = p
    log ParametersChanged(min_bond=p.min_bond, min_fee=p.min_fee, claim_ttl=p.claim_ttl,
                          challenge_window=p.challenge_window, persona_share_bps=p.persona_share_bps,
                          protocol_fee_bps=p.protocol_fee_bps, slash_amount=p.slash_amount)


@internal
def _set_fee_recipient(new_recipient: address):
    assert new_recipient != empty(address), "market: zero fee recipient"
    log FeeRecipientChanged(previous_recipient=self.fee_recipient, new_recipient=new_recipient)
    self.fee_recipient = new_recipient
