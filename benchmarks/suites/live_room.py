"""Live room under load: 200 fans in one event's room on `python -m live` processes (one, then
two sharing the room through Redis), and a question's way to the persona host's first audio.

The pure parts (the plan, the figures, the /proc readers, the rows) are at the top and are
tested in tests/benchmarks/test_live_room_bench.py, which also runs the whole bench at a tiny
size; the measuring parts start real processes: the social service (the fans' sessions), the
live servers reading tickets on the harness's anvil, and a redis-server.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..context import Context
from ..core import Row, suite

COMPONENT = "Live room"
NO_ANCHOR = "—"
ONE, TWO = "one", "two"

GOAL_MS = 150.0  # broadcast p99 goal
HOST_TOKEN = "bench-live-host-token"
EVENT_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
EVENT_LENGTH_S = 86_400  # long enough that a slow run never sees the room close
TICKET_GAS = 300_000
CONNECT_AT_ONCE = 20  # handshakes in flight at a time while the room fills
CONNECT_TIMEOUT_S = 20.0
SETTLE_S = 1.0  # after the last welcome, before the measured window (the joins' frames pass)
DRAIN_S = 0.5  # after the window, at least: what was sent in it still arrives (and counts for latency)
DRAIN_MAX_S = 10.0  # at most, waiting for every chat delivery
START_TIMEOUT_S = 90.0
QUESTION_TIMEOUT_S = 180.0
QUESTIONS = (
    "What song should we all sing together tonight?",
    "How do you find new ideas when you feel stuck?",
    "What is the best thing that happened to you this week?",
    "Which city would you love to visit next?",
)


@dataclass(frozen=True)
class Plan:
    """What one run does. The full bench is FULL; the test runs a tiny one."""

    clients: int = 200
    seconds: float = 20.0  # the measured window of each room run
    move_hz: float = 2.0  # each fan's moves per second
    chat_every_s: float = 10.0  # each fan chats once this often (200 fans: 20 chats a second in the room)
    two_processes: bool = True
    questions: int = 3  # measured questions to the persona host (0: not measured)
    warmup_questions: int = 1  # answered first, not counted (model and voice warm)
    settle_s: float = SETTLE_S

    @property
    def chats_per_s(self) -> float:
        return self.clients / self.chat_every_s

    @property
    def moves_per_s(self) -> float:
        return self.clients * self.move_hz


FULL = Plan()


# ------------------------------------------------------------------------------------------------
# Figures


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest rank: the smallest sample with at least q % of the samples at or below it."""
    from .social import percentile as nearest_rank

    return nearest_rank(samples, q)


def ms(samples: Sequence[float], q: float) -> float | None:
    """The q-th percentile of `samples` (seconds) in milliseconds, None without samples."""
    return round(percentile(samples, q) * 1000, 2) if samples else None


def goal_word(value: float | None, goal: float = GOAL_MS) -> str:
    """'met' under the goal, 'not met' at or over it, 'not measured' without a value."""
    if value is None:
        return "not measured"
    return "met" if value < goal else "not met"


CLOCK_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far, all its threads (/proc/<pid>/stat)."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime, stime (fields 14 and 15)


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MiB of process `pid` (/proc/<pid>/status VmRSS, VmHWM)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB
    return round(values.get("VmRSS", 0.0), 1), round(values.get("VmHWM", 0.0), 1)


@dataclass
class CpuMeter:
    """CPU use of some processes over a window, as % of one core."""

    pids: list[int]
    started: float = 0.0
    cpu0: dict[int, float] = field(default_factory=dict)
    percent: dict[int, float] = field(default_factory=dict)

    def start(self) -> None:
        self.started = time.perf_counter()
        self.cpu0 = {pid: cpu_seconds(pid) for pid in self.pids}

    def stop(self) -> None:
        wall = time.perf_counter() - self.started
        self.percent = {pid: round(100 * (cpu_seconds(pid) - self.cpu0[pid]) / wall, 1) for pid in self.pids}


def fan_address(i: int) -> str:
    """Fan number i's address: a fixed, keyless test address (the fans never sign anything)."""
    from web3 import Web3

    return Web3.to_checksum_address("0x" + hashlib.sha256(f"fame-bench-live-fan-{i}".encode()).hexdigest()[:40])


def fan_token(i: int) -> str:
    """Fan number i's social session token (its fame_session cookie)."""
    return hashlib.sha256(f"fame-bench-live-session-{i}".encode()).hexdigest()


#: The digits a chat's numbers are written in (base 4): moderation reads 0, 1, 3, 4, 5 and 7 as
#: look-alike letters ("455" is held as a swear word), never these four.
STAMP_DIGITS = "2689"


def stamp_word(n: int) -> str:
    """`n` (>= 0) in base 4 written with STAMP_DIGITS."""
    out = ""
    while True:
        n, d = divmod(n, 4)
        out = STAMP_DIGITS[d] + out
        if n == 0:
            return out


def stamp_value(word: str) -> int:
    """The inverse of `stamp_word` (ValueError for any other word)."""
    n = 0
    for ch in word:
        n = 4 * n + STAMP_DIGITS.index(ch)
    return n


def chat_text(fan: int, seq: int, stamp: float) -> str:
    """A chat naming its fan and number and stamped with its send time (seconds on the bench's
    clock, to the microsecond), readable by `chat_stamp`."""
    return f"hello room, fan {stamp_word(fan)} message {stamp_word(seq)} sent {stamp_word(round(stamp * 1e6))}"


def chat_stamp(text: str) -> tuple[int, float] | None:
    """(the sending fan, its send stamp) of a `chat_text`; None for any other text."""
    words = text.split()
    if len(words) != 8 or words[:3] != ["hello", "room,", "fan"] or words[4] != "message" or words[6] != "sent":
        return None
    try:
        return stamp_value(words[3]), stamp_value(words[7]) / 1e6
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------
# The results of a room run, and the rows


@dataclass
class RoomRun:
    """What one room run measured (seconds in the sample lists)."""

    processes: int
    clients: int
    seconds: float
    welcome: list[float] = field(default_factory=list)  # handshake to welcome, per fan
    chat: list[float] = field(default_factory=list)  # send to receipt, per (chat, other fan)
    chat_cross: list[float] = field(default_factory=list)  # the same, sender and receiver on different processes
    presence: list[float] = field(default_factory=list)  # a move's send to the presence frame carrying it
    chats_sent: int = 0
    chats_expected: int = 0  # chats_sent x (fans - 1)
    chats_delivered: int = 0
    moves_sent: int = 0
    frames: int = 0  # frames every fan received in the window, every type
    frame_kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # error frames by code
    closed: Counter[str] = field(default_factory=Counter)  # connections the server closed, by code
    server_cpu: dict[str, float] = field(default_factory=dict)  # name -> % of one core
    server_rss: dict[str, float] = field(default_factory=dict)  # name -> MiB at the window's end
    server_peak: dict[str, float] = field(default_factory=dict)  # name -> peak MiB
    redis_cpu: float | None = None
    clients_cpu: float | None = None  # the bench's own process (the fans), % of one core
    load: float | None = None  # 1-minute load average at the window's end

    @property
    def frames_per_s(self) -> float | None:
        return round(self.frames / self.seconds, 1) if self.seconds > 0 else None

    @property
    def cpu(self) -> float | None:
        return round(sum(self.server_cpu.values()), 1) if self.server_cpu else None

    @property
    def rss(self) -> float | None:
        return round(sum(self.server_rss.values()), 1) if self.server_rss else None


@dataclass
class AudioRun:
    """Question to first audio: per measured question, seconds from the fan's `ask` to the first
    `answer.audio` frame at the asking fan, and to the moment every fan in the room had it."""

    asker: list[float] = field(default_factory=list)
    everyone: list[float] = field(default_factory=list)
    model: str = ""
    voice: str = ""
    template: int = 0  # answers the writer fell back to its templates for
    listeners: int = 0


@dataclass
class BenchRun:
    plan: Plan
    rooms: dict[str, RoomRun] = field(default_factory=dict)
    audio: AudioRun | None = None


def rows(run: BenchRun) -> Iterator[Row]:
    """The suite's rows: one process on its own, two processes beside one (ratio two / one), the host."""
    plan = run.plan
    one, two = run.rooms.get(ONE), run.rooms.get(TWO)
    load = (
        f"{plan.clients} fans, each moving {plan.move_hz:g} times a second and chatting every "
        f"{plan.chat_every_s:g} s, {plan.seconds:g} s"
    )

    def fig(room: RoomRun | None, get: Callable[[RoomRun], float | None]) -> float | None:
        return None if room is None else get(room)

    def p(samples: Callable[[RoomRun], list[float]], q: float) -> Callable[[RoomRun], float | None]:
        return lambda r: ms(samples(r), q)

    figures: list[tuple[str, str, Callable[[RoomRun], float | None], bool]] = [
        ("chat broadcast latency p50 (send to every other fan's receipt)", "ms", p(lambda r: r.chat, 50), False),
        ("chat broadcast latency p99 (send to every other fan's receipt)", "ms", p(lambda r: r.chat, 99), True),
        ("presence latency p50 (a move to the presence frame carrying it)", "ms", p(lambda r: r.presence, 50), False),
        ("presence latency p99 (a move to the presence frame carrying it)", "ms", p(lambda r: r.presence, 99), False),
        ("frames delivered to the fans per second (chat, presence, every type)", "frames/s", lambda r: r.frames_per_s,
         False),
        ("server CPU (all live server processes, % of one core)", "%", lambda r: r.cpu, False),
        ("server memory (resident, all live server processes)", "MiB", lambda r: r.rss, False),
        ("handshake to welcome p99, the room filling 20 fans at a time", "ms", p(lambda r: r.welcome, 99), False),
    ]  # fmt: skip
    for action, unit, get, goal in figures:
        value = fig(one, get)
        label = f"{action}, 1 process, {load}"
        if goal:
            label += f" (goal p99 < {GOAL_MS:.0f} ms: {goal_word(value)})"
        yield Row(COMPONENT, label, value, NO_ANCHOR, None, unit=unit)
    if plan.two_processes:
        half = plan.clients // 2
        for action, unit, get, goal in figures:
            value = fig(two, get)
            label = f"{action}, 2 processes sharing the room through Redis ({half} fans on each) vs 1 process"
            if goal:
                label += f" (goal p99 < {GOAL_MS:.0f} ms: {goal_word(value)})"
            yield Row(COMPONENT, label, value, "the same load on 1 process, same run", fig(one, get), unit=unit)
        cross = fig(two, p(lambda r: r.chat_cross, 99))
        yield Row(
            COMPONENT,
            "chat broadcast latency p99, 2 processes, sender and receiver on different processes "
            f"(goal p99 < {GOAL_MS:.0f} ms: {goal_word(cross)})",
            cross,
            NO_ANCHOR,
            None,
            unit="ms",
        )
        yield Row(
            COMPONENT,
            "redis-server CPU, 2 processes (% of one core)",
            None if two is None else two.redis_cpu,
            NO_ANCHOR,
            None,
            unit="%",
        )
    yield Row(
        COMPONENT,
        "load generator CPU (the bench's process: every fan's client, % of one core), 1 process",
        fig(one, lambda r: r.clients_cpu),
        NO_ANCHOR,
        None,
        unit="%",
    )
    if plan.questions:
        audio = run.audio
        model = (audio.model if audio else "") or "SmolLM2-135M-Instruct.Q4_1"
        voice = (audio.voice if audio else "") or "Piper en_US-joe-medium"
        host = f"the persona host (ai_worker.runtime.live) with {model} and {voice} on CPU"
        listeners = audio.listeners if audio else plan.clients
        asked = f"{plan.questions} questions one after the other, {listeners} fans listening, 1 process"
        asker = audio.asker if audio else []
        everyone = audio.everyone if audio else []
        yield Row(
            COMPONENT,
            f"question to first audio p50: a fan's ask to the first answer.audio frame it gets, {host}, {asked}",
            round(percentile(asker, 50), 2) if asker else None,
            NO_ANCHOR,
            None,
            unit="s",
        )
        yield Row(
            COMPONENT,
            f"question to first audio, the slowest of {plan.questions}",
            round(max(asker), 2) if asker else None,
            NO_ANCHOR,
            None,
            unit="s",
        )
        yield Row(
            COMPONENT,
            f"question to first audio at every fan of the room, the slowest of {plan.questions}",
            round(max(everyone), 2) if everyone else None,
            NO_ANCHOR,
            None,
            unit="s",
        )


# ------------------------------------------------------------------------------------------------
# Processes: the live server, redis-server (the social service is the social suite's)


def _stop_group(proc: subprocess.Popen[bytes] | None, grace: float = 10.0) -> None:
    """SIGTERM to the process group, SIGKILL if it is still there after `grace` s."""
    if proc is None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)


class LiveProcess:
    """`python -m live` on a free loopback port, in its own process group, clean environment."""

    def __init__(
        self,
        folder: Path,
        name: str,
        *,
        rpc_url: str,
        social_url: str,
        database_url: str,
        deployments: Path,
        redis_url: str | None = None,
    ) -> None:
        from fame.procs import free_port

        self.folder, self.name = folder, name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}"
        self.log = folder / f"live-{name}.log"
        self.argv = [sys.executable, "-m", "live", "--host", "127.0.0.1", "--port", str(self.port)]
        self.argv += ["--rpc-url", rpc_url, "--social-url", social_url, "--database-url", database_url]
        self.argv += ["--log-level", "warning"]
        if redis_url:
            self.argv += ["--redis-url", redis_url]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
        self.env.update(
            FAME_STATE_DIR=str(folder / f"state-{name}"),
            FAME_DEPLOYMENTS_DIR=str(deployments),
            FAME_LIVE_HOST_TOKEN=HOST_TOKEN,
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError(f"live server {self.name} is not running")
        return self.proc.pid

    def start(self) -> LiveProcess:
        """Start it (not waiting: see `wait_ready`)."""
        from fame.config import PROJECT_ROOT

        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        import httpx

        from fame.procs import wait_until

        try:
            wait_until(
                lambda: httpx.get(f"{self.url}/health", timeout=2).status_code == 200,
                timeout,
                f"live server {self.name}",
                self.proc,
                self.log,
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        _stop_group(proc)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class RedisProcess:
    """Debian's redis-server on a free loopback port: nothing saved, stopped with the run."""

    def __init__(self, folder: Path) -> None:
        from fame.procs import free_port

        self.folder = folder / "redis"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> RedisProcess:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server)")
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.folder), "--daemonize", "no", "--loglevel", "warning"]
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            with contextlib.closing(socket.socket()) as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()[-500:]}")

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("redis-server is not running")
        return self.proc.pid

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        _stop_group(proc, grace=5.0)


# ------------------------------------------------------------------------------------------------
# The chain (PersonaEvents with one free event, a ticket per fan) and the fans' sessions


@dataclass(frozen=True)
class World:
    event_id: int
    persona_id: int
    starts_at: int
    ends_at: int
    addresses: list[str]
    tokens: list[str]


def set_up_chain(ctx: Context, fans: int) -> tuple[World, Any]:
    """FMC, PersonaRegistry with persona 1 and PersonaEvents on the harness's chain, one free
    event (capacity = fans) with a ticket bought by each fan (in one block); (world, contract)."""
    from web3 import Web3

    a = ctx.accounts
    deployer, operator, signer = a[0], a[1], a[8]
    fmc = ctx.deploy(ctx.ours("FMC"), 1_000_000_000 * 10**18, deployer.address, 100_000_000 * 10**18).contract
    registry = ctx.deploy(ctx.ours("PersonaRegistry"), deployer.address).contract
    ctx.send(registry.functions.set_registrar(deployer.address), deployer)
    ctx.send(registry.functions.register("Nova Lumen", EVENT_CID, a[9].address, deployer.address), deployer)
    events = ctx.deploy(
        ctx.ours("PersonaEvents"), deployer.address, fmc.address, registry.address, signer.address
    ).contract
    ctx.send(events.functions.set_operator(1, operator.address, True), deployer)
    chain_now = int(ctx.w3.eth.get_block("latest")["timestamp"])
    starts = max(chain_now, int(time.time())) + 60
    ends = starts + EVENT_LENGTH_S
    receipt = ctx.send(events.functions.schedule(1, starts, ends, max(fans, 1), 0, 0, EVENT_CID), operator)
    event_id = int(events.events.EventScheduled().process_receipt(receipt)[0]["args"]["event_id"])

    addresses = [fan_address(i) for i in range(fans)]
    rpc = ctx.chain.rpc
    for address in addresses:
        rpc("anvil_setBalance", [address, hex(10**18)])
    rpc("anvil_autoImpersonateAccount", [True])
    ctx.mine()
    rpc("evm_setAutomine", [False])
    try:
        hashes = [
            events.functions.buy(event_id).transact({"from": address, "gas": TICKET_GAS}) for address in addresses
        ]
        rpc("evm_mine")
    finally:
        rpc("evm_setAutomine", [True])
        rpc("anvil_autoImpersonateAccount", [False])
    for tx_hash in hashes:
        if ctx.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] != 1:
            raise RuntimeError("a fan's ticket purchase reverted")
    held = sum(bool(events.functions.has_ticket(event_id, Web3.to_checksum_address(x)).call()) for x in addresses)
    if held != fans:
        raise RuntimeError(f"{held} of {fans} fans hold a ticket")
    world = World(event_id, 1, starts, ends, addresses, [fan_token(i) for i in range(fans)])
    return world, events


def write_deployment(folder: Path, chain_id: int, events: Any, deployer: str) -> Path:
    """A deployment manifest naming this PersonaEvents (what the live server reads tickets through)."""
    from fame.manifest import DeployedContract, Manifest, write_manifest

    folder.mkdir(parents=True, exist_ok=True)
    deployed = DeployedContract("PersonaEvents", str(events.address), "PersonaEvents", list(events.abi))
    manifest = Manifest(chain_id, "bench", deployer, 0, {"PersonaEvents": deployed})
    write_manifest(manifest, folder)
    return folder


def social_database(url: str, world: World) -> None:
    """Migrate the social service's database and give every fan a session (as a sign-in would)."""
    from social.store.auth import token_hash
    from social.store.db import Database
    from social.store.models import Base

    db = Database(url)
    try:
        db.migrate()
        now = int(time.time())
        rows_ = [
            {"id": token_hash(token), "address": address, "created_at": now, "expires_at": now + 86_400}
            for token, address in zip(world.tokens, world.addresses, strict=True)
        ]
        with db.engine.begin() as conn:
            conn.execute(Base.metadata.tables["sessions"].insert(), rows_)
    finally:
        db.dispose()


# ------------------------------------------------------------------------------------------------
# The fans: WebSocket clients in the bench's process, one event loop


@dataclass
class Window:
    """The measured window on the bench's clock (perf_counter seconds since `t0`)."""

    t0: float
    servers: int = 1  # fan i is on server i mod servers
    start: float = float("inf")
    end: float = float("inf")

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def inside(self, stamp: float) -> bool:
        return self.start <= stamp <= self.end


@dataclass(eq=False)
class Fan:
    index: int
    address: str
    token: str
    server: int  # which server process it is connected to
    ws: Any = None
    reader: asyncio.Task[None] | None = None
    welcome_s: float | None = None
    frames: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    chat: list[float] = field(default_factory=list)
    chat_cross: list[float] = field(default_factory=list)
    chats_got: int = 0
    presence: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    closed: str | None = None
    host_present: bool = False
    questions: dict[int, float] = field(default_factory=dict)  # question id -> the ask's stamp (own questions)
    asked: dict[str, float] = field(default_factory=dict)  # text -> stamp, until its question frame comes
    first_audio: dict[int, float] = field(default_factory=dict)  # question id -> stamp of its first audio frame
    ended: set[int] = field(default_factory=set)


async def connect(fan: Fan, ws_base: str, event_id: int, window: Window) -> None:
    """Open the fan's socket and wait for its welcome (RuntimeError with the close reason if refused)."""
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed

    started = time.perf_counter()
    fan.ws = await ws_connect(
        f"{ws_base}/ws/events/{event_id}",
        additional_headers={"Cookie": f"fame_session={fan.token}"},
        proxy=None,
        max_size=2**21,
        open_timeout=CONNECT_TIMEOUT_S,
    )
    try:
        first = json.loads(await asyncio.wait_for(fan.ws.recv(), CONNECT_TIMEOUT_S))
    except ConnectionClosed as closed:
        rcvd = closed.rcvd
        why = f"{rcvd.code} {rcvd.reason}" if rcvd else "no close frame"
        raise RuntimeError(f"fan {fan.index} was refused: {why}") from None
    if first.get("type") != "welcome":
        raise RuntimeError(f"fan {fan.index}: the first frame is {first.get('type')!r}, not a welcome")
    fan.welcome_s = time.perf_counter() - started
    fan.reader = asyncio.create_task(read(fan, window))


async def read(fan: Fan, window: Window) -> None:
    """Everything the fan receives: counted, and the stamped frames timed."""
    from websockets.exceptions import ConnectionClosed

    ws = fan.ws
    try:
        async for raw in ws:
            now = window.now()
            frame = json.loads(raw)
            kind = frame.get("type", "?")
            if window.start <= now <= window.end:
                fan.frames += 1
                fan.kinds[kind] += 1
            if kind == "presence":
                for avatar in frame["avatars"]:
                    stamp = avatar["heading"]
                    if avatar["address"] != fan.address and window.inside(stamp):
                        fan.presence.append(now - stamp)
            elif kind == "chat":
                stamped = chat_stamp(frame["text"])
                if stamped is not None:
                    sender, stamp = stamped
                    if sender != fan.index and window.inside(stamp):
                        fan.chats_got += 1
                        fan.chat.append(now - stamp)
                        if sender % window.servers != fan.server:
                            fan.chat_cross.append(now - stamp)
                elif frame.get("from") == fan.address and frame["text"] in fan.asked:
                    fan.questions[int(frame["id"])] = fan.asked.pop(frame["text"])
            elif kind == "answer.audio":
                fan.first_audio.setdefault(int(frame["question_id"]), now)
            elif kind == "answer.end":
                fan.ended.add(int(frame["question_id"]))
            elif kind == "host":
                fan.host_present = bool(frame.get("present"))
            elif kind == "error":
                fan.errors[str(frame.get("code"))] += 1
    except ConnectionClosed as closed:
        rcvd = closed.rcvd
        fan.closed = f"{rcvd.code} {rcvd.reason}" if rcvd else "no close frame"


async def drive(fan: Fan, window: Window, plan: Plan, seed: int) -> tuple[int, int]:
    """The fan's moves and chats during the window; (moves, chats) sent. A move's heading is its
    send stamp (the server relays headings as they are: any finite number), so a presence frame
    says when each move it carries was made. A fan the server closed stops (its reader says why)."""
    from websockets.exceptions import ConnectionClosed

    rng = random.Random(seed)
    x, z = rng.uniform(-9, 9), rng.uniform(-9, 9)
    move_every = 1.0 / plan.move_hz
    next_move = window.start + rng.random() * move_every
    next_chat = window.start + rng.random() * plan.chat_every_s
    moves = chats = 0
    while True:
        due = min(next_move, next_chat)
        if due >= window.end:
            return moves, chats
        await asyncio.sleep(max(0.0, due - window.now()))
        stamp = window.now()
        if stamp > window.end:
            return moves, chats
        try:
            if next_move <= next_chat:
                x = min(9.5, max(-9.5, x + rng.uniform(-0.5, 0.5)))
                z = min(9.5, max(-9.5, z + rng.uniform(-0.5, 0.5)))
                move = {"type": "move", "x": round(x, 3), "z": round(z, 3), "heading": stamp}
                await fan.ws.send(json.dumps(move))
                moves += 1
                next_move += move_every
            else:
                await fan.ws.send(json.dumps({"type": "chat", "text": chat_text(fan.index, chats, stamp)}))
                chats += 1
                next_chat += plan.chat_every_s
        except ConnectionClosed:
            return moves, chats


async def room_run(
    servers: Sequence[LiveProcess],
    world: World,
    plan: Plan,
    *,
    redis_pid: int | None = None,
    then: Callable[[list[Fan], Window], Awaitable[None]] | None = None,
) -> RoomRun:
    """Fill the room (fan i on server i mod len(servers)), run the load for plan.seconds, measure.
    `then(fans, window)` runs afterwards while every fan is still connected."""
    window = Window(time.perf_counter(), servers=len(servers))
    fans = [Fan(i, world.addresses[i], world.tokens[i], i % len(servers)) for i in range(plan.clients)]
    run = RoomRun(len(servers), plan.clients, plan.seconds)
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def join(fan: Fan) -> None:
        async with gate:
            await connect(fan, servers[fan.server].ws, world.event_id, window)

    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S * (1 + plan.clients / CONNECT_AT_ONCE)):
            await asyncio.gather(*(join(f) for f in fans))
        await asyncio.sleep(plan.settle_s)
        closed = [f for f in fans if f.closed]
        if closed:
            raise RuntimeError(f"{len(closed)} fans were closed before the load: {closed[0].closed}")

        cpu = CpuMeter([s.pid for s in servers] + ([redis_pid] if redis_pid else []))
        window.start = window.now() + 0.2
        window.end = window.start + plan.seconds
        drivers = [asyncio.create_task(drive(f, window, plan, seed=20_251_200 + f.index)) for f in fans]
        await asyncio.sleep(max(0.0, window.start - window.now()))
        cpu.start()
        own0 = time.process_time()
        await asyncio.sleep(max(0.0, window.end - window.now()))
        cpu.stop()
        run.clients_cpu = round(100 * (time.process_time() - own0) / plan.seconds, 1)
        for s in servers:
            run.server_cpu[s.name] = cpu.percent[s.pid]
            run.server_rss[s.name], run.server_peak[s.name] = memory_mb(s.pid)
        if redis_pid:
            run.redis_cpu = cpu.percent[redis_pid]
        run.load = round(os.getloadavg()[0], 2)
        async with asyncio.timeout(30):
            sent = await asyncio.gather(*drivers)
        run.moves_sent = sum(m for m, _ in sent)
        run.chats_sent = sum(c for _, c in sent)
        run.chats_expected = run.chats_sent * (plan.clients - 1)
        # what was sent in the window still arrives (and counts for latency, not for the rate)
        deadline = time.monotonic() + DRAIN_MAX_S
        await asyncio.sleep(DRAIN_S)
        while sum(f.chats_got for f in fans) < run.chats_expected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if then is not None:
            await then(fans, window)
    finally:
        await _close_all(fans)

    for f in fans:
        run.welcome.append(f.welcome_s or 0.0)
        run.chat += f.chat
        run.chat_cross += f.chat_cross
        run.presence += f.presence
        run.chats_delivered += f.chats_got
        run.frames += f.frames
        run.frame_kinds.update(f.kinds)
        run.errors.update(f.errors)
        if f.closed:
            run.closed[f.closed] += 1
    return run


async def _close_all(fans: Sequence[Fan]) -> None:
    async def close(fan: Fan) -> None:
        if fan.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(fan.ws.close(), 5)
        if fan.reader is not None:
            fan.reader.cancel()
            with contextlib.suppress(BaseException):
                await fan.reader

    await asyncio.gather(*(close(f) for f in fans))


# ------------------------------------------------------------------------------------------------
# Question to first audio, with the runtime's persona host


def load_host() -> tuple[Any, Any, Any, str, str]:
    """The runtime's writer (its default language model on CPU, as the runtime loads it) and the
    persona's voice, warmed up with one sentence (the voice loads on first use):
    (answerer, profile, recording writer, model name, voice name)."""
    from ai_worker.persona import EXAMPLE_SPEC, PersonaProfile
    from ai_worker.runtime.live_answer import Answerer
    from ai_worker.runtime.writer import ModelWriter, writer_from_settings
    from ai_worker.voice import VoiceProfile, speak
    from fame.config import worker_settings

    from .social import RecordingWriter

    base = worker_settings()
    cfg = base.model_copy(update={"runtime_writer": "model", "device": "cpu"})
    cache = base.state_dir / "runtime" / "models" if cfg.runtime_model_cache else None
    inner = writer_from_settings(cfg, cache_dir=cache)
    if not isinstance(inner, ModelWriter):
        raise RuntimeError("the language model is not installed (make install)")
    profile = PersonaProfile.from_spec(EXAMPLE_SPEC)
    spoken = speak("Welcome, everyone.", VoiceProfile.from_spec(profile), profile.baseline)
    writer = RecordingWriter(inner)
    return Answerer(writer, profile), profile, writer, inner.info.name, spoken.model.name


def host_main(live_url: str, event: tuple[Any, ...], state_dir: str, report: Any, go: Any, stop: Any) -> None:
    """The persona host's process (as the runtime is a process of its own in the stack): load
    the model and the voice, say ("ready", model, voice), join the room as its host once `go`
    is set, answer until `stop` is set, then say ("done", answers written from templates)."""
    try:
        from ai_worker.runtime.live import EventsOnChain, LiveEvent, LiveHost

        answerer, profile, writer, model, voice = load_host()
        report.send(("ready", model, voice))
        live = LiveHost(
            live_url,
            HOST_TOKEN,
            EventsOnChain(None),
            lambda: {int(event[1]): profile},
            lambda _profile: answerer,
            backend=None,
            signer=None,
            social=None,
            state_dir=Path(state_dir),
        )

        async def serve() -> None:
            while not go.is_set() and not stop.is_set():
                await asyncio.sleep(0.05)
            task = asyncio.create_task(live.host(LiveEvent(*event), profile))
            while not stop.is_set() and not task.done():
                await asyncio.sleep(0.05)
            live.stop.set()
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

        asyncio.run(serve())
        report.send(("done", sum(1 for w in writer.replies if w.template)))
    except BaseException as exc:  # said to the bench, which warns
        with contextlib.suppress(Exception):
            report.send(("error", f"{type(exc).__name__}: {exc}"))


class HostProcess:
    """The persona host (ai_worker.runtime.live.LiveHost with the runtime's writer and voice)
    in a process of its own, started early (the model takes a while to load)."""

    def __init__(self, live_url: str, world: World, state_dir: Path) -> None:
        import multiprocessing

        mp = multiprocessing.get_context("spawn")
        self._report, child_end = mp.Pipe(duplex=False)
        self.go, self.stop_event = mp.Event(), mp.Event()
        event = (world.event_id, world.persona_id, world.starts_at, world.ends_at, False, EVENT_CID)
        self.proc = mp.Process(
            target=host_main,
            args=(live_url, event, str(state_dir), child_end, self.go, self.stop_event),
            name="bench-persona-host",
            daemon=True,
        )
        self.model = self.voice = ""
        self.template: int | None = None

    def start(self) -> HostProcess:
        self.proc.start()
        return self

    def _receive(self, timeout: float) -> tuple[Any, ...]:
        if not self._report.poll(timeout):
            raise RuntimeError(f"the persona host said nothing within {timeout:.0f} s")
        message = self._report.recv()
        if message[0] == "error":
            raise RuntimeError(f"the persona host failed: {message[1]}")
        return tuple(message)

    def wait_ready(self, timeout: float = 600.0) -> None:
        _, self.model, self.voice = self._receive(timeout)

    def stop(self) -> None:
        """Leave the room, then end the process (terminated if it does not end by itself)."""
        if self.proc.pid is None:
            return
        self.stop_event.set()
        if self.proc.is_alive() and self.go.is_set():
            with contextlib.suppress(Exception):
                self.template = int(self._receive(20)[1])
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)


async def questions_to_audio(host: HostProcess, plan: Plan, fans: list[Fan], window: Window) -> AudioRun:
    """The host joins the room; a fan asks, one question at a time (the host answers one at a
    time), and every fan notes the first answer.audio frame of each answer."""
    out = AudioRun(model=host.model, voice=host.voice, listeners=len(fans))
    asker = fans[0]
    host.go.set()
    async with asyncio.timeout(60):  # the host's presence reaches the asking fan
        while not asker.host_present:
            if not host.proc.is_alive():
                raise RuntimeError("the persona host's process ended")
            await asyncio.sleep(0.05)
    for n in range(plan.warmup_questions + plan.questions):
        text = QUESTIONS[n % len(QUESTIONS)]
        before = set(asker.questions)
        asker.asked[text] = window.now()
        await asker.ws.send(json.dumps({"type": "ask", "text": text}))
        async with asyncio.timeout(QUESTION_TIMEOUT_S):
            while not set(asker.questions) - before:  # the room's question frame names its id
                await asyncio.sleep(0.01)
            (qid,) = set(asker.questions) - before
            while any(qid not in f.first_audio for f in fans if not f.closed):
                await asyncio.sleep(0.01)
            while qid not in asker.ended:  # the next question after this answer is over
                await asyncio.sleep(0.05)
        if n >= plan.warmup_questions:
            asked = asker.questions[qid]
            out.asker.append(asker.first_audio[qid] - asked)
            out.everyone.append(max(f.first_audio[qid] for f in fans if qid in f.first_audio) - asked)
    return out


# ------------------------------------------------------------------------------------------------
# The whole bench


def measure(ctx: Context, plan: Plan = FULL) -> BenchRun:
    """Every room run the plan names, each its own processes; a failed run leaves its figures
    empty with a warning (as every suite does). Everything it starts is stopped before it returns."""
    from .social import ServiceProcess

    out = BenchRun(plan)
    with tempfile.TemporaryDirectory(prefix="fame-bench-live-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        with ctx.steps.step(f"{COMPONENT}: PersonaEvents, one free event, {plan.clients} tickets") as step:
            world, events = set_up_chain(ctx, plan.clients)
            deployments = write_deployment(folder / "deployments", ctx.chain_id, events, ctx.accounts[0].address)
            step.note(f"event {world.event_id}")
        social_url = f"sqlite:///{folder / 'social.db'}"
        social_database(social_url, world)
        live_db = f"sqlite:///{folder / 'live.db'}"

        def live(name: str, redis_url: str | None = None) -> LiveProcess:
            proc = LiveProcess(
                folder,
                name,
                rpc_url=ctx.chain.url,
                social_url=social.url,
                database_url=live_db,
                deployments=deployments,
                redis_url=redis_url,
            )
            stack.callback(proc.stop)
            return proc

        social = ServiceProcess(social_url, folder)
        one = live("one")
        host: HostProcess | None = None
        if plan.questions:
            host = HostProcess(one.url, world, folder / "host").start()  # loads while the servers start
            stack.callback(host.stop)
        with ctx.steps.step(f"{COMPONENT}: the social service and a live server"):
            one.start()  # starts while the social service does
            stack.enter_context(social)
            one.wait_ready()
        if host is not None:
            with ctx.steps.step(f"{COMPONENT}: the persona host's language model and voice (a process)") as step:
                try:
                    host.wait_ready()
                    step.note(f"{host.model}, {host.voice}")
                except Exception as exc:  # figures never fail a run
                    step.warn("not available")
                    ctx.warn(f"{COMPONENT}: question to first audio: {type(exc).__name__}: {exc}")
                    host.stop()
                    host = None

        async def then(fans: list[Fan], window: Window) -> None:
            if host is None:
                return
            try:
                with ctx.steps.step(f"{COMPONENT}: {plan.questions} questions to the persona host"):
                    out.audio = await questions_to_audio(host, plan, fans, window)
            except Exception as exc:
                ctx.warn(f"{COMPONENT}: question to first audio: {type(exc).__name__}: {exc}")

        try:
            with ctx.steps.step(f"{COMPONENT}: {plan.clients} fans on 1 process, {plan.seconds:g} s") as step:
                out.rooms[ONE] = asyncio.run(room_run([one], world, plan, then=then))
                step.note(_summary(out.rooms[ONE]))
        except Exception as exc:
            ctx.warn(f"{COMPONENT}: 1 process: {type(exc).__name__}: {exc}{_log_hint(one)}")
        if host is not None:
            host.stop()
            if out.audio is not None:
                out.audio.template = host.template or 0
                if host.template:
                    ctx.warn(f"{COMPONENT}: {host.template} of the host's answers fell back to the writer's templates")
        one.stop()

        if plan.two_processes:
            try:
                with ctx.steps.step(f"{COMPONENT}: redis-server and 2 live servers"):
                    redis = RedisProcess(folder)
                    stack.callback(redis.stop)
                    redis.start()
                    pair = [live("a", redis.url).start(), live("b", redis.url).start()]
                    for proc in pair:
                        proc.wait_ready()
                half = dataclasses.replace(plan, questions=0)
                with ctx.steps.step(f"{COMPONENT}: {plan.clients} fans on 2 processes, {plan.seconds:g} s") as step:
                    out.rooms[TWO] = asyncio.run(room_run(pair, world, half, redis_pid=redis.pid))
                    step.note(_summary(out.rooms[TWO]))
            except Exception as exc:
                ctx.warn(f"{COMPONENT}: 2 processes: {type(exc).__name__}: {exc}")
    for name, room in out.rooms.items():
        _check(ctx, name, room)
    return out


def _summary(room: RoomRun) -> str:
    return f"chat p99 {ms(room.chat, 99)} ms, {room.frames_per_s} frames/s, server CPU {room.cpu} %"


def _log_hint(proc: LiveProcess) -> str:
    tail = proc.tail(5)
    return f" (server log: {tail})" if tail else ""


def _check(ctx: Context, name: str, room: RoomRun) -> None:
    """Warnings for what makes a run's figures less than they seem."""
    where = f"{COMPONENT}, {room.processes} process{'es' if room.processes > 1 else ''}"
    if room.chats_delivered < room.chats_expected:
        ctx.warn(
            f"{where}: {room.chats_expected - room.chats_delivered:,} of {room.chats_expected:,} chat deliveries "
            "did not arrive"
        )
    if room.errors:
        ctx.warn(f"{where}: error frames {dict(room.errors)}")
    if room.closed:
        ctx.warn(f"{where}: connections closed by the server {dict(room.closed)}")
    cores = os.cpu_count() or 1
    if room.load is not None and room.load > cores:
        ctx.warn(
            f"{where}: the 1-minute load average was {room.load:.1f} on {cores} cores at the end of the window "
            "(the clients, the servers and other processes share them): the tails carry their share"
        )


@suite("live-room", title="Live room")
def live_room_suite(ctx: Context) -> Iterator[Row]:
    """The live server (live/) as `python -m live` runs it (uvicorn on loopback, SQLite
    attendance store, the defaults of FAME_LIVE_*: 20 messages a second per fan, presence at 10
    Hz), tickets read on the harness's anvil through a deployment manifest naming a PersonaEvents
    deployed for the run (FMC, PersonaRegistry with persona 1, one free event; each fan bought
    its ticket, all in one block), fans signed in by the social service (`python -m social
    --no-chain`, its session rows written before it starts, as a Sign-In with Ethereum would).

    The fans are 200 WebSocket clients (the `websockets` library, permessage-deflate on as
    browsers negotiate it) on one event loop in the benchmark's process, on the same 2 CPU
    cores as the servers, joining 20 at a time. After a settling second, for 20 s each fan sends
    a `move` twice a second and a `chat` every 10 s (phases random, seeded): 400 moves and 20
    chats a second in the room. A chat carries its send time in its text, a move in its heading
    (the server relays headings as they are), on the bench's clock; every other fan notes when
    it receives it. Chat latency is send to receipt over every (chat, other fan) pair: the whole
    path, moderation and the database write included, then the fan-out. Presence latency is a
    move's send to the first presence frame carrying it: it includes the coalescing of presence
    to 10 frames a second (up to 100 ms). Frames per second: every frame the fans received in
    the window, over its length. Server CPU: user + system time of the server processes (all
    threads, /proc/<pid>/stat) over the window, in % of one core; memory: their resident set
    (VmRSS) at its end. The clients' own CPU is a row too: the latencies include the time a
    receipt waits for the clients' loop.

    Two processes: the same load on two live server processes sharing the room through a
    redis-server the bench starts (no persistence), fans alternating between them (100 on each),
    one SQLite database for both (as the docs ask). Their rows put the two-process figure beside
    the one-process figure of the same run (ratio two / one), CPU and memory summed over both
    processes; a row gives the chat p99 between fans on different processes.

    Question to first audio: after the one-process window, with the 200 fans still in the room
    (idle), the persona runtime's host (ai_worker.runtime.live.LiveHost, in a process of its
    own, as the runtime runs beside the servers) joins as the host with the runtime's writer
    (its default language model, SmolLM2-135M-Instruct Q4_1, de-quantised to float32, on the
    CPU) and the persona's voice (Piper, loaded before the run); a fan asks a question, waits
    until the answer is over, and asks the next: one warm-up question, then 3 measured. The
    figure is the ask's send to the first `answer.audio` frame at the asking fan: the server's
    moderation and storage of the question, the host's writing of the whole answer, speaking its
    first sentence, and the relay; another row is the moment the last of the 200 fans had that
    frame. Percentiles are nearest-rank (a measured sample); goal: chat broadcast p99 under 150
    ms.
    """
    yield from rows(measure(ctx, FULL))
