"""Fr arithmetic and the FFTs over its 2-adic subgroup."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zk import fft, field
from zk.field import R

felt = st.integers(min_value=0, max_value=R - 1)
nonzero = st.integers(min_value=1, max_value=R - 1)


def test_constants_match_the_snarkjs_convention():
    assert field.S == 28 and field.NQR == 5
    assert (R - 1) % (1 << 28) == 0
    for k in range(1, 29):
        w = field.ROOTS[k]
        assert pow(w, 1 << k, R) == 1 and pow(w, 1 << (k - 1), R) == R - 1
        assert field.ROOTS[k - 1] == w * w % R
    assert pow(field.NQR, (R - 1) // 2, R) == R - 1


@given(nonzero)
def test_inverse(a):
    assert a * field.inv(a) % R == 1


def test_inverse_of_zero_raises():
    with pytest.raises(ZeroDivisionError):
        field.inv(0)


@given(st.lists(felt, min_size=0, max_size=40))
def test_batch_inverse(values):
    out = field.batch_inv(values)
    assert out == [field.inv(v) if v else 0 for v in values]


@given(felt)
def test_sqrt(a):
    sq = a * a % R
    r = field.sqrt(sq)
    assert r is not None and r * r % R == sq
    if not field.is_square(a):
        assert field.sqrt(a) is None


@given(st.lists(felt, min_size=1, max_size=64).map(lambda v: v[: 1 << (len(v).bit_length() - 1)]))
def test_fft_inverse_is_identity(values):
    assert [int(x) for x in fft.ifft(fft.fft(values))] == values
    assert [int(x) for x in fft.fft(fft.ifft(values))] == values


@given(st.integers(min_value=0, max_value=4), st.randoms(use_true_random=False))
def test_fft_evaluates_the_polynomial(log_n, rnd):
    n = 1 << log_n
    coeffs = [rnd.randrange(R) for _ in range(n)]
    w = field.ROOTS[log_n]
    assert [int(x) for x in fft.fft(coeffs)] == [fft.poly_eval(coeffs, pow(w, i, R)) for i in range(n)]


@given(st.integers(min_value=0, max_value=6), st.randoms(use_true_random=False))
def test_odd_coset_by_convolution_equals_snarkjs_route(log_n, rnd):
    """The product-based evaluation on the odd coset equals ifft -> scale -> fft (snarkjs)."""
    n = 1 << log_n
    evals = [rnd.randrange(R) for _ in range(n)]
    assert [int(x) for x in fft.odd_coset_evals(evals)] == [int(x) for x in fft.odd_coset_evals_reference(evals)]


def test_coset_fft_roundtrip():
    rnd = random.Random(3)
    a = [rnd.randrange(R) for _ in range(16)]
    assert [int(x) for x in fft.coset_ifft(fft.coset_fft(a, 7), 7)] == a


def test_log2_exact_rejects():
    with pytest.raises(ValueError):
        field.log2_exact(12)
    with pytest.raises(ValueError):
        field.log2_exact(1 << 29)
