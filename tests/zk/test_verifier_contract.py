"""The rendered Vyper verifier: compiles with Vyper 0.4.3 and agrees with the Python verifier on
a real EVM (anvil, with the BN254 precompiles)."""

import pytest
import vyper
from web3 import Web3

from fame.procs import Supervisor, free_port
from stack.anvil import start_anvil
from zk.curve import G1_GEN, G2_GEN, g1_add, g1_neg
from zk.field import R
from zk.groth16 import Proof
from zk.verifier_export import export_vyper_verifier, render_vyper_verifier


@pytest.fixture(scope="module")
def verifier(dev_pk, dev_proof, tmp_path_factory):
    path = tmp_path_factory.mktemp("verifier") / "DIDVerifier.vy"
    export_vyper_verifier(dev_pk.verifying_key(), path, public_names=["root", "nullifier", "scope", "msg_hash"])
    out = vyper.compile_code(path.read_text(), output_formats=["bytecode", "abi"])
    sup = Supervisor()
    try:
        url = start_anvil(sup, "127.0.0.1", free_port())
        w3 = Web3(Web3.HTTPProvider(url))
        acct = w3.eth.accounts[0]
        tx = w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"]).constructor().transact({"from": acct})
        addr = w3.eth.wait_for_transaction_receipt(tx).contractAddress
        yield w3.eth.contract(address=addr, abi=out["abi"])
    finally:
        sup.stop()


def test_render_is_vyper_043_and_writes_where_told(dev_pk, tmp_path):
    src = render_vyper_verifier(dev_pk.verifying_key())
    assert src.startswith("# pragma version 0.4.3")
    assert "raw_call(" in src and "ecadd(" in src and "ecmul(" in src and "public_inputs[3] >= R" in src
    target = tmp_path / "nested" / "V.vy"
    assert export_vyper_verifier(dev_pk.verifying_key(), target) == target and target.exists()


def test_valid_proof_accepted(verifier, dev_proof):
    proof, public = dev_proof
    a, b, c = proof.to_calldata()
    assert verifier.functions.verifyProof(a, b, c, public).call() is True
    assert verifier.functions.N_PUBLIC().call() == 4
    gas = verifier.functions.verifyProof(a, b, c, public).estimate_gas()
    assert 190_000 < gas < 320_000


def test_estimated_gas_is_enough(verifier, dev_proof):
    """A call with exactly the estimated gas still verifies (no silent out-of-gas False)."""
    proof, public = dev_proof
    a, b, c = proof.to_calldata()
    gas = verifier.functions.verifyProof(a, b, c, public).estimate_gas()
    assert verifier.functions.verifyProof(a, b, c, public).call({"gas": gas}) is True


@pytest.mark.parametrize("index", range(4))
def test_wrong_public_input_rejected(verifier, dev_proof, index):
    proof, public = dev_proof
    a, b, c = proof.to_calldata()
    bad = list(public)
    bad[index] = (bad[index] + 1) % R
    assert verifier.functions.verifyProof(a, b, c, bad).call() is False


def test_unreduced_public_input_rejected(verifier, dev_proof):
    proof, public = dev_proof
    a, b, c = proof.to_calldata()
    bad = list(public)
    bad[2] += R  # same value mod r: must still be refused
    assert verifier.functions.verifyProof(a, b, c, bad).call() is False


def test_tampered_proofs_rejected_without_revert(verifier, dev_proof):
    proof, public = dev_proof
    for bad in (
        Proof(g1_add(proof.a, G1_GEN), proof.b, proof.c),
        Proof(proof.a, proof.b, g1_neg(proof.c)),
        Proof(proof.a, G2_GEN, proof.c),
    ):
        a, b, c = bad.to_calldata()
        assert verifier.functions.verifyProof(a, b, c, public).call() is False
    a, b, c = proof.to_calldata()
    assert verifier.functions.verifyProof([a[0], a[1] + 1], b, c, public).call() is False  # not on the curve
    assert verifier.functions.verifyProof(a, [b[1], b[0]], c, public).call() is False  # not a G2 point
    big = 2**256 - 1
    assert verifier.functions.verifyProof([big, a[1]], b, c, public).call() is False
