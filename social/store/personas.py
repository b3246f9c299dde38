"""Personas: written by the chain sync (or an operator without a chain), read by everything else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..handles import derive_handle, is_handle
from .models import Persona


class PersonaConflict(Exception):
    """An operator asked for an id or handle another persona has."""


@dataclass(frozen=True)
class ChainPersona:
    """One PersonaRegistry record, as the sync reads it."""

    id: int
    name: str
    spec_cid: str
    share_token: str | None
    active: bool


def get(session: Session, persona_id: int) -> Persona | None:
    return session.get(Persona, persona_id)


def by_handle(session: Session, handle: str) -> Persona | None:
    return session.scalars(select(Persona).where(Persona.handle == handle)).first()


def all_personas(session: Session) -> list[Persona]:
    return list(session.scalars(select(Persona).order_by(Persona.id)))


def _taken(session: Session) -> set[str]:
    return set(session.scalars(select(Persona.handle)))


def upsert_from_chain(session: Session, records: list[ChainPersona], now: int, post_interval_s: int) -> int:
    """Insert new registry personas and refresh known ones (name, spec, share token, status).

    A persona keeps the handle it was first given, even if its name changes: links and
    fediverse follows point at the handle. Returns how many personas were new.
    """
    taken = _taken(session)
    new = 0
    for rec in sorted(records, key=lambda r: r.id):
        row = session.get(Persona, rec.id)
        if row is None:
            handle = derive_handle(rec.name, rec.id, taken)
            taken.add(handle)
            session.add(
                Persona(
                    id=rec.id,
                    handle=handle,
                    name=rec.name,
                    spec_cid=rec.spec_cid,
                    share_token=rec.share_token,
                    active=rec.active,
                    source="chain",
                    post_interval_s=post_interval_s,
                    created_at=now,
                    synced_at=now,
                )
            )
            new += 1
        else:
            row.name, row.spec_cid, row.share_token, row.active = rec.name, rec.spec_cid, rec.share_token, rec.active
            row.source, row.synced_at = "chain", now
    session.commit()
    return new


def add(
    session: Session,
    *,
    name: str,
    now: int,
    post_interval_s: int,
    persona_id: int | None = None,
    handle: str | None = None,
    spec_cid: str = "",
    share_token: str | None = None,
) -> Persona:
    """Add a persona by hand (no chain: local development, tests, a service without a deployment).

    The id defaults to the next free one; an explicit handle must be free and well-formed.
    """
    if persona_id is None:
        persona_id = (session.scalar(select(func.max(Persona.id))) or 0) + 1
    elif session.get(Persona, persona_id) is not None:
        raise PersonaConflict(f"persona {persona_id} exists already")
    taken = _taken(session)
    if handle is None:
        handle = derive_handle(name, persona_id, taken)
    elif not is_handle(handle):
        raise PersonaConflict(f"handle {handle!r} must be 1..30 of a-z, 0-9 and _")
    elif handle in taken:
        raise PersonaConflict(f"handle {handle!r} is taken")
    row = Persona(
        id=persona_id,
        handle=handle,
        name=name,
        spec_cid=spec_cid,
        share_token=share_token,
        active=True,
        source="operator",
        post_interval_s=post_interval_s,
        created_at=now,
    )
    session.add(row)
    session.commit()
    return row


def set_emotion(session: Session, persona: Persona, emotion: str, now: int) -> Persona:
    persona.emotion, persona.emotion_updated_at = emotion, now
    session.commit()
    return persona
