"""The benchmark harness's own parts: suite registry, CLI, Solidity sources and the solc-js
compile of one anchor, the private anvil. No figures are checked."""

import os
import textwrap

import pytest

from benchmarks import SUITES, Row, calldata_gas, suite
from benchmarks.chain import Anvil
from benchmarks.context import dev_accounts
from benchmarks.runner import main
from benchmarks.solidity import compile_anchor, gather_sources, imports_of, resolve_import
from benchmarks.suites import load_all


def test_suites_are_discovered_and_the_cli_lists_them(capsys):
    load_all()
    assert "fmc" in SUITES
    assert SUITES["fmc"].title == "FMC token"
    assert SUITES["fmc"].doc  # its docstring ends up in bench.md
    assert main(["--list"]) == 0
    assert "fmc" in capsys.readouterr().out


def test_unknown_suite_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        main(["no-such-suite"])
    assert exc.value.code == 2


def test_suite_registration_and_duplicates():
    def probe(ctx):
        """Probe notes."""
        yield Row("Probe", "noop", 1, "anchor", 2)

    try:
        suite("test-probe", title="Probe")(probe)
        assert SUITES["test-probe"].doc == "Probe notes."
        assert SUITES["test-probe"].run(None) == [Row("Probe", "noop", 1, "anchor", 2)]
        suite("test-probe")(probe)  # the same function again (module re-import) is fine
        with pytest.raises(ValueError):
            suite("test-probe")(lambda ctx: [])
    finally:
        SUITES.pop("test-probe", None)


def test_solidity_import_parsing():
    src = textwrap.dedent(
        """
        import "./A.sol";
        import {B, C} from "../lib/B.sol";
        import * as D from '@openzeppelin/contracts/utils/D.sol';
        import "E.sol" as E;
        // import "commented.sol";
        /* import "block.sol"; */
        """
    )
    assert imports_of(src) == ["./A.sol", "../lib/B.sol", "@openzeppelin/contracts/utils/D.sol", "E.sol"]
    base = "@openzeppelin/contracts/token/ERC20/ERC20.sol"
    assert resolve_import(base, "./IERC20.sol") == "@openzeppelin/contracts/token/ERC20/IERC20.sol"
    assert resolve_import(base, "../../utils/Context.sol") == "@openzeppelin/contracts/utils/Context.sol"
    assert resolve_import(base, "@openzeppelin/contracts-v4/x.sol") == "@openzeppelin/contracts-v4/x.sol"


def test_anchor_sources_are_gathered_transitively():
    sources = gather_sources("anchors/OZVotesToken.sol")
    assert "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol" in sources
    assert "@openzeppelin/contracts/utils/structs/Checkpoints.sol" in sources  # imported by Votes.sol


def test_solc_js_compiles_one_anchor_and_caches_it(tmp_path):
    first = compile_anchor("OZVotesToken", cache_dir=tmp_path)
    token = first["OZVotesToken"]
    names = {item.get("name") for item in token.abi}
    assert {"transfer", "permit", "delegate", "mint", "set_minter", "getPastVotes"} <= names
    assert token.bytecode.startswith("0x") and len(token.bytecode) > 1000
    assert first.solc_version.startswith("0.8.30")
    again = compile_anchor("OZVotesToken", cache_dir=tmp_path)
    assert again.cached and again["OZVotesToken"].bytecode == token.bytecode
    assert len(list(tmp_path.glob("OZVotesToken-*.json"))) == 1


def test_private_anvil_starts_and_stops_by_pid():
    with Anvil() as anvil:
        assert int(anvil.rpc("eth_chainId"), 16) == 31337
        pid = anvil.pid
        assert anvil.url.startswith("http://127.0.0.1:")
    assert anvil.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_dev_accounts_and_calldata_cost():
    first = dev_accounts(1)[0]
    assert first.address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # anvil's account 0
    assert calldata_gas(b"\x00\x01") == 4 + 16
    assert calldata_gas("0x0000ff") == 4 + 4 + 16
