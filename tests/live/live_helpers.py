"""Helpers for the live server's tests: the server in this process or as a process of its own,
a Redis server, fans signed in with the social service (its own test helpers: SIWE with real
keys) and a WebSocket client that keeps the frames it got and finds them by type."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from eth_account.signers.local import LocalAccount
from live_book import Book, BookEvents
from social_helpers import ServiceProcess, fan, sign_in
from websockets.asyncio.client import ClientConnection, connect

from fame.config import PROJECT_ROOT, LiveSettings
from fame.procs import free_port
from live.server import LiveServer, make_service, server_for

HERE = Path(__file__).resolve().parent
HOST_TOKEN = "test-live-host-token"
HOST_HEADERS = {"Authorization": f"Bearer {HOST_TOKEN}", "X-Fame-Role": "host"}
__all__ = ["Book", "BookEvents", "fan"]


# ---------------------------------------------------------------------------- servers


def live_settings_for(social_url: str, database_url: str, **overrides: Any) -> LiveSettings:
    values: dict[str, Any] = {
        "social_url": social_url,
        "database_url": database_url,
        "host_token": HOST_TOKEN,
        "voucher_ttl_s": 600,
    }
    values.update(overrides)
    return LiveSettings(**values)


@dataclass
class InProcessLive:
    """The live server (uvicorn, the real app) in a thread of this process, on a free port."""

    cfg: LiveSettings
    events: Any
    broker: Any = None
    port: int = field(default_factory=free_port)
    server: LiveServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> InProcessLive:
        service = make_service(self.cfg, self.events, broker=self.broker)
        self.server = server_for(service, "127.0.0.1", self.port, "warning")
        self.thread = threading.Thread(target=self.server.run, name=f"live-{self.port}", daemon=True)
        self.thread.start()
        wait_healthy(self.url, timeout)
        return self

    @property
    def service(self) -> Any:
        assert self.server is not None
        return self.server.service

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=20)
            assert not self.thread.is_alive(), "the live server did not stop"
        self.server = self.thread = None


def wait_healthy(
    url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the live server exited:\n{log.read_text()[-3000:] if log else ''}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the live server at {url} did not become healthy:\n{log.read_text()[-3000:] if log else ''}"
            )
        time.sleep(0.05)


@dataclass
class LiveProcess:
    """A live server process of its own (own process group) on a free port: `python -m live`
    with `argv`, or, with a `book`, the same server reading the book (tests/live/book_server.py)."""

    folder: Path
    env: dict[str, str]
    book: Path | None = None
    argv: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    name: str = "live"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"{self.name}.log"

    def start(self, timeout: float = 60) -> LiveProcess:
        if self.book is not None:
            argv = [sys.executable, str(HERE / "book_server.py"), str(self.book)]
        else:
            argv = [sys.executable, "-m", "live"]
        argv += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", *self.argv]
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
        env.update(self.env)
        env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), str(HERE), str(HERE.parent / "social")])
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=PROJECT_ROOT,
            )  # fmt: skip
        wait_healthy(self.url, timeout, self.proc, self.log_path)
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code


@dataclass
class RedisServer:
    """Debian's redis-server on a free loopback port, in a temporary folder, nothing saved."""

    port: int = field(default_factory=free_port)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="live-redis-")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.folder), "--daemonize", "no", "--loglevel", "warning"]
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        import socket

        while time.monotonic() < deadline:
            with closing(socket.socket()) as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise AssertionError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------------------- fans


def session_cookie(social: ServiceProcess, account: LocalAccount) -> str:
    """Sign `account` in with the social service (SIWE); its fame_session cookie."""
    with social.client() as c:
        domain = social.url.removeprefix("http://")
        r = sign_in(c, account, domain=domain, uri=social.url + "/")
        assert r.status_code == 200, r.text
        token = c.cookies.get("fame_session")
        assert token
        return token


async def open_room(
    ws_base: str,
    event_id: int,
    *,
    cookie: str | None = None,
    host: bool = False,
    token: str = HOST_TOKEN,
    origin: str | None = None,
) -> Room:
    headers: dict[str, str] = {} if origin is None else {"Origin": origin}  # as a browser's page sends
    if cookie is not None:
        headers["Cookie"] = f"fame_session={cookie}"
    if host:
        headers.update({"Authorization": f"Bearer {token}", "X-Fame-Role": "host"})
    ws = await connect(f"{ws_base}/ws/events/{event_id}", additional_headers=headers, max_size=2**21)
    return Room(ws)


@dataclass
class Room:
    """A WebSocket client of a room that keeps every frame it received, by arrival."""

    ws: ClientConnection
    frames: list[dict[str, Any]] = field(default_factory=list)
    _seen: int = 0

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def next(
        self, kind: str | None = None, timeout: float = 5.0, where: Any = None, **match: Any
    ) -> dict[str, Any]:
        """The next frame (after the ones already taken) of type `kind` whose fields match (and
        for which `where(frame)` is true)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            while self._seen < len(self.frames):
                frame = self.frames[self._seen]
                self._seen += 1
                if (kind is None or frame.get("type") == kind) and all(frame.get(k) == v for k, v in match.items()):
                    if where is None or where(frame):
                        return frame
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"no {kind} frame {match or ''} within {timeout} s; got {self.frames[-8:]}")
            raw = await asyncio.wait_for(self.ws.recv(), left)
            self.frames.append(json.loads(raw))

    async def collect(self, seconds: float) -> list[dict[str, Any]]:
        """Every frame that comes within `seconds`."""
        got: list[dict[str, Any]] = []
        deadline = asyncio.get_running_loop().time() + seconds
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError:
                break
            frame = json.loads(raw)
            self.frames.append(frame)
            got.append(frame)
        self._seen = len(self.frames)
        return got

    async def closed(self, timeout: float = 5.0) -> tuple[int | None, str]:
        """Wait for the server to close; (code, reason)."""
        from websockets.exceptions import ConnectionClosed

        try:
            async with asyncio.timeout(timeout):
                async for raw in self.ws:
                    self.frames.append(json.loads(raw))
        except ConnectionClosed:
            pass
        rcvd = self.ws.protocol.close_rcvd
        return (rcvd.code, rcvd.reason) if rcvd else (None, "")

    async def close(self) -> None:
        await self.ws.close()
