"""A schemathesis run over the social service's API as a signed-in fan: the session cookie of
a Sign-In with Ethereum (a real eth_account key) goes with every request, beside the operator
token, so the fan's own endpoints (reactions, comments, follows, ratings, their own session)
are explored past their 401 (tests/social/test_social_fuzz.py runs the same document with the
operator token alone). A persona, a post and a comment exist, so ids hit real rows now and
then. No request may get a 5xx or an answer the document does not describe."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from fuzz_helpers import FUZZ_SETTINGS, call_and_validate
from schemathesis.config import SchemathesisConfig
from social_helpers import OPERATOR, TOKEN, Clock, fan, make_service, runtime_post, sign_in

from social.api.app import create_app

FAN = fan(7)


def _fuzz_app():
    folder = Path(tempfile.mkdtemp(prefix="fame-social-session-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    clock = Clock()
    service = make_service(f"sqlite:///{folder / 'social.db'}", clock=clock)
    app = create_app(service, background=False, federation=False)
    with TestClient(app) as c:
        c.post("/api/operator/personas", json={"name": "Nova Lumen"}, headers=OPERATOR)
        post = runtime_post(c, 1, "seed")
        r = sign_in(c, FAN, issued_at=clock())
        assert r.status_code == 200, r.text
        cookie = c.cookies.get("fame_session")
        c.post(f"/api/posts/{post['id']}/comments", json={"body": "lovely"})
    assert cookie
    return app, cookie


APP, COOKIE = _fuzz_app()
# The credentials as the document's security schemes: schemathesis then leaves them out of the
# cases that test a missing or wrong one (each must be a 401), and sends them with the others.
CREDENTIALS = SchemathesisConfig.from_dict(
    {"auth": {"openapi": {"APIKeyCookie": {"api_key": COOKIE}, "HTTPBearer": {"bearer": TOKEN}}}}
)
# Left to the operator-token run of tests/social: logging out (this run would lose its session at
# the first one) and signing in (a session changes nothing there, and each try parses a SIWE
# message with the ERC-4361 grammar: the slowest operation by far).
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", APP, config=CREDENTIALS)
    .include(path_regex=r"^/(api|health)")
    .exclude(path=["/api/auth/logout", "/api/auth/verify"])
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_social_signed_in(case):
    call_and_validate(case)


def test_the_fuzzed_session_is_signed_in():
    """The run above is a signed-in one: the cookie names the fan."""
    case = schema["/api/auth/me"]["GET"].Case()
    me = call_and_validate(case, cookies={"fame_session": COOKIE}).json()
    assert me["address"] == FAN.address
