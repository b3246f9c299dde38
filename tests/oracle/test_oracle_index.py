"""The web service's event index turns each accepted oracle report into one reputation-history
row per persona (the engagement component E rides in the report's words), with the persona's
reputation components at that block, against a real local chain."""

import time

import pytest
from oracle_stack import deploy_oracle_stack

from fame.procs import Supervisor, free_port
from oracle.chainview import make_web3
from oracle.keys import dev_signer, dev_transmitter
from oracle.report import Domain, Engagement, Report, pack_all, sign_digest
from stack.anvil import start_anvil
from stack.web.indexer import EventIndex, Follower


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    folder = tmp_path_factory.mktemp("index-net")
    sup = Supervisor()
    try:
        url = start_anvil(sup, "127.0.0.1", free_port())
        w3 = make_web3(url)
        stack = deploy_oracle_stack(w3, folder / "deployments", personas=3)
        yield {"url": url, "w3": w3, "dir": folder / "deployments", **stack}
    finally:
        sup.stop()


def transmit(net, epoch, items):
    w3, oracle = net["w3"], net["oracle"]
    report = Report(1, epoch, tuple(pack_all(items)))
    digest = report.digest(Domain(w3.eth.chain_id, oracle.address))
    sigs = [sign_digest(dev_signer(i), digest).as_call_arg() for i in (0, 1)]
    sender = dev_transmitter(0)
    tx = oracle.functions.transmit(report.as_call_arg(), sigs).build_transaction(
        {
            "from": sender.address,
            "nonce": w3.eth.get_transaction_count(sender.address),
            "gas": 3_000_000,
            "chainId": w3.eth.chain_id,
        }
    )
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(sender.sign_transaction(tx).raw_transaction)
    )
    assert receipt["status"] == 1
    return receipt


def test_reports_become_reputation_history_rows(net, tmp_path):
    t = net["w3"].eth.get_block("latest")["timestamp"]
    transmit(
        net,
        int(time.time()),
        [Engagement(1, 5_000, 400, 30, 60, 2_000, t - 5), Engagement(3, 900, 50, 5, 7, -1_000, t - 5)],
    )
    index = EventIndex(tmp_path / "index.sqlite")
    follower = Follower(index, net["url"], net["dir"])
    assert follower.step() >= 3  # the report itself and one row per persona
    rows = index.query(contract="Reputation", event="EngagementReported", order="asc")
    assert [r["args"]["persona_id"] for r in rows] == ["1", "3"]
    reputation = net["reputation"].functions
    first = rows[0]["args"]
    assert (first["views"], first["sentiment"]) == ("5000", "2000")
    # E as the oracle folded it, and the score as Reputation gave it at that block.
    assert int(first["engagement"]) > 0
    assert int(first["score"]) == int(first["engagement"]) + int(first["feedback"])
    assert int(first["score"]) >= reputation.components(1).call()[2]  # E only decays after the report
    assert index.query(persona_id=3, event="EngagementReported")[0]["args"]["observed_at"] == str(t - 5)


def test_a_reorganised_chain_is_indexed_again(net, tmp_path):
    """Rows of blocks the chain replaced are dropped and the new blocks indexed: the index never
    shows a report the chain no longer has."""
    w3 = net["w3"]
    index = EventIndex(tmp_path / "index.sqlite")
    follower = Follower(index, net["url"], net["dir"])
    follower.step()
    before = len(index.query(event="EngagementReported", limit=1000))
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    t = w3.eth.get_block("latest")["timestamp"]
    transmit(net, int(time.time()) + 1_000, [Engagement(2, 7_000, 700, 70, 70, 500, t)])
    follower.step()
    assert [r["args"]["persona_id"] for r in index.query(event="EngagementReported", limit=1)] == ["2"]
    # The chain drops that block and mines another report at the same height instead.
    w3.provider.make_request("evm_revert", [snapshot])
    transmit(net, int(time.time()) + 2_000, [Engagement(3, 8_000, 800, 80, 80, 500, t + 1)])
    follower.step()
    rows = index.query(event="EngagementReported", limit=1000)
    assert len(rows) == before + 1
    assert rows[0]["args"]["persona_id"] == "3" and all(
        r["args"]["persona_id"] != "2" or r["args"]["views"] != "7000" for r in rows
    )
    assert index.checkpoints()[0] == (
        w3.eth.block_number,
        "0x" + bytes(w3.eth.get_block("latest")["hash"]).hex().removeprefix("0x"),
    )
