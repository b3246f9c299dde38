# pragma version ~=0.4.3
"""
@title PersonaEvents
@notice Live events of FameEngine personas: tickets sold in FMC, proceeds paid
        to the persona's share holders, and soulbound attendance badges.

        1. The owner (the DAO timelock) grants a persona's event operator
           role (`set_operator`) and names the live server's voucher key
           (`set_voucher_signer`).
        2. An operator schedules an event for an active persona: a start in
           the future, a length of at most MAX_DURATION, a capacity of
           1..MAX_CAPACITY tickets, a price in FMC (0: a free event), the
           least attendance that earns a badge and the IPFS CID of its
           metadata. Event ids start at 1.
        3. Fans buy one ticket per address from scheduling until `ends_at`
           (`buy`, or `buy_with_permit` with an EIP-2612 permit of FMC). The
           price stays in this contract until the event is settled.
        4. After `ends_at` anyone settles a (not cancelled) event once: its
           proceeds, price * tickets, are paid as FMC revenue to the
           persona's share token (`pay`), which splits them among the share
           holders.
        5. Before it ends an operator may cancel the event; each ticket
           holder then pulls a refund of the price (`refund`).
        6. A ticket holder who stayed in the room long enough gets an
           EIP-712 voucher `Attendance(eventId, attendee, attended,
           deadline)` from the live server and mints a badge with it
           (`claim_badge`): an ERC-721 token (ERC-5192: locked forever) whose
           `tokenURI` is the event's metadata. A voucher is usable only by
           its attendee, only before its deadline, and only once per fan
           and event (a fan holds at most one badge per event).

        FMC is conserved: this contract's FMC balance equals the sum over
        unsettled events of price * (tickets sold - tickets refunded).
        Every function is O(1): refunds are pulled one fan at a time and
        settling moves one amount.

        Storage layout (for gas: `buy` and `claim_badge` read one word per
        event). The numeric fields of an event share one 256-bit word:
            bits   0..47   persona_id (registry ids are sequential from 1)
            bits  48..87   starts_at  (unix seconds)
            bits  88..127  ends_at
            bits 128..151  capacity   (at most MAX_CAPACITY)
            bits 152..175  tickets sold
            bits 176..199  tickets refunded
            bits 200..231  min_attendance (seconds, at most the event's length)
            bit  232       cancelled
            bit  233       settled
        A word is never 0 once scheduled (persona ids start at 1), so 0
        means "no such event". A fan's pass for an event is one word too:
        bit 0 holds the ticket, bits 1.. the badge's token id (0: none). A
        badge is one word: bits 0..159 its owner, bits 160.. its event id.
        The voucher signer and the number of badges minted share a word,
        since every claim reads the one and bumps the other.
"""

from ethereum.ercs import IERC165
from ethereum.ercs import IERC20
from ethereum.ercs import IERC721

from snekmate.auth import ownable
from snekmate.auth import ownable_2step
from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator

from ..interfaces import IPersonaRegistry

implements: IERC165
implements: IERC721

initializes: ownable
initializes: ownable_2step[ownable := ownable]
initializes: eip712_domain_separator

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
    eip712_domain_separator.eip712Domain,
)


# @dev Where an event's proceeds go: the persona's share token takes ERC-20
# revenue with `pay` and splits it among its holders.
interface IShareRevenue:
    def pay(token: address, amount: uint256): nonpayable


# @notice Most tickets one event may sell.
MAX_CAPACITY: public(constant(uint256)) = 100_000
# @notice Longest event (ends_at - starts_at), in seconds.
MAX_DURATION: public(constant(uint256)) = 30 * 86_400
# @notice Farthest ahead an event may start, in seconds (ticket money is held until it ends).
MAX_LEAD_TIME: public(constant(uint256)) = 365 * 86_400
# @notice Highest ticket price: FMC's hard cap (one billion FMC), more than anyone could pay.
MAX_PRICE: public(constant(uint256)) = 1_000_000_000 * 10**18
# @notice Longest metadata CID.
MAX_CID: public(constant(uint256)) = 100
# @notice Highest persona id an event can carry (the width of its field in the event word).
MAX_PERSONA_ID: public(constant(uint256)) = 2**48 - 1

# @notice ERC-721 metadata of the badges.
name: public(constant(String[21])) = "FameEngine Attendance"
symbol: public(constant(String[8])) = "FAME-POA"

# @notice EIP-712 domain of the attendance vouchers.
EIP712_NAME: public(constant(String[24])) = "FameEngine PersonaEvents"
EIP712_VERSION: public(constant(String[1])) = "1"
# @notice EIP-712 type hash of a voucher.
ATTENDANCE_TYPEHASH: public(constant(bytes32)) = keccak256(
    "Attendance(uint256 eventId,address attendee,uint256 attended,uint256 deadline)"
)

# ERC-165 interface ids: ERC-165, ERC-721, ERC-721 Metadata, ERC-5192.
_SUPPORTED_INTERFACES: constant(bytes4[4]) = [0x01ffc9a7, 0x80ac58cd, 0x5b5e139f, 0xb45a3c0e]

# Field offsets and widths of the event word (see the layout above).
_MASK24: constant(uint256) = 2**24 - 1
_MASK32: constant(uint256) = 2**32 - 1
_MASK40: constant(uint256) = 2**40 - 1
_MASK48: constant(uint256) = 2**48 - 1
_MASK160: constant(uint256) = 2**160 - 1
_STARTS_SHIFT: constant(uint256) = 48
_ENDS_SHIFT: constant(uint256) = 88
_CAPACITY_SHIFT: constant(uint256) = 128
_SOLD_SHIFT: constant(uint256) = 152
_REFUNDS_SHIFT: constant(uint256) = 176
_MIN_ATTENDANCE_SHIFT: constant(uint256) = 200
_CANCELLED_BIT: constant(uint256) = 1 << 232
_SETTLED_BIT: constant(uint256) = 1 << 233
_ONE_SOLD: constant(uint256) = 1 << 152
_ONE_REFUND: constant(uint256) = 1 << 176
# A pass: bit 0 the ticket, the badge's token id from bit 1.
_TICKET: constant(uint256) = 1
# The badge count sits above the voucher signer's 160 bits.
_ONE_BADGE: constant(uint256) = 1 << 160


# @notice One event, as `events(event_id)` returns it.
struct LiveEvent:
    persona_id: uint256
    starts_at: uint256
    ends_at: uint256
    capacity: uint256
    sold: uint256
    price: uint256
    min_attendance: uint256
    cancelled: bool
    settled: bool
    metadata_cid: String[MAX_CID]


# @dev The numeric fields of the event word, unpacked.
struct Head:
    persona_id: uint256
    starts_at: uint256
    ends_at: uint256
    capacity: uint256
    sold: uint256
    refunds: uint256
    min_attendance: uint256
    cancelled: bool
    settled: bool


# @notice FMC, the currency of tickets.
FMC: public(immutable(IERC20))
# @notice The persona registry (events only for active personas; it names their share tokens).
REGISTRY: public(immutable(IPersonaRegistry))

# @notice Events scheduled so far (ids start at 1).
event_count: public(uint256)
# @notice Badges minted for each persona's events.
persona_badges: public(HashMap[uint256, uint256])

_words: HashMap[uint256, uint256]
_prices: HashMap[uint256, uint256]
_cids: HashMap[uint256, String[MAX_CID]]
_passes: HashMap[uint256, HashMap[address, uint256]]
_operators: HashMap[uint256, HashMap[address, bool]]
_badges: HashMap[uint256, uint256]
_balances: HashMap[address, uint256]
# voucher signer (bits 0..159) | badges minted (bits 160..255)
_claim_word: uint256


event OperatorSet:
    persona_id: indexed(uint256)
    account: indexed(address)
    allowed: bool


event VoucherSignerChanged:
    previous_signer: indexed(address)
    new_signer: indexed(address)


event EventScheduled:
    event_id: indexed(uint256)
    persona_id: indexed(uint256)
    operator: indexed(address)
    starts_at: uint256
    ends_at: uint256
    capacity: uint256
    price: uint256
    min_attendance: uint256
    metadata_cid: String[MAX_CID]


event EventCancelled:
    event_id: indexed(uint256)
    persona_id: indexed(uint256)
    operator: indexed(address)


event TicketBought:
    event_id: indexed(uint256)
    buyer: indexed(address)
    price: uint256


event TicketRefunded:
    event_id: indexed(uint256)
    holder: indexed(address)
    amount: uint256


event EventSettled:
    event_id: indexed(uint256)
    persona_id: indexed(uint256)
    share_token: indexed(address)
    amount: uint256


# @notice ERC-721: logged when a badge is minted (from the zero address); badges never move.
event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    token_id: indexed(uint256)


# @notice ERC-5192: logged when a badge is minted; it stays locked.
event Locked:
    tokenId: uint256


@deploy
def __init__(owner_: address, fmc_: IERC20, registry_: IPersonaRegistry, voucher_signer_: address):
    """
    @notice Deploys the events contract owned by `owner_` (the DAO timelock).
    @param owner_ The owner (non-zero).
    @param fmc_ The FMC token (non-zero).
    @param registry_ The PersonaRegistry (non-zero).
    @param voucher_signer_ The live server's voucher key (non-zero).
    """
    assert owner_ != empty(address), "events: zero owner"
    assert fmc_.address != empty(address), "events: zero FMC"
    assert registry_.address != empty(address), "events: zero registry"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    eip712_domain_separator.__init__(EIP712_NAME, EIP712_VERSION)
    FMC = fmc_
    REGISTRY = registry_
    self._set_voucher_signer(voucher_signer_)


# ---------------------------------------------------------------- the DAO


@external
def set_operator(persona_id: uint256, account: address, allowed: bool):
    """
    @notice Owner only: grants or revokes `account`'s event operator role for
            `persona_id`. The persona need not exist yet: `schedule` checks
            that it is active.
    @param persona_id A persona id (non-zero).
    @param account The operator (non-zero).
    @param allowed True to grant, False to revoke.
    """
    ownable._check_owner()
    assert persona_id != 0, "events: zero persona id"
    assert account != empty(address), "events: zero operator"
    self._operators[persona_id][account] = allowed
    log OperatorSet(persona_id=persona_id, account=account, allowed=allowed)


@external
def set_voucher_signer(signer: address):
    """
    @notice Owner only: sets the key whose vouchers mint badges (the live
            server's). Vouchers signed by the previous key stop working.
    @param signer The signer's address (non-zero).
    """
    ownable._check_owner()
    self._set_voucher_signer(signer)


# ---------------------------------------------------------------- operators


@external
def schedule(persona_id: uint256, starts_at: uint256, ends_at: uint256, capacity: uint256, price: uint256,
             min_attendance: uint256, metadata_cid: String[MAX_CID]) -> uint256:
    """
    @notice The persona's operator: schedules an event. Tickets are on sale
            from now until `ends_at`.
    @param persona_id An active persona the caller operates.
    @param starts_at A future timestamp at most MAX_LEAD_TIME away.
    @param ends_at After `starts_at`, at most MAX_DURATION later.
    @param capacity Tickets on sale, 1..MAX_CAPACITY.
    @param price Ticket price in FMC wei (0: a free event), at most MAX_PRICE.
    @param min_attendance Seconds in the room that earn a badge, at most the
           event's length.
    @param metadata_cid IPFS CID of the event's metadata JSON (non-empty,
           at most MAX_CID characters).
    @return The event id.
    """
    assert self._operators[persona_id][msg.sender], "events: caller is not the persona's operator"
    assert staticcall REGISTRY.is_active(persona_id), "events: persona not active"
    assert persona_id <= MAX_PERSONA_ID, "events: persona id out of bounds"
    assert starts_at > block.timestamp, "events: start is not in the future"
    assert starts_at <= block.timestamp + MAX_LEAD_TIME, "events: start too far ahead"
    assert ends_at > starts_at, "events: must end after it starts"
    duration: uint256 = ends_at - starts_at
    assert duration <= MAX_DURATION, "events: duration out of bounds"
    assert capacity >= 1 and capacity <= MAX_CAPACITY, "events: capacity out of bounds"
    assert price <= MAX_PRICE, "events: price out of bounds"
    assert min_attendance <= duration, "events: min attendance longer than the event"
    assert len(metadata_cid) > 0, "events: empty metadata cid"

    event_id: uint256 = self.event_count + 1
    self.event_count = event_id
    # Every field fits its width: the bounds above keep ends_at below 2^40
    # for centuries, capacity below 2^24 and min_attendance below 2^32.
    self._words[event_id] = (
        persona_id
        | (starts_at << _STARTS_SHIFT)
        | (ends_at << _ENDS_SHIFT)
        | (capacity << _CAPACITY_SHIFT)
        | (min_attendance << _MIN_ATTENDANCE_SHIFT)
    )
    if price != 0:
        self._prices[event_id] = price
    self._cids[event_id] = metadata_cid
    log EventScheduled(event_id=event_id, persona_id=persona_id, operator=msg.sender, starts_at=starts_at,
                       ends_at=ends_at, capacity=capacity, price=price, min_attendance=min_attendance,
                       metadata_cid=metadata_cid)
    return event_id


@external
def cancel(event_id: uint256):
    """
    @notice The persona's operator: cancels an event before it ends (and so
            before it is settled). Every ticket becomes refundable; no badge
            can be claimed for it any more.
    @param event_id A scheduled event of a persona the caller operates.
    """
    word: uint256 = self._word(event_id)
    head: Head = self._unpack(word)
    assert self._operators[head.persona_id][msg.sender], "events: caller is not the persona's operator"
    assert not head.cancelled, "events: cancelled"
    assert block.timestamp < head.ends_at, "events: event ended"
    self._words[event_id] = word | _CANCELLED_BIT
    log EventCancelled(event_id=event_id, persona_id=head.persona_id, operator=msg.sender)


# ---------------------------------------------------------------- fans


@external
@nonreentrant
def buy(event_id: uint256):
    """
    @notice Buys the caller's ticket (one per address), pulling the price in
            FMC with `transferFrom` (approve this contract first; a free
            event transfers nothing).
    @param event_id An event that is not cancelled, has not ended and has
           a ticket left.
    """
    self._buy(event_id, self._prices[event_id])


@external
@nonreentrant
def buy_with_permit(event_id: uint256, deadline: uint256, v: uint8, r: bytes32, s: bytes32):
    """
    @notice Like `buy`, approving the price with an EIP-2612 permit of FMC
            for exactly the price (one transaction instead of two). A free
            event needs no permit: the signature is then ignored.
    @dev A permit that fails (e.g. already submitted by someone who
         front-ran it) is ignored when the allowance already covers the
         price; otherwise reverts "events: permit failed".
    @param event_id The event.
    @param deadline The permit's deadline.
    @param v The permit signature's v.
    @param r The permit signature's r.
    @param s The permit signature's s.
    """
    price: uint256 = self._prices[event_id]
    if price != 0:
        ok: bool = raw_call(
            FMC.address,
            abi_encode(msg.sender, self, price, deadline, v, r, s,
                       method_id=method_id("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)")),
            revert_on_failure=False,
        )
        if not ok:
            assert staticcall FMC.allowance(msg.sender, self) >= price, "events: permit failed"
    self._buy(event_id, price)


@external
@nonreentrant
def refund(event_id: uint256):
    """
    @notice A ticket holder of a cancelled event: takes back the price paid.
            The ticket is given up (`has_ticket` turns false); a badge
            claimed before the cancellation stays.
    @param event_id A cancelled event the caller holds a ticket for.
    """
    word: uint256 = self._word(event_id)
    assert word & _CANCELLED_BIT != 0, "events: not cancelled"
    pass_: uint256 = self._passes[event_id][msg.sender]
    assert pass_ & _TICKET != 0, "events: no ticket"
    self._passes[event_id][msg.sender] = pass_ ^ _TICKET
    self._words[event_id] = word + _ONE_REFUND
    price: uint256 = self._prices[event_id]
    log TicketRefunded(event_id=event_id, holder=msg.sender, amount=price)
    if price != 0:
        assert extcall FMC.transfer(msg.sender, price, default_return_value=True), "events: transfer failed"


@external
def claim_badge(event_id: uint256, attended: uint256, deadline: uint256, signature: Bytes[65]) -> uint256:
    """
    @notice A ticket holder: mints the caller's soulbound attendance badge
            with the live server's voucher.
    @dev The voucher is the EIP-712 message Attendance(eventId, attendee,
         attended, deadline) in this contract's domain, signed by
         `voucher_signer` (65 bytes r || s || v, low s); the attendee is the
         caller, so a voucher cannot be used by another address. The pass
         records the badge, so a voucher cannot mint twice.
    @param event_id An event (not cancelled) the caller holds a ticket for.
    @param attended Seconds the caller spent in the room, at least the
           event's `min_attendance`.
    @param deadline The voucher's deadline (inclusive).
    @param signature The voucher signature.
    @return The badge's token id.
    """
    word: uint256 = self._word(event_id)
    assert word & _CANCELLED_BIT == 0, "events: cancelled"
    pass_: uint256 = self._passes[event_id][msg.sender]
    assert pass_ & _TICKET != 0, "events: no ticket"
    assert pass_ >> 1 == 0, "events: badge already claimed"
    assert attended >= (word >> _MIN_ATTENDANCE_SHIFT) & _MASK32, "events: attendance too short"
    assert block.timestamp <= deadline, "events: voucher expired"
    assert len(signature) == 65, "events: signature is not 65 bytes"
    digest: bytes32 = eip712_domain_separator._hash_typed_data_v4(
        keccak256(abi_encode(ATTENDANCE_TYPEHASH, event_id, msg.sender, attended, deadline))
    )
    claim_word: uint256 = self._claim_word
    signer: address = convert(convert(claim_word & _MASK160, uint160), address)
    assert ecdsa._recover_sig(digest, signature) == signer, "events: voucher not signed by the voucher signer"

    token_id: uint256 = (claim_word >> 160) + 1
    self._claim_word = claim_word + _ONE_BADGE
    self._passes[event_id][msg.sender] = pass_ | (token_id << 1)
    self._badges[token_id] = convert(convert(msg.sender, uint160), uint256) | (event_id << 160)
    self._balances[msg.sender] += 1
    self.persona_badges[word & _MASK48] += 1
    log Transfer(sender=empty(address), receiver=msg.sender, token_id=token_id)
    log Locked(tokenId=token_id)
    return token_id


# ---------------------------------------------------------------- anyone


@external
@nonreentrant
def settle(event_id: uint256):
    """
    @notice Anyone, once an event has ended (and was not cancelled): pays
            its proceeds, price * tickets, to the persona's share token as
            FMC revenue. Once per event; nothing is paid when there are no
            proceeds (a free event, or no tickets sold).
    @param event_id An ended, not cancelled, not yet settled event.
    """
    word: uint256 = self._word(event_id)
    head: Head = self._unpack(word)
    assert not head.cancelled, "events: cancelled"
    assert not head.settled, "events: already settled"
    assert block.timestamp >= head.ends_at, "events: not ended"
    self._words[event_id] = word | _SETTLED_BIT
    amount: uint256 = self._prices[event_id] * head.sold
    share: address = staticcall REGISTRY.share_token_of(head.persona_id)
    log EventSettled(event_id=event_id, persona_id=head.persona_id, share_token=share, amount=amount)
    if amount != 0:
        assert extcall FMC.approve(share, amount, default_return_value=True), "events: approve failed"
        extcall IShareRevenue(share).pay(FMC.address, amount)


# ---------------------------------------------------------------- event views


@view
@external
def events(event_id: uint256) -> LiveEvent:
    """
    @notice The event `event_id` (all fields zero / empty if unknown).
    @param event_id The event.
    @return persona_id, starts_at, ends_at, capacity, sold (tickets sold,
            refunded ones included), price, min_attendance, cancelled,
            settled, metadata_cid.
    """
    head: Head = self._unpack(self._words[event_id])
    return LiveEvent(
        persona_id=head.persona_id,
        starts_at=head.starts_at,
        ends_at=head.ends_at,
        capacity=head.capacity,
        sold=head.sold,
        price=self._prices[event_id],
        min_attendance=head.min_attendance,
        cancelled=head.cancelled,
        settled=head.settled,
        metadata_cid=self._cids[event_id],
    )


@view
@external
def refunded(event_id: uint256) -> uint256:
    """
    @notice FMC refunded so far for a cancelled event (price * refunds).
    @param event_id The event.
    @return The amount in FMC wei.
    """
    return self._prices[event_id] * ((self._words[event_id] >> _REFUNDS_SHIFT) & _MASK24)


@view
@external
def has_ticket(event_id: uint256, account: address) -> bool:
    """
    @notice Whether `account` holds a ticket for `event_id` (false again
            once refunded).
    @param event_id The event.
    @param account The fan.
    @return True if it holds one.
    """
    return self._passes[event_id][account] & _TICKET != 0


@view
@external
def badge_of(event_id: uint256, account: address) -> uint256:
    """
    @notice The token id of `account`'s badge for `event_id`.
    @param event_id The event.
    @param account The fan.
    @return The token id, 0 for none.
    """
    return self._passes[event_id][account] >> 1


@view
@external
def is_operator(persona_id: uint256, account: address) -> bool:
    """
    @notice Whether `account` holds the event operator role of `persona_id`.
    @param persona_id The persona.
    @param account The account.
    @return True if it does.
    """
    return self._operators[persona_id][account]


@view
@external
def voucher_signer() -> address:
    """
    @notice The key whose vouchers mint badges (the live server's).
    @return Its address.
    """
    return convert(convert(self._claim_word & _MASK160, uint160), address)


@view
@external
def badge_count() -> uint256:
    """
    @notice Badges minted so far, for every event (the last token id).
    @return The count.
    """
    return self._claim_word >> 160


# ---------------------------------------------------------------- badges: ERC-721, ERC-5192


@view
@external
def supportsInterface(interface_id: bytes4) -> bool:
    """
    @notice ERC-165: ERC-165, ERC-721, ERC-721 Metadata and ERC-5192.
    @param interface_id The interface id.
    @return True for the four supported ones.
    """
    return interface_id in _SUPPORTED_INTERFACES


@view
@external
def balanceOf(_owner: address) -> uint256:
    """
    @notice ERC-721: the badges `_owner` holds.
    @param _owner A non-zero address.
    @return The count.
    """
    assert _owner != empty(address), "badge: zero address"
    return self._balances[_owner]


@view
@external
def ownerOf(_tokenId: uint256) -> address:
    """
    @notice ERC-721: the holder of badge `_tokenId` (the fan who claimed it,
            forever).
    @param _tokenId A minted badge.
    @return Its holder.
    """
    return self._owner_of(_tokenId)


@view
@external
def tokenURI(_tokenId: uint256) -> String[107]:
    """
    @notice ERC-721 Metadata: `ipfs://<the event's metadata CID>`.
    @param _tokenId A minted badge.
    @return The URI.
    """
    self._owner_of(_tokenId)
    return concat("ipfs://", self._cids[self._badges[_tokenId] >> 160])


@view
@external
def getApproved(_tokenId: uint256) -> address:
    """
    @notice ERC-721: nobody is ever approved for a soulbound badge.
    @param _tokenId A minted badge.
    @return The zero address.
    """
    self._owner_of(_tokenId)
    return empty(address)


@view
@external
def isApprovedForAll(_owner: address, _operator: address) -> bool:
    """
    @notice ERC-721: no operator is ever approved for soulbound badges.
    @param _owner Any holder.
    @param _operator Any operator.
    @return False.
    """
    return False


@view
@external
def locked(tokenId: uint256) -> bool:
    """
    @notice ERC-5192: every badge is locked (soulbound) forever.
    @param tokenId A minted badge (reverts for one that does not exist).
    @return True.
    """
    self._owner_of(tokenId)
    return True


@payable
@external
def transferFrom(_from: address, _to: address, _tokenId: uint256):
    """
    @notice ERC-721: always reverts, badges are soulbound.
    @param _from Unused.
    @param _to Unused.
    @param _tokenId Unused.
    """
    raise "badge: soulbound"


@payable
@external
def safeTransferFrom(_from: address, _to: address, _tokenId: uint256, _data: Bytes[1024] = b""):
    """
    @notice ERC-721 (both overloads): always reverts, badges are soulbound.
    @param _from Unused.
    @param _to Unused.
    @param _tokenId Unused.
    @param _data Unused.
    """
    raise "badge: soulbound"


@payable
@external
def approve(_approved: address, _tokenId: uint256):
    """
    @notice ERC-721: always reverts, badges are soulbound.
    @param _approved Unused.
    @param _tokenId Unused.
    """
    raise "badge: soulbound"


@external
def setApprovalForAll(_operator: address, _approved: bool):
    """
    @notice ERC-721: always reverts, badges are soulbound.
    @param _operator Unused.
    @param _approved Unused.
    """
    raise "badge: soulbound"


# ---------------------------------------------------------------- internals


@internal
def _buy(event_id: uint256, price: uint256):
    word: uint256 = self._word(event_id)
    head: Head = self._unpack(word)
    assert not head.cancelled, "events: cancelled"
    assert block.timestamp < head.ends_at, "events: event ended"
    assert head.sold < head.capacity, "events: sold out"
    assert self._passes[event_id][msg.sender] & _TICKET == 0, "events: already has a ticket"
    self._words[event_id] = word + _ONE_SOLD
    self._passes[event_id][msg.sender] = _TICKET
    log TicketBought(event_id=event_id, buyer=msg.sender, price=price)
    if price != 0:
        assert extcall FMC.transferFrom(msg.sender, self, price, default_return_value=True), "events: transferFrom failed"


@internal
@view
def _word(event_id: uint256) -> uint256:
    word: uint256 = self._words[event_id]
    assert word != 0, "events: unknown event"
    return word


@internal
@pure
def _unpack(word: uint256) -> Head:
    return Head(
        persona_id=word & _MASK48,
        starts_at=(word >> _STARTS_SHIFT) & _MASK40,
        ends_at=(word >> _ENDS_SHIFT) & _MASK40,
        capacity=(word >> _CAPACITY_SHIFT) & _MASK24,
        sold=(word >> _SOLD_SHIFT) & _MASK24,
        refunds=(word >> _REFUNDS_SHIFT) & _MASK24,
        min_attendance=(word >> _MIN_ATTENDANCE_SHIFT) & _MASK32,
        cancelled=word & _CANCELLED_BIT != 0,
        settled=word & _SETTLED_BIT != 0,
    )


@internal
@view
def _owner_of(token_id: uint256) -> address:
    owner: address = convert(convert(self._badges[token_id] & _MASK160, uint160), address)
    assert owner != empty(address), "badge: unknown token"
    return owner


@internal
def _set_voucher_signer(signer: address):
    assert signer != empty(address), "events: zero voucher signer"
    claim_word: uint256 = self._claim_word
    log VoucherSignerChanged(previous_signer=convert(convert(claim_word & _MASK160, uint160), address), new_signer=signer)
    self._claim_word = (claim_word & ~_MASK160) | convert(convert(signer, uint160), uint256)
