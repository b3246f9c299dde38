"""A schemathesis run over the social service's OpenAPI document: no request generated from
it, valid or not, gets a 5xx or an answer the document does not describe. The operator
token is sent, so the runtime, moderation and operator endpoints are explored past their
401; a persona and a post exist, so ids hit real rows now and then. (ActivityPub's routes
have their own tests.)"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from social_helpers import OPERATOR, Clock, make_service, runtime_post

from social.api.app import create_app


def _fuzz_app():
    folder = Path(tempfile.mkdtemp(prefix="fame-social-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    service = make_service(f"sqlite:///{folder / 'social.db'}", clock=Clock())
    app = create_app(service, background=False, federation=False)
    with TestClient(app) as c:
        c.post("/api/operator/personas", json={"name": "Nova Lumen"}, headers=OPERATOR)
        runtime_post(c, 1, "seed")
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _fuzz_app()).include(path_regex=r"^/(api|health)")


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_openapi(case):
    case.call_and_validate(headers=OPERATOR, excluded_checks=[schemathesis.checks.positive_data_acceptance])
