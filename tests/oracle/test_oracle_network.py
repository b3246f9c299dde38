"""Fault tests on a real local chain with real operator processes (n = 4, f = 1, rounds
of 3 s, every persona due every round). One network for the module; each test leaves
every operator running honestly again.

- a lying operator (x1000): reports keep landing and every on-chain value stays in the
  range of the honest operators' observations;
- one operator down: the others keep reporting;
- the leader killed mid-round (after collecting signatures): no report that round, the
  next leaders carry on, the restarted operator leads again;
- the relayer killed right after broadcasting: after a restart the epoch is on chain
  exactly once and the operator's relayer records it confirmed (no duplicate, no gap);
- the RPC node unreachable for a while: reports queued during the outage are settled
  (landed or superseded, none lost) and the chain catches up.
"""

import time

import httpx
import pytest
from eth_utils import function_signature_to_4byte_selector
from oracle_stack import OracleNetwork, wait_for

from oracle.keys import dev_transmitter
from oracle.report import COUNT_FIELDS, decode_logged
from oracle.simulator import SimulatedPlatform

ROUND = 3


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    net = OracleNetwork(tmp_path_factory.mktemp("oracle-net"), round_seconds=ROUND, faults={3: ["lie-x1000"]})
    yield net
    net.close()


def honest_range(net, epoch, personas, honest=(0, 1, 2)):
    """Per persona and field, (min, max) over what the honest operators observed at `epoch`."""
    seen = [
        SimulatedPlatform(7, i, lag_max=min(3.0, ROUND / 2)).observe(personas, net.epoch_start(epoch)) for i in honest
    ]
    return {
        p: {
            name: (min(getattr(s[p], name) for s in seen), max(getattr(s[p], name) for s in seen))
            for name in (*COUNT_FIELDS, "sentiment_bps", "observed_at")
        }
        for p in personas
    }


def test_lying_operator_cannot_move_values(network):
    start = network.epoch_now()
    landed = network.wait_reports(3, start, timeout=12 * ROUND + 10)
    for r in landed:
        items = [decode_logged(w)[0] for w in r["observations"]]  # bits 55..40 carry each persona's new E
        bounds = honest_range(network, r["epoch"], [e.persona_id for e in items])
        for e in items:
            for name, (lo, hi) in bounds[e.persona_id].items():
                assert lo <= getattr(e, name) <= hi, (r["epoch"], e.persona_id, name)
        assert not r["bitmap"] & 0b1000  # the liar's own numbers are far off: it signs nothing honest
    # Reputation moves with the reports: the oracle folded engagement into each persona's E.
    assert any(decode_logged(w)[1] > 0 for r in landed for w in r["observations"])
    # The leaders push performance scores to staking between reports.
    staking = network.stack["staking"].functions
    wait_for(
        lambda: any(staking.persona_stake(p).call()[2] > 0 for p in (1, 2, 3)),
        8 * ROUND + 10,
        "a performance push to score a persona",
    )
    liar = httpx.get(f"{network.url(3)}/metrics").text
    assert "fame_oracle_sign_refusals_total" in liar
    network.kill(3)
    network.start([3])


def test_one_operator_down(network):
    network.kill(1)
    start = network.epoch_now()
    landed = network.wait_reports(3, start, timeout=12 * ROUND + 10)
    assert all(not r["bitmap"] & 0b10 for r in landed)  # operator 1 signed none
    assert {r["epoch"] % 4 for r in landed} <= {0, 2, 3}  # its rounds produce nothing
    network.start([1])


def test_leader_killed_mid_round(network):
    network.kill(2)
    network.start([2], faults={2: ["crash-as-leader"]})
    proc = network.procs[2]
    wait_for(lambda: proc.poll() is not None, 6 * ROUND + 10, "operator 2 to die leading a round")
    assert proc.returncode == 18
    died_in = network.epoch_now()
    landed = network.wait_reports(2, died_in, timeout=8 * ROUND + 10)
    assert all(r["epoch"] % 4 != 2 for r in landed if r["epoch"] <= died_in + 3)
    network.start([2])
    again = network.wait_reports(1, died_in, timeout=12 * ROUND + 10)
    wait_for(
        lambda: any(r["transmitter"] == dev_transmitter(2).address and r["epoch"] > died_in for r in network.reports()),
        12 * ROUND + 10,
        "operator 2 to lead again",
    )
    assert again


TRANSMIT = function_signature_to_4byte_selector("transmit((uint32,uint64,uint256[]),(bytes32,bytes32)[])")
PUSH_PERFORMANCE = function_signature_to_4byte_selector("push_performance(uint256[])")


def sent_transactions(network, sender: str) -> list[dict]:
    """Every transaction `sender` got mined, oldest first (the local chain is short)."""
    w3 = network.w3
    return [
        tx
        for n in range(w3.eth.block_number + 1)
        for tx in w3.eth.get_block(n, full_transactions=True)["transactions"]
        if tx["from"] == sender
    ]


def test_relayer_killed_after_sending(network):
    network.kill(0)
    network.start([0], faults={0: ["crash-after-send"]})
    proc = network.procs[0]
    wait_for(lambda: proc.poll() is not None, 8 * ROUND + 10, "operator 0 to die after broadcasting")
    assert proc.returncode == 17
    store = network.store(0)
    in_flight = [r for r in store.open_reports() if r.status == "signed"]
    assert len(in_flight) == 1
    epoch = in_flight[0].epoch
    network.start([0])
    wait_for(lambda: store.report(epoch).status == "confirmed", 6 * ROUND + 10, f"epoch {epoch} to be confirmed")
    on_chain = [r for r in network.reports() if r["epoch"] == epoch]
    assert len(on_chain) == 1 and on_chain[0]["transmitter"] == dev_transmitter(0).address
    assert len(store.attempts(epoch)) == 1
    # Every report transaction operator 0 ever sent is an accepted report: nothing was sent
    # twice. (Its other transactions are the staking performance pushes it sends as leader.)
    sent = sent_transactions(network, dev_transmitter(0).address)
    transmits = [tx for tx in sent if bytes(tx["input"][:4]) == TRANSMIT]
    assert all(bytes(tx["input"][:4]) == PUSH_PERFORMANCE for tx in sent if tx not in transmits)
    assert len(transmits) == sum(r["transmitter"] == dev_transmitter(0).address for r in network.reports())
    # No gap: operator 0 goes on reporting in its later rounds.
    wait_for(
        lambda: any(r["transmitter"] == dev_transmitter(0).address and r["epoch"] > epoch for r in network.reports()),
        12 * ROUND + 10,
        "operator 0 to report again",
    )


def test_rpc_unreachable_then_catching_up(network):
    before = network.latest_epoch()
    network.proxy.pause()
    paused_at = network.epoch_now()
    time.sleep(4 * ROUND)
    assert network.latest_epoch() <= paused_at  # nothing reached the chain meanwhile
    errors = [
        float(line.split()[-1])
        for i in range(4)
        for line in httpx.get(f"{network.url(i)}/metrics").text.splitlines()
        if line.startswith("fame_oracle_rpc_errors_total")
    ]
    assert sum(errors) > 0
    network.proxy.resume()
    resumed_at = network.epoch_now()
    wait_for(lambda: network.latest_epoch() >= resumed_at, 10 * ROUND + 20, "the chain to catch up")
    assert network.latest_epoch() > before
    # Every report queued during the outage is settled: landed or superseded, none lost or failed.
    outage = range(paused_at, resumed_at + 1)

    def rows():
        found = [network.store(i).report(e) for i in range(4) for e in outage]
        return [(r.epoch, r.status, r.last_error) for r in found if r is not None]

    def settled():
        found = rows()
        if not found or any(status not in ("confirmed", "superseded") for _, status, _ in found):
            raise AssertionError(found)
        return True

    wait_for(settled, 10 * ROUND + 20, "outage reports to settle")
    epochs = [r["epoch"] for r in network.reports()]
    assert len(epochs) == len(set(epochs))


def test_logs_hold_no_secrets(network):
    from oracle.keys import DEV_PASSWORD, dev_signer

    logs = "".join(p.read_text(errors="replace") for p in (network.folder / "state" / "logs").glob("oracle-*.log"))
    assert "listening on" in logs
    for i in range(4):
        for account in (dev_signer(i), dev_transmitter(i)):
            assert account.key.hex().removeprefix("0x") not in logs
    assert DEV_PASSWORD not in logs
