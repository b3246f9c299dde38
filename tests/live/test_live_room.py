"""The room over a real WebSocket: the live server (uvicorn, the real app) in this process, the
social service as a real process for the fans' sign-in, events and tickets from the event book.

Invariants: nobody gets in without a session (1008 "sign in first") or a ticket (1008 "no
ticket for event N"), nor from a page of another origin than the web app's (1008); an
unknown event is 4404 and an ended or cancelled one 4409; a bad
frame gets an `error` frame and the connection keeps working; presence reaches the others at
most presence_hz times a second with the last position; chat passes moderation; the host's
answer frames reach every fan and their captions the transcript; a flood is answered
`rate_limited` and then closed (1008 "flooding"); a shutdown closes with 1013.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from live_helpers import HOST_TOKEN, InProcessLive, fan, live_settings_for, open_room, session_cookie

EVENT = 1


@pytest.fixture
def live(social, book, tmp_path):
    book.add_event(EVENT, min_attendance=60)
    server = InProcessLive(live_settings_for(social.url, f"sqlite:///{tmp_path / 'live.db'}"), _events(book)).start()
    try:
        yield server
    finally:
        server.stop()


def _events(book):
    from live_book import BookEvents

    return BookEvents(book.path)


@pytest.fixture(scope="module")
def cookies(social):
    """Sessions of fans 1..4 (signed in once for the module)."""
    return {i: session_cookie(social, fan(i)) for i in range(1, 5)}


def test_without_a_session_or_a_ticket_nobody_gets_in(live, book, cookies):
    async def scenario():
        anonymous = await open_room(live.ws, EVENT)
        assert await anonymous.closed() == (1008, "sign in first")
        stranger = await open_room(live.ws, EVENT, cookie="not-a-session")
        assert await stranger.closed() == (1008, "sign in first")
        no_ticket = await open_room(live.ws, EVENT, cookie=cookies[1])
        assert await no_ticket.closed() == (1008, f"no ticket for event {EVENT}")
        unknown = await open_room(live.ws, 99, cookie=cookies[1])
        assert await unknown.closed() == (4404, "there is no event 99")
        book.add_event(2, starts_in=-100, length=50)
        book.give_ticket(2, fan(1).address)
        ended = await open_room(live.ws, 2, cookie=cookies[1])
        assert await ended.closed() == (4409, "event 2 has ended")
        book.add_event(3, cancelled=True)
        book.give_ticket(3, fan(1).address)
        cancelled = await open_room(live.ws, 3, cookie=cookies[1])
        assert await cancelled.closed() == (4409, "event 3 was cancelled")
        bad_host = await open_room(live.ws, EVENT, host=True, token="wrong")
        code, reason = await bad_host.closed()
        assert code == 1008 and "host token" in reason
        # a page of another origin (the same site on another port included) cannot ride on the
        # fan's cookie, even with a ticket
        book.give_ticket(EVENT, fan(2).address)
        for page in ("http://attacker.example", "http://127.0.0.1:9", "null"):
            foreign = await open_room(live.ws, EVENT, cookie=cookies[2], origin=page)
            code, reason = await foreign.closed()
            assert code == 1008 and f"pages of {page} may not open this room" in reason
        web_app = sorted(live.cfg.origins)[0]
        welcomed = await open_room(live.ws, EVENT, cookie=cookies[2], origin=web_app)
        assert (await welcomed.next("welcome"))["you"] == fan(2).address
        await welcomed.ws.close()

    asyncio.run(scenario())


def test_a_fan_with_a_ticket_is_welcomed_and_a_bad_frame_loses_nothing(live, book, cookies):
    book.give_ticket(EVENT, fan(1).address)

    async def scenario():
        room = await open_room(live.ws, EVENT, cookie=cookies[1])
        welcome = await room.next("welcome")
        event = welcome["event"]
        assert welcome["you"] == fan(1).address and welcome["host"] is False
        assert (event["id"], event["persona_id"]) == (EVENT, 1) and event["ends_at"] > time.time()
        assert welcome["questions"] == []
        await room.next("joined", address=fan(1).address)
        for bad, code, words in [
            ("not json", "bad_message", "JSON object"),
            ("[1, 2]", "bad_message", "JSON object"),
            ('{"type": "dance"}', "bad_message", "unknown frame type"),
            ('{"type": "move", "x": 11, "z": 0, "heading": 0}', "bad_message", "x"),
            ('{"type": "move", "x": "left", "z": 0, "heading": 0}', "bad_message", "x"),
            ('{"type": "chat", "text": "   "}', "bad_message", "empty"),
            ('{"type": "chat", "text": "' + "a" * 281 + '"}', "bad_message", "280"),
            ('{"type": "answer.end", "question_id": 1, "duration": 1}', "not_host", "host"),
        ]:
            await room.send(bad)
            error = await room.next("error")
            assert error["code"] == code and words in error["message"], (bad, error)
        await room.ws.send(b"\x00binary")
        assert (await room.next("error"))["code"] == "bad_message"
        await room.send({"type": "ping"})
        await room.next("pong")
        await room.send({"type": "chat", "text": "still here"})
        chat = await room.next("chat")
        assert (chat["from"], chat["text"]) == (fan(1).address, "still here") and chat["id"] >= 1
        await room.close()

    asyncio.run(scenario())


def test_presence_reaches_the_others_at_most_ten_times_a_second(live, book, cookies):
    for i in (1, 2):
        book.give_ticket(EVENT, fan(i).address)

    async def scenario():
        mover = await open_room(live.ws, EVENT, cookie=cookies[1])
        await mover.next("welcome")
        watcher = await open_room(live.ws, EVENT, cookie=cookies[2])
        welcome = await watcher.next("welcome")
        assert [a["address"] for a in welcome["attendees"]] == [fan(1).address]
        await mover.next("joined", address=fan(2).address)

        async def walk():
            for step in range(60):  # 40 moves a second for 1.5 s
                await mover.send({"type": "move", "x": -5 + step * 0.1, "z": 2.0, "heading": 0.5})
                await asyncio.sleep(0.025)

        frames, _ = await asyncio.gather(watcher.collect(1.8), walk())
        presence = [f for f in frames if f["type"] == "presence"]
        assert 5 <= len(presence) <= 20, len(presence)  # 10 Hz over ~1.6 s, never one per move
        last = [a for a in presence[-1]["avatars"] if a["address"] == fan(1).address][-1]
        assert (round(last["x"], 2), last["z"], last["heading"]) == (0.9, 2.0, 0.5)
        room = httpx.get(f"{live.url}/api/events/{EVENT}/room").json()
        assert {a["address"]: round(a["x"], 2) for a in room["attendees"]} == {fan(1).address: 0.9, fan(2).address: 0.0}
        await mover.close()
        await watcher.next("left", address=fan(1).address)
        await watcher.close()

    asyncio.run(scenario())


def test_chat_is_moderated_and_the_host_answers_every_fan(live, book, cookies):
    for i in (1, 2):
        book.give_ticket(EVENT, fan(i).address)

    async def scenario():
        alice = await open_room(live.ws, EVENT, cookie=cookies[1])
        await alice.next("welcome")
        bob = await open_room(live.ws, EVENT, cookie=cookies[2])
        await bob.next("welcome")
        await alice.send({"type": "chat", "text": "what a lovely stage"})
        for fan_room in (alice, bob):
            chat = await fan_room.next("chat")
            assert (chat["from"], chat["text"]) == (fan(1).address, "what a lovely stage")
        await bob.send({"type": "chat", "text": "you are a worthless idiot and I hate you"})
        held = await bob.next("error")
        assert held["code"] == "moderated"
        await alice.send({"type": "ask", "text": "What is your favourite comet?"})
        question = await alice.next("question")
        assert (question["from"], question["text"]) == (fan(1).address, "What is your favourite comet?")
        assert (await bob.next("chat"))["text"] == "What is your favourite comet?"  # the held chat never came
        await bob.next("question", id=question["id"])

        host = await open_room(live.ws, EVENT, host=True)
        welcome = await host.next("welcome")
        assert welcome["you"] == "host" and [q["id"] for q in welcome["questions"]] == [question["id"]]
        for fan_room in (alice, bob):
            assert (await fan_room.next("host"))["present"] is True
        qid = str(question["id"])  # the host may echo the id as a string
        frames = [
            {"type": "answer.start", "question_id": qid, "emotion": "joy", "text": "Halley's, of course.",
             "sample_rate": 16000, "ai_label": "AI-generated"},
            {"type": "answer.caption", "question_id": qid, "text": "Halley's, of course.", "start": 0.0, "end": 1.2},
            {"type": "answer.audio", "question_id": qid, "seq": 0, "at": 0.0, "pcm": "AAABAAIA",
             "visemes": [[0.0, "A"]]},
            {"type": "answer.end", "question_id": qid, "duration": 1.2},
        ]  # fmt: skip
        for frame in frames:
            await host.send(frame)
        for fan_room in (alice, bob):
            start = await fan_room.next("answer.start")
            assert (start["question_id"], start["emotion"], start["sample_rate"]) == (question["id"], "joy", 16000)
            await fan_room.next("answer.caption", text="Halley's, of course.", start=0.0, end=1.2)
            audio = await fan_room.next("answer.audio")
            assert (audio["pcm"], audio["visemes"], audio["seq"]) == ("AAABAAIA", [[0.0, "A"]], 0)
            assert (await fan_room.next("answer.end"))["duration"] == 1.2
        await host.send({"type": "answer.start", "question_id": 999, "emotion": "joy", "text": "?", "sample_rate": 1})
        assert "no question 999" in (await host.next("error"))["message"]
        await host.send({"type": "chat", "text": "hosts answer, they do not chat"})
        assert (await host.next("error"))["code"] == "bad_message"
        # answered: a host that comes back is not given the question again
        again = await open_room(live.ws, EVENT, host=True)
        assert (await again.next("welcome"))["questions"] == []
        for room in (alice, bob, host, again):
            await room.close()

    asyncio.run(scenario())
    r = httpx.get(f"{live.url}/api/events/{EVENT}/transcript")
    assert r.status_code == 409 and "published when it ends" in r.json()["detail"]
    book.update_event(EVENT, ends_at=int(time.time()) - 1)
    transcript = httpx.get(f"{live.url}/api/events/{EVENT}/transcript").json()
    assert [c["text"] for c in transcript["chat"]] == ["what a lovely stage"]
    assert [(q["text"], q["answered"]) for q in transcript["questions"]] == [("What is your favourite comet?", True)]
    (answer,) = transcript["answers"]
    assert (answer["text"], answer["emotion"], answer["duration"]) == ("Halley's, of course.", "joy", 1.2)
    assert answer["captions"] == [{"text": "Halley's, of course.", "start": 0.0, "end": 1.2}]
    assert transcript["attendance"]["count"] == 2


def test_a_flood_is_rate_limited_then_closed(live, book, cookies):
    book.give_ticket(EVENT, fan(3).address)
    live.service.flood_s = 1.5  # the window of the real limit (10 s) is the unit tests'

    async def scenario():
        room = await open_room(live.ws, EVENT, cookie=cookies[3])
        await room.next("welcome")
        started = time.monotonic()
        for _ in range(400):
            try:
                await room.send({"type": "ping"})
            except Exception:  # noqa: BLE001 - closed under us: the end of the flood
                break
            await asyncio.sleep(0.005)
        code, reason = await room.closed()
        assert (code, reason) == (1008, "flooding")
        kinds = [f["type"] for f in room.frames]
        pongs = kinds.count("pong")
        limited = [f for f in room.frames if f["type"] == "error"]
        assert limited and all(f["code"] == "rate_limited" for f in limited)
        elapsed = time.monotonic() - started
        # the burst, then about 20 a second: never all of them
        assert 40 <= pongs <= 40 + 20 * elapsed + 5, (pongs, elapsed)

    asyncio.run(scenario())


def test_a_shutdown_closes_with_try_again_later(social, book, cookies, tmp_path):
    book.add_event(EVENT)
    book.give_ticket(EVENT, fan(4).address)
    server = InProcessLive(live_settings_for(social.url, f"sqlite:///{tmp_path / 'live.db'}"), _events(book)).start()

    async def scenario():
        room = await open_room(server.ws, EVENT, cookie=cookies[4])
        await room.next("welcome")
        host = await open_room(server.ws, EVENT, host=True, token=HOST_TOKEN)
        await host.next("welcome")
        stopping = asyncio.get_running_loop().run_in_executor(None, server.stop)
        assert (await room.closed())[0] == 1013
        assert (await host.closed())[0] == 1013
        await stopping

    asyncio.run(scenario())
