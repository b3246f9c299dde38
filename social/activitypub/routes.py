"""ActivityPub's HTTP endpoints as one FastAPI router (`create_router`): WebFinger, each persona's
actor, inbox, outbox and followers, and its Notes. Documents are served as
`application/activity+json`; the inbox answers 202 once a verified activity is stored, 401 when
the HTTP Signature is missing or wrong (nothing stored), 422 for an activity it refuses.

Mounting the router also runs the delivery worker for the app's lifetime (its lifespan)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from social.service import SocialService
from social.store import personas as persona_store
from social.store import posts as post_store
from social.store.db import UNAVAILABLE, begin_read, unavailable_reason
from social.store.models import Persona
from social.terms import VISIBLE

from . import objects
from .service import Federation, federation_for

MAX_INBOX_BYTES = 256_000
PAGE = 20


def _json(doc: Any, status: int = 200, media_type: str = objects.ACTIVITY_JSON) -> Response:
    return Response(
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        media_type=media_type,
        headers={"Cache-Control": "no-store"} if status >= 400 else {"Cache-Control": "max-age=60"},
    )


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def create_router(federation: Federation, *, worker: bool = True) -> APIRouter:
    """The router; with `worker`, its lifespan starts and stops the delivery worker."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if worker:
            federation.start()
        try:
            yield
        finally:
            if worker:
                await run_in_threadpool(federation.stop)

    router = APIRouter(tags=["activitypub"], lifespan=lifespan)
    urls = federation.urls

    def with_session(work: Any) -> Any:
        try:
            with federation.sessions() as session:
                begin_read(session)  # documents only read (a persona's first key is the one write)
                return work(session)
        except UNAVAILABLE as err:
            return _error(503, f"the social database is unavailable ({unavailable_reason(err)}); try again shortly")

    def persona_or_404(session: Session, handle: str) -> Persona | Response:
        persona = persona_store.by_handle(session, handle)
        if persona is None:
            return _error(404, f"no persona has the handle {handle!r}")
        return persona

    @router.get("/.well-known/webfinger", summary="WebFinger: acct:<handle>@<host> -> the persona's actor")
    def webfinger(resource: str = Query(...)) -> Response:
        acct = objects.parse_acct(resource)
        if acct is not None:
            handle, host = acct
            if host.lower() != urls.host.lower():
                return _error(404, f"{resource} is not an account of {urls.host}")
        else:
            handle = urls.handle_of(resource) or ""
        if not handle:
            return _error(400, "resource must be acct:<handle>@<host> or a persona's actor URL")

        def work(session: Session) -> Response:
            if persona_store.by_handle(session, handle) is None:
                return _error(404, f"no persona has the handle {handle!r}")
            return _json(objects.webfinger(urls, handle), media_type=objects.JRD_JSON)

        result: Response = with_session(work)
        return result

    @router.get("/ap/personas/{handle}", summary="The persona's ActivityPub actor")
    def actor(handle: str) -> Response:
        def work(session: Session) -> Response:
            persona = persona_or_404(session, handle)
            if isinstance(persona, Response):
                return persona
            return _json(federation.actor(session, persona))

        result: Response = with_session(work)
        return result

    @router.get("/ap/personas/{handle}/outbox", summary="The persona's posts as Create activities, newest first")
    def outbox(handle: str, page: bool = False, before: int | None = Query(default=None, ge=1)) -> Response:
        def work(session: Session) -> Response:
            persona = persona_or_404(session, handle)
            if isinstance(persona, Response):
                return persona
            outbox_id = urls.outbox(handle)
            if not page:
                total = federation.outbox_total(session, persona)
                return _json(objects.ordered_collection(outbox_id, total, first=f"{outbox_id}?page=true"))
            items, nxt = federation.outbox_page(session, persona, before, PAGE)
            page_id = f"{outbox_id}?page=true" + (f"&before={before}" if before else "")
            next_id = f"{outbox_id}?page=true&before={nxt}" if nxt is not None else None
            doc = objects.ordered_page(page_id, outbox_id, items, next_id)
            return _json(doc)

        result: Response = with_session(work)
        return result

    @router.get("/ap/personas/{handle}/followers", summary="The persona's followers (fediverse ones listed)")
    def followers(handle: str) -> Response:
        def work(session: Session) -> Response:
            persona = persona_or_404(session, handle)
            if isinstance(persona, Response):
                return persona
            total, federated = federation.followers(session, persona)
            collection_id = urls.followers(handle)
            doc = objects.ordered_collection(collection_id, total)
            page = objects.ordered_page(f"{collection_id}?page=true", collection_id, federated, None)
            page.pop("@context")
            doc["first"] = page
            return _json(doc)

        result: Response = with_session(work)
        return result

    @router.get("/ap/posts/{post_id}", summary="A post as an ActivityPub Note")
    def note(post_id: int) -> Response:
        return _post_doc(post_id, activity=False)

    @router.get("/ap/posts/{post_id}/activity", summary="The Create activity of a post")
    def create(post_id: int) -> Response:
        return _post_doc(post_id, activity=True)

    def _post_doc(post_id: int, activity: bool) -> Response:
        def work(session: Session) -> Response:
            post = post_store.get(session, post_id)
            persona = persona_store.get(session, post.persona_id) if post is not None else None
            if post is None or persona is None or post.status != VISIBLE:
                return _error(404, f"no post {post_id}")
            doc = federation.note_doc(session, post, persona)
            if activity:
                return _json(objects.create(urls, doc))
            return _json({"@context": objects.AS_CONTEXT, **objects.note(urls, doc)})

        result: Response = with_session(work)
        return result

    @router.post("/ap/personas/{handle}/inbox", status_code=202, summary="Where fediverse servers deliver")
    async def inbox(handle: str, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_INBOX_BYTES:
            return _error(413, f"an activity is at most {MAX_INBOX_BYTES} bytes")
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = dict(request.headers)
        try:
            status, detail = await run_in_threadpool(federation.handle_inbox, handle, path, headers, body)
        except UNAVAILABLE as err:
            return _error(503, f"the social database is unavailable ({unavailable_reason(err)}); try again shortly")
        if status == 202:
            return JSONResponse({"status": detail}, status_code=202)
        if status == 429:
            wait, _, why = detail.partition(": ")
            return JSONResponse({"detail": why}, status_code=429, headers={"Retry-After": wait})
        return _error(status, detail)

    return router


def router_for(service: SocialService, *, worker: bool = True) -> APIRouter:
    """The router of a social service's federation (what social.api.app mounts)."""
    return create_router(federation_for(service), worker=worker)
