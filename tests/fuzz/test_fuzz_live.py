"""A schemathesis run over the live server's HTTP routes (`/health`, and per event `/room`,
`/attendance`, `/voucher`, `/transcript`; the room's WebSocket has tests of its own): no
request gets a 5xx or an answer the OpenAPI document does not describe, signed in or not.

The server is the real app on a SQLite database, reading its events from an event book
(tests/live/live_book.py): event 1 is on, the fan has a ticket and it needs no time in the
room (so the voucher is signed), 2 was cancelled, 3 is over (its transcript is out), 4 needs
an hour the fan has not stayed, 5 the fan has no ticket for. The fan signs in with SIWE on a
social-service process (what the server asks who a `fame_session` cookie is); the host's
bearer token goes along (the HTTP routes must ignore it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fuzz_helpers import FUZZ_SETTINGS, call_and_validate
from hypothesis import given
from hypothesis import strategies as st
from live_book import Book, BookEvents
from live_helpers import HOST_HEADERS, fan, live_settings_for, session_cookie
from social_helpers import ServiceProcess

from live.app import create_app
from live.server import make_service

FAN = fan(1)
EVENTS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def social(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    folder = tmp_path_factory.mktemp("fuzz-social")
    proc = ServiceProcess(f"sqlite:///{folder / 'social.db'}", folder).start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def cookie(social: ServiceProcess) -> str:
    return session_cookie(social, FAN)


@pytest.fixture
def live_schema(social: ServiceProcess, tmp_path: Path) -> Iterator[object]:
    """A fresh server per test: schemathesis ends an app's lifespan with the test that started
    it, and a stopped LiveService is not started again (nor is one under uvicorn)."""
    from schemathesis.python.asgi import shutdown_lifespans

    book = Book(tmp_path / "book.json")
    book.add_event(1, min_attendance=0)
    book.add_event(2, cancelled=True)
    book.add_event(3, starts_in=-7200, length=3600)
    book.add_event(4, min_attendance=3600)
    book.add_event(5)
    for event_id in (1, 2, 3, 4):
        book.give_ticket(event_id, FAN.address)
    cfg = live_settings_for(social.url, f"sqlite:///{tmp_path / 'live.db'}")
    service = make_service(cfg, BookEvents(book.path))
    try:
        loaded = schemathesis.openapi.from_asgi("/openapi.json", create_app(service))  # starts the lifespan
        deadline = time.monotonic() + 30
        while not service.db.ready:  # migrated in the background: /health is 503 until then
            assert time.monotonic() < deadline, f"the live database is not ready: {service.db.last_error}"
            time.sleep(0.02)
        yield loaded
    finally:
        shutdown_lifespans()  # the service stops (its database, its sign-in client) before the social process


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_live_signed_in(case, cookie):
    call_and_validate(case, cookies={"fame_session": cookie}, headers=HOST_HEADERS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_live_anonymous(case):
    call_and_validate(case)


_event = st.one_of(st.sampled_from(EVENTS), st.sampled_from([0, 6, -1, 2**63 - 1, 2**63, 10**30]))


@given(data=st.data())
@FUZZ_SETTINGS
def test_fuzz_live_events_by_id(live_schema, cookie, data):
    """Every route with the book's events and ids at the ends of the range (the schema's own
    strategies seldom name an event that exists), with the cookie, a wrong one or none."""
    path = data.draw(st.sampled_from(sorted(p for p in live_schema.raw_schema["paths"] if "{event_id}" in p)))
    method = next(iter(live_schema[path]))
    case = live_schema[path][method].Case(path_parameters={"event_id": data.draw(_event)})
    jar = data.draw(st.sampled_from([{"fame_session": cookie}, {"fame_session": "not-a-session"}, {}]))
    call_and_validate(case, cookies=jar)


def test_voucher_of_a_cancelled_event_is_a_documented_409(live_schema, cookie):
    """Regression: the voucher of a cancelled event was a 409 its OpenAPI document did not list."""
    case = live_schema["/api/events/{event_id}/voucher"]["POST"].Case(path_parameters={"event_id": 2})
    response = call_and_validate(case, cookies={"fame_session": cookie})
    assert response.status_code == 409 and "cancelled" in response.json()["detail"]
