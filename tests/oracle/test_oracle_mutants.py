"""EngagementOracle: what its billing setter records and announces (each test says the
behaviour it checks; test_oracle_contract.py and test_oracle_sinks.py have the rest)."""


def test_billing_change_is_stored_and_logged_field_by_field(oracle, deployer):
    """set_billing stores the three parameters and logs each under its own name, so that an
    operator watching the logs sees the caps a transmitter is reimbursed under."""
    tx = oracle.set_billing(7 * 10**9, 3 * 10**15, 41_000, sender=deployer)
    assert tuple(oracle.billing()) == (7 * 10**9, 3 * 10**15, 41_000)
    [log] = tx.events.filter(oracle.BillingSet)
    assert (log.max_gas_price, log.max_reimbursement, log.overhead_gas) == (7 * 10**9, 3 * 10**15, 41_000)


def test_billing_overhead_may_be_the_maximum(oracle, deployer):
    """The overhead gas may be MAX_OVERHEAD_GAS itself (one more is refused, test_oracle_sinks)."""
    oracle.set_billing(1, 1, oracle.MAX_OVERHEAD_GAS(), sender=deployer)
    assert oracle.billing().overhead_gas == oracle.MAX_OVERHEAD_GAS()
