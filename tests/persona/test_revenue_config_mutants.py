"""RevenueConfig: what its deployment announces, and the edges of its setters that the unit
tests in test_revenue.py leave open (each test says the behaviour it checks).
"""

import ape
from persona_helpers import ETH, MAX_FEE_BPS, ZERO


def _logs(contract, receipt):
    events = [contract.FeeChanged, contract.FeeRecipientChanged, contract.AssetAllowed]
    return [(log.event_name, dict(log.event_arguments)) for log in receipt.decode_logs(events)]


def test_deployment_announces_the_fee_the_recipient_and_both_assets(project, owner, fmc, fee_sink):
    """An indexer that starts at the deployment block learns every setting from the logs: the
    fee (from 0), the fee recipient (from the zero address), then ETH and FMC allowed, in this
    order and nothing else."""
    config = project.RevenueConfig.deploy(owner, fmc, fee_sink, 321, sender=owner)
    assert _logs(config, config.creation_metadata.receipt) == [
        ("FeeChanged", {"previous_fee_bps": 0, "new_fee_bps": 321}),
        ("FeeRecipientChanged", {"previous_recipient": ZERO, "new_recipient": fee_sink.address}),
        ("AssetAllowed", {"asset": ETH, "allowed": True}),
        ("AssetAllowed", {"asset": fmc.address, "allowed": True}),
    ]


def test_deployment_accepts_a_zero_fee_and_the_maximum(project, owner, fmc, fee_sink):
    """The initial fee may be anything from 0 to MAX_FEE_BPS, both ends included."""
    for fee in (0, MAX_FEE_BPS):
        assert project.RevenueConfig.deploy(owner, fmc, fee_sink, fee, sender=owner).fee_bps() == fee
    with ape.reverts("revenue: fee above maximum"):
        project.RevenueConfig.deploy(owner, fmc, fee_sink, MAX_FEE_BPS + 1, sender=owner)


def test_fee_change_logs_the_previous_and_the_new_fee(revenue_config, owner):
    """set_fee_bps logs the fee it replaces and the one it sets, in that order."""
    before = revenue_config.fee_bps()
    tx = revenue_config.set_fee_bps(before + 7, sender=owner)
    assert _logs(revenue_config, tx) == [("FeeChanged", {"previous_fee_bps": before, "new_fee_bps": before + 7})]
    assert revenue_config.fee_bps() == before + 7


def test_recipient_change_logs_the_previous_and_the_new_recipient(revenue_config, owner, fee_sink, alice):
    """set_fee_recipient logs the recipient it replaces and the new one, and stores the new one."""
    tx = revenue_config.set_fee_recipient(alice, sender=owner)
    assert _logs(revenue_config, tx) == [
        ("FeeRecipientChanged", {"previous_recipient": fee_sink.address, "new_recipient": alice.address})
    ]
    assert revenue_config.fee_recipient() == alice.address


def test_asset_status_must_change(revenue_config, owner, other_token):
    """Allowing an allowed asset, or disallowing one that is not allowed, is refused; a real
    change is logged with the new status."""
    with ape.reverts("revenue: status unchanged"):
        revenue_config.set_asset_allowed(other_token, False, sender=owner)
    tx = revenue_config.set_asset_allowed(other_token, True, sender=owner)
    assert _logs(revenue_config, tx) == [("AssetAllowed", {"asset": other_token.address, "allowed": True})]
    with ape.reverts("revenue: status unchanged"):
        revenue_config.set_asset_allowed(other_token, True, sender=owner)
    tx = revenue_config.set_asset_allowed(other_token, False, sender=owner)
    assert _logs(revenue_config, tx) == [("AssetAllowed", {"asset": other_token.address, "allowed": False})]
    assert not revenue_config.is_allowed(other_token)
