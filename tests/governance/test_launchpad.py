"""Unit tests of PersonaLaunchpad: campaigns, contributions, the launch executed by
the DAO, share claims and every failure path with its refunds."""

import ape
import pytest
from gov_helpers import (
    ACTIVE,
    AGAINST,
    BPS,
    CANCELED,
    DEFEATED,
    E18,
    EXECUTED,
    EXPIRED,
    FOR,
    GRACE_PERIOD,
    MAX_CREATOR_BPS,
    PENDING,
    PHASE_AWAITING,
    PHASE_FAILED,
    PHASE_FUNDING,
    PHASE_LAUNCHED,
    PHASE_NONE,
    QUEUED,
    SHARES_PER_PERSONA,
    SPEC_CID,
    SUCCEEDED,
    ZERO,
    Proposal,
    encode_call,
    events,
    mine_to,
    now,
    set_next,
    sign_permit,
)

GOAL = 1_000 * E18
MAX_UINT = 2**256 - 1


@pytest.fixture
def approve_all(fmc, launchpad, alice, bob, carol, dave, erin, deployer):
    for acct in (alice, bob, carol, dave, erin, deployer):
        fmc.approve(launchpad, MAX_UINT, sender=acct)


def open_campaign(launchpad, creator, goal=GOAL, bps=1_500, name="Nova Lux", symbol="NOVA", description=None):
    description = description or f"FameEngine persona: {name}"
    receipt = launchpad.propose_persona(name, symbol, SPEC_CID, goal, bps, description, sender=creator)
    cid, pid = receipt.return_value
    proposal = Proposal(pid, [launchpad.address], [0], [encode_call(launchpad, "launch", cid)], description)
    assert proposal.pid == pid  # the id a frontend computes
    return cid, proposal, receipt


def share_token(project, launchpad, cid):
    return project.PersonaShare.at(launchpad.campaign(cid).share_token)


def expected_shares(contribution, raised, bps):
    creator = SHARES_PER_PERSONA * bps // BPS
    return contribution * (SHARES_PER_PERSONA - creator) // raised


# ------------------------------------------------------------------ deployment and parameters


def test_deployment(launchpad, governor, timelock, fmc, registry, treasury, share_blueprint, revenue_config):
    assert launchpad.governor() == governor.address
    assert launchpad.timelock() == timelock.address
    assert launchpad.fmc() == fmc.address
    assert launchpad.registry() == registry.address
    assert launchpad.treasury() == treasury.address
    assert launchpad.share_blueprint() == share_blueprint
    assert launchpad.revenue_config() == revenue_config.address
    assert launchpad.max_creator_allocation_bps() == MAX_CREATOR_BPS
    assert launchpad.SHARES_PER_PERSONA() == SHARES_PER_PERSONA
    assert launchpad.CREATOR_ALLOCATION_CAP_BPS() == 3_000
    assert launchpad.campaign_count() == 0
    assert launchpad.total_held() == 0
    assert launchpad.campaign_state(1) == PHASE_NONE


@pytest.mark.parametrize("which", ["governor", "fmc", "registry", "treasury"])
def test_deployment_zero_addresses(project, deployer, governor, fmc, registry, treasury, which):
    args = {"governor": governor, "fmc": fmc, "registry": registry, "treasury": treasury}
    args[which] = ZERO
    with ape.reverts(f"launchpad: zero {which}"):
        project.PersonaLaunchpad.deploy(
            args["governor"], args["fmc"], args["registry"], args["treasury"], ZERO, ZERO, 0, sender=deployer
        )


def test_deployment_cap(project, deployer, governor, fmc, registry, treasury):
    with ape.reverts("launchpad: creator allocation above cap"):
        project.PersonaLaunchpad.deploy(governor, fmc, registry, treasury, ZERO, ZERO, 3_001, sender=deployer)
    lp = project.PersonaLaunchpad.deploy(governor, fmc, registry, treasury, ZERO, ZERO, 3_000, sender=deployer)
    assert lp.max_creator_allocation_bps() == 3_000


def test_setters_only_timelock(launchpad, deployer, alice):
    for sender in (deployer, alice):
        with ape.reverts("launchpad: caller is not the timelock"):
            launchpad.set_max_creator_allocation_bps(100, sender=sender)
        with ape.reverts("launchpad: caller is not the timelock"):
            launchpad.set_share_blueprint(alice, sender=sender)
        with ape.reverts("launchpad: caller is not the timelock"):
            launchpad.set_revenue_config(alice, sender=sender)
        with ape.reverts("launchpad: caller is not the timelock"):
            launchpad.launch(1, sender=sender)


def test_setters_by_timelock(launchpad, as_timelock, alice, bob, share_blueprint, revenue_config):
    with ape.reverts("launchpad: creator allocation above cap"):
        launchpad.set_max_creator_allocation_bps(3_001, sender=as_timelock)
    r = launchpad.set_max_creator_allocation_bps(3_000, sender=as_timelock)
    assert launchpad.max_creator_allocation_bps() == 3_000
    [log] = events(r, launchpad.MaxCreatorAllocationSet)
    assert (log.old_bps, log.new_bps) == (MAX_CREATOR_BPS, 3_000)
    r = launchpad.set_share_blueprint(alice, sender=as_timelock)
    [log] = events(r, launchpad.ShareBlueprintSet)
    assert (log.old_blueprint, log.new_blueprint) == (share_blueprint, alice.address)
    r = launchpad.set_revenue_config(bob, sender=as_timelock)
    [log] = events(r, launchpad.RevenueConfigSet)
    assert (log.old_config, log.new_config) == (revenue_config.address, bob.address)
    assert launchpad.share_blueprint() == alice.address and launchpad.revenue_config() == bob.address


def test_max_creator_allocation_through_governance(launchpad, gov, alice):
    gov.run([(launchpad, 0, encode_call(launchpad, "set_max_creator_allocation_bps", 500))], alice)
    assert launchpad.max_creator_allocation_bps() == 500
    with ape.reverts("launchpad: creator allocation too high"):
        open_campaign(launchpad, alice, bps=501)
    open_campaign(launchpad, alice, bps=500)


# ------------------------------------------------------------------ propose_persona


def test_propose_persona(launchpad, governor, alice):
    set_next(now() + 5)
    cid, p, receipt = open_campaign(launchpad, alice, goal=GOAL, bps=1_500)
    assert cid == 1 and launchpad.campaign_count() == 1
    assert launchpad.campaign_of_proposal(p.pid) == cid
    c = launchpad.campaign(cid)
    assert c.creator == alice.address
    assert (c.name, c.symbol, c.spec_cid) == ("Nova Lux", "NOVA", SPEC_CID)
    assert c.funding_goal == GOAL and c.creator_allocation_bps == 1_500
    assert c.proposal_id == p.pid and c.raised == 0 and c.refunded == 0
    assert c.status == 1 and c.persona_id == 0 and c.share_token == ZERO
    assert c.creator_shares == SHARES_PER_PERSONA * 1_500 // BPS
    assert c.contributor_shares == SHARES_PER_PERSONA - c.creator_shares
    assert c.shares_minted == 0 and not c.creator_claimed
    # the relayed proposal: alice is the proposer, the action is launch(cid) on the launchpad
    assert governor.proposalProposer(p.pid) == alice.address
    assert governor.state(p.pid) == PENDING
    assert governor.proposalSnapshot(p.pid) == receipt.timestamp + governor.votingDelay()
    [created] = events(receipt, governor.ProposalCreated)
    assert created.targets == [launchpad.address]
    assert [bytes(x) for x in created.calldatas] == p.calldatas
    assert created.description == p.description
    [log] = events(receipt, launchpad.CampaignCreated)
    assert (log.campaign_id, log.proposal_id, log.creator) == (cid, p.pid, alice.address)
    assert (log.name, log.symbol, log.spec_cid, log.funding_goal, log.creator_allocation_bps) == (
        "Nova Lux",
        "NOVA",
        SPEC_CID,
        GOAL,
        1_500,
    )
    assert launchpad.campaign_state(cid) == PHASE_FUNDING
    # a second campaign gets the next id, even with the same text
    cid2, p2, _ = open_campaign(launchpad, alice, description=p.description)
    assert cid2 == 2 and p2.pid != p.pid


def test_propose_persona_reverts(launchpad, alice, erin, dave):
    with ape.reverts("launchpad: empty name"):
        launchpad.propose_persona("", "NOVA", SPEC_CID, GOAL, 0, "d", sender=alice)
    with ape.reverts("launchpad: empty symbol"):
        launchpad.propose_persona("Nova", "", SPEC_CID, GOAL, 0, "d", sender=alice)
    with ape.reverts("launchpad: empty spec cid"):
        launchpad.propose_persona("Nova", "NOVA", "", GOAL, 0, "d", sender=alice)
    with ape.reverts("launchpad: zero funding goal"):
        launchpad.propose_persona("Nova", "NOVA", SPEC_CID, 0, 0, "d", sender=alice)
    with ape.reverts("launchpad: creator allocation too high"):
        launchpad.propose_persona("Nova", "NOVA", SPEC_CID, GOAL, MAX_CREATOR_BPS + 1, "d", sender=alice)
    # the proposal threshold applies to the creator (not to the launchpad)
    for poor in (erin, dave):
        with ape.reverts("governor: proposer votes below threshold"):
            launchpad.propose_persona("Nova", "NOVA", SPEC_CID, GOAL, 0, "d", sender=poor)
    with ape.reverts():  # symbol longer than the share token accepts (ABI bound)
        launchpad.propose_persona("Nova", "NOVAXX", SPEC_CID, GOAL, 0, "d", sender=alice)
    assert launchpad.campaign_count() == 0  # failed attempts leave nothing behind


def test_creator_may_cancel_its_campaign_proposal(launchpad, governor, alice, bob, carol, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    launchpad.contribute(cid, 10 * E18, sender=carol)
    with ape.reverts("governor: caller is not the proposer"):
        governor.cancel(*p.args, sender=bob)
    governor.cancel(*p.args, sender=alice)
    assert governor.state(p.pid) == CANCELED
    assert launchpad.campaign_state(cid) == PHASE_FAILED
    with ape.reverts("launchpad: campaign not funding"):
        launchpad.contribute(cid, 1, sender=carol)
    assert launchpad.refund(cid, sender=carol).return_value == 10 * E18


# ------------------------------------------------------------------ contributions


def test_contribute_while_pending_and_active(launchpad, governor, fmc, gov, alice, carol, dave, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    before = fmc.balanceOf(dave)
    r = launchpad.contribute(cid, 400 * E18, sender=dave)
    [log] = events(r, launchpad.Contributed)
    assert (log.campaign_id, log.contributor, log.amount, log.raised) == (cid, dave.address, 400 * E18, 400 * E18)
    gov.to_active(p)
    assert governor.state(p.pid) == ACTIVE
    launchpad.contribute(cid, 100 * E18, sender=dave)
    launchpad.contribute(cid, 700 * E18, sender=carol)
    assert launchpad.contribution_of(cid, dave) == 500 * E18
    assert launchpad.contribution_of(cid, carol) == 700 * E18
    assert launchpad.campaign(cid).raised == 1_200 * E18
    assert launchpad.total_held() == 1_200 * E18
    assert fmc.balanceOf(launchpad) == 1_200 * E18
    assert fmc.balanceOf(dave) == before - 500 * E18
    # last second of voting still accepts; the next one does not
    deadline = governor.proposalDeadline(p.pid)
    set_next(deadline)
    launchpad.contribute(cid, 1, sender=carol)
    set_next(deadline + 1)
    with ape.reverts("launchpad: campaign not funding"):
        launchpad.contribute(cid, 1, sender=carol)


def test_contribute_reverts(launchpad, fmc, alice, carol, erin, approve_all):
    with ape.reverts("launchpad: unknown campaign"):
        launchpad.contribute(1, 1, sender=carol)
    cid, p, _ = open_campaign(launchpad, alice)
    with ape.reverts("launchpad: zero amount"):
        launchpad.contribute(cid, 0, sender=carol)
    with ape.reverts("erc20: transfer amount exceeds balance"):
        launchpad.contribute(cid, 1, sender=erin)  # erin holds no FMC
    fmc.approve(launchpad, 5, sender=carol)
    with ape.reverts("erc20: insufficient allowance"):
        launchpad.contribute(cid, 6, sender=carol)
    launchpad.contribute(cid, 5, sender=carol)


def test_contribute_with_permit(launchpad, fmc, alice, dave):
    cid, p, _ = open_campaign(launchpad, alice)
    deadline = now() + 3_600
    v, r, s = sign_permit(fmc, dave, launchpad, 300 * E18, fmc.nonces(dave), deadline)
    receipt = launchpad.contribute_with_permit(cid, 300 * E18, deadline, v, r, s, sender=dave)
    assert launchpad.contribution_of(cid, dave) == 300 * E18
    assert fmc.allowance(dave, launchpad) == 0
    assert len(events(receipt, launchpad.Contributed)) == 1


def test_contribute_with_permit_front_run(launchpad, fmc, alice, dave, erin):
    """Someone submits dave's permit first: the contribution still goes through."""
    cid, p, _ = open_campaign(launchpad, alice)
    deadline = now() + 3_600
    v, r, s = sign_permit(fmc, dave, launchpad, 300 * E18, fmc.nonces(dave), deadline)
    fmc.permit(dave, launchpad, 300 * E18, deadline, v, r, s, sender=erin)
    launchpad.contribute_with_permit(cid, 300 * E18, deadline, v, r, s, sender=dave)
    assert launchpad.contribution_of(cid, dave) == 300 * E18


def test_contribute_with_bad_permit(launchpad, fmc, alice, dave, erin):
    cid, p, _ = open_campaign(launchpad, alice)
    deadline = now() + 3_600
    v, r, s = sign_permit(fmc, dave, launchpad, 300 * E18, fmc.nonces(dave), deadline)
    # signed by dave, submitted by erin: permit is for erin's tokens -> invalid, no allowance
    with ape.reverts("launchpad: permit failed"):
        launchpad.contribute_with_permit(cid, 300 * E18, deadline, v, r, s, sender=erin)
    # amount differs from the signed one
    with ape.reverts("launchpad: permit failed"):
        launchpad.contribute_with_permit(cid, 301 * E18, deadline, v, r, s, sender=dave)
    # expired
    old = now() - 1
    v2, r2, s2 = sign_permit(fmc, dave, launchpad, 300 * E18, fmc.nonces(dave), old)
    with ape.reverts("launchpad: permit failed"):
        launchpad.contribute_with_permit(cid, 300 * E18, old, v2, r2, s2, sender=dave)
    assert launchpad.contribution_of(cid, dave) == 0


# ------------------------------------------------------------------ success path


def _launch(gov, p, voters=None):
    gov.pass_and_queue(p, voters)
    return gov.execute(p, sender=gov.voters[0])


def test_full_launch_and_claims(
    project,
    launchpad,
    governor,
    timelock,
    fmc,
    registry,
    treasury,
    revenue_config,
    gov,
    alice,
    bob,
    carol,
    dave,
    erin,
    approve_all,
    as_timelock,
):
    bps = 1_500
    cid, p, _ = open_campaign(launchpad, alice, goal=GOAL, bps=bps)
    launchpad.contribute(cid, 300 * E18, sender=alice)
    launchpad.contribute(cid, 500 * E18, sender=dave)
    gov.to_active(p)
    launchpad.contribute(cid, 250 * E18, sender=carol)
    raised = 1_050 * E18
    assert launchpad.preview_shares(cid, dave) == expected_shares(500 * E18, raised, bps)
    for v in (alice, bob):
        governor.castVote(p.pid, FOR, sender=v)
    gov.to_end(p)
    assert governor.state(p.pid) == SUCCEEDED
    assert launchpad.campaign_state(cid) == PHASE_AWAITING
    with ape.reverts("launchpad: campaign not failed"):
        launchpad.refund(cid, sender=dave)
    with ape.reverts("launchpad: campaign not launched"):
        launchpad.claim_shares(cid, sender=dave)
    gov.queue(p, sender=erin)
    assert governor.state(p.pid) == QUEUED and launchpad.campaign_state(cid) == PHASE_AWAITING
    mine_to(governor.proposalEta(p.pid))
    receipt = gov.execute(p, sender=erin)
    assert governor.state(p.pid) == EXECUTED
    assert launchpad.campaign_state(cid) == PHASE_LAUNCHED

    c = launchpad.campaign(cid)
    assert c.status == 2 and c.persona_id == 1
    share = share_token(project, launchpad, cid)
    [log] = events(receipt, launchpad.CampaignLaunched)
    assert (log.campaign_id, log.persona_id, log.share_token, log.raised) == (cid, 1, share.address, raised)
    assert (log.creator_shares, log.contributor_shares) == (c.creator_shares, c.contributor_shares)
    # the share token
    assert share.name() == "Nova Lux" and share.symbol() == "NOVA" and share.decimals() == 18
    assert share.persona_id() == 1 and share.minter() == launchpad.address
    assert share.revenue_config() == revenue_config.address and share.max_supply() == SHARES_PER_PERSONA
    assert share.totalSupply() == 0
    # the registry
    rec = registry.persona(1)
    assert (rec.name, rec.spec_cid, rec.share_token, rec.creator, rec.status) == (
        "Nova Lux",
        SPEC_CID,
        share.address,
        alice.address,
        1,
    )
    assert rec.treasury == treasury.address
    # the money: all of it in the persona's treasury account
    assert treasury.balance_of(1, fmc) == raised
    assert fmc.balanceOf(treasury) == raised
    assert fmc.balanceOf(launchpad) == 0 and launchpad.total_held() == 0

    # claims
    creator_part = SHARES_PER_PERSONA * bps // BPS
    want = {
        alice: expected_shares(300 * E18, raised, bps) + creator_part,
        dave: expected_shares(500 * E18, raised, bps),
        carol: expected_shares(250 * E18, raised, bps),
    }
    for acct, amount in want.items():
        assert launchpad.claimable_shares(cid, acct) == amount
        r = launchpad.claim_shares(cid, sender=acct)
        assert r.return_value == amount
        [log] = events(r, launchpad.SharesClaimed)
        assert (log.campaign_id, log.account, log.amount) == (cid, acct.address, amount)
        assert share.balanceOf(acct) == amount
        assert launchpad.has_claimed(cid, acct)
        assert launchpad.claimable_shares(cid, acct) == 0
        with ape.reverts("launchpad: nothing to claim"):
            launchpad.claim_shares(cid, sender=acct)
    total = sum(want.values())
    assert total <= SHARES_PER_PERSONA
    assert SHARES_PER_PERSONA - total < 3  # rounding dust only
    assert share.totalSupply() == total == launchpad.campaign(cid).shares_minted
    assert launchpad.campaign(cid).creator_claimed
    with ape.reverts("launchpad: nothing to claim"):
        launchpad.claim_shares(cid, sender=erin)
    # afterwards: no refund, no contribution, no second launch
    with ape.reverts("launchpad: campaign not failed"):
        launchpad.refund(cid, sender=dave)
    with ape.reverts("launchpad: campaign not funding"):
        launchpad.contribute(cid, 1, sender=dave)
    with ape.reverts("launchpad: campaign not open"):
        launchpad.launch(cid, sender=as_timelock)


def test_creator_without_contribution_claims_creator_part(project, launchpad, gov, alice, carol, approve_all):
    cid, p, _ = open_campaign(launchpad, alice, goal=GOAL, bps=2_000)
    launchpad.contribute(cid, GOAL, sender=carol)
    _launch(gov, p)
    assert launchpad.claim_shares(cid, sender=alice).return_value == SHARES_PER_PERSONA * 2_000 // BPS
    assert launchpad.claim_shares(cid, sender=carol).return_value == SHARES_PER_PERSONA * 8_000 // BPS
    assert share_token(project, launchpad, cid).totalSupply() == SHARES_PER_PERSONA


def test_zero_creator_allocation(project, launchpad, gov, alice, carol, approve_all):
    cid, p, _ = open_campaign(launchpad, alice, goal=GOAL, bps=0)
    launchpad.contribute(cid, GOAL + 7, sender=carol)  # over-funded
    _launch(gov, p)
    with ape.reverts("launchpad: nothing to claim"):
        launchpad.claim_shares(cid, sender=alice)  # no part, no contribution
    assert launchpad.claim_shares(cid, sender=carol).return_value == SHARES_PER_PERSONA


def test_dust_contribution_claims_zero(project, launchpad, gov, fmc, treasury, alice, carol, erin, approve_all):
    """A 1-wei contribution next to a huge one floors to 0 shares: claimable once, mints nothing."""
    fmc.transfer(erin, 10, sender=carol)
    fmc.approve(launchpad, MAX_UINT, sender=erin)
    cid, p, _ = open_campaign(launchpad, alice, goal=10_000_000 * E18, bps=0)
    launchpad.contribute(cid, 10_000_000 * E18, sender=carol)
    launchpad.contribute(cid, 1, sender=erin)
    _launch(gov, p)
    r = launchpad.claim_shares(cid, sender=erin)
    assert r.return_value == 0 and launchpad.has_claimed(cid, erin)
    with ape.reverts("launchpad: nothing to claim"):
        launchpad.claim_shares(cid, sender=erin)
    got = launchpad.claim_shares(cid, sender=carol).return_value
    assert got == 10_000_000 * E18 * SHARES_PER_PERSONA // (10_000_000 * E18 + 1)
    # the FMC is all in the treasury (the dust contributor funded the persona, nothing was lost)
    assert treasury.balance_of(1, fmc) == 10_000_000 * E18 + 1


def test_long_name_is_cut_for_the_share_token(project, launchpad, registry, gov, alice, carol, approve_all):
    name = "Aurora Nightingale, the Singing Starship Captain"  # 48 bytes
    cid, p, _ = open_campaign(launchpad, alice, name=name, symbol="AURA")
    launchpad.contribute(cid, GOAL, sender=carol)
    _launch(gov, p)
    share = share_token(project, launchpad, cid)
    assert share.name() == name[:25]
    assert registry.persona(1).name == name


def test_two_campaigns_get_their_own_personas(
    project, launchpad, treasury, fmc, gov, alice, bob, carol, dave, approve_all
):
    c1, p1, _ = open_campaign(launchpad, alice, name="One", symbol="ONE")
    c2, p2, _ = open_campaign(launchpad, bob, name="Two", symbol="TWO", goal=2 * GOAL)
    launchpad.contribute(c1, GOAL, sender=carol)
    launchpad.contribute(c2, 2 * GOAL, sender=dave)
    gov.to_active(p2)
    for pp in (p1, p2):
        for v in (alice, bob):
            gov.governor.castVote(pp.pid, FOR, sender=v)
    gov.to_end(p2)
    gov.queue(p2, sender=alice)  # launched in the opposite order
    gov.queue(p1, sender=alice)
    mine_to(gov.governor.proposalEta(p1.pid))
    gov.execute(p2, sender=alice)
    gov.execute(p1, sender=alice)
    assert launchpad.campaign(c2).persona_id == 1 and launchpad.campaign(c1).persona_id == 2
    assert treasury.balance_of(1, fmc) == 2 * GOAL and treasury.balance_of(2, fmc) == GOAL
    assert share_token(project, launchpad, c2).persona_id() == 1
    assert share_token(project, launchpad, c1).symbol() == "ONE"


def test_claimed_shares_earn_revenue(project, launchpad, fmc, gov, alice, carol, dave, approve_all):
    """A launched share token receives and splits its persona's revenue: shares claimed
    before a payment earn it, shares claimed after it do not."""
    cid, p, _ = open_campaign(launchpad, alice, bps=0)
    launchpad.contribute(cid, 600 * E18, sender=carol)
    launchpad.contribute(cid, 400 * E18, sender=dave)
    _launch(gov, p)
    share = share_token(project, launchpad, cid)
    launchpad.claim_shares(cid, sender=carol)
    fmc.approve(share, 100 * E18, sender=alice)
    share.pay(fmc, 100 * E18, sender=alice)
    alice.transfer(share, 10**18)  # ETH revenue: a plain transfer
    launchpad.claim_shares(cid, sender=dave)  # minted after the payments: no part of them
    assert 100 * E18 - 1 <= share.claimable_token(fmc, carol) <= 100 * E18  # accumulators floor
    assert 10**18 - 1 <= share.claimable(carol) <= 10**18
    assert share.claimable_token(fmc, dave) == 0 and share.claimable(dave) == 0


# ------------------------------------------------------------------ launch guards


def test_launch_only_by_its_own_executed_proposal(launchpad, governor, gov, as_timelock, alice, carol, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    launchpad.contribute(cid, GOAL, sender=carol)
    # the timelock calling outside the campaign's proposal execution
    with ape.reverts("launchpad: proposal not executed"):
        launchpad.launch(cid, sender=as_timelock)
    gov.pass_and_queue(p)
    with ape.reverts("launchpad: proposal not executed"):
        launchpad.launch(cid, sender=as_timelock)
    with ape.reverts("launchpad: campaign not open"):
        launchpad.launch(cid + 1, sender=as_timelock)
    # another proposal cannot carry a launch action
    with ape.reverts("governor: launch only through the launchpad"):
        governor.propose([launchpad.address], [0], [encode_call(launchpad, "launch", cid)], "again", sender=alice)
    gov.execute(p, sender=alice)
    assert launchpad.campaign_state(cid) == PHASE_LAUNCHED


def test_launch_without_blueprint_fails_then_refunds(
    launchpad, governor, gov, fmc, as_timelock, alice, carol, approve_all
):
    cid, p, _ = open_campaign(launchpad, alice)
    launchpad.contribute(cid, GOAL, sender=carol)
    launchpad.set_share_blueprint(ZERO, sender=as_timelock)
    gov.pass_and_queue(p)
    with ape.reverts("launchpad: no share blueprint"):
        gov.execute(p, sender=alice)
    mine_to(governor.proposalEta(p.pid) + GRACE_PERIOD)
    assert governor.state(p.pid) == EXPIRED
    assert launchpad.campaign_state(cid) == PHASE_FAILED
    before = fmc.balanceOf(carol)
    launchpad.refund(cid, sender=carol)
    assert fmc.balanceOf(carol) == before + GOAL


def test_launch_fails_when_registry_rejects(
    launchpad, registry, governor, gov, fmc, deployer, alice, carol, approve_all
):
    """The registry no longer accepts the launchpad: execution reverts, nothing moves,
    the proposal expires and everyone is refunded."""
    cid, p, _ = open_campaign(launchpad, alice)
    launchpad.contribute(cid, GOAL, sender=carol)
    gov.pass_and_queue(p)
    registry.set_registrar(deployer, sender=deployer)
    with ape.reverts("registry: caller is not the registrar"):
        gov.execute(p, sender=alice)
    assert launchpad.campaign(cid).status == 1 and fmc.balanceOf(launchpad) == GOAL
    assert launchpad.campaign_state(cid) == PHASE_AWAITING
    mine_to(governor.proposalEta(p.pid) + GRACE_PERIOD)
    assert launchpad.campaign_state(cid) == PHASE_FAILED
    assert launchpad.refund(cid, sender=carol).return_value == GOAL


# ------------------------------------------------------------------ failure paths and refunds


def _refund_all(launchpad, fmc, cid, gifts):
    for acct, amount in gifts.items():
        before = fmc.balanceOf(acct)
        r = launchpad.refund(cid, sender=acct)
        assert r.return_value == amount
        [log] = events(r, launchpad.Refunded)
        assert (log.campaign_id, log.contributor, log.amount) == (cid, acct.address, amount)
        assert fmc.balanceOf(acct) == before + amount
        assert launchpad.contribution_of(cid, acct) == 0
        with ape.reverts("launchpad: nothing to refund"):
            launchpad.refund(cid, sender=acct)
    assert launchpad.campaign(cid).refunded == sum(gifts.values())
    assert launchpad.total_held() == 0 and fmc.balanceOf(launchpad) == 0


def test_defeated_campaign_refunds(launchpad, governor, fmc, gov, alice, bob, carol, dave, erin, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    gifts = {carol: 600 * E18, dave: 500 * E18}
    for acct, amount in gifts.items():
        launchpad.contribute(cid, amount, sender=acct)
    with ape.reverts("launchpad: campaign not failed"):
        launchpad.refund(cid, sender=carol)
    gov.to_active(p)
    governor.castVote(p.pid, FOR, sender=carol)
    governor.castVote(p.pid, AGAINST, sender=bob)
    with ape.reverts("launchpad: campaign not failed"):
        launchpad.refund(cid, sender=carol)
    gov.to_end(p)
    assert governor.state(p.pid) == DEFEATED
    assert launchpad.campaign_state(cid) == PHASE_FAILED
    with ape.reverts("launchpad: nothing to refund"):
        launchpad.refund(cid, sender=erin)
    _refund_all(launchpad, fmc, cid, gifts)
    assert launchpad.campaign(cid).status == 3
    with ape.reverts("launchpad: campaign not launched"):
        launchpad.claim_shares(cid, sender=carol)


def test_no_votes_is_defeated_and_refunds(launchpad, fmc, gov, alice, carol, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    launchpad.contribute(cid, 2 * GOAL, sender=carol)
    gov.to_end(p)
    assert gov.governor.state(p.pid) == DEFEATED
    _refund_all(launchpad, fmc, cid, {carol: 2 * GOAL})


def test_canceled_campaign_refunds(launchpad, governor, fmc, alice, carol, dave, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    gifts = {carol: 3 * E18, dave: 4 * E18}
    for acct, amount in gifts.items():
        launchpad.contribute(cid, amount, sender=acct)
    governor.cancel(*p.args, sender=alice)
    _refund_all(launchpad, fmc, cid, gifts)


def test_expired_campaign_refunds(launchpad, governor, fmc, gov, alice, carol, dave, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    gifts = {carol: 700 * E18, dave: 300 * E18}
    for acct, amount in gifts.items():
        launchpad.contribute(cid, amount, sender=acct)
    gov.pass_and_queue(p)
    eta = governor.proposalEta(p.pid)
    mine_to(eta + GRACE_PERIOD - 2)
    assert launchpad.campaign_state(cid) == PHASE_AWAITING
    set_next(eta + GRACE_PERIOD - 1)  # the refund attempt lands in the grace period's last second
    with ape.reverts("launchpad: campaign not failed"):
        launchpad.refund(cid, sender=carol)
    mine_to(eta + GRACE_PERIOD)
    assert governor.state(p.pid) == EXPIRED
    assert launchpad.campaign_state(cid) == PHASE_FAILED
    _refund_all(launchpad, fmc, cid, gifts)


def test_goal_not_reached_refunds_and_never_launches(launchpad, governor, fmc, gov, alice, carol, dave, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    gifts = {carol: 400 * E18, dave: GOAL - 400 * E18 - 1}  # one wei short
    for acct, amount in gifts.items():
        launchpad.contribute(cid, amount, sender=acct)
    gov.pass_and_queue(p)
    assert governor.state(p.pid) == QUEUED
    assert launchpad.campaign_state(cid) == PHASE_FAILED  # voting is over below the goal
    with ape.reverts("launchpad: funding goal not reached"):
        gov.execute(p, sender=alice)
    launchpad.refund(cid, sender=carol)  # the first refund freezes the campaign
    with ape.reverts("launchpad: campaign not open"):
        gov.execute(p, sender=alice)
    launchpad.refund(cid, sender=dave)
    assert launchpad.total_held() == 0 and fmc.balanceOf(launchpad) == 0


def test_goal_not_reached_refund_before_queue(launchpad, governor, fmc, gov, alice, carol, approve_all):
    cid, p, _ = open_campaign(launchpad, alice)
    launchpad.contribute(cid, GOAL // 2, sender=carol)
    gov.to_active(p)
    governor.castVote(p.pid, FOR, sender=alice)
    gov.to_end(p)
    assert governor.state(p.pid) == SUCCEEDED
    assert launchpad.campaign_state(cid) == PHASE_FAILED
    assert launchpad.refund(cid, sender=carol).return_value == GOAL // 2


def test_refund_isolated_per_campaign(launchpad, governor, fmc, gov, alice, bob, carol, approve_all):
    """A failed campaign refunds only its own contributions; the other campaign's FMC stays."""
    c1, p1, _ = open_campaign(launchpad, alice, name="One", symbol="ONE")
    c2, p2, _ = open_campaign(launchpad, bob, name="Two", symbol="TWO")
    launchpad.contribute(c1, 100 * E18, sender=carol)
    launchpad.contribute(c2, 200 * E18, sender=carol)
    governor.cancel(*p1.args, sender=alice)
    assert launchpad.campaign_state(c2) == PHASE_FUNDING
    with ape.reverts("launchpad: campaign not failed"):
        launchpad.refund(c2, sender=carol)
    assert launchpad.refund(c1, sender=carol).return_value == 100 * E18
    assert launchpad.total_held() == 200 * E18 == fmc.balanceOf(launchpad)
