"""PersonaShare: the smallest fee there is (each test says the behaviour it checks;
test_share.py and test_revenue.py have the rest)."""

from persona_helpers import BPS, ETH, INITIAL_FEE_BPS

E18 = 10**18


def test_a_fee_of_one_wei_is_withdrawn(make_persona, launchpad, alice, payer, fee_sink, bob):
    """Revenue whose fee rounds to exactly 1 wei accrues that wei to the protocol, and
    withdraw_fees sends it (any positive amount of fees may be withdrawn)."""
    share = make_persona()[1]
    share.mint(alice, 2 * E18, sender=launchpad)
    gross = BPS // INITIAL_FEE_BPS  # the fee on it is 1 wei
    payer.transfer(share, gross)
    before = fee_sink.balance
    tx = share.withdraw_fees(ETH, sender=bob)
    assert tx.return_value == 1
    assert fee_sink.balance == before + 1
    assert share.fees_owed(ETH) == 0
