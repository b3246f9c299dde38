# pragma version ~=0.4.3
"""
@title PersonaLaunchpad
@custom:contract-name PersonaLaunchpad
@license AGPL-3.0-only
@notice Where FameEngine personas are born. A creator opens a funding
        campaign for a new AI virtual influencer; the launchpad relays a DAO
        proposal whose single action is `launch(campaign_id)` on this
        contract. While that proposal is Pending or Active anyone funds the
        campaign in FMC. If the DAO passes the proposal and the goal is met,
        its execution (by the FameTimelock) launches the persona: the share
        token is deployed from the PersonaShare blueprint, the persona is
        registered in the PersonaRegistry and the whole raise is deposited
        into the persona's account in the PersonaTreasury. Every contributor
        then claims shares pro rata to what they gave, and the creator claims
        the creator allocation. If the proposal is Defeated, Canceled or
        Expired, or voting ended below the goal, every contributor takes back
        exactly what they gave.

        Share arithmetic (declared supply S = SHARES_PER_PERSONA):
          creator part  C = S * creator_allocation_bps // 10_000
          contributor i gets floor(contribution_i * (S - C) / raised)
        so the shares minted never exceed S (flooring leaves at most a few
        wei of shares unminted).

        FMC accounting: the launchpad holds exactly the contributions of open
        campaigns not yet refunded (`total_held`); a launch moves a
        campaign's raise to the treasury, a refund returns it to its
        contributor. Nothing loops over contributors: claims and refunds are
        pulled one account at a time.
"""


from ethereum.ercs import IERC20

from ..interfaces import IFameGovernor
from ..interfaces import IPersonaRegistry
from ..interfaces import IPersonaTreasury


# @dev EIP-2612 permit of FMC.
interface IERC20Permit:
    def permit(owner: address, spender: address, amount: uint256, deadline: uint256, v: uint8, r: bytes32, s: bytes32): nonpayable


# @dev The minter-only entry point of a PersonaShare token.
interface IPersonaShare:
    def mint(to: address, amount: uint256): nonpayable


# @notice Shares declared (max supply) for every persona: 1,000,000 at 18 decimals.
SHARES_PER_PERSONA: public(constant(uint256)) = 1_000_000 * 10**18
# @notice Basis-point denominator.
BPS: public(constant(uint256)) = 10_000
# @notice Hard cap on the DAO parameter `max_creator_allocation_bps` (30 %).
CREATOR_ALLOCATION_CAP_BPS: public(constant(uint256)) = 3_000
# @notice Longest PersonaShare name (the rest of a longer persona name is cut).
SHARE_NAME_MAX: public(constant(uint256)) = 25

# @notice Stored campaign status.
STATUS_NONE: public(constant(uint8)) = 0
STATUS_OPEN: public(constant(uint8)) = 1
STATUS_LAUNCHED: public(constant(uint8)) = 2
STATUS_REFUNDING: public(constant(uint8)) = 3

# @notice Campaign phases, as returned by `campaign_state`.
PHASE_NONE: public(constant(uint8)) = 0
PHASE_FUNDING: public(constant(uint8)) = 1
PHASE_AWAITING_LAUNCH: public(constant(uint8)) = 2
PHASE_LAUNCHED: public(constant(uint8)) = 3
PHASE_FAILED: public(constant(uint8)) = 4

# @dev Governor proposal states.
_PENDING: constant(uint8) = 0
_ACTIVE: constant(uint8) = 1
_SUCCEEDED: constant(uint8) = 4
_QUEUED: constant(uint8) = 5
_EXECUTED: constant(uint8) = 7

_MAX_ACTIONS: constant(uint256) = 8
_MAX_CALLDATA: constant(uint256) = 1_024
_MAX_DESCRIPTION: constant(uint256) = 4_096


struct Campaign:
    creator: address
    name: String[64]
    symbol: String[5]
    spec_cid: String[100]
    funding_goal: uint256
    creator_allocation_bps: uint256
    proposal_id: uint256
    raised: uint256
    refunded: uint256
    status: uint8
    persona_id: uint256
    share_token: address
    creator_shares: uint256
    contributor_shares: uint256
    shares_minted: uint256
    creator_claimed: bool


# @notice The FameGovernor that votes on the campaigns.
governor: public(immutable(address))
# @notice The FameTimelock (the only caller of `launch` and of the setters).
timelock: public(immutable(address))
# @notice FMC, the currency of the campaigns.
fmc: public(immutable(address))
# @notice The PersonaRegistry (its registrar must be this contract).
registry: public(immutable(address))
# @notice The PersonaTreasury the raises are deposited into.
treasury: public(immutable(address))

# @notice ERC-5202 blueprint of PersonaShare used for new personas.
share_blueprint: public(address)
# @notice The DAO's revenue settings (RevenueConfig) given to new share tokens.
revenue_config: public(address)
# @notice DAO parameter: the largest creator allocation a campaign may ask for.
max_creator_allocation_bps: public(uint256)

# @notice Number of campaigns (ids start at 1).
campaign_count: public(uint256)
# @notice Campaign of a proposal id (0 if none).
campaign_of_proposal: public(HashMap[uint256, uint256])
# @notice FMC held for open campaigns (contributions not launched nor refunded).
total_held: public(uint256)

_campaigns: HashMap[uint256, Campaign]
_contributions: HashMap[uint256, HashMap[address, uint256]]
_claimed: HashMap[uint256, HashMap[address, bool]]


event CampaignCreated:
    campaign_id: indexed(uint256)
    proposal_id: indexed(uint256)
    creator: indexed(address)
    name: String[64]
    symbol: String[5]
    spec_cid: String[100]
    funding_goal: uint256
    creator_allocation_bps: uint256


event Contributed:
    campaign_id: indexed(uint256)
    contributor: indexed(address)
    amount: uint256
    raised: uint256


event CampaignLaunched:
    campaign_id: indexed(uint256)
    persona_id: indexed(uint256)
    share_token: indexed(address)
    raised: uint256
    creator_shares: uint256
    contributor_shares: uint256


event SharesClaimed:
    campaign_id: indexed(uint256)
    account: indexed(address)
    amount: uint256


event Refunded:
    campaign_id: indexed(uint256)
    contributor: indexed(address)
    amount: uint256


event ShareBlueprintSet:
    old_blueprint: indexed(address)
    new_blueprint: indexed(address)


event RevenueConfigSet:
    old_config: indexed(address)
    new_config: indexed(address)


event MaxCreatorAllocationSet:
    old_bps: uint256
    new_bps: uint256


@deploy
def __init__(
    governor_: address,
    fmc_: address,
    registry_: address,
    treasury_: address,
    share_blueprint_: address,
    revenue_config_: address,
    max_creator_allocation_bps_: uint256,
):
    """
    @notice Deploys the launchpad. The timelock is read from the governor.
    @param governor_ The FameGovernor (must then set this contract as its
           launchpad).
    @param fmc_ FMC.
    @param registry_ The PersonaRegistry (its registrar must be set to this
           contract).
    @param treasury_ The PersonaTreasury.
    @param share_blueprint_ ERC-5202 blueprint of PersonaShare.
    @param revenue_config_ The RevenueConfig given to share tokens.
    @param max_creator_allocation_bps_ Initial creator-allocation bound
           (<= CREATOR_ALLOCATION_CAP_BPS).
    """
    assert governor_ != empty(address), "launchpad: zero governor"
    assert fmc_ != empty(address), "launchpad: zero fmc"
    assert registry_ != empty(address), "launchpad: zero registry"
    assert treasury_ != empty(address), "launchpad: zero treasury"
    assert max_creator_allocation_bps_ <= CREATOR_ALLOCATION_CAP_BPS, "launchpad: creator allocation above cap"
    governor = governor_
    timelock = staticcall IFameGovernor(governor_).timelock()
    assert timelock != empty(address), "launchpad: zero timelock"
    fmc = fmc_
    registry = registry_
    treasury = treasury_
    self.share_blueprint = share_blueprint_
    self.revenue_config = revenue_config_
    self.max_creator_allocation_bps = max_creator_allocation_bps_
    log ShareBlueprintSet(old_blueprint=empty(address), new_blueprint=share_blueprint_)
    log RevenueConfigSet(old_config=empty(address), new_config=revenue_config_)
    log MaxCreatorAllocationSet(old_bps=0, new_bps=max_creator_allocation_bps_)


# -------------------------------------------------------------- campaigns


@external
@nonreentrant
def propose_persona(
    name: String[64],
    symbol: String[5],
    spec_cid: String[100],
    funding_goal: uint256,
    creator_allocation_bps: uint256,
    description: String[_MAX_DESCRIPTION],
) -> (uint256, uint256):
    """
    @notice Opens a funding campaign for a new persona and proposes its
            launch to the DAO, with the caller as creator and proposer (the
            caller needs the governor's proposal threshold in votes).
    @dev Reverts "launchpad: empty name", "launchpad: empty symbol",
         "launchpad: empty spec cid", "launchpad: zero funding goal",
         "launchpad: creator allocation too high", and the governor's
         proposal reasons.
    @param name Persona name (1..64 bytes; the share token is named after
           its first 25 bytes).
    @param symbol Share token symbol (1..5 bytes).
    @param spec_cid Content id of the persona spec (docs/persona-spec.schema.json).
    @param funding_goal FMC (wei) the campaign must raise to launch (> 0).
    @param creator_allocation_bps Creator's part of the shares, at most
           `max_creator_allocation_bps`.
    @param description The proposal description shown to voters.
    @return The campaign id and the proposal id.
    """
    assert len(name) > 0, "launchpad: empty name"
    assert len(symbol) > 0, "launchpad: empty symbol"
    assert len(spec_cid) > 0, "launchpad: empty spec cid"
    assert funding_goal > 0, "launchpad: zero funding goal"
    assert creator_allocation_bps <= self.max_creator_allocation_bps, "launchpad: creator allocation too high"

    campaign_id: uint256 = self.campaign_count + 1
    self.campaign_count = campaign_id
    creator_shares: uint256 = SHARES_PER_PERSONA * creator_allocation_bps // BPS
    self._campaigns[campaign_id] = Campaign(
        creator=msg.sender,
        name=name,
        symbol=symbol,
        spec_cid=spec_cid,
        funding_goal=funding_goal,
        creator_allocation_bps=creator_allocation_bps,
        proposal_id=0,
        raised=0,
        refunded=0,
        status=STATUS_OPEN,
        persona_id=0,
        share_token=empty(address),
        creator_shares=creator_shares,
        contributor_shares=SHARES_PER_PERSONA - creator_shares,
        shares_minted=0,
        creator_claimed=False,
    )

    targets: DynArray[address, _MAX_ACTIONS] = [self]
    amounts: DynArray[uint256, _MAX_ACTIONS] = [0]
    calldatas: DynArray[Bytes[_MAX_CALLDATA], _MAX_ACTIONS] = [
        abi_encode(campaign_id, method_id=method_id("launch(uint256)"))
    ]
    proposal_id: uint256 = extcall IFameGovernor(governor).relay_propose(
        msg.sender, targets, amounts, calldatas, description
    )
    self._campaigns[campaign_id].proposal_id = proposal_id
    self.campaign_of_proposal[proposal_id] = campaign_id
    log CampaignCreated(
        campaign_id=campaign_id,
        proposal_id=proposal_id,
        creator=msg.sender,
        name=name,
        symbol=symbol,
        spec_cid=spec_cid,
        funding_goal=funding_goal,
        creator_allocation_bps=creator_allocation_bps,
    )
    return campaign_id, proposal_id


@external
@nonreentrant
def contribute(campaign_id: uint256, amount: uint256):
    """
    @notice Funds a campaign with `amount` FMC (approve the launchpad first)
            while its proposal is Pending or Active.
    @dev Reverts "launchpad: zero amount", "launchpad: unknown campaign",
         "launchpad: campaign not funding", "launchpad: transfer failed".
    @param campaign_id The campaign.
    @param amount FMC (wei), > 0.
    """
    self._contribute(campaign_id, amount)


@external
@nonreentrant
def contribute_with_permit(
    campaign_id: uint256, amount: uint256, deadline: uint256, v: uint8, r: bytes32, s: bytes32
):
    """
    @notice Like `contribute`, approving with an EIP-2612 permit of FMC
            signed by the caller (owner = caller, spender = this contract,
            value = amount) in the same transaction.
    @dev If the permit call fails (e.g. someone already submitted the same
         signature), the contribution proceeds when the allowance already
         covers `amount`; otherwise reverts "launchpad: permit failed".
    @param campaign_id The campaign.
    @param amount FMC (wei), > 0.
    @param deadline Permit deadline.
    @param v Signature v.
    @param r Signature r.
    @param s Signature s.
    """
    ok: bool = raw_call(
        fmc,
        abi_encode(
            msg.sender,
            self,
            amount,
            deadline,
            v,
            r,
            s,
            method_id=method_id("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"),
        ),
        revert_on_failure=False,
    )
    if not ok:
        assert staticcall IERC20(fmc).allowance(msg.sender, self) >= amount, "launchpad: permit failed"
    self._contribute(campaign_id, amount)


@external
@nonreentrant
def launch(campaign_id: uint256):
    """
    @notice Timelock only, during the execution of the campaign's proposal:
            deploys the persona's share token (PersonaShare blueprint,
            max supply SHARES_PER_PERSONA, minter = this contract), registers
            the persona and deposits the whole raise into its treasury
            account. Shares are then claimed with `claim_shares`.
    @dev Reverts "launchpad: caller is not the timelock", "launchpad:
         campaign not open", "launchpad: proposal not executed",
         "launchpad: funding goal not reached", "launchpad: no share
         blueprint", "launchpad: persona id mismatch", "launchpad: treasury
         deposit mismatch" (and the reasons of the registry, treasury and
         share token). A revert makes the proposal's execution revert; the
         proposal then expires and the contributors are refunded.
    @param campaign_id The campaign.
    """
    assert msg.sender == timelock, "launchpad: caller is not the timelock"
    c: Campaign = self._campaigns[campaign_id]
    assert c.status == STATUS_OPEN, "launchpad: campaign not open"
    assert staticcall IFameGovernor(governor).state(c.proposal_id) == _EXECUTED, "launchpad: proposal not executed"
    assert c.raised >= c.funding_goal, "launchpad: funding goal not reached"
    blueprint: address = self.share_blueprint
    assert blueprint != empty(address), "launchpad: no share blueprint"

    # Effects first (all calls below are to FameEngine contracts; the whole
    # function is non-reentrant too).
    persona_id: uint256 = staticcall IPersonaRegistry(registry).persona_count() + 1
    self._campaigns[campaign_id].status = STATUS_LAUNCHED
    self._campaigns[campaign_id].persona_id = persona_id
    self.total_held -= c.raised

    share_name: String[64] = c.name
    if len(share_name) > SHARE_NAME_MAX:
        share_name = slice(c.name, 0, SHARE_NAME_MAX)
    share: address = create_from_blueprint(
        blueprint, share_name, c.symbol, persona_id, self, self.revenue_config, SHARES_PER_PERSONA
    )
    self._campaigns[campaign_id].share_token = share

    registered: uint256 = extcall IPersonaRegistry(registry).register(c.name, c.spec_cid, share, c.creator)
    assert registered == persona_id, "launchpad: persona id mismatch"

    before: uint256 = staticcall IERC20(fmc).balanceOf(self)
    assert extcall IERC20(fmc).approve(treasury, c.raised, default_return_value=True), "launchpad: approve failed"
    extcall IPersonaTreasury(treasury).deposit(persona_id, fmc, c.raised)
    assert staticcall IERC20(fmc).balanceOf(self) + c.raised == before, "launchpad: treasury deposit mismatch"

    log CampaignLaunched(
        campaign_id=campaign_id,
        persona_id=persona_id,
        share_token=share,
        raised=c.raised,
        creator_shares=c.creator_shares,
        contributor_shares=c.contributor_shares,
    )


@external
@nonreentrant
def claim_shares(campaign_id: uint256) -> uint256:
    """
    @notice After launch: mints the caller's shares once, i.e.
            floor(contribution * contributor_shares / raised) for a
            contributor, plus the creator part for the creator.
    @dev Reverts "launchpad: campaign not launched", "launchpad: nothing to
         claim" (no contribution and not the creator, or already claimed).
         A dust contribution whose pro-rata share floors to 0 is marked
         claimed and mints nothing.
    @param campaign_id The campaign.
    @return The shares minted to the caller.
    """
    c: Campaign = self._campaigns[campaign_id]
    assert c.status == STATUS_LAUNCHED, "launchpad: campaign not launched"
    amount: uint256 = 0
    something: bool = False
    contribution: uint256 = self._contributions[campaign_id][msg.sender]
    if contribution > 0 and not self._claimed[campaign_id][msg.sender]:
        self._claimed[campaign_id][msg.sender] = True
        amount = contribution * c.contributor_shares // c.raised
        something = True
    if msg.sender == c.creator and not c.creator_claimed and c.creator_shares > 0:
        self._campaigns[campaign_id].creator_claimed = True
        amount += c.creator_shares
        something = True
    assert something, "launchpad: nothing to claim"
    self._campaigns[campaign_id].shares_minted = c.shares_minted + amount
    log SharesClaimed(campaign_id=campaign_id, account=msg.sender, amount=amount)
    if amount > 0:
        extcall IPersonaShare(c.share_token).mint(msg.sender, amount)
    return amount


@external
@nonreentrant
def refund(campaign_id: uint256) -> uint256:
    """
    @notice After failure (proposal Defeated, Canceled or Expired, or voting
            ended below the goal): returns the caller's whole contribution.
    @dev Reverts "launchpad: campaign not failed", "launchpad: nothing to
         refund". The first refund freezes the campaign (it can never
         launch afterwards).
    @param campaign_id The campaign.
    @return The FMC returned.
    """
    assert self._phase(campaign_id) == PHASE_FAILED, "launchpad: campaign not failed"
    amount: uint256 = self._contributions[campaign_id][msg.sender]
    assert amount > 0, "launchpad: nothing to refund"
    self._contributions[campaign_id][msg.sender] = 0
    self._campaigns[campaign_id].status = STATUS_REFUNDING
    self._campaigns[campaign_id].refunded += amount
    self.total_held -= amount
    log Refunded(campaign_id=campaign_id, contributor=msg.sender, amount=amount)
    assert extcall IERC20(fmc).transfer(msg.sender, amount, default_return_value=True), "launchpad: transfer failed"
    return amount


# --------------------------------------------------------- DAO parameters


@external
def set_max_creator_allocation_bps(new_bps: uint256):
    """
    @notice Timelock only: bound on the creator allocation of new campaigns
            (<= CREATOR_ALLOCATION_CAP_BPS).
    @param new_bps Basis points.
    """
    assert msg.sender == timelock, "launchpad: caller is not the timelock"
    assert new_bps <= CREATOR_ALLOCATION_CAP_BPS, "launchpad: creator allocation above cap"
    log MaxCreatorAllocationSet(old_bps=self.max_creator_allocation_bps, new_bps=new_bps)
    self.max_creator_allocation_bps = new_bps


@external
def set_share_blueprint(new_blueprint: address):
    """
    @notice Timelock only: the PersonaShare blueprint for future launches.
    @param new_blueprint ERC-5202 blueprint address.
    """
    assert msg.sender == timelock, "launchpad: caller is not the timelock"
    log ShareBlueprintSet(old_blueprint=self.share_blueprint, new_blueprint=new_blueprint)
    self.share_blueprint = new_blueprint


@external
def set_revenue_config(new_config: address):
    """
    @notice Timelock only: the revenue settings (RevenueConfig) given to
            future share tokens (existing ones keep theirs).
    @param new_config The RevenueConfig.
    """
    assert msg.sender == timelock, "launchpad: caller is not the timelock"
    log RevenueConfigSet(old_config=self.revenue_config, new_config=new_config)
    self.revenue_config = new_config


# ------------------------------------------------------------------ views


@view
@external
def campaign(campaign_id: uint256) -> Campaign:
    """
    @notice The stored record of a campaign (all zero if unknown).
    @param campaign_id The campaign.
    @return The campaign.
    """
    return self._campaigns[campaign_id]


@view
@external
def campaign_state(campaign_id: uint256) -> uint8:
    """
    @notice The phase of a campaign: 0 none, 1 funding (proposal Pending or
            Active), 2 awaiting launch (proposal Succeeded or Queued with the
            goal met), 3 launched, 4 failed (refunds open).
    @param campaign_id The campaign.
    @return The phase.
    """
    return self._phase(campaign_id)


@view
@external
def contribution_of(campaign_id: uint256, account: address) -> uint256:
    """
    @notice FMC given by `account` to a campaign and not refunded.
    @param campaign_id The campaign.
    @param account The contributor.
    @return The contribution.
    """
    return self._contributions[campaign_id][account]


@view
@external
def has_claimed(campaign_id: uint256, account: address) -> bool:
    """
    @notice Whether `account` has claimed its contributor shares.
    @param campaign_id The campaign.
    @param account The contributor.
    @return True once claimed.
    """
    return self._claimed[campaign_id][account]


@view
@external
def claimable_shares(campaign_id: uint256, account: address) -> uint256:
    """
    @notice Shares `claim_shares` would mint to `account` now (0 before
            launch; shares still to come at launch are given by
            `preview_shares`).
    @param campaign_id The campaign.
    @param account The contributor or creator.
    @return The claimable shares.
    """
    c: Campaign = self._campaigns[campaign_id]
    if c.status != STATUS_LAUNCHED:
        return 0
    amount: uint256 = 0
    if not self._claimed[campaign_id][account]:
        amount = self._contributions[campaign_id][account] * c.contributor_shares // c.raised
    if account == c.creator and not c.creator_claimed:
        amount += c.creator_shares
    return amount


@view
@external
def preview_shares(campaign_id: uint256, account: address) -> uint256:
    """
    @notice Shares `account` would get if the campaign launched with what it
            has raised so far (creator part included for the creator).
    @param campaign_id The campaign.
    @param account The contributor or creator.
    @return The shares.
    """
    c: Campaign = self._campaigns[campaign_id]
    amount: uint256 = 0
    if c.raised > 0:
        amount = self._contributions[campaign_id][account] * c.contributor_shares // c.raised
    if account == c.creator:
        amount += c.creator_shares
    return amount


# -------------------------------------------------------------- internals


@internal
@view
def _phase(campaign_id: uint256) -> uint8:
    c: Campaign = self._campaigns[campaign_id]
    if c.status == STATUS_NONE:
        return PHASE_NONE
    if c.status == STATUS_LAUNCHED:
        return PHASE_LAUNCHED
    if c.status == STATUS_REFUNDING:
        return PHASE_FAILED
    proposal_state: uint8 = staticcall IFameGovernor(governor).state(c.proposal_id)
    if proposal_state == _PENDING or proposal_state == _ACTIVE:
        return PHASE_FUNDING
    if proposal_state == _SUCCEEDED or proposal_state == _QUEUED:
        if c.raised >= c.funding_goal:
            return PHASE_AWAITING_LAUNCH
        return PHASE_FAILED
    # Defeated, Canceled, Expired; Executed without a launch cannot happen
    # (the execution is the launch) and is treated as failed.
    return PHASE_FAILED


@internal
def _contribute(campaign_id: uint256, amount: uint256):
    assert amount > 0, "launchpad: zero amount"
    assert self._campaigns[campaign_id].status != STATUS_NONE, "launchpad: unknown campaign"
    assert self._phase(campaign_id) == PHASE_FUNDING, "launchpad: campaign not funding"
    self._contributions[campaign_id][msg.sender] += amount
    raised: uint256 = self._campaigns[campaign_id].raised + amount
    self._campaigns[campaign_id].raised = raised
    self.total_held += amount
    log Contributed(campaign_id=campaign_id, contributor=msg.sender, amount=amount, raised=raised)
    assert extcall IERC20(fmc).transferFrom(msg.sender, self, amount, default_return_value=True), "launchpad: transfer failed"
