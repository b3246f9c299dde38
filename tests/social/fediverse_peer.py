"""An independent fediverse server on loopback for the ActivityPub interop test: bovine-herd
(bovine's ActivityPub server: its own HTTP Signatures, WebFinger client, inbox and outbox
processing, SQLite store), run as a real process from its own virtual environment `.fedi-venv/`
(`make fedi-peer`; it pins an older cryptography than ours, so it cannot share our venv).

This file has two halves. Imported by a test (our venv), `FediversePeer` starts the server on a
free port with its database in a temporary folder and drives an account there by running this
same file under the peer's interpreter. Run by that interpreter, the `serve`, `register` and `act`
commands below use bovine's own code: the herd app under Hypercorn, bovine-store's registration
(the account and its Moo-Auth-1 key, what bovine-tool does) and bovine's client (`BovineClient`),
which posts to the account's outbox and reads its collections over the server's HTTP API, so every
activity leaves the peer the way bovine federates it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PEER_PYTHON = ROOT / ".fedi-venv" / "bin" / "python"
SCRIPT = Path(__file__).resolve()
# bovine looks WebFinger up over https first and, with this set, falls back to http (loopback).
PEER_ENV = {"BUTCHER_ALLOW_HTTP": "1", "PYTHONWARNINGS": "ignore"}


# --- the test's side (our venv) -----------------------------------------------------------------


@dataclass
class PeerAccount:
    peer: FediversePeer
    handle: str
    secret: str
    actor_id: str = ""

    def act(self, *args: str, timeout: float = 30.0) -> Any:
        """One bovine client command as this account (see `_act` below); its JSON answer."""
        return self.peer.run("act", "--domain", self.peer.url, "--secret", self.secret, *args, timeout=timeout)


@dataclass
class FediversePeer:
    """A bovine-herd server at http://127.0.0.1:<port>, its state in `workdir`."""

    workdir: Path
    port: int
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_url(self) -> str:
        return f"sqlite://{self.workdir / 'bovine.sqlite3'}"

    @property
    def log(self) -> Path:
        return self.workdir / "bovine-herd.log"

    def serve_argv(self) -> list[str]:
        return [str(PEER_PYTHON), str(SCRIPT), "serve", "--port", str(self.port), "--db", self.db_url]

    def run(self, *args: str, timeout: float = 30.0) -> Any:
        proc = subprocess.run(
            [str(PEER_PYTHON), str(SCRIPT), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **PEER_ENV},
            cwd=self.workdir,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"peer command {args[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def register(self, handle: str) -> PeerAccount:
        """A new account `handle` on the peer (bovine-store's register plus a Moo-Auth-1 key)."""
        out = self.run("register", "--db", self.db_url, "--domain", self.url, "--handle", handle)
        account = PeerAccount(self, handle, out["secret"])
        account.actor_id = account.act("whoami")["id"]
        return account


# --- the peer's side (run by .fedi-venv/bin/python) ---------------------------------------------


def _serve(port: int, db_url: str) -> None:
    import asyncio
    import logging

    from bovine_herd import BovineHerd
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from quart import Quart

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = Quart("fediverse_peer")
    BovineHerd(app, db_url=db_url)
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = "-"
    asyncio.run(serve(app, config))  # type: ignore[arg-type]


def _register(db_url: str, domain: str, handle: str) -> dict[str, Any]:
    import asyncio

    from bovine.crypto import generate_ed25519_private_key, private_key_to_did_key
    from bovine_store import bovine_admin_store

    async def go() -> dict[str, Any]:
        async with bovine_admin_store(db_url=db_url, domain=domain) as store:
            name = await store.register(handle)
            secret = generate_ed25519_private_key()
            did_key = private_key_to_did_key(secret)
            await store.add_identity_string_to_actor(name, "test-client", did_key)
        return {"bovine_name": name, "secret": secret}

    return asyncio.run(go())


def _act(domain: str, secret: str, command: str, args: list[str]) -> Any:
    import asyncio

    from bovine import BovineClient

    async def collection(client: BovineClient, url: str) -> list[Any]:
        items: list[Any] = []
        async for item in client.collection_helper(url, resolve=False):
            items.append(item)
        return items

    async def go() -> Any:
        async with BovineClient(domain=domain, secret=secret) as client:
            info = client.information or {}
            activity, objects = client.factories
            if command == "whoami":
                return info
            if command == "lookup":  # WebFinger (acct:) or a URL, through the account's proxyUrl
                return await client.proxy(args[0])
            if command == "follow":  # follow the actor args[0]
                follow = activity.follow(args[0]).build()
                response = await client.send_to_outbox(follow)
                return {"status": response.status, "location": response.headers.get("location")}
            if command == "like":  # like the object args[0], addressed to its author args[1]
                like = activity.like(args[0], to={args[1]}).build()
                response = await client.send_to_outbox(like)
                return {"status": response.status, "location": response.headers.get("location")}
            if command == "reply":  # reply to the Note args[0] (a JSON object) with the text args[1]
                original = json.loads(args[0])
                reply = objects.reply(original, content=args[1]).build()
                create = activity.create(reply).build()
                response = await client.send_to_outbox(create)
                return {"status": response.status, "location": response.headers.get("location")}
            if command == "undo":  # undo the activity at the URL args[0] (as stored on the peer)
                original = await client.get(args[0])
                undo = activity.undo(original).build()
                response = await client.send_to_outbox(undo)
                return {"status": response.status}
            if command in ("inbox", "outbox", "following", "followers"):
                return await collection(client, info[command])
            if command == "get":
                return await client.get(args[0])
            raise SystemExit(f"unknown command {command}")

    return asyncio.run(go())


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="fediverse_peer")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--db", required=True)
    r = sub.add_parser("register")
    r.add_argument("--db", required=True)
    r.add_argument("--domain", required=True)
    r.add_argument("--handle", required=True)
    a = sub.add_parser("act")
    a.add_argument("--domain", required=True)
    a.add_argument("--secret", required=True)
    a.add_argument("action")
    a.add_argument("args", nargs="*")
    ns = parser.parse_args(argv)
    if ns.command == "serve":
        _serve(ns.port, ns.db)
    elif ns.command == "register":
        print(json.dumps(_register(ns.db, ns.domain, ns.handle)))
    else:
        print(json.dumps(_act(ns.domain, ns.secret, ns.action, ns.args)))


if __name__ == "__main__":
    main(sys.argv[1:])
