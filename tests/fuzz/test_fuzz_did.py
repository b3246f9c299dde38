"""A schemathesis run over the DID resolver's HTTP binding (`GET /1.0/identifiers/{did}`, what
the gateway and the web app mount): no DID, well formed or not, gets a 5xx other than the 501
DID Resolution prescribes for another method, or an answer its OpenAPI document does not
describe. Personas 1 (active) and 2 (retired) have a DID on chain 31337. Random strings seldom
look like a DID, so a second run draws DIDs from the grammar's neighbourhood (any method,
chain and persona ids in and out of range, leading zeros, extra segments)."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fuzz_helpers import FUZZ_SETTINGS, DidChain, call_and_validate
from hypothesis import given
from hypothesis import strategies as st

from fame.did.api import did_router

CHAIN_ID = 31337


def _fuzz_app() -> FastAPI:
    chain = DidChain(chain_id=CHAIN_ID, documents={1: "bafkreidocone", 2: "bafkreidoctwo"}, retired={2})
    resolver = chain.resolver()
    app = FastAPI(title="did:fame resolver")
    app.include_router(did_router(lambda: resolver))
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _fuzz_app())


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_did_resolver(case):
    call_and_validate(case)


_number = st.one_of(
    st.sampled_from([0, 1, 2, 3, CHAIN_ID, 2**63, 2**256 - 1, 2**256, 10**20, 10**78]).map(str),
    st.integers(min_value=0, max_value=2**300).map(str),
    st.from_regex(r"\A(0[0-9]{0,3}|-[0-9]{1,3}|[0-9]{1,3}[a-z.]|)\Z"),
)
_method = st.sampled_from(["fame", "fame", "fame", "FAME", "web", "key", "ethr", ""])
_did = st.builds(
    lambda method, chain, pid, tail: f"did:{method}:{chain}:{pid}{tail}",
    _method,
    st.one_of(st.just(str(CHAIN_ID)), _number),
    _number,
    st.sampled_from(["", "", "", ":1", "/path", "?service=x", "#controllers", "%20", "\u00e9"]),
)


@given(did=_did)
@FUZZ_SETTINGS
def test_fuzz_did_shaped_identifiers(did):
    call_and_validate(schema["/1.0/identifiers/{did}"]["GET"].Case(path_parameters={"did": did}))


@pytest.mark.parametrize(
    ("did", "status"),
    [("did:fame:31337:1", 200), ("did:fame:31337:2", 200), ("did:fame:x:1", 400), ("did:fame:1:1", 404)]
    + [("did:fame:31337:3", 404), ("did:web:example.com", 501)],
)
def test_every_resolution_answer_is_documented(did, status):
    """Regression: the binding's 400, 404 and 501 were answered but not in the OpenAPI document,
    and no answer's media type (DID Resolution's application/ld+json profile) was."""
    response = call_and_validate(schema["/1.0/identifiers/{did}"]["GET"].Case(path_parameters={"did": did}))
    assert response.status_code == status
    assert response.headers["content-type"][0].startswith("application/ld+json")


@pytest.mark.parametrize(
    "did", ["%0A", "a%0Ab", "did:fame:31337:1%0A", "did:fame:31337:1%0D%0A", "did:fame:%0A31337:1"]
)
def test_a_line_break_is_an_invalid_did(did):
    """Regression (found by the deep budget): a DID with a line break missed the route (Starlette's
    `path` is `.*`) and got the router's 404, JSON but not DID Resolution's; and with the route
    taking it, `did:fame:31337:1` and a final line break resolved to the document of
    did:fame:31337:1 (the DID pattern ended in `$`). The DIDs are written as sent (percent-encoded:
    a URL parser drops raw line breaks)."""
    response = call_and_validate(schema["/1.0/identifiers/{did}"]["GET"].Case(path_parameters={"did": did}))
    assert response.status_code == 400
    assert response.json()["didResolutionMetadata"]["error"] == "invalidDid"
