"""FameGovernor: what its deployment announces (each test says the behaviour it checks;
test_governor.py has the rest)."""

from gov_helpers import E18


def test_deployment_logs_every_setting_from_zero(project, deployer, fmc, timelock):
    """An indexer starting at the deployment block learns the voting delay, the voting period,
    the proposal threshold and the quorum numerator from the logs, each from 0, once each."""
    governor = project.FameGovernor.deploy(fmc, timelock, 7, 7_200, 3 * E18, 450, sender=deployer)
    receipt = governor.creation_metadata.receipt
    kinds = [governor.VotingDelaySet, governor.VotingPeriodSet, governor.ProposalThresholdSet]
    kinds.append(governor.QuorumNumeratorUpdated)
    logs = [(log.event_name, dict(log.event_arguments)) for log in receipt.decode_logs(kinds)]
    assert logs == [
        ("VotingDelaySet", {"oldVotingDelay": 0, "newVotingDelay": 7}),
        ("VotingPeriodSet", {"oldVotingPeriod": 0, "newVotingPeriod": 7_200}),
        ("ProposalThresholdSet", {"oldProposalThreshold": 0, "newProposalThreshold": 3 * E18}),
        ("QuorumNumeratorUpdated", {"oldQuorumNumerator": 0, "newQuorumNumerator": 450}),
    ]
