"""The audit's summary (audit.summary, `make audit`): rows from the mutation report and from
pytest's JUnit reports, the verdict, and the table written to disk.

Invariants: a contract's checks are its scored mutants and its failures the survivors and
timeouts; a test module is one row whose checks are its cases, a failure or error fails it, a
strict xfail is a known deviation and a skip is neither; the audit fails exactly when a fuzz or
conformance case failed or a contract scores under the gate; a stage run on real pytest files
reports what they did.
"""

from __future__ import annotations

import json
import sys
import textwrap

from audit import summary
from audit.summary import Row, junit_rows, mutation_rows, verdict

MUTATION_REPORT = {
    "contracts": {
        "RevenueConfig": {
            "counts": {
                "mutants": 20,
                "killed": 15,
                "survived": 4,
                "timeout": 1,
                "invalid": 0,
                "equivalent": 0,
                "error": 0,
            },
            "score": 0.75,
        },
        "FMC": {
            "counts": {
                "mutants": 8,
                "killed": 6,
                "survived": 0,
                "timeout": 0,
                "invalid": 1,
                "equivalent": 1,
                "error": 0,
            },
            "score": 1.0,
        },
    }
}

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="6">
<testcase classname="tests.conformance.test_erc20" name="test_a[FMC]" file="tests/conformance/test_erc20.py"/>
<testcase classname="tests.conformance.test_erc20" name="test_a[PersonaShare]" file="tests/conformance/test_erc20.py">
  <failure message="boom">assert False</failure></testcase>
<testcase classname="tests.conformance.test_eip2612" name="test_zero_spender" file="tests/conformance/test_eip2612.py">
  <skipped type="pytest.xfail" message="EIP-2612: ..."/></testcase>
<testcase classname="tests.conformance.test_eip2612" name="test_b" file="tests/conformance/test_eip2612.py"/>
<testcase classname="tests.conformance.test_eip2612" name="test_c" file="tests/conformance/test_eip2612.py">
  <skipped type="pytest.skip" message="needs ape"/></testcase>
<testcase classname="tests.fuzz.test_worker_fuzz" name="test_api[GET /health]" file="tests/fuzz/test_worker_fuzz.py">
  <error message="setup failed"/></testcase>
</testsuite></testsuites>
"""


def test_a_contract_row_counts_scored_mutants_and_survivors():
    rows = {r.subject: r for r in mutation_rows(MUTATION_REPORT)}
    assert rows["RevenueConfig"] == Row("mutation", "RevenueConfig", 20, 5, 0, 0, 0.75)
    assert rows["FMC"] == Row("mutation", "FMC", 6, 0, 1, 1, 1.0)  # one equivalent, one invalid: not scored


def test_a_module_row_counts_its_cases():
    rows = {r.subject: r for r in junit_rows("conformance", JUNIT)}
    assert rows["erc20"] == Row("conformance", "erc20", 2, 1, 0, 0, 0.5)
    assert rows["eip2612"] == Row("conformance", "eip2612", 3, 0, 1, 1, 1.0)  # xfail = deviation, skip = neither
    assert rows["worker"] == Row("conformance", "worker", 1, 1, 0, 0, 0.0)  # an error fails the case


def test_the_audit_fails_on_a_failing_case_or_a_contract_under_the_gate():
    rows = mutation_rows(MUTATION_REPORT) + junit_rows("conformance", JUNIT)
    problems = verdict(rows, 0.9)
    assert "mutation RevenueConfig: score 75.0% below 90%" in problems
    assert "conformance erc20: 1 failing" in problems and "conformance worker: 1 failing" in problems
    assert not any("FMC" in p or "eip2612" in p for p in problems)
    assert verdict(mutation_rows(MUTATION_REPORT), 0.7) == []


def test_a_stage_runs_real_tests_and_writes_the_table(tmp_path, monkeypatch):
    """A tiny project: one passing, one failing, one strict-xfail test, run by the real stage
    (with plain pytest as the runner: `ape test` would only add a chain the tiny tests do not use)."""
    tests = tmp_path / "tests" / "conformance"
    tests.mkdir(parents=True)
    (tests / "test_tiny.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def test_holds():
                assert 1 + 1 == 2

            def test_breaks():
                assert 1 + 1 == 3

            @pytest.mark.xfail(strict=True, reason="a known deviation")
            def test_known():
                assert False
            """
        )
    )
    monkeypatch.setattr(summary, "CONFORMANCE_TESTS", ("tests/conformance", "tests/missing"))
    monkeypatch.setattr(summary, "test_command", lambda: [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"])
    results = tmp_path / "results"
    code = summary.main(["--stages", "conformance", "--root", str(tmp_path), "--results", str(results)])
    assert code == 1  # test_breaks fails
    document = json.loads((results / "summary.json").read_text())
    (row,) = document["rows"]
    assert (row["subject"], row["checks"], row["failures"], row["deviations"]) == ("tiny", 3, 1, 1)
    assert any("tests/missing does not exist" in n for n in document["notes"])
    table = (results / "summary.md").read_text()
    assert "| conformance | tiny | 3 | 1 | 1 | 0 | 50.0% |" in table
