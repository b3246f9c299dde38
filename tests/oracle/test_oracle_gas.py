"""Gas of `transmit` from receipts: 1 / 10 / 100 personas, committees of 4 / 7 / 31 with f+1
signatures, a persona's first report and a later one, with and without the sinks; and of
`push_performance` (staking's scores) for 100 personas.

Run with `-s` to see the table. The target is under 10k gas per persona at 100 personas
for the oracle itself (steady state: every persona reported before).
"""

import pytest
from oracle_helpers import ZERO, make_report, now, register_personas, sign

PERSONAS = 100
COMMITTEES = ((4, 1), (7, 2), (31, 10))
SIZES = (1, 10, 100)


@pytest.fixture(scope="module")
def big_registry(project, deployer, signers, transmitter_accounts, stranger):
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.set_registrar(deployer, sender=deployer)
    register_personas(reg, deployer, PERSONAS)
    return reg


def deploy(project, deployer, registry, signers, transmitter, n, f, reputation=ZERO, staking=ZERO):
    transmitters = [transmitter.address] + [f"0x{0xBEEF00 + i:040x}" for i in range(1, n)]
    return project.EngagementOracle.deploy(
        deployer,
        registry,
        reputation,
        staking,
        3600,
        [s.address for s in signers[:n]],
        transmitters,
        f,
        sender=deployer,
    )


def measure(oracle, chain, signers, transmitter, f, size):
    """(first report gas, steady-state report gas) for `size` personas: three reports, the third
    measured as the steady state (with staking, the second is its first update of each persona's
    score, which creates that storage slot)."""
    personas = list(range(1, size + 1))
    out = []
    for epoch in (1, 2, 3):
        report = make_report(oracle.config_version(), epoch, personas, now(chain) - 10 + epoch, scale=epoch)
        tx = oracle.transmit(report.as_call_arg(), sign(report, oracle, signers, range(f + 1)), sender=transmitter)
        out.append(tx.gas_used)
    return out[0], out[2]


def test_gas_table(project, chain, deployer, big_registry, signers, transmitter_accounts, fmc):
    transmitter = transmitter_accounts[0]
    rows = []
    for n, f in COMMITTEES:
        oracle = deploy(project, deployer, big_registry, signers, transmitter, n, f)
        for size in SIZES:
            with chain.isolate():
                first, later = measure(oracle, chain, signers, transmitter, f, size)
            rows.append((n, f, size, "none", first, later))
    # With both sinks wired (Reputation reads E from the oracle; staking's updater is the oracle),
    # n = 4. Staking costs a report nothing: it is settled by push_performance, measured below.
    reputation = project.Reputation.deploy(deployer, fmc, big_registry, sender=deployer)
    staking = project.PersonaStaking.deploy(deployer, fmc, big_registry, sender=deployer)
    oracle = deploy(project, deployer, big_registry, signers, transmitter, 4, 1, reputation, staking)
    reputation.set_oracle(oracle, sender=deployer)
    staking.set_updater(oracle, sender=deployer)
    for size in SIZES:
        with chain.isolate():
            first, later = measure(oracle, chain, signers, transmitter, 1, size)
            assert reputation.engagement_component(1) > 0
            if size == PERSONAS:
                personas = list(range(1, PERSONAS + 1))
                first_push = oracle.push_performance(personas, sender=transmitter).gas_used
                report = make_report(1, 4, personas, now(chain), scale=4)
                oracle.transmit(report.as_call_arg(), sign(report, oracle, signers, range(2)), sender=transmitter)
                push = oracle.push_performance(personas, sender=transmitter).gas_used
                assert staking.persona_stake(1).performance > 0
        rows.append((4, 1, size, "reputation+staking", first, later))

    print("\n  n   f  personas  sinks                first report (gas, /persona)   later report (gas, /persona)")
    for n, f, size, sinks, first, later in rows:
        print(
            f"{n:>3} {f:>3} {size:>9}  {sinks:<19} {first:>10} {first // size:>8}            "
            f"{later:>10} {later // size:>8}"
        )
    steady = {(n, size, sinks): later for n, f, size, sinks, first, later in rows}
    print(
        f"  push_performance, {PERSONAS} personas: first (keeps the words) {first_push} "
        f"({first_push // PERSONAS}/persona), scoring {push} ({push // PERSONAS}/persona)"
    )
    assert steady[(4, 100, "none")] / 100 < 10_000
    # Reputation's engagement component is folded into the oracle's own word: no call, no
    # second storage write per persona; staking is not touched by a report.
    assert steady[(4, 100, "reputation+staking")] / 100 < 10_000
    # n = 31 needs 11 signatures.
    assert steady[(31, 100, "none")] / 100 < 10_500
