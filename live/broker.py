"""How room messages reach the other server processes: one interface, two brokers.

`Broker.publish(event_id, message)` queues a room message (a JSON-able dict naming its
`origin`) to every *other* hub; the publishing hub applies it to its own room itself, so a
process keeps serving its own sockets while the broker is down. `start(deliver)` begins
calling `deliver(message)` on the hub's event loop for messages from the others.

* `LocalBroker`: hubs in one process sharing a `LocalBus` (by default a bus of its own: a
  single-process server, rooms in memory).
* `RedisBroker`: Redis pub/sub (redis.asyncio), channel `fame:live:event:<id>` per room; every
  process subscribes to the pattern `fame:live:event:*`, so each one knows every room (who is
  in it, whether the host is on) without asking. One publisher task sends the messages in the
  order they were published; a lost connection is retried with a back-off, and the rosters
  (live.rooms) bring the rooms back in step once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

log = logging.getLogger("live.broker")

CHANNEL_PREFIX = "fame:live:event:"
#: Messages waiting for Redis past this are dropped (oldest kept: the rosters repair presence).
QUEUE_LIMIT = 10_000
RETRY_MAX_S = 5.0

Deliver = Callable[[dict[str, Any]], None]


def channel(event_id: int) -> str:
    return f"{CHANNEL_PREFIX}{event_id}"


class Broker(ABC):
    """The interface every broker implements."""

    name = "broker"

    @abstractmethod
    async def start(self, deliver: Deliver) -> None:
        """Begin relaying: `deliver` gets every message other hubs publish."""

    @abstractmethod
    def publish(self, event_id: int, message: dict[str, Any]) -> None:
        """Queue `message` for the other hubs (never blocks: the room does not wait on the broker)."""

    @abstractmethod
    async def close(self) -> None:
        """Stop relaying and release the connection."""

    @property
    def connected(self) -> bool:
        return True

    def describe(self) -> str:
        return self.name


class LocalBus:
    """Hubs of one process (each on its own event loop, maybe its own thread)."""

    def __init__(self) -> None:
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, Deliver, object]] = []
        self._lock = threading.Lock()

    def subscribe(self, loop: asyncio.AbstractEventLoop, deliver: Deliver, who: object) -> None:
        with self._lock:
            self._subscribers.append((loop, deliver, who))

    def unsubscribe(self, who: object) -> None:
        with self._lock:
            self._subscribers = [s for s in self._subscribers if s[2] is not who]

    def send(self, message: dict[str, Any], sender: object) -> None:
        # Through JSON, as over Redis: no hub ever shares a mutable object with another.
        text = json.dumps(message)
        with self._lock:
            targets = [(loop, deliver) for loop, deliver, who in self._subscribers if who is not sender]
        for loop, deliver in targets:
            with contextlib.suppress(RuntimeError):  # that hub's loop has closed
                loop.call_soon_threadsafe(deliver, json.loads(text))


class LocalBroker(Broker):
    name = "memory"

    def __init__(self, bus: LocalBus | None = None) -> None:
        self.bus = bus or LocalBus()

    async def start(self, deliver: Deliver) -> None:
        self.bus.subscribe(asyncio.get_running_loop(), deliver, self)

    def publish(self, event_id: int, message: dict[str, Any]) -> None:
        self.bus.send(message, self)

    async def close(self) -> None:
        self.bus.unsubscribe(self)


class RedisBroker(Broker):
    name = "redis"

    def __init__(self, url: str, origin: str) -> None:
        self.url = url
        self.origin = origin
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(QUEUE_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self._connected = False
        self._dropped = 0

    def describe(self) -> str:
        from redis.connection import parse_url

        parts = parse_url(self.url)
        return f"redis {parts.get('host', '?')}:{parts.get('port', 6379)}/{parts.get('db', 0)}"

    @property
    def connected(self) -> bool:
        return self._connected

    async def start(self, deliver: Deliver) -> None:
        self._tasks = [
            asyncio.create_task(self._listen(deliver), name="redis-listen"),
            asyncio.create_task(self._send(), name="redis-publish"),
        ]

    def publish(self, event_id: int, message: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait((channel(event_id), json.dumps(message)))
        except asyncio.QueueFull:
            self._dropped += 1
            if self._dropped % 1000 == 1:
                log.warning("redis is not keeping up: %d room messages dropped so far", self._dropped)

    async def _client(self) -> Any:
        import redis.asyncio as aioredis

        return aioredis.from_url(self.url, socket_connect_timeout=3, health_check_interval=10)

    async def _listen(self, deliver: Deliver) -> None:
        delay = 0.2
        while True:
            client = await self._client()
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                self._connected = True
                delay = 0.2
                log.info("subscribed to %s* on %s", CHANNEL_PREFIX, self.describe())
                while True:
                    item = await pubsub.get_message(timeout=1.0)
                    if item is None or item.get("type") != "pmessage":
                        continue
                    try:
                        message = json.loads(item["data"])
                    except ValueError:
                        log.warning("a room message on %s is not JSON: ignored", item.get("channel"))
                        continue
                    if isinstance(message, dict) and message.get("origin") != self.origin:
                        deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # noqa: BLE001 - any connection failure: retry
                if self._connected:
                    log.warning("lost %s (%s): retrying", self.describe(), err)
                self._connected = False
                await asyncio.sleep(delay)
                delay = min(RETRY_MAX_S, delay * 2)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()

    async def _send(self) -> None:
        client = await self._client()
        try:
            while True:
                name, text = await self._queue.get()
                delay = 0.2
                while True:
                    try:
                        await client.publish(name, text)
                        break
                    except asyncio.CancelledError:
                        raise
                    except Exception as err:  # noqa: BLE001 - down: keep the message and retry
                        log.debug("publish to %s failed (%s): retrying", self.describe(), err)
                        await asyncio.sleep(delay)
                        delay = min(RETRY_MAX_S, delay * 2)
                        if self._queue.full():
                            break  # the backlog is lost anyway: move on to newer messages
                self._queue.task_done()
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()

    async def flush(self, timeout: float = 2.0) -> None:
        """Wait (at most `timeout`) until what was published has left (before a shutdown)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)

    async def close(self) -> None:
        await self.flush()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        self._connected = False
