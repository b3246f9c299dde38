"""oracle.report: packing, EIP-712 digests and compact signatures (no chain)."""

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st

from oracle.report import (
    MAX_COMMENTS,
    MAX_LIKES,
    MAX_SHARES,
    MAX_TIME,
    MAX_VIEWS,
    CompactSignature,
    Domain,
    Engagement,
    Report,
    ReportError,
    check_words,
    decode_logged,
    decode_stored,
    observation_digest,
    pack_all,
    recover,
    sign_digest,
)

engagements = st.builds(
    Engagement,
    persona_id=st.integers(1, 2**32 - 1),
    views=st.integers(0, MAX_VIEWS),
    likes=st.integers(0, MAX_LIKES),
    shares=st.integers(0, MAX_SHARES),
    comments=st.integers(0, MAX_COMMENTS),
    sentiment_bps=st.integers(-10_000, 10_000),
    observed_at=st.integers(0, MAX_TIME),
)
DOMAIN = Domain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3")


@given(engagements)
def test_pack_unpack_roundtrip(e):
    word = e.pack()
    assert 0 <= word < 2**256
    assert Engagement.unpack(word) == e
    assert (word >> 40) & 0xFFFF == 0  # reserved bits


def test_layout_is_documented_bit_for_bit():
    e = Engagement(persona_id=1, views=2, likes=3, shares=4, comments=5, sentiment_bps=-10_000, observed_at=6)
    assert e.pack() == (1 << 224) | (2 << 176) | (3 << 136) | (4 << 104) | (5 << 72) | (0 << 56) | 6
    assert Engagement(1, 0, 0, 0, 0, 10_000, 0).pack() == (1 << 224) | (20_000 << 56)


@pytest.mark.parametrize(
    "field, value",
    [
        ("persona_id", 0),
        ("persona_id", 2**32),
        ("views", 2**48),
        ("likes", 2**40),
        ("shares", 2**32),
        ("comments", -1),
        ("sentiment_bps", 10_001),
        ("sentiment_bps", -10_001),
        ("observed_at", 2**40),
    ],
)
def test_pack_rejects_out_of_range(field, value):
    kwargs = dict(persona_id=1, views=1, likes=1, shares=1, comments=1, sentiment_bps=0, observed_at=1)
    kwargs[field] = value
    with pytest.raises(ReportError, match=field.split("_")[0]):
        Engagement(**kwargs).pack()


def test_unpack_rejects_bad_words():
    with pytest.raises(ReportError, match="sentiment"):
        Engagement.unpack((1 << 224) | (20_001 << 56))
    with pytest.raises(ReportError, match="reserved"):
        Engagement.unpack((1 << 224) | (1 << 40))


def test_clamped_saturates():
    e = Engagement(3, 2**60, 2**50, 2**40, -5, 20_000, 9).clamped()
    assert (e.views, e.likes, e.shares, e.comments, e.sentiment_bps) == (MAX_VIEWS, MAX_LIKES, MAX_SHARES, 0, 10_000)


def test_pack_all_sorts_and_rejects_duplicates():
    a, b = Engagement(5, 1, 1, 1, 1, 0, 1), Engagement(2, 1, 1, 1, 1, 0, 1)
    assert [Engagement.unpack(w).persona_id for w in pack_all([a, b])] == [2, 5]
    with pytest.raises(ReportError, match="twice"):
        pack_all([a, a])
    with pytest.raises(ReportError, match="ascend"):
        check_words([a.pack(), b.pack()])
    with pytest.raises(ReportError, match="persona id 0"):
        check_words([a.pack() & (2**224 - 1)])


def test_decode_stored():
    e = Engagement(9, 10, 11, 12, 13, -14, 15)
    stored = (1_800_000_000 << 224) | (e.pack() & (2**224 - 1)) | (5_999 << 40)  # E in bits 55..40
    assert decode_stored(stored) == {
        "views": 10,
        "likes": 11,
        "shares": 12,
        "comments": 13,
        "sentiment_bps": -14,
        "observed_at": 15,
        "updated_at": 1_800_000_000,
        "engagement": 5_999,
    }
    assert decode_stored(0)["updated_at"] == 0
    assert decode_logged(e.pack() | (77 << 40)) == (e, 77)


@given(
    st.lists(engagements, max_size=6, unique_by=lambda e: e.persona_id),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**64 - 1),
)
def test_digest_matches_eth_account_typed_data(items, version, epoch):
    words = pack_all(items)
    for primary, digest in (
        ("Report", Report(version, epoch, tuple(words)).digest(DOMAIN)),
        ("Observation", observation_digest(DOMAIN, version, epoch, words)),
    ):
        signable = encode_typed_data(full_message=DOMAIN.typed_data(primary, version, epoch, words))
        assert keccak(b"\x19" + signable.version + signable.header + signable.body) == digest


def test_report_and_observation_digests_differ():
    words = pack_all([Engagement(1, 1, 1, 1, 1, 0, 1)])
    assert Report(1, 1, tuple(words)).digest(DOMAIN) != observation_digest(DOMAIN, 1, 1, words)
    assert Report(1, 1, tuple(words)).digest(DOMAIN) != Report(1, 1, tuple(words)).digest(
        Domain(1, DOMAIN.verifying_contract)
    )


@given(st.binary(min_size=32, max_size=32))
def test_compact_signatures_recover(digest):
    account = Account.from_key(b"\x01" * 32)
    sig = sign_digest(account, digest)
    assert recover(digest, sig) == account.address
    assert CompactSignature.from_hex(sig.to_hex()) == sig
    assert (
        int.from_bytes(sig.vs, "big") & (2**255 - 1)
        <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
    )


def test_recover_rejects_malformed():
    with pytest.raises(ReportError):
        CompactSignature.from_hex("0x1234")
    with pytest.raises(ReportError, match="out of range"):
        recover(b"\0" * 32, CompactSignature(b"\0" * 32, b"\0" * 32))


def test_report_json_roundtrip():
    r = Report(3, 99, tuple(pack_all([Engagement(1, 1, 2, 3, 4, 5, 6)])))
    assert Report.from_json(r.to_json()) == r
