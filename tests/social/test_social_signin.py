"""Sign-In with Ethereum against the service, with real signatures from eth_account keys.

Invariants: a message signs in only with a nonce this service issued, once (a replay is
401), for this service's domain, URI and chain, issued within the last 10 minutes and not
expired; the session is an HttpOnly SameSite=Lax cookie whose token the database never
stores; every refusal is 401 with the reason in `detail`.
"""

from __future__ import annotations

import hashlib
import time

import pytest
from fastapi.testclient import TestClient
from social_helpers import CHAIN_ID, ORIGIN, fan, make_service, sign, sign_in, siwe_message
from sqlalchemy import select

from social.api.app import create_app
from social.store.models import Session


@pytest.fixture
def service(tmp_path):
    s = make_service(f"sqlite:///{tmp_path / 'social.db'}")
    yield s
    s.close()


@pytest.fixture
def client(service):
    with TestClient(create_app(service, background=False, federation=False)) as c:
        yield c


def test_a_signed_message_opens_a_session_in_an_http_only_lax_cookie(client, service):
    alice = fan(1)
    r = sign_in(client, alice)
    assert r.status_code == 200 and r.json() == {"address": alice.address}
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("fame_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the test origin is http
    assert client.get("/api/auth/me").json() == {"address": alice.address}
    token = client.cookies["fame_session"]
    with service.db.sessions() as db:
        (row,) = db.scalars(select(Session))
    assert row.id == hashlib.sha256(token.encode()).hexdigest() and token not in row.id
    assert row.address == alice.address


def test_logout_ends_the_session(client):
    sign_in(client, fan(1))
    assert client.post("/api/auth/logout").json() == {"address": None}
    assert client.get("/api/auth/me").json() == {"address": None}


def test_a_replayed_message_is_refused(client):
    alice = fan(1)
    nonce = client.post("/api/auth/nonce").json()["nonce"]
    message = siwe_message(alice.address, nonce)
    body = {"message": message, "signature": sign(alice, message)}
    assert client.post("/api/auth/verify", json=body).status_code == 200
    again = client.post("/api/auth/verify", json=body)
    assert again.status_code == 401 and "replayed" in again.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"domain": "evil.example"}, "wrong domain"),
        ({"uri": "http://evil.example/"}, "wrong URI"),
        ({"chain_id": 1}, "wrong chain"),
        ({"issued_at": time.time() - 3600}, "stale"),
        ({"issued_at": time.time() + 3600}, "in the future"),
        ({"expires_at": time.time() - 1}, "expired"),
    ],
)
def test_a_message_for_another_place_or_time_is_refused(client, fields, reason):
    r = sign_in(client, fan(2), **fields)
    assert r.status_code == 401 and reason in r.json()["detail"], r.text
    assert client.get("/api/auth/me").json() == {"address": None}


def test_a_refused_message_does_not_burn_the_nonce(client):
    alice = fan(1)
    nonce = client.post("/api/auth/nonce").json()["nonce"]
    wrong = siwe_message(alice.address, nonce, chain_id=CHAIN_ID + 1)
    assert client.post("/api/auth/verify", json={"message": wrong, "signature": sign(alice, wrong)}).status_code == 401
    good = siwe_message(alice.address, nonce)
    assert client.post("/api/auth/verify", json={"message": good, "signature": sign(alice, good)}).status_code == 200


def test_someone_elses_signature_or_a_forged_nonce_is_refused(client):
    alice, mallory = fan(1), fan(66)
    nonce = client.post("/api/auth/nonce").json()["nonce"]
    message = siwe_message(alice.address, nonce)
    r = client.post("/api/auth/verify", json={"message": message, "signature": sign(mallory, message)})
    assert r.status_code == 401 and "does not match" in r.json()["detail"]
    made_up = siwe_message(alice.address, "NotIssuedByTheService1")
    r = client.post("/api/auth/verify", json={"message": made_up, "signature": sign(alice, made_up)})
    assert r.status_code == 401 and "unknown nonce" in r.json()["detail"]


def test_an_expired_nonce_is_refused(client, service):
    alice = fan(1)
    nonce = client.post("/api/auth/nonce").json()["nonce"]
    service.clock.advance(service.cfg.nonce_ttl_s + 1)  # type: ignore[attr-defined]
    message = siwe_message(alice.address, nonce, issued_at=service.clock())
    r = client.post("/api/auth/verify", json={"message": message, "signature": sign(alice, message)})
    assert r.status_code == 401 and "nonce has expired" in r.json()["detail"]


@pytest.mark.parametrize("message", ["hello", "", "x" * 5000], ids=["words", "empty", "too-long"])
def test_garbage_is_a_401_or_422_not_a_crash(client, message):
    r = client.post("/api/auth/verify", json={"message": message, "signature": "0xzz"})
    assert r.status_code in (401, 422)


def test_a_session_ends_when_the_message_expires(client, service):
    r = sign_in(client, fan(3), expires_at=time.time() + 120)
    assert r.status_code == 200
    max_age = int(r.headers["set-cookie"].split("Max-Age=")[1].split(";")[0])
    assert 0 < max_age <= 120  # the session lasts no longer than the signed message
    service.clock.advance(200)  # type: ignore[attr-defined]
    assert client.get("/api/auth/me").json() == {"address": None}


def test_the_origin_decides_the_domain(tmp_path):
    service = make_service(f"sqlite:///{tmp_path / 'o.db'}", public_url="https://fans.example/")
    try:
        with TestClient(create_app(service, background=False, federation=False)) as c:
            r = sign_in(c, fan(1), domain="fans.example", uri="https://fans.example/social/")
            assert r.status_code == 200 and "Secure" in r.headers["set-cookie"]
            assert sign_in(c, fan(1)).status_code == 401  # the default test origin is not this one
    finally:
        service.close()
    assert ORIGIN != "https://fans.example"
