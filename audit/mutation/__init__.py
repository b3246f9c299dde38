"""Mutation testing of the Vyper contracts under contracts/.

A mutant is one small, deliberate fault in one contract (a comparison flipped, an assert
removed, a state write dropped, ...), made as a precise text edit at a node of the contract's
Vyper AST. The tests mapped to the contract (targets.toml) run against it in a copy of the
project: if they fail the mutant is killed; if they pass, the tests cannot tell the faulty
contract from the real one and the mutant survived: a gap in the tests, or an equivalent
mutant (equivalent.toml lists those, each with why).

- operators.py: the operators, each turning an AST node into candidate edits
- generate.py: a contract's mutants, with ids stable under unrelated edits, and sampling
- config.py: targets.toml and equivalent.toml
- compiler.py: the project's compiler settings (search paths, EVM version), used to annotate a
  contract for the operators and to check that a mutant compiles
- runner.py: copies of the project tree, the clean run, each mutant's run, in parallel
- cache.py: results already known, by contract source, mutant and test files
- report.py: per-contract counts and score, survivors' diffs, JSON and Markdown
- cli.py: `python -m audit.mutation`
"""
