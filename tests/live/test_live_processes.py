"""The live server as real processes: two processes sharing rooms through a real Redis, and
a process that is stopped (SIGTERM) and killed (SIGKILL) under its fans.

Invariants: a room spread over two processes behaves like one (joins and leaves, presence,
chat, questions reaching the host on the other process, the host's answers reaching a fan on
the other process, the host's presence) and a fan with a tab on each counts once; a stopped
server closes its sockets with 1013, and across a stop and a kill its fans' attendance loses
at most about a second and counts nothing twice.
"""

from __future__ import annotations

import asyncio
import signal
import time

import httpx
from live_helpers import HOST_TOKEN, LiveProcess, fan, open_room, session_cookie

EVENT = 3


def _env(social, tmp_path) -> dict[str, str]:
    return {
        "FAME_STATE_DIR": str(tmp_path / "state"),
        "FAME_LIVE_SOCIAL_URL": social.url,
        "FAME_LIVE_HOST_TOKEN": HOST_TOKEN,
    }


def test_a_room_over_two_processes_behaves_like_one(social, book, redis_server, tmp_path):
    book.add_event(EVENT, min_attendance=1)
    for i in (7, 8, 9):
        book.give_ticket(EVENT, fan(i).address)
    cookies = {i: session_cookie(social, fan(i)) for i in (7, 8, 9)}
    db = ["--database-url", f"sqlite:///{tmp_path / 'live.db'}", "--redis-url", redis_server.url]
    a = LiveProcess(tmp_path, _env(social, tmp_path), book=book.path, argv=db, name="a")
    b = LiveProcess(tmp_path, _env(social, tmp_path), book=book.path, argv=db, name="b")
    a.start(), b.start()
    try:

        async def scenario():
            alice = await open_room(a.ws, EVENT, cookie=cookies[7])  # on A
            await alice.next("welcome")
            bob = await open_room(b.ws, EVENT, cookie=cookies[8])  # on B
            await bob.next("welcome")
            await alice.next("joined", address=fan(8).address)
            host = await open_room(b.ws, EVENT, host=True)  # the host on B
            await host.next("welcome")
            assert (await alice.next("host"))["present"] is True

            await alice.send({"type": "move", "x": -3.5, "z": 1.0, "heading": 1.0})
            moved = {"address": fan(7).address, "x": -3.5, "z": 1.0, "heading": 1.0}
            await bob.next("presence", where=lambda f: moved in f["avatars"])
            await bob.send({"type": "move", "x": 4.0, "z": -2.0, "heading": 0.0})
            moved_too = {"address": fan(8).address, "x": 4.0, "z": -2.0, "heading": 0.0}
            await alice.next("presence", where=lambda f: moved_too in f["avatars"])

            await alice.send({"type": "chat", "text": "hello from process A"})
            assert (await bob.next("chat"))["text"] == "hello from process A"
            await alice.send({"type": "ask", "text": "Can you hear me from A?"})
            question = await host.next("question")
            assert (question["from"], question["text"]) == (fan(7).address, "Can you hear me from A?")
            qid = question["id"]
            for frame in (
                {
                    "type": "answer.start",
                    "question_id": qid,
                    "emotion": "calm",
                    "text": "Loud and clear.",
                    "sample_rate": 8000,
                },
                {"type": "answer.caption", "question_id": qid, "text": "Loud and clear.", "start": 0.0, "end": 0.8},
                {"type": "answer.audio", "question_id": qid, "seq": 0, "pcm": "AAA=", "visemes": []},
                {"type": "answer.end", "question_id": qid, "duration": 0.8},
            ):
                await host.send(frame)
            for kind in ("answer.start", "answer.caption", "answer.audio", "answer.end"):
                frame = await alice.next(kind)
                assert frame["question_id"] == qid

            room = httpx.get(f"{a.url}/api/events/{EVENT}/room").json()  # A knows who is on B
            assert room["host"] is True
            assert {x["address"] for x in room["attendees"]} == {fan(7).address, fan(8).address}

            # one fan, a tab on each process: one avatar, and its seconds counted once
            carol_a = await open_room(a.ws, EVENT, cookie=cookies[9])
            await carol_a.next("welcome")
            carol_b = await open_room(b.ws, EVENT, cookie=cookies[9])
            await carol_b.next("welcome")
            opened = time.monotonic()
            for _ in range(6):
                await carol_a.send({"type": "ping"})
                await carol_b.send({"type": "ping"})
                await asyncio.sleep(0.5)
            await carol_a.close()
            await asyncio.sleep(0.3)
            assert not [f for f in alice.frames if f.get("type") == "left" and f["address"] == fan(9).address]
            await carol_b.close()
            stayed = time.monotonic() - opened
            await alice.next("left", address=fan(9).address)

            await bob.close()
            await alice.next("left", address=fan(8).address)
            await host.close()
            assert (await alice.next("host"))["present"] is False
            await alice.close()
            return stayed

        stayed = asyncio.run(scenario())
        time.sleep(0.3)
        with httpx.Client(base_url=a.url, cookies={"fame_session": cookies[9]}) as api:
            attended = api.get(f"/api/events/{EVENT}/attendance").json()["attended"]
        assert int(stayed) - 1 <= attended <= stayed + 0.1, (attended, stayed)
    finally:
        a.stop()
        b.stop()


def test_a_stop_and_a_kill_lose_at_most_a_second_of_attendance(social, book, tmp_path):
    book.add_event(EVENT, min_attendance=1)
    book.give_ticket(EVENT, fan(10).address)
    cookie = session_cookie(social, fan(10))
    argv = ["--database-url", f"sqlite:///{tmp_path / 'live.db'}"]
    server = LiveProcess(tmp_path, _env(social, tmp_path), book=book.path, argv=argv).start()
    port = server.port

    async def stay(seconds: float, end) -> tuple[float, int | None]:
        """In the room for `seconds` (pinging), then `end()` the server: (time in, close code)."""
        room = await open_room(server.ws, EVENT, cookie=cookie)
        await room.next("welcome")
        opened = time.monotonic()
        while time.monotonic() - opened < seconds:
            await room.send({"type": "ping"})
            await asyncio.sleep(0.25)
        stopping = asyncio.get_running_loop().run_in_executor(None, end)
        code, _ = await room.closed(timeout=15)
        inside = time.monotonic() - opened
        await stopping
        return inside, code

    try:
        first, code = asyncio.run(stay(2.5, lambda: server.stop(signal.SIGTERM)))
        assert code == 1013  # try again later: the clients reconnect
        server = LiveProcess(tmp_path, _env(social, tmp_path), book=book.path, argv=argv, port=port).start()
        second, code = asyncio.run(stay(2.5, lambda: server.stop(signal.SIGKILL)))
        assert code != 1013  # killed: no goodbye
        server = LiveProcess(tmp_path, _env(social, tmp_path), book=book.path, argv=argv, port=port).start()
        with httpx.Client(base_url=server.url, cookies={"fame_session": cookie}) as api:
            attended = api.get(f"/api/events/{EVENT}/attendance").json()["attended"]
        # the stop counted up to its close; the kill lost what was not yet flushed (under a second)
        assert first + second - 2.2 <= attended <= first + second + 0.1, (attended, first, second)
    finally:
        if server.proc is not None:
            server.stop()
