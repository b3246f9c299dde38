"""Persona runtime against the real social service, both as processes over HTTP:
`python -m social` on a temporary SQLite database and `python -m ai_worker.runtime`, which is
SIGKILLed in the middle of a batch of replies and started again. Every comment gets exactly
one reply, the scheduled post is not doubled, the runtime's texts pass the service's
moderation, and the persona's emotion follows what the fans wrote."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from test_runtime_loop import runtime_env, start_runtime

from fame.config import PROJECT_ROOT
from fame.procs import free_port, wait_until

TOKEN = "test-operator-token"
OPERATOR = {"Authorization": f"Bearer {TOKEN}"}
SOCIAL_APP = PROJECT_ROOT / "social" / "api" / "app.py"

pytestmark = pytest.mark.skipif(
    not (PROJECT_ROOT / "social" / "__main__.py").is_file() or not SOCIAL_APP.is_file(),
    reason="the social service (social/api/app.py, python -m social) is not in this tree yet",
)


class Social:
    """`python -m social --no-chain` on a free port and a SQLite file, in its own process group."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "social.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
        env.update(
            FAME_STATE_DIR=str(folder / "social-state"),
            FAME_SOCIAL_PUBLIC_URL=self.url,
            FAME_SOCIAL_OPERATOR_TOKEN=TOKEN,
            FAME_SOCIAL_WRITES_PER_MINUTE="1000",
        )
        argv = [sys.executable, "-m", "social", "--no-chain", "--port", str(self.port)]
        argv += ["--database-url", f"sqlite:///{self.db}", "--log-level", "warning"]
        self.log = folder / "social.log"
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=open(self.log, "ab"),  # noqa: SIM115 - the child holds its own descriptor
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

        def healthy() -> bool:
            try:
                return bool(httpx.get(f"{self.url}/health", timeout=1).json().get("ok"))
            except (httpx.HTTPError, ValueError):
                return False

        wait_until(healthy, 60, "the social service", self.proc, self.log)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def rows(self, sql: str, *args: object) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()


def siwe(domain: str, uri: str, address: str, nonce: str) -> str:
    issued = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return "\n".join(
        [
            f"{domain} wants you to sign in with your Ethereum account:",
            address,
            "",
            "Sign in to FameEngine",
            "",
            f"URI: {uri}",
            "Version: 1",
            "Chain ID: 31337",
            f"Nonce: {nonce}",
            f"Issued At: {issued}",
        ]
    )


def fan_client(social: Social, i: int) -> httpx.Client:
    from eth_account import Account
    from eth_account.messages import encode_defunct

    account = Account.from_key((0xFA1000 + i).to_bytes(32, "big"))  # test keys, never real ones
    c = httpx.Client(base_url=social.url, timeout=10)
    nonce = c.post("/api/auth/nonce").json()["nonce"]
    message = siwe(social.url.removeprefix("http://"), social.url + "/", account.address, nonce)
    signature = "0x" + account.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")
    r = c.post("/api/auth/verify", json={"message": message, "signature": signature})
    assert r.status_code == 200, r.text
    return c


@pytest.fixture
def social(tmp_path):
    s = Social(tmp_path)
    yield s
    s.stop()


def test_runtime_killed_mid_batch_answers_each_comment_once(social, tmp_path):
    with httpx.Client(base_url=social.url, timeout=10) as op:
        r = op.post("/api/operator/personas", json={"name": "Nova Lux", "handle": "nova_lux"}, headers=OPERATOR)
        assert r.status_code == 200, r.text
        persona_id = r.json()["id"]
    env = runtime_env(
        tmp_path,
        social.url,
        FAME_SOCIAL_OPERATOR_TOKEN=TOKEN,
        FAME_SOCIAL_REPLY_INTERVAL_S="0.5",  # one reply per half second: a batch takes long enough to cut
        FAME_WORKER_RUNTIME_CLAIM_BATCH="3",
    )
    log = tmp_path / "runtime.log"
    rt = start_runtime(env, log)

    def posts(kind: str) -> list[tuple]:
        return social.rows("SELECT id, in_reply_to, ai_label, status FROM posts WHERE kind = ?", kind)

    try:
        wait_until(lambda: len(posts("post")) == 1, 40, "the persona's first scheduled post", rt, log)
        post_id = posts("post")[0][0]
        comments = []
        # negative, not hostile: the service holds very negative comments for a moderator
        unhappy = [
            "Honestly disappointing, bad",
            "I miss the old posts, this one is sad",
            "Meh, disappointing and dull",
            "Kind of boring today, not your best",
        ]
        for i, text in enumerate(unhappy):
            c = fan_client(social, i)
            r = c.post(f"/api/posts/{post_id}/comments", json={"body": text})
            c.close()
            assert r.status_code == 200, r.text
            comments.append(r.json()["id"])
        wait_until(lambda: len(posts("reply")) >= 1, 30, "the first reply", rt, log)
        os.killpg(rt.pid, signal.SIGKILL)  # mid-batch: the rest of the claimed comments are leased
        rt.wait(10)
        assert len(posts("reply")) < len(comments)
        rt = start_runtime(env, log)
        wait_until(lambda: len(posts("reply")) == len(comments), 60, "every comment answered", rt, log)
        time.sleep(1.0)  # nothing more comes
        os.killpg(rt.pid, signal.SIGTERM)
        assert rt.wait(15) == 0
    finally:
        if rt.poll() is None:
            os.killpg(rt.pid, signal.SIGKILL)
            rt.wait(5)
    replies = posts("reply")
    assert sorted(r[1] for r in replies) == sorted(comments), log.read_text()[-3000:]  # one each, none twice
    assert len(posts("post")) == 1  # the restart did not post the slot again
    assert all(r[2] == "AI-generated from templates (no language model)" for r in replies + posts("post"))
    assert all(r[3] == "visible" for r in replies + posts("post"))  # passed the service's moderation
    states = social.rows("SELECT reply_state FROM comments")
    assert [s for (s,) in states] == ["answered"] * len(comments)
    persona = httpx.get(f"{social.url}/api/personas/{persona_id}", timeout=10).json()
    assert persona["emotion"] in ("sadness", "anger", "fear")  # mimicry of the unhappy fans
    detail = httpx.get(f"{social.url}/api/posts/{post_id}", timeout=10).json()
    assert all(c["reply"] is not None for c in detail["comments"])
