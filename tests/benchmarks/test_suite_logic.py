"""The pure logic the governance, revenue and oracle suites rely on: the ERC-5202 blueprint loader,
the block schedule of a proposal's life cycle, and the payment amounts that keep revenue claims
free of sub-wei remainders. No figures are checked."""

from web3 import Web3

from benchmarks.chain import Anvil
from benchmarks.suites.economy import FEE_BPS, SHARES_EACH, holder_part, payment_for
from benchmarks.suites.governance import BLOCK_S, LOCAL, Timing, blueprint_initcode


def test_blueprint_loader_stores_the_preamble_and_the_initcode():
    initcode = bytes.fromhex("600a600c600039600a6000f3") + b"\x00" * 300
    code = blueprint_initcode(initcode)
    assert code[0] == 0x61 and int.from_bytes(code[1:3], "big") == len(initcode) + 3
    with Anvil() as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        sender = w3.eth.accounts[0]
        receipt = w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction({"from": sender, "data": code, "gas": 1_000_000})
        )
        assert receipt["status"] == 1
        assert bytes(w3.eth.get_code(receipt["contractAddress"])) == b"\xfe\x71\x00" + initcode


def test_proposal_schedule_passes_every_bound_on_both_clocks():
    """Blocks are 12 s apart; ctx.measure mines one empty block, the measured transaction lands in
    the next. FameGovernor counts timestamps, the OpenZeppelin governor block numbers."""
    t = Timing.of(LOCAL)
    proposed = 1_000
    vote, queue = t.before_vote(proposed) + 2, t.before_queue(proposed) + 2
    # OpenZeppelin: Active while snapshot < block <= deadline; Succeeded after the deadline.
    snapshot, deadline = proposed + t.voting_delay_blocks, proposed + t.voting_delay_blocks + t.voting_period_blocks
    assert snapshot < vote and vote + 2 <= deadline and queue > deadline
    # FameGovernor: the same with seconds.
    ts = lambda block: block * BLOCK_S  # noqa: E731
    snapshot_s = ts(proposed) + LOCAL.voting_delay
    deadline_s = snapshot_s + LOCAL.voting_period
    assert snapshot_s < ts(vote) and ts(vote + 2) <= deadline_s and ts(queue) > deadline_s
    # Both timelocks: executable once the delay (seconds) has passed since queue.
    assert ts(t.before_execute(queue) + 2) - ts(queue) >= LOCAL.timelock_delay


def test_revenue_payments_leave_no_sub_wei_remainder():
    acc_scale = 10**30  # PersonaShare.ACC_SCALE
    for holders in (10, 10_000):
        gross = payment_for(holders)
        net = gross - gross * FEE_BPS // 10_000
        supply = holders * SHARES_EACH
        step = net * acc_scale // supply
        assert net * acc_scale % supply == 0
        assert SHARES_EACH * step % acc_scale == 0
        assert SHARES_EACH * step // acc_scale == holder_part("ours", gross, holders) == 19 * 10**15
