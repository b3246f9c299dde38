"""The rendered identity contracts: committed sources equal a fresh render, and the on-chain
Poseidon equals zk's."""

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fame.did import contracts as gen
from zk.field import R
from zk.gadgets.poseidon import poseidon as zk_poseidon


def test_committed_poseidon_is_fresh_render():
    assert gen.POSEIDON_PATH.read_text() == gen.render_poseidon()


def test_committed_verifier_is_fresh_render():
    assert gen.VERIFIER_PATH.read_text() == gen.render_verifier()
    assert gen.load_dev_vk().n_public == 4


@pytest.mark.skipif(
    os.environ.get("HYPOTHESIS_PROFILE") != "deep" and os.environ.get("FAME_ZK_DEEP") != "1",
    reason="depth-20 dev setup: make test-deep",
)
def test_committed_dev_vk_is_the_seeded_setup():
    assert gen.make_dev_vk().to_json() == gen.load_dev_vk().to_json()


def test_poseidon_known_values(poseidon):
    assert poseidon.hash([0, 0]) == zk_poseidon([0, 0])
    assert poseidon.hash([1, 2]) == zk_poseidon([1, 2])
    assert poseidon.hash([R - 1, R + 5]) == zk_poseidon([R - 1, 5])


@given(a=st.integers(0, 2**256 - 1), b=st.integers(0, 2**256 - 1))
def test_poseidon_matches_zk(poseidon, a, b):
    assert poseidon.hash([a, b]) == zk_poseidon([a, b])
