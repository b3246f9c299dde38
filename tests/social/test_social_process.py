"""The social service as a real process (`python -m social`) behind uvicorn, over HTTP.

Invariants: a process killed outright (SIGKILL) loses nothing it acknowledged and a restart
counts nothing twice (the same likes, views and runtime posts again change no total); with
PostgreSQL going away under a running service, requests are 503 with Retry-After and write
nothing, and when it is back the service goes on without a restart and without losing what
it had accepted.
"""

from __future__ import annotations

import signal
import time
from contextlib import closing

import httpx
import pytest
from social_helpers import CID, DOMAIN, OPERATOR, ServiceProcess, fan, sign_in


def sign_in_to(proc: ServiceProcess, i: int) -> httpx.Client:
    c = proc.client()
    domain = proc.url.removeprefix("http://")
    r = sign_in(c, fan(i), domain=domain, uri=proc.url + "/")
    assert r.status_code == 200, r.text
    assert domain != DOMAIN
    return c


def engagement(url: str, at: int) -> dict:
    r = httpx.get(f"{url}/api/engagement", params={"at": at}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def seed(proc: ServiceProcess) -> tuple[int, int]:
    with proc.client() as op:
        persona = op.post("/api/operator/personas", json={"name": "Nova Lumen"}, headers=OPERATOR).json()
        body = {"persona_id": persona["id"], "body": "first light", "manifest_cid": CID, "idempotency_key": "p1"}
        post = op.post("/api/runtime/posts", json=body, headers=OPERATOR).json()
    return persona["id"], post["id"]


def interact(proc: ServiceProcess, persona_id: int, post_id: int, fans: range) -> None:
    for i in fans:
        with closing(sign_in_to(proc, i)) as c:
            assert c.get(f"/api/posts/{post_id}").status_code == 200
            assert c.post(f"/api/posts/{post_id}/like").status_code == 200
            assert c.post(f"/api/posts/{post_id}/comments", json={"body": "so beautiful"}).status_code == 200
            assert c.post(f"/api/personas/{persona_id}/follow").status_code == 200


def test_a_killed_service_loses_nothing_and_a_restart_counts_nothing_twice(tmp_path):
    proc = ServiceProcess(f"sqlite:///{tmp_path / 'social.db'}", tmp_path).start()
    try:
        persona_id, post_id = seed(proc)
        interact(proc, persona_id, post_id, range(3))
        at = int(time.time())
        before = engagement(proc.url, at)  # the service waits until `at` is settled
        assert proc.stop(signal.SIGKILL) == -signal.SIGKILL
        proc.start()
        assert engagement(proc.url, at) == before
        # the same fans doing the same again, and the runtime retrying its post: no total moves
        interact_again = range(3)
        for i in interact_again:
            with closing(sign_in_to(proc, i)) as c:
                c.get(f"/api/posts/{post_id}")
                c.post(f"/api/posts/{post_id}/like")
                c.post(f"/api/personas/{persona_id}/follow")
        with proc.client() as op:
            body = {"persona_id": persona_id, "body": "first light", "manifest_cid": CID, "idempotency_key": "p1"}
            assert op.post("/api/runtime/posts", json=body, headers=OPERATOR).json()["id"] == post_id
        now = engagement(proc.url, int(time.time()))["personas"][str(persona_id)]
        old = before["personas"][str(persona_id)]
        assert (now["views"], now["likes"], now["follows"], now["comments"]) == (3, 3, 3, 3)
        assert (old["views"], old["likes"], old["follows"], old["comments"]) == (3, 3, 3, 3)
        assert proc.stop(signal.SIGTERM) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it stopped on
    finally:
        if proc.proc is not None:
            proc.stop(signal.SIGKILL)


def test_postgres_going_away_is_503_and_nothing_accepted_is_lost(tmp_path, postgres):
    name = postgres.create_database()
    proc = ServiceProcess(postgres.url(name), tmp_path).start()
    try:
        persona_id, post_id = seed(proc)
        alice = sign_in_to(proc, 1)
        assert alice.post(f"/api/posts/{post_id}/like").json()["likes"] == 1
        postgres.stop()
        try:
            r = alice.post(f"/api/posts/{post_id}/share")
            assert r.status_code == 503 and r.headers["Retry-After"], r.text
            assert "unavailable" in r.json()["detail"]
            assert alice.get(f"/api/personas/{persona_id}").status_code == 503
            assert httpx.get(f"{proc.url}/health", timeout=10).json()["ok"] is False
        finally:
            postgres.start()
        view = None
        for _ in range(50):  # the pool reconnects on its own
            r = alice.get(f"/api/posts/{post_id}")
            if r.status_code == 200:
                view = r.json()
                break
            time.sleep(0.2)
        assert view is not None and (view["likes"], view["shares"], view["liked"]) == (1, 0, True)
        assert alice.post(f"/api/posts/{post_id}/share").json()["shares"] == 1
        alice.close()
    finally:
        if proc.proc is not None:
            proc.stop(signal.SIGTERM)
        postgres.drop_database(name)


@pytest.mark.parametrize("argv", [["--help"]])
def test_python_m_social_has_the_documented_options(argv):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "social", *argv], capture_output=True, text=True, check=True)
    for option in ("--host", "--port", "--database-url", "--no-chain"):
        assert option in out.stdout
