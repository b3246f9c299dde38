"""Moderation, handles and the rate limiter on their own (no database, no HTTP).

Invariants: profanity from the better_profanity list is caught on whole words, through the
usual character swaps, but not inside innocent words; very negative text is held, plain
criticism is not; the score is VADER's compound in basis points; handles are the name folded
to [a-z0-9_]{1,30} and unique by the persona's id; the limiter allows `per_minute` writes in
any 60 seconds and says how long to wait."""

from __future__ import annotations

import time

import pytest

from fame.moderation import moderate, profane_phrase, sentiment_bps
from social.handles import base_handle, derive_handle, is_handle
from social.ratelimit import RateLimiter
from social.terms import EMOTIONS


@pytest.mark.parametrize("text", ["what a shit day", "you are a b1tch", "F U C K", "sh!t", "two girls 1 cup"])
def test_profanity_is_held(text):
    verdict = moderate(text)
    assert verdict.held and "word list" in str(verdict.reason)


@pytest.mark.parametrize("text", ["Scunthorpe is lovely", "I assume so", "this could be better", "a class act"])
def test_innocent_words_and_mild_criticism_are_shown(text):
    assert moderate(text).reason is None


def test_very_negative_text_is_held_with_its_score():
    verdict = moderate("I hate you, you are awful and disgusting")
    assert verdict.held and "very negative" in str(verdict.reason) and verdict.sentiment_bps < -7500
    assert sentiment_bps("I love it, wonderful!") > 5000 and sentiment_bps("") == 0


def test_a_long_comment_is_checked_quickly():
    started = time.monotonic()
    moderate("a perfectly nice comment about the city lights " * 25)
    assert time.monotonic() - started < 0.2
    assert profane_phrase("fine words " * 100 + "shit") == "shit"


def test_handles_are_derived_from_the_name_and_unique():
    assert base_handle("Nova Lumen", 1) == "nova_lumen"
    assert base_handle("  Ñova—Lümen ✨ ", 1) == "nova_lumen"
    assert base_handle("✨✨", 9) == "persona_9"
    assert len(base_handle("x" * 64, 1)) == 30 and is_handle(base_handle("A very long name " * 4, 1))
    assert derive_handle("Nova Lumen", 7, {"nova_lumen"}) == "nova_lumen_7"
    assert derive_handle("x" * 64, 12345, {"x" * 30}) == "x" * 24 + "_12345"
    assert derive_handle("Nova", 7, {"nova", "nova_7"}) == "persona_7"
    assert not is_handle("Nova") and not is_handle("") and not is_handle("a" * 31)


def test_the_limiter_allows_per_minute_then_says_when():
    now = [1000.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.check("a") for _ in range(3)] == [None, None, None]
    assert limiter.check("a") == 60 and limiter.check("b") is None
    now[0] += 30
    assert limiter.check("a") == 30
    now[0] += 30.5
    assert limiter.check("a") is None


def test_the_emotions_are_the_ai_workers():
    from ai_worker.emotions import EMOTIONS as WORKER_EMOTIONS  # the list the runtime writes from

    assert EMOTIONS == WORKER_EMOTIONS
