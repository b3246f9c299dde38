"""A schemathesis run over the web app's own read endpoints: the event index
(`/api/index/status`, `/events`, `/holders/{persona_id}`), the content-credentials check
(`/api/credentials/{cid}`) and `/config.json`: no request gets a 5xx or an answer the OpenAPI
document does not describe. The index holds a few rows (a persona, share transfers, a vote) and
the store a file, so filters and ids match something now and then. Not here: the gateway and
the DID resolver it mounts (their own modules), the proxies to the social and live services
(those services are fuzzed themselves), and the endpoints that write or need a chain."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from fuzz_helpers import FUZZ_SETTINGS, call_and_validate
from hypothesis import given
from hypothesis import strategies as st

from fame.ipfs.store import BlockStore
from stack.web.app import create_app

NOBODY = "http://127.0.0.1:9"  # the discard port: no chain, no social service, no live server
ALICE, BOB = "0x" + "a1" * 20, "0x" + "b0" * 20
ZERO = "0x" + "00" * 20


def _rows() -> list[tuple]:
    def row(block, contract, event, persona=None, proposal=None, account=None, **args):
        return (block, 0, "0x" + f"{block:064x}", 1_700_000_000 + block, contract, event, persona, proposal, account,
                json.dumps(args), 0)  # fmt: skip

    return [
        row(1, "PersonaRegistry", "PersonaRegistered", 1, persona_id="1", share_token="0x" + "5a" * 20),
        row(2, "PersonaShare", "Transfer", 1, sender=ZERO, receiver=ALICE, value="1000"),
        row(3, "PersonaShare", "Transfer", 1, sender=ALICE, receiver=BOB, value="250"),
        row(4, "FameGovernor", "VoteCast", None, "42", ALICE, voter=ALICE, proposalId="42", support="1"),
    ]


def _web_app(built: bool = True):
    folder = Path(tempfile.mkdtemp(prefix="fame-web-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    store = BlockStore(folder / "store", fsync=False)
    if built:  # the frontend, as `make up` serves it
        (folder / "dist").mkdir()
        (folder / "dist" / "index.html").write_text("<!doctype html><title>FameEngine</title>")
    app = create_app(
        store, rpc_url=NOBODY, public_url="http://fame.test", index_path=folder / "index.sqlite",
        dist=folder / "dist", follow=False, social_url=NOBODY, live_url=NOBODY,
    )  # fmt: skip
    return app, store


def _fuzz_app():
    app, store = _web_app()
    cid = str(store.add(b'{"name": "Nova Lumen"}\n'))
    app.state.index.reset("fuzz", 1)
    app.state.index.append(_rows(), 5)
    return app, cid


APP, CID = _fuzz_app()
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", APP)
    # one include: its conditions all hold (separate ones would add up)
    .include(path_regex=r"^/(config\.json|api/index/|api/credentials/)", method="GET")
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_web_read_endpoints(case):
    call_and_validate(case)


_id = st.one_of(st.integers(-2, 6), st.sampled_from([2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1]))


@given(
    persona_id=st.one_of(st.none(), _id),
    proposal_id=st.one_of(st.none(), st.sampled_from(["42", "0", "1" * 78, "1" * 79, "-1", "x"])),
    account=st.one_of(st.none(), st.sampled_from([ALICE, ALICE.upper(), BOB, "", "x"])),
    contract=st.one_of(st.none(), st.sampled_from(["PersonaShare", "FameGovernor", "", "Nope"])),
    limit=st.one_of(st.none(), _id, st.sampled_from([1000, 1001])),
    order=st.sampled_from([None, "asc", "desc", "ASC", ""]),
)
@FUZZ_SETTINGS
def test_fuzz_index_queries(persona_id, proposal_id, account, contract, limit, order):
    """The index's filters with values around their ranges' ends (the schema's own strategies
    seldom reach 2**63 or a real persona id)."""
    query = {"persona_id": persona_id, "proposal_id": proposal_id, "account": account, "contract": contract}
    query.update(limit=limit, order=order)
    query = {k: v for k, v in query.items() if v is not None}
    call_and_validate(schema["/api/index/events"]["GET"].Case(query=query))
    if persona_id is not None:
        holders = {"limit": limit} if limit is not None else {}
        case = schema["/api/index/holders/{persona_id}"]["GET"].Case(path_parameters={"persona_id": persona_id})
        case.query = holders
        call_and_validate(case)


@given(
    cid=st.one_of(st.just(CID), st.sampled_from(["bafy", "Qm", CID[:-1], "f01551220" + "00" * 32])),
    worker=st.one_of(st.none(), st.just(ALICE), st.sampled_from(["0x12", ALICE + "0"])),
)
@FUZZ_SETTINGS
def test_fuzz_credentials_of_stored_files(cid, worker):
    case = schema["/api/credentials/{cid}"]["GET"].Case(path_parameters={"cid": cid})
    case.query = {"worker": worker} if worker is not None else {}
    call_and_validate(case)


def test_credentials_of_an_unknown_cid_is_a_documented_404():
    response = call_and_validate(schema["/api/credentials/{cid}"]["GET"].Case(path_parameters={"cid": "0"}))
    assert response.status_code == 404 and "no content 0" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/nowhere"), ("TRACE", "/config.json")])
def test_no_500_before_the_frontend_is_built(method, path):
    app, _ = _web_app(built=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.request(method, path).status_code == (404 if method == "GET" else 405)
