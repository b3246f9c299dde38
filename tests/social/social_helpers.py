"""Helpers for the social service's tests: a movable clock, SIWE messages signed with real
eth_account keys, services on a temporary database, and the service as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from fame.config import PROJECT_ROOT, SocialSettings
from fame.procs import free_port
from social.service import SocialService
from social.store.db import Database

ORIGIN = "http://fame.test:8088"
DOMAIN = "fame.test:8088"
CHAIN_ID = 31337
TOKEN = "test-operator-token"
OPERATOR = {"Authorization": f"Bearer {TOKEN}"}
CID = "bafkreigh2akiscaildc6mxdisnfy7yfjg6ln5yqsdpuiasvscdgmjncbvy"


@dataclass
class Clock:
    """Real time plus an offset the test moves forward."""

    offset: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def fan(i: int) -> LocalAccount:
    """Fan number i: a fixed eth_account key (never a real one)."""
    account: LocalAccount = Account.from_key((0xFA0000 + i).to_bytes(32, "big"))
    return account


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def siwe_message(
    address: str,
    nonce: str,
    *,
    domain: str = DOMAIN,
    uri: str = ORIGIN + "/",
    chain_id: int = CHAIN_ID,
    issued_at: float | None = None,
    expires_at: float | None = None,
    statement: str = "Sign in to FameEngine",
) -> str:
    """An ERC-4361 message, written out field by field as a wallet shows it."""
    lines = [
        f"{domain} wants you to sign in with your Ethereum account:",
        address,
        "",
        statement,
        "",
        f"URI: {uri}",
        "Version: 1",
        f"Chain ID: {chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {iso(issued_at if issued_at is not None else time.time())}",
    ]
    if expires_at is not None:
        lines.append(f"Expiration Time: {iso(expires_at)}")
    return "\n".join(lines)


def sign(account: LocalAccount, message: str) -> str:
    return "0x" + account.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")


def sign_in(client: httpx.Client, account: LocalAccount, **fields: object) -> httpx.Response:
    """Ask for a nonce, sign the message with `account`, post it: the verify response."""
    nonce = client.post("/api/auth/nonce").json()["nonce"]
    message = siwe_message(account.address, nonce, **fields)  # type: ignore[arg-type]
    return client.post("/api/auth/verify", json={"message": message, "signature": sign(account, message)})


def settings_for(url: str, **overrides: object) -> SocialSettings:
    values: dict[str, object] = {
        "database_url": url,
        "public_url": ORIGIN,
        "operator_token": TOKEN,
        "writes_per_minute": 1_000,
    }
    values.update(overrides)
    return SocialSettings(**values)  # type: ignore[arg-type]


def make_service(url: str, clock: Clock | None = None, **overrides: object) -> SocialService:
    cfg = settings_for(url, **overrides)
    service = SocialService(cfg, Database(url), clock=clock or Clock())
    service.db.migrate()
    return service


def runtime_post(client: httpx.Client, persona_id: int, key: str, body: str = "first light over the city") -> dict:
    r = client.post(
        "/api/runtime/posts",
        json={"persona_id": persona_id, "body": body, "manifest_cid": CID, "idempotency_key": key},
        headers=OPERATOR,
    )
    assert r.status_code == 200, r.text
    return r.json()


@dataclass
class ServiceProcess:
    """`python -m social` as a child process (its own process group) on a free loopback port."""

    database_url: str
    folder: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
        env.update(
            FAME_STATE_DIR=str(self.folder / "state"),
            FAME_SOCIAL_PUBLIC_URL=self.url,
            FAME_SOCIAL_OPERATOR_TOKEN=TOKEN,
        )
        return env

    def start(self, timeout: float = 60) -> ServiceProcess:
        argv = [sys.executable, "-m", "social", "--no-chain", "--port", str(self.port)]
        argv += ["--database-url", self.database_url, "--log-level", "warning"]
        log = open(self.folder / "social.log", "ab")  # noqa: SIM115 - the child holds its own descriptor
        try:
            self.proc = subprocess.Popen(
                argv,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=PROJECT_ROOT,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the social service did not start:\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).json().get("ok"):
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)

    def log(self) -> str:
        path = self.folder / "social.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Signal the process group; its exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)
