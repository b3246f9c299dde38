"""The live room bench: its own logic (stamps, /proc readers, goal words, rows), and the whole
bench at a tiny size (10 fans, 1 s windows, no persona host) against real processes: the
social service, `python -m live` reading tickets on a private anvil, two of them through a
redis-server. The tiny run checks that the figures are there and hold together (every chat
delivered, p50 <= p99, CPU and memory read, nothing left running), never how fast they are."""

from __future__ import annotations

import io
import os
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks import SUITES
from benchmarks.suites import load_all
from benchmarks.suites.live_room import (
    COMPONENT,
    GOAL_MS,
    ONE,
    TWO,
    AudioRun,
    BenchRun,
    Plan,
    RoomRun,
    chat_stamp,
    chat_text,
    cpu_seconds,
    fan_address,
    fan_token,
    goal_word,
    memory_mb,
    ms,
    rows,
    stamp_value,
    stamp_word,
)

TINY = Plan(clients=10, seconds=1.0, chat_every_s=0.4, questions=0, settle_s=0.3)


def test_the_suite_is_registered_with_its_notes():
    load_all()
    assert SUITES["live-room"].title == "Live room"
    doc = SUITES["live-room"].doc
    assert "python -m live" in doc and "redis-server" in doc and "answer.audio" in doc


def test_a_chat_carries_its_sender_and_send_stamp():
    text = chat_text(17, 3, 12.3456789)
    assert chat_stamp(text) == (17, 12.345679)
    assert chat_stamp(chat_text(0, 0, 0.0)) == (0, 0.0)
    assert all(stamp_value(stamp_word(n)) == n for n in (0, 1, 3, 4, 255, 10**9))
    assert len(chat_text(999, 999, 86_400.0)) <= 280  # the room's limit
    assert chat_stamp("hello room, fan 2 message 6") is None
    assert chat_stamp("hello room, fan 17 message 3 sent 12.5") is None  # digits moderation could misread
    assert chat_stamp("Can you hear me from A?") is None


def test_the_stamped_chats_pass_moderation():
    """Moderation reads some digits as letters ("455" is held as a swear word): the stamps use
    only the others, so no chat of the load is held and every one is delivered."""
    from fame.moderation import moderate

    rng = random.Random(7)
    texts = [chat_text(rng.randrange(400), rng.randrange(50), rng.uniform(0, 600)) for _ in range(3_000)]
    assert not [t for t in texts if moderate(t).held]


def test_fans_have_distinct_addresses_and_sessions():
    addresses = [fan_address(i) for i in range(50)]
    assert len(set(addresses)) == 50 and all(a.startswith("0x") and len(a) == 42 for a in addresses)
    assert addresses[0] != addresses[0].lower()  # checksummed
    assert len({fan_token(i) for i in range(50)}) == 50


def test_proc_readers_see_this_process():
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(300_000))  # burn a little CPU
    assert cpu_seconds(os.getpid()) > before
    rss, peak = memory_mb(os.getpid())
    assert 10 < rss <= peak


def test_goal_words_and_milliseconds():
    assert goal_word(149.9) == "met" and goal_word(GOAL_MS) == "not met" and goal_word(None) == "not measured"
    assert ms([0.010, 0.020, 0.030], 50) == 20.0 and ms([], 99) is None


def _room(processes: int, chat_ms: float) -> RoomRun:
    room = RoomRun(processes, 200, 20.0, chat=[chat_ms / 1000] * 10, presence=[0.05] * 10, welcome=[0.1] * 200)
    room.frames, room.server_cpu, room.server_rss = 4_000, {"a": 50.0}, {"a": 120.0}
    if processes == 2:
        room.server_cpu["b"], room.server_rss["b"], room.chat_cross, room.redis_cpu = 40.0, 110.0, [0.2], 3.0
    return room


def test_rows_put_two_processes_beside_one_and_say_the_goal():
    run = BenchRun(Plan(), {ONE: _room(1, 40.0), TWO: _room(2, 90.0)}, AudioRun(asker=[2.0, 3.0, 4.0]))
    out = list(rows(run))
    assert all(r.component == COMPONENT and r.unit for r in out)
    by = {r.action: r for r in out}
    one_p99 = next(r for a, r in by.items() if a.startswith("chat broadcast latency p99") and "1 process," in a)
    assert one_p99.ours == 40.0 and one_p99.anchor_value is None and "met)" in one_p99.action
    two_p99 = next(r for a, r in by.items() if a.startswith("chat broadcast latency p99") and "vs 1 process" in a)
    assert (two_p99.ours, two_p99.anchor_value) == (90.0, 40.0) and two_p99.ratio == pytest.approx(2.25)
    cross = next(r for a, r in by.items() if "different processes" in a)
    assert cross.ours == 200.0 and "not met" in cross.action
    cpu = next(r for a, r in by.items() if a.startswith("server CPU") and "vs 1 process" in a)
    assert (cpu.ours, cpu.anchor_value) == (90.0, 50.0)
    audio = [r for r in out if r.action.startswith("question to first audio")]
    assert [r.ours for r in audio] == [3.0, 4.0, None] and all(r.unit == "s" for r in audio)


def test_rows_of_a_failed_run_are_empty_not_missing():
    out = list(rows(BenchRun(Plan())))
    assert len(out) == len(list(rows(BenchRun(Plan(), {ONE: _room(1, 1.0), TWO: _room(2, 1.0)}))))
    assert all(r.ours is None for r in out)
    assert any("not measured" in r.action for r in out)


def _children() -> set[int]:
    """Live processes whose parent is this one."""
    me, out = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            if int(raw[raw.rindex(")") + 2 :].split()[1]) == me:
                out.add(int(entry.name))
    return out


def test_the_tiny_bench_runs_against_real_processes():
    from web3 import Web3

    from benchmarks.artifacts import OurContracts
    from benchmarks.chain import Anvil
    from benchmarks.context import Context, dev_accounts
    from benchmarks.progress import Steps

    ours = OurContracts()
    missing = [name for name in ("FMC", "PersonaRegistry", "PersonaEvents") if name not in ours]
    if missing:
        pytest.skip(f"not compiled: {', '.join(missing)} (`ape compile`; `make test` compiles first)")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")

    from benchmarks.suites.live_room import measure

    before = _children()
    with Anvil() as anvil, Steps(Console(file=io.StringIO())) as steps:
        ctx = Context(Web3(Web3.HTTPProvider(anvil.url)), anvil, dev_accounts(10), ours, steps)
        run = measure(ctx, TINY)
        left = _children() - before - {anvil.pid}
    assert not left, f"processes left running: {left}"
    failures = [w for w in ctx.warnings if "load average" not in w]
    assert not failures, failures

    assert set(run.rooms) == {ONE, TWO}
    for name, room in run.rooms.items():
        assert room.clients == 10 and len(room.welcome) == 10, name
        assert room.chats_sent > 0 and room.chats_delivered == room.chats_expected == room.chats_sent * 9, name
        assert len(room.chat) == room.chats_delivered and room.moves_sent > 0 and room.presence, name
        assert not room.errors and not room.closed, name
        assert 0 < ms(room.chat, 50) <= ms(room.chat, 99), name
        assert 0 < ms(room.presence, 50) <= ms(room.presence, 99), name
        assert room.frame_kinds["chat"] > 0 and room.frame_kinds["presence"] > 0, name
        assert room.frames_per_s and room.frames_per_s > 0, name
        assert room.cpu is not None and 0 < room.cpu < 400, name
        assert room.rss is not None and room.rss > 20 and all(room.server_peak[n] >= 20 for n in room.server_rss)
    two = run.rooms[TWO]
    assert len(two.server_cpu) == len(two.server_rss) == 2
    assert two.chat_cross and len(two.chat_cross) < len(two.chat) and two.redis_cpu is not None

    out = list(rows(run))
    assert all(r.component == COMPONENT for r in out)
    assert not [r.action for r in out if r.ours is None], "a figure is missing"
    units = Counter(r.unit for r in out)
    assert units["ms"] >= 8 and units["%"] >= 3 and units["MiB"] == 2 and units["frames/s"] == 2
    assert not any(r.action.startswith("question to first audio") for r in out)  # TINY asks no questions
