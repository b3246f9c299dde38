"""The persona host: the persona runtime's side of its personas' live events (docs/live.md).

`LiveHost` runs beside the posting loop, in a thread with its own event loop. Every
POLL_S it reads the PersonaEvents contract (through the deployment manifest) for events of
the personas it speaks for that are on now (from LEAD_S before the start to the end), and
keeps one host connection to the live server per such event:

* it connects to `/ws/events/{id}` with the host token (`Authorization: Bearer`,
  `X-Fame-Role: host`) and reconnects with a back-off when the server restarts (1013) or the
  network drops;
* chat moves the persona's mood (the same mimicry as comments on its posts); each question,
  oldest first and once (its id is remembered on disk), is answered in the resulting emotion
  (`live_answer.Answerer`: the writer's words, the persona's voice, captions, visemes);
* after the event (the server closes with 4409, or its end time passed), the recording is
  made once: the live server's transcript with the attendance count, and the persona's answers
  as one AAC/MP4 file with WebVTT subtitles, pinned with a signed disclosure manifest and
  posted to the persona's feed with the idempotency key `live-recording:<event>`, so a
  restarted runtime neither posts it twice nor loses it.

Answers are kept under <state>/live/<event>/ as they are spoken (JSON + WAV), so what a
restart interrupts is not lost from the recording.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from fame.errors import FameError

from ..emotion_engine import atomic_write_json
from ..manifest import Attachment, make_item, publish
from ..model_info import ModelInfo
from ..persona import PersonaProfile
from .live_answer import Answerer, SpokenAnswer
from .mimicry import MIMICRY_INFO, Mimicry, Mood
from .service import runtime_seed

log = logging.getLogger("ai_worker.runtime.live")

POLL_S = 10.0
LEAD_S = 300  # the host joins this long before the start (fans may come early)
RECONNECT_MAX_S = 30.0
CLOSE_ENDED = 4409
CLOSE_UNKNOWN = 4404


@dataclass(frozen=True)
class LiveEvent:
    event_id: int
    persona_id: int
    starts_at: int
    ends_at: int
    cancelled: bool
    metadata_cid: str

    def on(self, now: float) -> bool:
        return not self.cancelled and self.starts_at - LEAD_S <= now < self.ends_at


class EventsOnChain:
    """The PersonaEvents contract's events, read incrementally (ids only grow; an event's
    schedule never changes, only whether it was cancelled)."""

    def __init__(self, rpc_url: str | None = None) -> None:
        self.rpc_url = rpc_url
        self._contract: Any = None
        self._offset = 0.0
        self.known: dict[int, LiveEvent] = {}

    def _events(self) -> Any:
        if self._contract is None:
            from web3 import Web3

            from fame.chain import Chain
            from fame.config import settings

            url = self.rpc_url or settings().effective_rpc_url
            w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 5.0}))
            self._contract = Chain(w3).contract("PersonaEvents")
        return self._contract

    def chain_time(self) -> float:
        """Now by the chain's clock, which events are scheduled on (a local chain's clock runs
        ahead of the wall after time travel): the pending block's timestamp where the node
        gives one, else the latest block's, carried forward by the wall clock since read."""
        w3 = self._events().w3
        stamps = [int(w3.eth.get_block("latest")["timestamp"])]
        try:
            stamps.append(int(w3.eth.get_block("pending")["timestamp"]))
        except Exception:  # noqa: BLE001 - not every node serves the pending block
            pass
        self._offset = max(stamps) - time.time()
        return time.time() + self._offset

    def now(self) -> float:
        """chain_time() without asking the node again (the last offset read)."""
        return time.time() + self._offset

    def read(self, event_id: int) -> LiveEvent:
        e = self._events().functions.events(event_id).call()
        # (persona_id, starts_at, ends_at, capacity, sold, price, min_attendance, cancelled, settled, metadata_cid)
        return LiveEvent(event_id, int(e[0]), int(e[1]), int(e[2]), bool(e[7]), str(e[9]))

    def on_now(self, persona_ids: set[int], now: float) -> list[LiveEvent]:
        count = int(self._events().functions.event_count().call())
        for event_id in range(len(self.known) + 1, count + 1):
            self.known[event_id] = self.read(event_id)
        out = []
        for event_id, event in self.known.items():
            if event.persona_id in persona_ids and event.on(now):
                event = self.known[event_id] = self.read(event_id)  # cancelled since?
                if event.on(now):
                    out.append(event)
        return out

    def ended(self, persona_ids: set[int], now: float) -> list[LiveEvent]:
        return [e for e in self.known.values() if e.persona_id in persona_ids and not e.cancelled and e.ends_at <= now]


class EventRecord:
    """What the host keeps of one event on disk: the answers spoken, the questions done, and
    whether the recording was posted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.state_path = folder / "state.json"
        try:
            self.state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.state = {"answered": [], "posted": None}

    @property
    def answered(self) -> set[str]:
        return set(self.state["answered"])

    def keep(self, spoken: SpokenAnswer) -> None:
        from ..voice.encode import wav_bytes

        n = len(self.state["answered"])
        (self.folder / f"answer-{n:04d}.wav").write_bytes(wav_bytes(spoken.pcm, spoken.sample_rate))
        atomic_write_json(
            self.folder / f"answer-{n:04d}.json",
            {
                "question_id": spoken.question_id,
                "question": spoken.question,
                "asker": spoken.asker,
                "text": spoken.text,
                "emotion": spoken.emotion,
                "sample_rate": spoken.sample_rate,
                "captions": spoken.captions,
                "models": {role: m.to_json() for role, m in spoken.models.items()},
                "ai_label": spoken.ai_label,
            },
        )
        self.state["answered"].append(spoken.question_id)
        atomic_write_json(self.state_path, self.state)

    def answers(self) -> list[tuple[dict[str, Any], np.ndarray]]:
        import wave

        out = []
        for meta_path in sorted(self.folder.glob("answer-*.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with wave.open(str(meta_path.with_suffix(".wav")), "rb") as w:
                pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32767.0
            out.append((meta, pcm))
        return out

    def mark_posted(self, post_id: Any) -> None:
        self.state["posted"] = post_id
        atomic_write_json(self.state_path, self.state)


class LiveHost:
    def __init__(
        self,
        live_url: str,
        host_token: str,
        events: EventsOnChain,
        profiles: Callable[[], dict[int, PersonaProfile]],
        answerer_for: Callable[[PersonaProfile], Answerer],
        backend: Any,
        signer: Any,
        social: Any,
        state_dir: Path,
        mimicry: Mimicry | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """clock: the wall clock the mood decays on (event times are the chain's: events.now())."""
        self.live_url = live_url.rstrip("/")
        self.host_token = host_token
        self.events = events
        self.profiles = profiles
        self.answerer_for = answerer_for
        self.backend = backend
        self.signer = signer
        self.social = social
        self.state_dir = state_dir
        self.mimicry = mimicry or Mimicry()
        self.clock = clock
        self.stop = threading.Event()
        self.sessions: dict[int, asyncio.Task[None]] = {}
        self.answered_total = 0
        self.recordings: dict[int, Any] = {}

    # ------------------------------------------------------------------ loop

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=lambda: asyncio.run(self.run()), name="live-host", daemon=True)
        thread.start()
        return thread

    async def run(self) -> None:
        while not self.stop.is_set():
            try:
                await self.pass_once()
            except Exception as err:  # noqa: BLE001 - no chain, no deployment yet: try again next poll
                log.warning("live events not readable now (%s); next try in %.0f s", err, POLL_S)
            await asyncio.sleep(POLL_S if not self.stop.is_set() else 0)
        for task in self.sessions.values():
            task.cancel()

    async def pass_once(self) -> None:
        profiles = self.profiles()
        now = await asyncio.to_thread(self.events.chain_time)
        on = await asyncio.to_thread(self.events.on_now, set(profiles), now)
        for event in on:
            task = self.sessions.get(event.event_id)
            if task is None or task.done():
                profile = profiles[event.persona_id]
                self.sessions[event.event_id] = asyncio.create_task(self.host(event, profile))
        for event in await asyncio.to_thread(self.events.ended, set(profiles), now):
            if event.event_id not in self.recordings:
                record = EventRecord(self.state_dir / str(event.event_id))
                if record.state.get("posted") is not None:
                    self.recordings[event.event_id] = record.state["posted"]
                    continue
                try:
                    post = await asyncio.to_thread(self.post_recording, event, profiles[event.persona_id], record)
                except Exception as err:  # noqa: BLE001 - the social service or IPFS down: next pass
                    log.warning("event %d: recording not posted yet (%s)", event.event_id, err)
                    continue
                self.recordings[event.event_id] = post

    # ------------------------------------------------------------------ one room

    def ws_url(self, event_id: int) -> str:
        base = self.live_url.replace("https://", "wss://").replace("http://", "ws://")
        return f"{base}/ws/events/{event_id}"

    async def host(self, event: LiveEvent, profile: PersonaProfile) -> None:
        """Keeps the host connection of one event until it ends (reconnecting on drops)."""
        import websockets

        record = EventRecord(self.state_dir / str(event.event_id))
        answerer = self.answerer_for(profile)
        mood = Mood.at_baseline(profile.baseline, self.clock())
        context = f"A live event hosted by {profile.name}."
        delay = 1.0
        while not self.stop.is_set() and self.events.now() < event.ends_at:
            try:
                async with websockets.connect(
                    self.ws_url(event.event_id),
                    additional_headers={"Authorization": f"Bearer {self.host_token}", "X-Fame-Role": "host"},
                    max_size=2**20,
                ) as ws:
                    delay = 1.0
                    log.info("event %d: hosting %s", event.event_id, profile.name)
                    mood = await self._serve(ws, event, answerer, record, mood, context)
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                if code in (CLOSE_ENDED, CLOSE_UNKNOWN):
                    log.info("event %d: room closed (%s)", event.event_id, closed.rcvd.reason if closed.rcvd else code)
                    return
            except (TimeoutError, OSError, websockets.InvalidHandshake) as err:
                log.info("event %d: live server not reachable (%s); retry in %.0f s", event.event_id, err, delay)
            await asyncio.sleep(delay)
            delay = min(RECONNECT_MAX_S, delay * 2)

    async def _serve(
        self, ws: Any, event: LiveEvent, answerer: Answerer, record: EventRecord, mood: Mood, context: str
    ) -> Mood:
        questions: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        done = record.answered
        state = {"mood": mood}

        async def speak() -> None:
            while True:
                q = await questions.get()
                qid = str(q.get("id"))
                if qid in done:
                    continue
                done.add(qid)
                emotion = state["mood"].emotion
                seed = runtime_seed("live", event.event_id, qid)
                ask = (qid, str(q.get("text", "")), str(q.get("from", "")), emotion, seed, context)
                async for item in self._answer(answerer, event.event_id, ask):
                    if isinstance(item, SpokenAnswer):
                        await asyncio.to_thread(record.keep, item)
                        self.answered_total += 1
                    else:
                        await ws.send(json.dumps(item))

        speaker = asyncio.create_task(speak())
        try:
            async for raw in ws:
                try:
                    frame = json.loads(raw)
                except ValueError:
                    continue
                kind = frame.get("type")
                if kind == "question":
                    questions.put_nowait(frame)
                elif kind == "chat" and frame.get("text"):
                    state["mood"] = self.mimicry.observe(state["mood"], str(frame["text"]), self.clock())
                elif kind == "welcome":
                    for q in frame.get("questions") or []:  # asked while the host was away
                        questions.put_nowait(q)
        finally:
            speaker.cancel()
        return state["mood"]

    async def _answer(self, answerer: Answerer, event_id: int, ask: tuple[Any, ...]) -> AsyncIterator[Any]:
        """The answer's frames as the writer and the voice make them (in a thread: the model and
        the speech run on the CPU while the loop keeps the connection served)."""
        loop = asyncio.get_running_loop()
        out: asyncio.Queue[Any] = asyncio.Queue()

        def produce() -> None:
            try:
                for item in answerer.answer(*ask):
                    loop.call_soon_threadsafe(out.put_nowait, item)
            except Exception as err:  # noqa: BLE001 - one failed answer must not end the room
                log.error("event %d: answer to %s failed: %s", event_id, ask[0], err)
            loop.call_soon_threadsafe(out.put_nowait, None)

        threading.Thread(target=produce, name=f"answer-{event_id}", daemon=True).start()
        while (item := await out.get()) is not None:
            yield item

    # ------------------------------------------------------------------ after the event

    def event_title(self, event: LiveEvent) -> str:
        """The title in the event's metadata on IPFS (its number where that is not readable)."""
        try:
            title = json.loads(self.backend.read(event.metadata_cid)).get("title")
        except Exception:  # noqa: BLE001 - a missing or malformed metadata file names no title
            title = None
        return str(title) if isinstance(title, str) and title.strip() else f"event {event.event_id}"

    def post_recording(self, event: LiveEvent, profile: PersonaProfile, record: EventRecord) -> Any:
        """Pins the event's recording with its manifest and posts it to the persona's feed (once)."""
        from ..voice import encode_pcm
        from ..voice.webvtt import Cue, render

        reply = httpx.get(f"{self.live_url}/api/events/{event.event_id}/transcript", timeout=30)
        if reply.status_code != 200:
            raise FameError(f"transcript of event {event.event_id}: HTTP {reply.status_code} {reply.text[:200]}")
        transcript = reply.json()
        answers = record.answers()
        rate = int(answers[0][0]["sample_rate"]) if answers else 22_050
        gap = np.zeros(int(0.6 * rate), dtype=np.float32)
        pcm_parts, cues, offset = [], [], 0.0
        for meta, pcm in answers:
            for start, end, text in meta["captions"]:
                cues.append(Cue(offset + start, offset + end, text))
            pcm_parts += [pcm, gap]
            offset += (len(pcm) + len(gap)) / rate
        attendance = int(transcript.get("attendance", {}).get("count", transcript.get("attendance_count", 0)) or 0)
        title = self.event_title(event)
        body = (
            f"Recording of {title}: {attendance} attended, {len(answers)} "
            f"question{'s' if len(answers) != 1 else ''} answered live."
        )
        recording = json.dumps(
            {"event_id": event.event_id, "persona_id": event.persona_id, "transcript": transcript}, indent=1
        ).encode()
        models: dict[str, Any] = {"emotion": MIMICRY_INFO}
        for meta, _ in answers[:1]:
            models.update({role: ModelInfo(m["name"], m["version"], m["kind"]) for role, m in meta["models"].items()})
        attachments = {"transcript": Attachment("transcript.json", recording, "application/json")}
        if answers:
            attachments["subtitles"] = Attachment("answers.vtt", render(cues).encode(), "text/vtt")
            content, media_type, name = encode_pcm(np.concatenate(pcm_parts), rate, "aac"), "audio/mp4", "answers.m4a"
        else:
            content, media_type, name = recording, "application/json", "transcript.json"
        item = make_item(
            content=content,
            signer=self.signer,
            filename=name,
            attachments=attachments,
            media_type=media_type,
            persona_id=event.persona_id,
            request_id=f"live-recording:{event.event_id}",
            models=models,
            brief=None,
            emotion=profile.baseline,
            seed=event.event_id,
            persona_name=profile.name,
            caption=body,
            extra={"kind": "live-recording", "eventId": event.event_id, "attendance": attendance},
        )
        cids = publish(item, self.backend)
        media = None
        if answers:
            media = {
                "media_cid": cids.content_cid,
                "media_type": media_type,
                "subtitles_cid": item.manifest["attachments"]["subtitles"]["cid"],
            }
        label = str(answers[0][0]["ai_label"]) if answers else "AI-generated"
        post = self.social.create_post(
            event.persona_id, body, cids.manifest_cid, f"live-recording:{event.event_id}", label, media=media
        )
        record.mark_posted(post.get("id"))
        log.info("event %d: recording posted (%s)", event.event_id, cids.content_cid)
        return post
