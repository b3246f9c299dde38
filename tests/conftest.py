"""Shared fixtures for every test: accounts and the hypothesis profiles.

`make test` runs the `default` profile (short, keeps the suite to minutes);
`make test-deep` runs `deep` (at least 20x the examples and steps).
Contract-area fixtures live in each area's own conftest.py (tests/token/, ...).
"""

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("default", max_examples=10, stateful_step_count=20, **_COMMON)
settings.register_profile("deep", max_examples=250, stateful_step_count=60, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# `@pytest.mark.deep`: a test too long for `make test` (a campaign, a full-size circuit, a whole
# tool's run end to end); `make test-deep` runs it, and so does FAME_DEEP=1 (FAME_ZK_DEEP=1 too,
# for the ZK library's).
DEEP = (
    os.environ.get("HYPOTHESIS_PROFILE") == "deep"
    or os.environ.get("FAME_DEEP") == "1"
    or os.environ.get("FAME_ZK_DEEP") == "1"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deep: a long test; make test-deep (or FAME_DEEP=1) runs it, make test skips it")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if DEEP:
        return
    skip = pytest.mark.skip(reason="deep test: make test-deep runs it (or set FAME_DEEP=1)")
    for item in items:
        if item.get_closest_marker("deep") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def deployer(accounts):
    """The account that deploys everything (anvil dev account 0)."""
    return accounts[0]


@pytest.fixture(scope="session")
def alice(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def bob(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def carol(accounts):
    return accounts[3]


@pytest.fixture(scope="session", autouse=True)
def _fast_reverts():
    """Skip ape's cosmetic work on every reverted transaction (seconds each).

    `ape.reverts` still matches on the decoded revert string; what is left out is
    the Python-style traceback into the .vy source and the printed call tree,
    which nobody reads in a passing run.
    """
    import ape.exceptions
    import ape.managers.compilers
    import ape_ethereum.trace

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ape.exceptions, "_get_ape_traceback_from_tx", lambda txn: None)
        mp.setattr(ape.exceptions.TransactionError, "with_ape_traceback", lambda self: self)
        mp.setattr(ape.managers.compilers.CompilerManager, "enrich_error", lambda self, err: err)
        mp.setattr(ape_ethereum.trace.Trace, "show", lambda self, *args, **kwargs: None)
        yield
