"""What an auditor runs against the contracts, beyond the test suite (`make audit`).

- `audit.mutation`: mutation testing of the Vyper contracts: small faults are put into each
  contract, one at a time, and the tests that exercise it must notice every one of them.
- `audit.summary` (`python -m audit`, what `make audit` runs): the mutation campaign, the deep
  fuzzing of every HTTP API and the standards conformance tests, summed up in one table.
"""
