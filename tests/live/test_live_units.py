"""The live server's parts on their own: frames, room state, the rate limit, the attendance
store (SQLite and PostgreSQL), the migrations, vouchers, and hubs joined by a broker (in
memory, and through a real Redis that restarts under them).

Invariants: every malformed frame is refused with a reason and a fan never passes for the host;
a member leaves when its last origin does, and a silent origin is forgotten; the limit allows
the burst, then `rate` a second, and calls a flood only after FLOOD_S of it; attendance spans
that overlap (two tabs, two processes) count once and a gap (a restart) counts nothing; the
migrations create exactly the models' tables; a voucher recovers to its key; two hubs on one
broker hold the same room, also after Redis restarted.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from eth_account import Account
from eth_account.messages import encode_typed_data
from live_helpers import RedisServer

from fame.chain import dev_account
from fame.config import DEV_VOUCHER_INDEX, LiveSettings
from fame.eip712 import attendance_typed_data
from live import protocol as p
from live.broker import LocalBroker, LocalBus, RedisBroker
from live.hub import Connection, Hub
from live.ratelimit import FLOOD_S, ConnectionLimit, Verdict
from live.rooms import EXPIRE_S, Room
from live.store import attendance, transcript
from live.store.db import Database
from live.store.migrate import VERSION_TABLE
from live.store.models import Base
from live.vouchers import NoVoucherKey, sign, voucher_key

ALICE = "0x" + "a1" * 20
BOB = "0x" + "b2" * 20


# ---------------------------------------------------------------------------- frames


def test_frames_are_checked_and_a_fan_never_passes_for_the_host():
    assert p.parse('{"type": "move", "x": 1.5, "z": -10, "heading": 3.1, "extra": 1}', host=False) == p.Move(
        type="move", x=1.5, z=-10, heading=3.1
    )
    assert p.parse('{"type": "chat", "text": "  hi  "}', host=False).text == "hi"  # type: ignore[union-attr]
    start = p.parse(
        '{"type": "answer.start", "question_id": "12", "emotion": "joy", "text": "", "sample_rate": 8000}', host=True
    )
    assert isinstance(start, p.AnswerStart) and start.question_id == 12
    refused = [
        ('{"type": "move", "x": NaN, "z": 0, "heading": 0}', False, "bad_message"),
        ('{"type": "move", "x": 0, "z": 10.01, "heading": 0}', False, "bad_message"),
        ('{"type": "move", "x": 0, "z": 0}', False, "bad_message"),
        ('{"type": "ask", "text": ""}', False, "bad_message"),
        ('{"type": "answer.start", "question_id": 1}', False, "not_host"),
        ('{"type": "chat", "text": "hello"}', True, "bad_message"),
        ('{"type": "answer.audio", "question_id": 1, "seq": 0, "pcm": "not base64!"}', True, "bad_message"),
        ('{"type": "answer.audio", "question_id": 1, "seq": 0, "pcm": "AA=="}', True, "bad_message"),  # one byte
        ('{"type": "answer.end", "question_id": "one", "duration": 1}', True, "bad_message"),
        ('{"type": "answer.caption", "question_id": 1, "text": "x", "start": -1, "end": 1}', True, "bad_message"),
        ('{"type": "chat", "text": "' + "x" * p.MAX_FAN_FRAME + '"}', False, "bad_message"),
        ("{}", False, "bad_message"),
        ("null", False, "bad_message"),
    ]
    for raw, host, code in refused:
        with pytest.raises(p.BadFrame) as err:
            p.parse(raw, host=host)
        assert err.value.code == code, raw
        assert str(err.value), raw
    out = json.loads(p.encode(p.ChatOut(id=3, from_=ALICE, text="hi", at=1.5)))
    assert out == {"type": "chat", "id": 3, "from": ALICE, "text": "hi", "at": 1.5}


# ---------------------------------------------------------------------------- rooms


def _msg(kind: str, origin: str, **fields) -> dict:
    return {"kind": kind, "origin": origin, "event_id": 1, **fields}


def _avatar(address: str, x: float = 0.0) -> dict:
    return {"address": address, "x": x, "z": 8.0, "heading": 0.0}


def test_a_member_leaves_with_its_last_origin_and_a_silent_origin_is_forgotten():
    room = Room(1)
    kinds = lambda frames: [json.loads(f)["type"] for f in frames]  # noqa: E731
    assert kinds(room.apply(_msg("join", "A", avatar=_avatar(ALICE)), 0.0)) == ["joined"]
    assert room.apply(_msg("join", "B", avatar=_avatar(ALICE)), 0.0) == []  # a second tab, elsewhere
    assert room.apply(_msg("leave", "A", address=ALICE), 0.0) == []
    assert kinds(room.apply(_msg("leave", "B", address=ALICE), 0.0)) == ["left"]
    # the roster of B says it holds Bob and the host: that is news here
    assert kinds(room.apply(_msg("roster", "B", members=[_avatar(BOB)], host=True), 1.0)) == ["joined", "host"]
    assert room.host and [a.address for a in room.avatars()] == [BOB]
    # B stops talking (it died): after EXPIRE_S its members and its host are gone
    assert room.expire(1.0 + EXPIRE_S - 0.1, own="A") == []
    assert kinds(room.expire(1.0 + EXPIRE_S + 0.1, own="A")) == ["left", "host"]
    assert room.empty
    # a roster that no longer lists a member is its leave
    room.apply(_msg("join", "C", avatar=_avatar(ALICE)), 5.0)
    assert kinds(room.apply(_msg("roster", "C", members=[], host=False), 5.0)) == ["left"]


def test_presence_is_coalesced_the_last_move_wins():
    room = Room(1)
    room.apply(_msg("join", "A", avatar=_avatar(ALICE)), 0.0)
    for x in (1.0, 2.0, 3.0):
        room.move(p.Avatar(address=ALICE, x=x, z=0.0, heading=0.0))
    moved = room.take_moved()
    assert [a.x for a in moved] == [3.0] and room.take_moved() == []
    room.apply(_msg("presence", "A", avatars=[a.model_dump() for a in moved]), 0.1)
    room.apply(_msg("presence", "B", avatars=[_avatar(BOB, 4.0)]), 0.1)
    frame = json.loads(room.take_unsent() or "{}")
    assert {a["address"]: a["x"] for a in frame["avatars"]} == {ALICE: 3.0, BOB: 4.0}
    assert room.take_unsent() is None


# ---------------------------------------------------------------------------- rate limit


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_the_limit_allows_the_burst_then_the_rate_and_calls_a_flood_after_ten_seconds():
    clock = FakeClock()
    limit = ConnectionLimit(20, 40, clock)
    assert [limit.check() for _ in range(40)] == [Verdict.OK] * 40
    assert limit.check() is Verdict.LIMITED
    verdicts = []
    while clock.t < 1000.0 + FLOOD_S - 0.05:  # 100 a second: 20 of them go through
        clock.t += 0.01
        verdicts.append(limit.check())
    assert Verdict.FLOODING not in verdicts
    assert 18 * FLOOD_S <= verdicts.count(Verdict.OK) <= 20 * FLOOD_S + 1
    clock.t += 0.1
    verdicts = [limit.check() for _ in range(5)]
    assert Verdict.FLOODING in verdicts
    # a pause longer than a second ends a flood: it starts over
    calm = ConnectionLimit(20, 40, clock)
    for _ in range(3):
        for _ in range(100):
            calm.check()
        clock.t += 4.0  # 4 s of nothing refills the bucket and breaks the streak
    assert all(calm.check() is Verdict.OK for _ in range(40))


# ---------------------------------------------------------------------------- the store


@pytest.fixture(scope="module")
def postgres():
    from stack.postgres import available, throwaway_postgres

    if not available():
        pytest.skip("PostgreSQL is not installed (make test-tools installs it)")
    with throwaway_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'live.db'}")
    else:
        pg = request.getfixturevalue("postgres")
        database = Database(pg.url(pg.create_database()))
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()


def test_the_migrations_create_exactly_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), Base.metadata)
    assert diff == []
    db.migrate()  # applying them again changes nothing


def test_overlapping_spans_count_once_and_a_gap_counts_nothing(db):
    with db.sessions() as s, s.begin():
        attendance.ensure(s, 1, ALICE, 0)
        attendance.ensure(s, 1, ALICE, 0)  # a second join: still one row
    # two processes count the same fan over 0..10 s, each in 1 s steps, interleaved
    for t in range(1, 11):
        for _process in ("A", "B"):
            with db.sessions() as s, s.begin():
                attendance.add(s, [attendance.Span(1, ALICE, 0, t * 1000)])
    with db.sessions() as s:
        assert attendance.attended_ms(s, 1, ALICE) == 10_000
    # a restart: back at 15 s, counted from there (the 5 s away are not in the room)
    with db.sessions() as s, s.begin():
        attendance.add(s, [attendance.Span(1, ALICE, 15_000, 17_500)])
        attendance.add(s, [attendance.Span(1, ALICE, 15_000, 17_000)])  # late and stale: nothing
    with db.sessions() as s:
        assert attendance.attended_ms(s, 1, ALICE) == 12_500
        summary = attendance.summary(s, 1, required_s=12)
        assert (summary.fans, summary.qualified, summary.seconds) == (1, 1, 12)
        assert attendance.attended_ms(s, 1, BOB) == 0


def test_open_questions_are_those_without_an_ended_answer(db):
    with db.sessions() as s, s.begin():
        q1 = transcript.add_message(s, 1, transcript.QUESTION, ALICE, "first?", 1, None)
        q2 = transcript.add_message(s, 1, transcript.QUESTION, BOB, "second?", 2, None)
        transcript.add_message(s, 1, transcript.QUESTION, BOB, "held?", 3, "profanity")
        transcript.add_message(s, 2, transcript.QUESTION, BOB, "other event?", 4, None)
        cut_short = transcript.start_answer(s, 1, q1, "joy", "Well", "", 5)
        transcript.add_caption(s, cut_short, "Well", 0, 400)
    with db.sessions() as s:
        assert [q.id for q in transcript.open_questions(s, 1, 10)] == [q1, q2]  # an answer cut short is not one
        assert transcript.question(s, 2, q1) is None and transcript.question(s, 1, q1) is not None
    with db.sessions() as s, s.begin():
        done = transcript.start_answer(s, 1, q1, "joy", "Well, yes.", "AI", 6)
        transcript.end_answer(s, done, 1500, 7)
    with db.sessions() as s:
        assert [q.id for q in transcript.open_questions(s, 1, 10)] == [q2]
        said = transcript.transcript(s, 1)
        assert [(q.text, answered) for q, answered in said.questions] == [("first?", True), ("second?", False)]
        assert [(a.text, a.duration_ms, len(a.captions)) for a in said.answers] == [
            ("Well", None, 1),
            ("Well, yes.", 1500, 0),
        ]


# ---------------------------------------------------------------------------- vouchers


def test_the_voucher_key_and_its_signature():
    cfg = LiveSettings()
    assert voucher_key(cfg, 31337).address == dev_account(DEV_VOUCHER_INDEX).address
    with pytest.raises(NoVoucherKey, match="FAME_LIVE_VOUCHER_KEY"):
        voucher_key(cfg, 1)  # the dev key's private key is public: never on another chain
    with pytest.raises(NoVoucherKey):
        voucher_key(LiveSettings(voucher_key="0x1234"), 1)
    own = Account.create()
    key = voucher_key(LiveSettings(voucher_key=own.key.hex()), 1)
    assert key.address == own.address
    contract = "0x" + "cd" * 20
    v = sign(key, chain_id=1, contract=contract, event_id=5, attendee=ALICE.lower(), attended=70, deadline=99)
    typed = attendance_typed_data(1, contract, 5, ALICE, 70, 99)
    assert Account.recover_message(encode_typed_data(full_message=typed), signature=v.signature) == own.address
    assert v.attendee == typed["message"]["attendee"]  # checksummed


# ---------------------------------------------------------------------------- hubs and brokers


async def _two_hubs(broker_a, broker_b) -> tuple[Hub, Hub]:
    a = Hub(broker_a, presence_hz=10, origin="hub-a")
    b = Hub(broker_b, presence_hz=10, origin="hub-b")
    await a.start()
    await b.start()
    return a, b


async def _frames(conn: Connection, kind: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = await asyncio.wait_for(conn.outbox.get(), deadline - time.monotonic())
        except TimeoutError:
            break
        frame = json.loads(text) if isinstance(text, str) else {}
        if frame.get("type") == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


async def _one_room_on_two_hubs(a: Hub, b: Hub) -> None:
    alice, bob = Connection(1, ALICE), Connection(1, BOB)
    a.add(alice)
    b.add(bob)
    assert (await _frames(alice, "joined"))["address"] == ALICE
    assert (await _frames(alice, "joined"))["address"] == BOB
    b.broadcast(1, p.encode(p.ChatOut(id=1, from_=BOB, text="hi from b", at=0)))
    assert (await _frames(alice, "chat"))["text"] == "hi from b"
    b.move(bob, p.Move(type="move", x=2.0, z=1.0, heading=0.0))
    seen = await _frames(alice, "presence")
    assert {"address": BOB, "x": 2.0, "z": 1.0, "heading": 0.0} in seen["avatars"]
    b.remove(bob)
    assert (await _frames(alice, "left"))["address"] == BOB


def test_two_hubs_on_one_bus_hold_the_same_room():
    async def scenario():
        bus = LocalBus()
        a, b = await _two_hubs(LocalBroker(bus), LocalBroker(bus))
        try:
            await _one_room_on_two_hubs(a, b)
        finally:
            await a.stop()
            await b.stop()

    asyncio.run(scenario())


def test_two_hubs_on_redis_hold_the_same_room_also_after_redis_restarted():
    server = RedisServer().start()

    async def connected(*brokers, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(x.connected for x in brokers):
            assert time.monotonic() < deadline, "the brokers did not reconnect"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)  # the subscription is confirmed just after the connection

    async def scenario():
        a, b = await _two_hubs(RedisBroker(server.url, "hub-a"), RedisBroker(server.url, "hub-b"))
        try:
            await connected(a.broker, b.broker)
            await _one_room_on_two_hubs(a, b)
            port = server.port
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(0.5)
            restarted = RedisServer(port=port)
            await asyncio.to_thread(restarted.start)
            try:
                await connected(a.broker, b.broker)
                carol = Connection(1, "0x" + "c3" * 20)
                b.add(carol)
                watcher = next(iter(a.local[1]))
                assert (await _frames(watcher, "joined"))["address"] == carol.address
            finally:
                await asyncio.to_thread(restarted.stop)
        finally:
            await a.stop()
            await b.stop()

    try:
        asyncio.run(scenario())
    finally:
        server.stop()


# ---------------------------------------------------------------------------- API document and CLI


def test_the_openapi_document_names_every_endpoint_and_its_errors(tmp_path):
    from live_book import Book, BookEvents
    from live_helpers import live_settings_for

    from live.app import create_app
    from live.server import make_service

    book = Book(tmp_path / "book.json")
    service = make_service(
        live_settings_for("http://127.0.0.1:1", f"sqlite:///{tmp_path / 'live.db'}"), BookEvents(book.path)
    )
    doc = create_app(service).openapi()
    paths = doc["paths"]
    assert {"/health", "/api/events/{event_id}/room", "/api/events/{event_id}/attendance"} <= set(paths)
    voucher = paths["/api/events/{event_id}/voucher"]["post"]["responses"]
    assert {"200", "401", "403", "404", "422", "503"} <= set(voucher)
    assert voucher["403"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Problem"
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    line = next(s for name, s in schemas.items() if name.startswith("Line"))
    assert "from" in line["properties"]  # as the frames say it


def test_fame_live_migrate_applies_the_migrations(tmp_path):
    from click.testing import CliRunner

    from live.cli import live

    url = f"sqlite:///{tmp_path / 'live.db'}"
    for _ in range(2):  # again: nothing to do
        result = CliRunner().invoke(live, ["migrate", "--database-url", url])
        assert result.exit_code == 0, result.output
        assert result.output.strip().endswith("revision l0001")
    bad = CliRunner().invoke(live, ["migrate", "--database-url", "mysql://nobody"])
    assert bad.exit_code == 2 and "SQLite" in bad.output


def test_the_rooms_open_to_the_web_apps_origin_only(monkeypatch):
    """Unset, the allowed origins are the web app's (the social service's public origin), by
    127.0.0.1 and localhost alike on loopback; set, exactly the listed ones."""
    from fame import config

    monkeypatch.setenv("FAME_GATEWAY_PORT", "18088")
    monkeypatch.delenv("FAME_SOCIAL_PUBLIC_URL", raising=False)
    config.settings.cache_clear()
    config.social_settings.cache_clear()
    try:
        assert LiveSettings().origins == {"http://127.0.0.1:18088", "http://localhost:18088"}
        monkeypatch.setenv("FAME_SOCIAL_PUBLIC_URL", "https://fans.example/")
        config.social_settings.cache_clear()
        assert LiveSettings().origins == {"https://fans.example"}
        explicit = LiveSettings(allowed_origins=" https://a.example/, https://b.example:8443 ,")
        assert explicit.origins == {"https://a.example", "https://b.example:8443"}
        assert LiveSettings(allowed_origins="").origins == frozenset()  # nobody's pages: scripts only
    finally:
        config.settings.cache_clear()
        config.social_settings.cache_clear()
