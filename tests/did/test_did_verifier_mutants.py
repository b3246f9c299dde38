"""DIDVerifier: the committed depth-20 verifier (contracts/identity/DIDVerifier.vy), deployed
from the project, answers verifyProof as a Groth16 verifier must: True for a valid proof of
these signals, False (never a revert) for anything else, and a revert only when the call
lacks the gas the pairing needs.

The valid proofs come from the committed development key's public seed
(tests/conformance_offchain/offchain_helpers.DevKeyForger): valid for any signals.
"""

import sys
from pathlib import Path

import pytest

OFFCHAIN = Path(__file__).resolve().parents[1] / "conformance_offchain"
if str(OFFCHAIN) not in sys.path:
    sys.path.append(str(OFFCHAIN))

from offchain_helpers import DevKeyForger, load_dev_vk  # noqa: E402

from zk.field import R  # noqa: E402

SIGNALS = [0x1234, 0xD00D, 0xBEEF, 0xCAFE]


@pytest.fixture(scope="module")
def forger():
    return DevKeyForger(load_dev_vk())


@pytest.fixture(scope="module")
def committed_verifier(project, deployer):
    return project.DIDVerifier.deploy(sender=deployer)


def _call(verifier, proof, signals, **kwargs):
    a, b, c = proof.to_calldata()
    return verifier.verifyProof(a, b, c, signals, **kwargs)


def test_a_valid_proof_is_accepted_and_only_for_its_signals(committed_verifier, forger):
    """A valid proof verifies; the same proof with any one signal changed does not."""
    proof = forger.prove(SIGNALS)
    assert _call(committed_verifier, proof, SIGNALS) is True
    for i in range(4):
        other = list(SIGNALS)
        other[i] += 1
        assert _call(committed_verifier, proof, other) is False


def test_signals_at_the_top_of_the_field_verify(committed_verifier, forger):
    """Every signal may be anything below the field modulus, R - 1 included."""
    top = [R - 1] * 4
    assert _call(committed_verifier, forger.prove(top), top) is True


@pytest.mark.parametrize("index", range(4))
def test_an_unreduced_signal_is_refused(committed_verifier, forger, index):
    """A signal equal to the field modulus R (which the curve arithmetic would read as 0) is
    refused, even with a proof valid for 0 in its place."""
    reduced = list(SIGNALS)
    reduced[index] = 0
    proof = forger.prove(reduced)
    assert _call(committed_verifier, proof, reduced) is True
    unreduced = list(reduced)
    unreduced[index] = R
    assert _call(committed_verifier, proof, unreduced) is False


def test_malformed_points_give_false_not_a_revert(committed_verifier, forger):
    """A point off the curve, or a coordinate at or above the base field modulus, is an invalid
    proof: verifyProof answers False."""
    a, b, c = forger.prove(SIGNALS).to_calldata()
    assert committed_verifier.verifyProof([1, 3], b, c, SIGNALS) is False  # A off the curve
    assert committed_verifier.verifyProof(a, b, [c[0], c[1] + 1], SIGNALS) is False  # C off the curve
    assert committed_verifier.verifyProof([a[0], 2**256 - 1], b, c, SIGNALS) is False  # y >= Q
    assert committed_verifier.verifyProof([0, 0], b, c, SIGNALS) is False  # A at infinity


def test_too_little_gas_reverts_rather_than_answering(chain, committed_verifier, forger):
    """A call without the gas the pairing needs reverts with the reason, so that no gas budget
    makes a valid proof come back False; with enough gas the same call answers True."""
    a, b, c = forger.prove(SIGNALS).to_calldata()
    data = committed_verifier.verifyProof.encode_input(a, b, c, SIGNALS)
    web3 = chain.provider.web3
    call = {"to": committed_verifier.address, "data": data}
    assert int.from_bytes(web3.eth.call({**call, "gas": 1_000_000}), "big") == 1
    with pytest.raises(Exception, match="not enough gas for the pairing check"):
        web3.eth.call({**call, "gas": 120_000})
