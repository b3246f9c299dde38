"""EngagementOracle: committee configuration, every revert path of `transmit`, readers,
heartbeat, ownership. Sinks and billing are in test_contract_sinks.py."""

import ape
import pytest
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from oracle_helpers import (
    HEARTBEAT,
    N_PERSONAS,
    RETIRED,
    ZERO,
    F,
    N,
    domain_of,
    engagement,
    make_report,
    now,
    operator_keys,
    sign,
)

from oracle.report import SECP256K1_N, Engagement, Report, decode_stored, pack_all


def transmit(oracle, report, sigs, sender):
    return oracle.transmit(report.as_call_arg(), sigs, sender=sender)


# ---------------------------------------------------------------- deployment and configuration


def test_deployment_state(oracle, deployer, registry, signers, transmitter_accounts):
    assert oracle.owner() == deployer.address
    assert oracle.REGISTRY() == registry.address
    assert oracle.config_version() == 1
    assert oracle.f() == F
    assert oracle.heartbeat() == HEARTBEAT
    assert oracle.latest_epoch() == 0
    assert list(oracle.signers()) == [s.address for s in signers[:N]]
    assert list(oracle.transmitters()) == [t.address for t in transmitter_accounts]
    assert tuple(oracle.operator_index(signers[2].address)) == (2, -1)
    assert tuple(oracle.operator_index(transmitter_accounts[3])) == (-1, 3)
    assert tuple(oracle.operator_index(deployer)) == (-1, -1)
    domain = oracle.eip712Domain()
    assert domain[1] == "FameEngine Oracle" and domain[2] == "1"
    assert domain[3] == oracle.chain_manager.chain_id and domain[4] == oracle.address


def test_unconfigured_deploy_then_configure(project, deployer, signers, transmitter_accounts):
    o = project.EngagementOracle.deploy(deployer, ZERO, ZERO, ZERO, 60, [], [], 0, sender=deployer)
    assert o.config_version() == 0
    report = make_report(0, 1, [1], 1)
    with ape.reverts("oracle: not a transmitter"):
        transmit(o, report, [], transmitter_accounts[0])
    tx = o.set_config([s.address for s in signers[:4]], [t.address for t in transmitter_accounts], 1, sender=deployer)
    event = tx.events.filter(o.ConfigSet)[0]
    assert event.config_version == 1 and event.f == 1
    assert o.config_version() == 1


@pytest.mark.parametrize(
    "args, reason",
    [
        (dict(owner=ZERO), "oracle: zero owner"),
        (dict(heartbeat=0), "oracle: heartbeat out of range"),
        (dict(heartbeat=31 * 86400), "oracle: heartbeat out of range"),
        (dict(f=0, n=4), "oracle: f must be positive"),
        (dict(f=1, n=3), "oracle: need 3f < n"),
        (dict(f=2, n=6), "oracle: need 3f < n"),
    ],
)
def test_constructor_reverts(project, deployer, signers, accounts, args, reason):
    n = args.get("n", 4)
    with ape.reverts(reason):
        project.EngagementOracle.deploy(
            args.get("owner", deployer),
            ZERO,
            ZERO,
            ZERO,
            args.get("heartbeat", 60),
            [s.address for s in signers[:n]],
            [a.address for a in accounts[:n]],
            args.get("f", 1),
            sender=deployer,
        )


def test_set_config_reverts(oracle, deployer, stranger, signers, transmitter_accounts):
    s4 = [s.address for s in signers[:4]]
    t4 = [t.address for t in transmitter_accounts]
    with ape.reverts("ownable: caller is not the owner"):
        oracle.set_config(s4, t4, 1, sender=stranger)
    with ape.reverts("oracle: length mismatch"):
        oracle.set_config(s4, t4[:3], 1, sender=deployer)
    with ape.reverts("oracle: f must be positive"):
        oracle.set_config(s4, t4, 0, sender=deployer)
    with ape.reverts("oracle: need 3f < n"):
        oracle.set_config(s4[:3], t4[:3], 1, sender=deployer)
    with ape.reverts("oracle: zero signer"):
        oracle.set_config([ZERO] + s4[1:], t4, 1, sender=deployer)
    with ape.reverts("oracle: duplicate signer"):
        oracle.set_config([s4[0], s4[1], s4[2], s4[0]], t4, 1, sender=deployer)
    with ape.reverts("oracle: zero transmitter"):
        oracle.set_config(s4, t4[:3] + [ZERO], 1, sender=deployer)
    with ape.reverts("oracle: duplicate transmitter"):
        oracle.set_config(s4, [t4[0], t4[1], t4[1], t4[3]], 1, sender=deployer)


def test_set_config_replaces_committee(oracle, deployer, chain, signers, transmitter_accounts, accounts):
    # New committee: signers 4..10, transmitters: accounts 1..4 plus three fresh addresses, f = 2.
    new_signers = [s.address for s in signers[4:11]]
    new_transmitters = [accounts[i].address for i in (1, 2, 3, 4)] + [f"0x{i:040x}" for i in (0xA1, 0xA2, 0xA3)]
    oracle.set_config(new_signers, new_transmitters, 2, sender=deployer)
    assert oracle.config_version() == 2 and oracle.f() == 2
    assert tuple(oracle.operator_index(signers[0].address)) == (-1, -1)
    assert tuple(oracle.operator_index(transmitter_accounts[0])) == (-1, -1)
    report = make_report(2, 1, [1], now(chain))
    # An old transmitter is no longer one.
    with ape.reverts("oracle: not a transmitter"):
        transmit(oracle, report, sign(report, oracle, signers, [4, 5, 6]), transmitter_accounts[0])
    # Old signers do not count any more.
    with ape.reverts("oracle: unknown signer"):
        transmit(oracle, report, sign(report, oracle, signers, [0, 1, 2]), accounts[1])
    # f = 2: two signatures are too few, three are enough.
    with ape.reverts("oracle: too few signatures"):
        transmit(oracle, report, sign(report, oracle, signers, [4, 5]), accounts[1])
    transmit(oracle, report, sign(report, oracle, signers, [4, 10, 7]), accounts[1])
    # A report signed for version 1 is refused under version 2.
    old = make_report(1, 2, [2], now(chain))
    with ape.reverts("oracle: wrong config version"):
        transmit(oracle, old, sign(old, oracle, signers, [4, 5, 6]), accounts[1])


def test_same_address_may_sign_and_transmit(project, deployer, accounts, signers):
    s = [accounts[1].address] + [x.address for x in signers[1:4]]
    o = project.EngagementOracle.deploy(
        deployer, ZERO, ZERO, ZERO, 60, s, [a.address for a in accounts[1:5]], 1, sender=deployer
    )
    assert tuple(o.operator_index(accounts[1])) == (0, 0)


# ---------------------------------------------------------------- transmit: success


def test_transmit_stores_latest_and_emits(oracle, chain, signers, transmitter_accounts):
    t = now(chain)
    items = [
        engagement(1, t, views=123_456, likes=7_890, shares=321, comments=654, sentiment_bps=-4_321),
        engagement(
            3, t - 5, views=2**48 - 1, likes=2**40 - 1, shares=2**32 - 1, comments=2**32 - 1, sentiment_bps=10_000
        ),
    ]
    report = Report(1, 42, tuple(pack_all(items)))
    tx = transmit(oracle, report, sign(report, oracle, signers, [2, 0]), transmitter_accounts[1])
    block_time = chain.blocks.head.timestamp
    assert oracle.latest_epoch() == 42
    v = oracle.latest(1)
    assert (v.views, v.likes, v.shares, v.comments, v.sentiment, v.observed_at, v.updated_at) == (
        123_456,
        7_890,
        321,
        654,
        -4_321,
        t,
        block_time,
    )
    v3 = oracle.latest(3)
    assert (v3.views, v3.sentiment, v3.observed_at) == (2**48 - 1, 10_000, t - 5)
    assert decode_stored(oracle.latest_packed(1))["updated_at"] == block_time
    assert oracle.latest(2).updated_at == 0 and oracle.latest_packed(2) == 0
    event = tx.events.filter(oracle.ReportAccepted)[0]
    assert event.epoch == 42 and event.config_version == 1
    assert event.transmitter == transmitter_accounts[1].address
    assert event.signers_bitmap == 0b101
    assert list(event.observations) == list(report.observations)
    assert not oracle.is_stale(1) and oracle.is_stale(2)


def test_signature_order_repeats_and_surplus(oracle, chain, signers, transmitter_accounts):
    report = make_report(1, 1, [1], now(chain))
    # Reordered, one signer repeated, all four operators: accepted, each counted once.
    tx = transmit(oracle, report, sign(report, oracle, signers, [3, 1, 3, 0, 2]), transmitter_accounts[0])
    assert tx.events.filter(oracle.ReportAccepted)[0].signers_bitmap == 0b1111


def test_observed_at_slightly_ahead_is_clamped(oracle, chain, signers, transmitter_accounts):
    ahead = chain.pending_timestamp + 20
    report = make_report(1, 1, [2], ahead)
    transmit(oracle, report, sign(report, oracle, signers, [0, 1]), transmitter_accounts[0])
    v = oracle.latest(2)
    assert v.observed_at == v.updated_at == chain.blocks.head.timestamp


def test_report_digest_matches_python_and_eip712(oracle, chain):
    report = make_report(1, 7, [1, 2, 5], 1_700_000_000)
    domain = domain_of(oracle)
    assert oracle.report_digest(report.as_call_arg()) == report.digest(domain)
    signable = encode_typed_data(full_message=domain.typed_data("Report", 1, 7, report.observations))
    assert keccak(b"\x19" + signable.version + signable.header + signable.body) == report.digest(domain)
    assert oracle.REPORT_TYPEHASH() == keccak(text="Report(uint32 configVersion,uint64 epoch,uint256[] observations)")


# ---------------------------------------------------------------- transmit: reverts


def test_revert_not_a_transmitter(oracle, chain, signers, stranger, deployer):
    report = make_report(1, 1, [1], now(chain))
    for sender in (stranger, deployer):
        with ape.reverts("oracle: not a transmitter"):
            transmit(oracle, report, sign(report, oracle, signers, [0, 1]), sender)


def test_revert_wrong_config_version(oracle, chain, signers, transmitter_accounts):
    for version in (0, 2, 2**32 - 1):
        report = make_report(version, 1, [1], now(chain))
        with ape.reverts("oracle: wrong config version"):
            transmit(oracle, report, sign(report, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_revert_stale_epoch_and_replay(oracle, chain, signers, transmitter_accounts):
    report = make_report(1, 10, [1], now(chain))
    sigs = sign(report, oracle, signers, [0, 1])
    transmit(oracle, report, sigs, transmitter_accounts[0])
    with ape.reverts("oracle: stale epoch"):  # exact replay
        transmit(oracle, report, sigs, transmitter_accounts[1])
    older = make_report(1, 9, [2], now(chain))
    with ape.reverts("oracle: stale epoch"):
        transmit(oracle, older, sign(older, oracle, signers, [0, 1]), transmitter_accounts[0])
    # The same observations under a new epoch with the old signatures: the digest differs.
    bumped = Report(1, 11, report.observations)
    with ape.reverts("oracle: unknown signer"):
        transmit(oracle, bumped, sigs, transmitter_accounts[0])


def test_revert_empty_report(oracle, signers, transmitter_accounts):
    report = Report(1, 1, ())
    with ape.reverts("oracle: empty report"):
        transmit(oracle, report, sign(report, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_revert_too_few_signatures(oracle, chain, signers, transmitter_accounts):
    report = make_report(1, 1, [1], now(chain))
    for indices in ([], [0], [2, 2], [1, 1, 1, 1]):
        with ape.reverts("oracle: too few signatures"):
            transmit(oracle, report, sign(report, oracle, signers, indices), transmitter_accounts[0])


def test_revert_unknown_signer(oracle, chain, signers, transmitter_accounts):
    report = make_report(1, 1, [1], now(chain))
    outsider = operator_keys(1, salt="outsider")
    sigs = sign(report, oracle, signers, [0, 1]) + sign(report, oracle, outsider, [0])
    with ape.reverts("oracle: unknown signer"):
        transmit(oracle, report, sigs, transmitter_accounts[0])
    # A committee signature over a different report recovers to some other address.
    other = make_report(1, 2, [1], now(chain))
    with ape.reverts("oracle: unknown signer"):
        transmit(
            oracle,
            report,
            sign(other, oracle, signers, [0]) + sign(report, oracle, signers, [1]),
            transmitter_accounts[0],
        )


def test_revert_malformed_signatures(oracle, chain, signers, transmitter_accounts):
    report = make_report(1, 1, [1], now(chain))
    good = sign(report, oracle, signers, [0, 1])
    r, vs = good[0]
    # In the compact form bit 255 is v, so s is at most 2**255 - 1: the range above n/2 is refused.
    high_s = (SECP256K1_N // 2 + 1).to_bytes(32, "big")
    with ape.reverts("ecdsa: invalid signature `s` value"):
        transmit(oracle, report, [(r, high_s), good[1]], transmitter_accounts[0])
    with ape.reverts():  # r = 0 does not recover
        transmit(oracle, report, [(b"\0" * 32, vs), good[1]], transmitter_accounts[0])


def test_revert_duplicate_and_unsorted_personas(oracle, chain, signers, transmitter_accounts):
    t = now(chain)
    dup = Report(1, 1, (engagement(2, t).pack(), engagement(2, t).pack()))
    with ape.reverts("oracle: duplicate persona"):
        transmit(oracle, dup, sign(dup, oracle, signers, [0, 1]), transmitter_accounts[0])
    unsorted = Report(1, 1, (engagement(3, t).pack(), engagement(2, t).pack()))
    with ape.reverts("oracle: personas not sorted"):
        transmit(oracle, unsorted, sign(unsorted, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_revert_unknown_and_inactive_persona(oracle, chain, signers, transmitter_accounts):
    t = now(chain)
    zero = Report(1, 1, (engagement(1, t).pack() & (2**224 - 1),))
    with ape.reverts("oracle: unknown persona"):
        transmit(oracle, zero, sign(zero, oracle, signers, [0, 1]), transmitter_accounts[0])
    beyond = make_report(1, 1, [1, N_PERSONAS + 1], t)
    with ape.reverts("oracle: unknown persona"):
        transmit(oracle, beyond, sign(beyond, oracle, signers, [0, 1]), transmitter_accounts[0])
    retired = make_report(1, 1, [1, RETIRED], t)
    with ape.reverts("oracle: inactive persona"):
        transmit(oracle, retired, sign(retired, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_revert_out_of_range(oracle, chain, signers, transmitter_accounts):
    t = now(chain)
    base = engagement(1, t, sentiment_bps=10_000).pack()
    too_positive = Report(1, 1, (base + (1 << 56),))  # sentiment field 20_001
    with ape.reverts("oracle: out of range"):
        transmit(oracle, too_positive, sign(too_positive, oracle, signers, [0, 1]), transmitter_accounts[0])
    reserved = Report(1, 1, (engagement(1, t).pack() | (1 << 40),))
    with ape.reverts("oracle: out of range"):
        transmit(oracle, reserved, sign(reserved, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_revert_future_observation(oracle, chain, signers, transmitter_accounts):
    report = make_report(1, 1, [1], chain.pending_timestamp + 31 + 5)
    with ape.reverts("oracle: future observation"):
        transmit(oracle, report, sign(report, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_revert_stale_observation(oracle, chain, signers, transmitter_accounts):
    t = now(chain)
    first = make_report(1, 1, [1], t)
    transmit(oracle, first, sign(first, oracle, signers, [0, 1]), transmitter_accounts[0])
    for observed_at in (t, t - 1, 0):
        again = make_report(1, 2, [1], observed_at, scale=2)
        with ape.reverts("oracle: stale observation"):
            transmit(oracle, again, sign(again, oracle, signers, [0, 1]), transmitter_accounts[0])
    later = make_report(1, 2, [1], t + 1, scale=2)
    transmit(oracle, later, sign(later, oracle, signers, [0, 1]), transmitter_accounts[0])


def test_no_registry_skips_persona_checks(project, deployer, chain, signers, transmitter_accounts):
    o = project.EngagementOracle.deploy(
        deployer,
        ZERO,
        ZERO,
        ZERO,
        60,
        [s.address for s in signers[:4]],
        [t.address for t in transmitter_accounts],
        1,
        sender=deployer,
    )
    report = make_report(1, 1, [999_999], now(chain))
    transmit(o, report, sign(report, o, signers, [0, 1]), transmitter_accounts[0])
    assert o.latest(999_999).views == 1_000 + 999_999


# ---------------------------------------------------------------- heartbeat and ownership


def test_heartbeat_and_staleness(oracle, chain, deployer, stranger, signers, transmitter_accounts):
    report = make_report(1, 1, [1], now(chain))
    transmit(oracle, report, sign(report, oracle, signers, [0, 1]), transmitter_accounts[0])
    assert not oracle.is_stale(1)
    chain.pending_timestamp += HEARTBEAT + 1
    chain.mine()
    assert oracle.is_stale(1)
    with ape.reverts("ownable: caller is not the owner"):
        oracle.set_heartbeat(2 * HEARTBEAT, sender=stranger)
    with ape.reverts("oracle: heartbeat out of range"):
        oracle.set_heartbeat(0, sender=deployer)
    tx = oracle.set_heartbeat(2 * HEARTBEAT, sender=deployer)
    assert tx.events.filter(oracle.HeartbeatSet)[0].new_heartbeat == 2 * HEARTBEAT
    assert not oracle.is_stale(1)


def test_two_step_ownership(oracle, deployer, stranger, accounts):
    with ape.reverts("ownable: caller is not the owner"):
        oracle.transfer_ownership(stranger, sender=stranger)
    oracle.transfer_ownership(accounts[1], sender=deployer)
    assert oracle.owner() == deployer.address and oracle.pending_owner() == accounts[1].address
    with ape.reverts():
        oracle.accept_ownership(sender=stranger)
    oracle.accept_ownership(sender=accounts[1])
    assert oracle.owner() == accounts[1].address
    with ape.reverts("ownable: caller is not the owner"):
        oracle.set_heartbeat(60, sender=deployer)
    assert not hasattr(oracle, "renounce_ownership")


def test_packed_roundtrip_matches_contract(oracle, chain, signers, transmitter_accounts):
    e = Engagement(5, 2**47 + 3, 2**39 + 5, 2**31 + 7, 12_345, -10_000, now(chain))
    assert Engagement.unpack(e.pack()) == e
    report = Report(1, 1, (e.pack(),))
    transmit(oracle, report, sign(report, oracle, signers, [1, 3]), transmitter_accounts[2])
    v = oracle.latest(5)
    assert (v.views, v.likes, v.shares, v.comments, v.sentiment, v.observed_at) == (
        e.views,
        e.likes,
        e.shares,
        e.comments,
        e.sentiment_bps,
        e.observed_at,
    )
