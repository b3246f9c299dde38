"""The relayer against a real local chain (its own anvil): send and confirm, idempotent
across crashes before and after the broadcast, ordered, superseded and expired reports,
gas and fee caps, and an unreachable RPC node it retries until it is back."""

import time

import pytest
from oracle_stack import TcpProxy, deploy_oracle_stack

from fame.procs import Supervisor, free_port
from oracle.chainview import ChainView, make_web3
from oracle.keys import dev_signer, dev_transmitter
from oracle.metrics import NodeMetrics
from oracle.relayer import Relayer, RetryLater
from oracle.report import Engagement, Report, pack_all, sign_digest
from oracle.store import Store
from stack.anvil import start_anvil

PERSONAS = 24


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    folder = tmp_path_factory.mktemp("relayer-net")
    sup = Supervisor()
    try:
        port = free_port()
        url = start_anvil(sup, "127.0.0.1", port)
        w3 = make_web3(url)
        stack = deploy_oracle_stack(w3, folder / "deployments", personas=PERSONAS)
        yield {"url": url, "port": port, "w3": w3, "dir": folder / "deployments", **stack}
    finally:
        sup.stop()


class Reports:
    """Fresh, validly signed reports: increasing epochs, one unused persona each."""

    def __init__(self, net):
        self.net = net
        self.next_persona = 1
        self.epoch = int(time.time())

    def make(self, epoch=None, signers=(0, 1)):
        oracle = self.net["oracle"]
        pid, self.next_persona = self.next_persona, self.next_persona + 1
        assert pid <= PERSONAS
        if epoch is None:
            self.epoch += 1
            epoch = self.epoch
        block_time = self.net["w3"].eth.get_block("latest")["timestamp"]
        report = Report(1, epoch, tuple(pack_all([Engagement(pid, 1000, 100, 10, 10, 500, block_time - 5)])))
        from oracle.report import Domain

        digest = report.digest(Domain(self.net["w3"].eth.chain_id, oracle.address))
        return report, [sign_digest(dev_signer(i), digest) for i in signers]


@pytest.fixture(scope="module")
def reports(net):
    return Reports(net)


def relayer(net, store_path, *, rpc_url=None, transmitter=0, **kw):
    metrics = NodeMetrics()
    chain = ChainView(rpc_url or net["url"], net["dir"], metrics, timeout=1.0)
    opts = dict(max_gas=3_000_000, max_gas_price_wei=500 * 10**9, report_ttl=10**6, round_seconds=1, genesis=0)
    opts.update(kw)
    return Relayer(Store(store_path), chain, dev_transmitter(transmitter), metrics, **opts)


def drain(r, timeout=30.0):
    """Step until nothing is open; an idle step (a receipt the node does not serve yet) waits a little."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = r.step()
        if not busy and not r.store.open_reports():
            return
        if not busy:
            time.sleep(0.05)
    raise AssertionError(f"relayer did not settle: {r.store.open_reports()}")


def step_until_busy(r, timeout=10.0):
    """One stage that does something: a push's receipt may take a moment to be served."""
    deadline = time.monotonic() + timeout
    while not r.step():
        assert time.monotonic() < deadline, "the relayer found nothing to do"
        time.sleep(0.05)
    return True


def nonce(net, i=0):
    return net["w3"].eth.get_transaction_count(dev_transmitter(i).address)


def test_sends_and_confirms_once(net, reports, tmp_path):
    r = relayer(net, tmp_path / "a.sqlite3")
    report, sigs = reports.make()
    assert r.enqueue(report, sigs) and not r.enqueue(report, sigs)  # idempotent per epoch
    before = nonce(net)
    drain(r)
    assert r.store.report(report.epoch).status == "confirmed"
    assert net["oracle"].functions.latest_epoch().call() == report.epoch
    assert nonce(net) == before + 1
    assert r.metrics.last_transmitted_epoch._value.get() == report.epoch


def test_crash_after_write_ahead_before_broadcast(net, reports, tmp_path):
    path = tmp_path / "b.sqlite3"
    first = relayer(net, path)
    report, sigs = reports.make()
    first.enqueue(report, sigs)

    def die(raw):
        raise KeyboardInterrupt("killed before the broadcast")

    first._broadcast = die
    before = nonce(net)
    with pytest.raises(KeyboardInterrupt):
        first.step()
    row = first.store.report(report.epoch)
    assert row.status == "signed" and row.tx_hash
    # A new process on the same state re-broadcasts the very same transaction.
    second = relayer(net, path)
    drain(second)
    assert second.store.report(report.epoch).status == "confirmed"
    assert nonce(net) == before + 1
    receipt = net["w3"].eth.get_transaction_receipt(row.tx_hash)
    assert receipt["status"] == 1


def test_crash_after_broadcast(net, reports, tmp_path):
    path = tmp_path / "c.sqlite3"
    first = relayer(net, path)
    report, sigs = reports.make()
    first.enqueue(report, sigs)
    real = first._broadcast

    def broadcast_then_die(raw):
        real(raw)
        raise KeyboardInterrupt("killed after the broadcast")

    first._broadcast = broadcast_then_die
    before = nonce(net)
    with pytest.raises(KeyboardInterrupt):
        first.step()
    second = relayer(net, path)
    drain(second)
    assert second.store.report(report.epoch).status == "confirmed"
    assert nonce(net) == before + 1  # no second transaction
    assert len(second.store.attempts(report.epoch)) == 1


def test_used_nonce_waits_for_the_receipt_then_settles(net, reports, tmp_path):
    """Our nonce is used but no receipt of ours is served: a lagging node, or another transaction
    took the nonce. The relayer waits out the receipt grace before it concludes, then settles."""
    path = tmp_path / "n.sqlite3"
    first = relayer(net, path)
    report, sigs = reports.make()
    first.enqueue(report, sigs)

    def die(raw):
        raise KeyboardInterrupt("killed before the broadcast")

    first._broadcast = die
    with pytest.raises(KeyboardInterrupt):
        first.step()
    row = first.store.report(report.epoch)
    # Another transaction of the same account takes the nonce the report was signed with.
    account, w3 = dev_transmitter(0), net["w3"]
    block = w3.eth.get_block("latest")
    other = account.sign_transaction(
        {
            "to": account.address,
            "value": 0,
            "gas": 21_000,
            "nonce": row.nonce,
            "maxFeePerGas": 2 * block["baseFeePerGas"] + 10**9,
            "maxPriorityFeePerGas": 10**9,
            "chainId": w3.eth.chain_id,
        }
    )
    w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(other.raw_transaction))
    patient = relayer(net, path, receipt_grace=3600)
    assert not any(patient.step() for _ in range(3))
    assert patient.store.report(report.epoch).status == "signed"  # not concluded inside the grace
    settled = relayer(net, path, receipt_grace=0)
    drain(settled)
    row = settled.store.report(report.epoch)
    assert row.status == "failed" and "nonce was used" in row.last_error


def test_oldest_epoch_first_and_superseded(net, reports, tmp_path):
    r = relayer(net, tmp_path / "d.sqlite3")
    a, sa = reports.make()
    b, sb = reports.make()
    r.enqueue(b, sb)
    r.enqueue(a, sa)
    drain(r)
    assert r.store.report(a.epoch).status == r.store.report(b.epoch).status == "confirmed"
    # Another operator puts a later epoch on chain first: ours is superseded, not sent.
    late, sl = reports.make()
    ahead, sh = reports.make()
    other = relayer(net, tmp_path / "other.sqlite3", transmitter=1)
    other.enqueue(ahead, sh)
    drain(other)
    before = nonce(net)
    r.enqueue(late, sl)
    drain(r)
    assert r.store.report(late.epoch).status == "superseded" and nonce(net) == before


def test_expired_failed_and_capped(net, reports, tmp_path):
    r = relayer(net, tmp_path / "e.sqlite3", report_ttl=5)
    old, so = reports.make(epoch=reports.epoch + 1 - 1000)  # 1000 rounds of 1 s ago
    r.enqueue(old, so)
    drain(r)
    assert r.store.report(old.epoch).status == "expired"
    bad, sb = reports.make(signers=(0,))  # one signature, f + 1 = 2 needed
    r.enqueue(bad, sb)
    drain(r)
    row = r.store.report(bad.epoch)
    assert row.status == "failed" and "too few signatures" in row.last_error
    tight = relayer(net, tmp_path / "f.sqlite3", max_gas=100_000)
    big, sg = reports.make()
    tight.enqueue(big, sg)
    drain(tight)
    assert "more than the cap" in tight.store.report(big.epoch).last_error
    cheap = relayer(net, tmp_path / "g.sqlite3", max_gas_price_wei=1)
    report, sigs = reports.make()
    cheap.enqueue(report, sigs)
    with pytest.raises(RetryLater, match="above the cap"):
        cheap.step()
    assert cheap.store.report(report.epoch).status == "queued"


def test_rpc_unreachable_then_back(net, reports, tmp_path):
    proxy = TcpProxy(net["port"])
    try:
        r = relayer(net, tmp_path / "h.sqlite3", rpc_url=proxy.url)
        report, sigs = reports.make()
        proxy.pause()
        r.start()
        r.enqueue(report, sigs)
        deadline = time.monotonic() + 20
        while r.metrics.relayer_retries._value.get() < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert r.metrics.relayer_retries._value.get() >= 2 and r.metrics.rpc_errors._value.get() >= 2
        assert r.store.report(report.epoch).status == "queued"
        proxy.resume()
        deadline = time.monotonic() + 30
        while r.store.report(report.epoch).status != "confirmed" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert r.store.report(report.epoch).status == "confirmed"
    finally:
        r.stop()
        proxy.close()


def test_pushes_staking_performance_when_asked(net, reports, tmp_path):
    """The leader asks its relayer for a push; the relayer sends push_performance for the
    personas the oracle says are due, follows it to its receipt, and sends nothing when none is."""
    from oracle.report import Domain

    r = relayer(net, tmp_path / "p.sqlite3")
    report, sigs = reports.make()
    pid = report.engagements()[0].persona_id
    r.enqueue(report, sigs)
    drain(r)
    oracle, staking = net["oracle"].functions, net["staking"].functions
    assert list(oracle.performance_due([pid, pid + 1]).call()) == [pid]  # pid + 1 was never reported
    r.request_push([pid + 1, pid])
    assert r.step()  # sent
    assert step_until_busy(r)  # followed to its receipt
    assert oracle.pushed_packed(pid).call() != 0  # the first push keeps the persona's word
    assert r.metrics.performance_pushes.labels(outcome="confirmed")._value.get() == 1
    r.request_push([pid])
    assert not r.step()  # nothing due (not observed since): nothing sent

    # A later report of the same persona, then a push that scores it into staking.
    block_time = net["w3"].eth.get_block("latest")["timestamp"]
    reports.epoch += 1
    later = Report(1, reports.epoch, tuple(pack_all([Engagement(pid, 9_000, 900, 90, 90, 500, block_time)])))
    digest = later.digest(Domain(net["w3"].eth.chain_id, net["oracle"].address))
    r.enqueue(later, [sign_digest(dev_signer(i), digest) for i in (0, 1)])
    drain(r)
    r.request_push([pid])
    assert r.step() and step_until_busy(r)
    assert staking.persona_stake(pid).call()[2] > 0
    assert r.metrics.performance_pushes.labels(outcome="confirmed")._value.get() == 2
