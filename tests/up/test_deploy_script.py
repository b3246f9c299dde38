"""The deploy script never silently deploys a second set on a chain that has a manifest."""

import importlib.util
import json
import subprocess

import pytest
from web3 import Web3

from fame.chain import dev_account
from fame.config import DEV_EVENT_OPERATOR_ACCOUNT, DEV_VOUCHER_INDEX, PROJECT_ROOT
from fame.errors import FameError
from fame.procs import Supervisor, free_port
from stack.anvil import start_anvil

from .conftest import BIN, ape_deploy, stack_env


def test_deploy_writes_manifest_then_reuses_it(tmp_path, anvil_node):
    """First deploy writes the manifest; the second reuses it (same addresses, no new contracts)."""
    _, url = anvil_node
    env = stack_env(tmp_path)
    first = ape_deploy(env, url)
    assert first.returncode == 0, first.stdout + first.stderr
    manifest = json.loads((tmp_path / "deployments" / "31337.json").read_text())
    fmc = manifest["contracts"]["FMC"]
    w3 = Web3(Web3.HTTPProvider(url))
    assert len(w3.eth.get_code(fmc["address"])) > 0
    assert manifest["deployer"] == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert manifest["deploy_block"] >= 1 and manifest["git_commit"]
    # Live events: owned by the timelock, the dev voucher key as signer, the demo persona's event
    # operator granted to its dev account (the bootstrap batch did it, before the persona exists).
    entry = manifest["contracts"]["PersonaEvents"]
    assert entry["contract_type"] == "PersonaEvents"
    assert {"schedule", "buy", "claim_badge", "events"} <= {i.get("name") for i in entry["abi"]}
    events = w3.eth.contract(address=entry["address"], abi=entry["abi"])
    assert events.functions.owner().call() == manifest["contracts"]["FameTimelock"]["address"]
    assert events.functions.voucher_signer().call() == dev_account(DEV_VOUCHER_INDEX).address
    assert manifest["extra"]["events"]["voucher_signer"] == dev_account(DEV_VOUCHER_INDEX).address
    assert events.functions.is_operator(1, dev_account(DEV_EVENT_OPERATOR_ACCOUNT).address).call()
    assert events.functions.FMC().call() == fmc["address"]
    nonce = w3.eth.get_transaction_count(manifest["deployer"])

    second = ape_deploy(env, url)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "reusing the deployment" in second.stdout
    assert w3.eth.get_transaction_count(manifest["deployer"]) == nonce, "nothing new may be deployed"
    assert json.loads((tmp_path / "deployments" / "31337.json").read_text()) == manifest


def test_stale_manifest_is_refused_until_fresh(tmp_path):
    """A manifest whose contracts are not on the chain (node reset) is refused; --fresh replaces it."""
    env = stack_env(tmp_path)
    with Supervisor() as sup:
        url = start_anvil(sup, "127.0.0.1", free_port())
        assert ape_deploy(env, url).returncode == 0
    old = json.loads((tmp_path / "deployments" / "31337.json").read_text())
    with Supervisor() as sup:  # a brand-new, empty chain with the same chain id
        url = start_anvil(sup, "127.0.0.1", free_port())
        refused = ape_deploy(env, url)
        assert refused.returncode == 2
        assert "--fresh" in refused.stderr and "not on chain 31337" in refused.stderr
        assert json.loads((tmp_path / "deployments" / "31337.json").read_text()) == old
        fresh = ape_deploy(env, url, "--fresh")
        assert fresh.returncode == 0, fresh.stdout + fresh.stderr
        new = json.loads((tmp_path / "deployments" / "31337.json").read_text())
        assert len(Web3(Web3.HTTPProvider(url)).eth.get_code(new["contracts"]["FMC"]["address"])) > 0


def test_missing_deployer_on_another_chain_is_one_clear_line(tmp_path):
    """Off the local dev chain there is no default key: the script says how to name one, writes nothing."""
    env = stack_env(tmp_path)
    with Supervisor() as sup:
        port = free_port()
        sup.start("anvil", ["anvil", "--port", str(port), "--chain-id", "4242", "--silent"], env=env)
        url = f"http://127.0.0.1:{port}"
        w3 = Web3(Web3.HTTPProvider(url))
        from fame.procs import wait_until

        wait_until(lambda: w3.eth.chain_id == 4242, 30, "anvil")
        for extra, expected in (({}, "set FAME_DEPLOYER"), ({"FAME_DEPLOYER": "nobody"}, "is not an ape account")):
            result = subprocess.run(
                [str(BIN / "ape"), "run", "deploy", "--network", url],
                cwd=PROJECT_ROOT,
                env={**env, **extra},
                capture_output=True,
                text=True,
                timeout=300,
                stdin=subprocess.DEVNULL,
            )
            assert result.returncode == 2, result.stdout + result.stderr
            assert expected in result.stderr
    assert not (tmp_path / "deployments").exists()


def _deploy_script():
    spec = importlib.util.spec_from_file_location("fame_deploy_script", PROJECT_ROOT / "scripts" / "deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_voucher_signer_is_the_dev_key_locally_and_named_elsewhere(monkeypatch):
    """Locally the dev voucher key signs; another chain needs FAME_LIVE_VOUCHER_SIGNER, a valid address."""
    deploy = _deploy_script()
    monkeypatch.setenv("FAME_LIVE_VOUCHER_SIGNER", "0x000000000000000000000000000000000000dEaD")
    assert deploy.resolve_voucher_signer(31337) == dev_account(DEV_VOUCHER_INDEX).address
    assert deploy.resolve_voucher_signer(4242) == "0x000000000000000000000000000000000000dEaD"
    monkeypatch.setenv("FAME_LIVE_VOUCHER_SIGNER", "0x000000000000000000000000000000000000dead")
    assert deploy.resolve_voucher_signer(4242) == "0x000000000000000000000000000000000000dEaD"
    monkeypatch.setenv("FAME_LIVE_VOUCHER_SIGNER", "not-an-address")
    with pytest.raises(FameError, match="is not an address"):
        deploy.resolve_voucher_signer(4242)
    monkeypatch.delenv("FAME_LIVE_VOUCHER_SIGNER")
    with pytest.raises(FameError, match="set FAME_LIVE_VOUCHER_SIGNER"):
        deploy.resolve_voucher_signer(4242)
