"""Attendance badges of live events as an engagement input (oracle.attendance): the operator's
snapshot reads each active persona's badges from PersonaEvents, and its observation adds them
to the persona's comments.

Invariants: the snapshot holds PersonaEvents.persona_badges of every active persona that has
any (a retired persona's badges never count; a deployment without PersonaEvents gives none);
an observation's comments are the platform's plus BADGE_COMMENTS per badge, saturated to the
field, the other fields untouched; a persona the platform did not observe gets no observation
from badges alone; a signed observation carries the sum.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from oracle_fakes import make_service, snapshot
from oracle_helpers import RETIRED

from fame.chain import dev_account
from fame.config import DEV_VOUCHER_INDEX
from fame.eip712 import attendance_typed_data
from fame.manifest import DeployedContract, Manifest, write_manifest
from oracle.attendance import BADGE_COMMENTS, with_attendance
from oracle.chainview import ChainView
from oracle.metrics import NodeMetrics
from oracle.report import FIELD_MAX, Engagement

CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def _engagement(pid: int, comments: int = 5) -> Engagement:
    return Engagement(pid, views=1000, likes=100, shares=10, comments=comments, sentiment_bps=2500, observed_at=1_000)


def test_badges_add_to_comments_and_nothing_else():
    seen = {1: _engagement(1), 2: _engagement(2), 3: _engagement(3, comments=FIELD_MAX["comments"])}
    out = with_attendance(seen, {1: 4, 3: 9, 4: 100})
    assert out[1] == replace(seen[1], comments=5 + 4 * BADGE_COMMENTS)
    assert out[2] == seen[2]  # no badges: as the platform saw it
    assert out[3].comments == FIELD_MAX["comments"]  # saturated to the field
    assert 4 not in out  # badges alone are no observation
    assert with_attendance(seen, {}) == seen


def test_a_signed_observation_carries_the_badges(tmp_path):
    service = make_service(0, tmp_path, snap=snapshot(badges={1: 3}))
    plain = make_service(1, tmp_path, snap=snapshot())
    _, with_badges = service.observe(service.epoch_now())
    _, without = plain.observe(plain.epoch_now())
    # the same simulated platform (seeded per operator index): compare each to its own platform
    platform = service.adapter.observe([1, 2, 3], service.epoch_start(service.epoch_now()))
    assert with_badges[1].comments == min(platform[1].comments + 3 * BADGE_COMMENTS, FIELD_MAX["comments"])
    assert with_badges[2].comments == platform[2].comments
    assert set(without) == {1, 2, 3}


def _abi(contract_type) -> list[dict]:
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in contract_type.abi]


@pytest.fixture(scope="module")
def live_events(project, deployer, fmc, registry, chain, accounts):
    """PersonaEvents beside the oracle's registry: persona 1 holds two badges, the retired
    persona one."""
    events = project.PersonaEvents.deploy(
        deployer, fmc, registry, dev_account(DEV_VOUCHER_INDEX).address, sender=deployer
    )
    for pid in (1, RETIRED):
        events.set_operator(pid, deployer, True, sender=deployer)
    now = chain.provider.web3.eth.get_block("latest")["timestamp"]
    for pid, fans in ((1, accounts[3:5]), (RETIRED, accounts[5:6])):
        if pid == RETIRED:
            registry.set_status(RETIRED, 1, sender=deployer)  # schedulable while active
        events.schedule(pid, now + 600, now + 4_200, 10, 0, 60, CID, sender=deployer)
        event_id = events.event_count()
        for fan in fans:
            events.buy(event_id, sender=fan)
            message = attendance_typed_data(chain.chain_id, events.address, event_id, fan.address, 60, now + 86_400)
            signature = dev_account(DEV_VOUCHER_INDEX).sign_typed_data(full_message=message).signature
            events.claim_badge(event_id, 60, now + 86_400, bytes(signature), sender=fan)
        if pid == RETIRED:
            registry.set_status(RETIRED, 2, sender=deployer)
    assert (events.persona_badges(1), events.persona_badges(RETIRED)) == (2, 1)
    return events


def _view(tmp_path, chain, deployer, **contracts) -> ChainView:
    entries = {
        name: DeployedContract(name, str(c.address), name, _abi(c.contract_type)) for name, c in contracts.items()
    }
    write_manifest(Manifest(chain.chain_id, "ethereum:local:foundry", str(deployer.address), 0, entries), tmp_path)
    return ChainView(chain.provider.web3.provider.endpoint_uri, tmp_path, NodeMetrics())


def test_the_snapshot_reads_the_badges_of_active_personas(tmp_path, chain, deployer, oracle, registry, live_events):
    view = _view(
        tmp_path, chain, deployer, EngagementOracle=oracle, PersonaRegistry=registry, PersonaEvents=live_events
    )
    snap = view.refresh()
    assert RETIRED not in snap.active_personas and 1 in snap.active_personas
    assert snap.badges == {1: 2}  # the retired persona's badge does not count


def test_a_deployment_without_live_events_has_no_badges(tmp_path, chain, deployer, oracle, registry):
    snap = _view(tmp_path, chain, deployer, EngagementOracle=oracle, PersonaRegistry=registry).refresh()
    assert snap.active_personas and snap.badges == {}
