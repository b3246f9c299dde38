"""The operator API in process: every endpoint's answers, malformed requests get a 4xx with
a clear message (never a 5xx), the signing rules, and a schemathesis run over the
service's own OpenAPI document (bounded examples)."""

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from oracle_fakes import EPOCH, SIGNERS, make_service, proposal, snapshot

from oracle.node.app import create_app
from oracle.node.models import SignedObservation
from oracle.report import CompactSignature, recover


@pytest.fixture
def services(tmp_path):
    return [make_service(i, tmp_path) for i in range(4)]


@pytest.fixture
def client(services):
    with TestClient(create_app(services[1], background=False), raise_server_exceptions=False) as c:
        yield c


def test_health_and_metrics(client, services):
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["operator_index"] == 1 and h["signer"] == SIGNERS[1].address
    assert h["epoch"] == EPOCH and h["chain"]["committee_size"] == 4
    client.get(f"/observation/{EPOCH}")
    m = client.get("/metrics")
    assert m.status_code == 200 and m.headers["content-type"].startswith("text/plain")
    for name in (
        "fame_oracle_observations_total 1.0",
        "fame_oracle_reports_signed_total",
        "fame_oracle_rpc_errors_total",
        "fame_oracle_transmits_total",
        "fame_oracle_last_epoch",
        "fame_oracle_current_epoch",
    ):
        assert name in m.text


def test_observation_is_signed_by_the_operator(client, services):
    r = client.get(f"/observation/{EPOCH}")
    assert r.status_code == 200
    obs = SignedObservation.model_validate(r.json())
    assert obs.operator_index == 1 and obs.epoch == EPOCH and len(obs.observations) == 3
    engagements = services[0].verify_observation(obs, services[0].chain.snapshot, EPOCH, 1)
    assert set(engagements) == {1, 2, 3}
    assert client.get(f"/observation/{EPOCH}").json() == r.json()  # made once per epoch


@pytest.mark.parametrize(
    "path, status, words",
    [
        (f"/observation/{EPOCH + 1}", 409, "has not started"),
        (f"/observation/{EPOCH - 3}", 409, "is over"),
        ("/observation/-1", 422, "greater than or equal to 0"),
        ("/observation/abc", 422, "valid integer"),
        (f"/observation/{2**64}", 422, "less than or equal"),
        ("/observation/", 404, "Not Found"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_observation_bad_requests(client, path, status, words):
    r = client.get(path)
    assert r.status_code == status
    assert words in r.json()["detail"]


def test_sign_happy_path_and_idempotence(services, client):
    report, request = proposal(services)
    body = request.model_dump(mode="json")
    r = client.post("/sign", json=body)
    assert r.status_code == 200, r.text
    answer = r.json()
    digest = report.digest(services[1].chain.snapshot.domain)
    assert answer["digest"] == "0x" + digest.hex()
    assert recover(digest, CompactSignature.from_hex(answer["signature"])) == SIGNERS[1].address
    assert client.post("/sign", json=body).json() == answer  # same report again: same signature


def test_sign_refuses_a_second_report_for_the_epoch(services, client):
    _, first = proposal(services)
    assert client.post("/sign", json=first.model_dump(mode="json")).status_code == 200
    _, other = proposal(services, personas=[1, 2])
    r = client.post("/sign", json=other.model_dump(mode="json"))
    assert r.status_code == 409 and "already signed a different report" in r.json()["detail"]


def test_sign_refuses_what_is_not_from_the_leader(services, client):
    _, request = proposal(services, leader=(EPOCH + 1) % 4)
    r = client.post("/sign", json=request.model_dump(mode="json"))
    assert r.status_code == 403 and "leader" in r.json()["detail"]


def test_sign_refuses_values_that_are_not_the_medians(services, client):
    _, request = proposal(services)
    body = request.model_dump(mode="json")
    body["attestations"] = body["attestations"][:2]
    r = client.post("/sign", json=body)
    assert r.status_code == 422 and "needs 3" in r.json()["detail"]
    _, request = proposal(services)
    body = request.model_dump(mode="json")
    body["attestations"][0]["observations"][0] = hex(int(body["attestations"][0]["observations"][0], 16) + (1 << 176))
    r = client.post("/sign", json=body)
    assert r.status_code == 422 and "not signed by its signer" in r.json()["detail"]
    body = request.model_dump(mode="json")
    body["attestations"].append(body["attestations"][0])
    r = client.post("/sign", json=body)
    assert r.status_code == 422 and "attested twice" in r.json()["detail"]


def test_sign_refuses_outside_tolerance(tmp_path):
    services = [make_service(i, tmp_path) for i in range(3)] + [make_service(3, tmp_path, faults=["lie-x1000"])]
    _, request = proposal(services)  # medians are honest: the liar is outvoted
    with TestClient(create_app(services[3], background=False)) as liar:
        r = liar.post("/sign", json=request.model_dump(mode="json"))
    assert r.status_code == 422 and "tolerance" in r.json()["detail"]
    with TestClient(create_app(services[2], background=False)) as honest:
        assert honest.post("/sign", json=request.model_dump(mode="json")).status_code == 200


def test_sign_refuses_stale_or_wrong_config(services, client):
    _, request = proposal(services)
    body = request.model_dump(mode="json")
    services[1].chain.set(latest_epoch=EPOCH)
    r = client.post("/sign", json=body)
    assert r.status_code == 409 and "not above the chain's latest epoch" in r.json()["detail"]
    services[1].chain.set(latest_epoch=0, config_version=2)
    r = client.post("/sign", json=body)
    assert r.status_code == 409 and "config version" in r.json()["detail"]


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda b: b.pop("report"), "report: Field required"),
        (lambda b: b.update(extra=1), "extra: Extra inputs are not permitted"),
        (lambda b: b["report"].update(epoch=-5), "report.epoch"),
        (lambda b: b["report"].update(observations=[]), "report.observations"),
        (lambda b: b["report"].update(observations=["0xzz"]), "report.observations.0"),
        (lambda b: b["report"].update(observations=["0x" + "1" * 65]), "report.observations.0"),
        (lambda b: b.update(leader_signature="0x00"), "leader_signature"),
        (lambda b: b.update(attestations=[]), "attestations"),
        (lambda b: b["attestations"][0].update(operator_index=99), "attestations.0.operator_index"),
        (lambda b: b["report"].update(observations=[hex(7 << 40 | 1 << 224)]), "malformed report: reserved bits"),
        (lambda b: b["report"].update(observations=["0x1", "0x1"]), "malformed report"),
    ],
)
def test_sign_malformed_bodies(services, client, mutate, words):
    _, request = proposal(services)
    body = request.model_dump(mode="json")
    mutate(body)
    r = client.post("/sign", json=body)
    assert r.status_code == 422, r.text
    assert words in r.json()["detail"]


@pytest.mark.parametrize(
    "content, headers",
    [
        (b"{not json", {"content-type": "application/json"}),
        (b"", {"content-type": "application/json"}),
        (b"[1, 2]", {"content-type": "application/json"}),
        (b"report=1", {"content-type": "application/x-www-form-urlencoded"}),
    ],
)
def test_sign_garbage(client, content, headers):
    r = client.post("/sign", content=content, headers=headers)
    assert 400 <= r.status_code < 500 and r.json()["detail"]


def test_wrong_methods(client):
    assert client.get("/sign").status_code == 405
    assert client.post(f"/observation/{EPOCH}").status_code == 405


def test_chain_never_read_is_503_not_500(tmp_path):
    svc = make_service(0, tmp_path)
    svc.chain._snapshot = None
    with TestClient(create_app(svc, background=False), raise_server_exceptions=False) as c:
        r = c.get(f"/observation/{EPOCH}")
        assert r.status_code == 503 and "has not been read" in r.json()["detail"]
        assert c.get("/health").json()["status"] == "degraded"


# ---------------------------------------------------------------- schemathesis over the OpenAPI document


def _fuzz_app():
    """Operator 2 of the fake committee; its SQLite file in a fresh temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="fame-oracle-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return create_app(make_service(2, folder, snap=snapshot()), background=False)


schema = schemathesis.openapi.from_asgi("/openapi.json", _fuzz_app())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_openapi(case):
    """No request generated from the schema (valid or not) gets a 5xx or an undocumented answer."""
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
