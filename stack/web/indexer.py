"""A small event indexer: the logs the frontend lists (proposals, votes, campaigns,
reputation history, stakes) copied from the chain into SQLite, in bounded block ranges,
following chain reorganisations (the end block of each indexed range is checkpointed by hash).

The browser then asks `/api/index/...` for a page of rows instead of scanning the
chain's whole history on every load. The indexer follows the deployment manifest: it
waits until one exists, indexes from its deploy block, and starts over when the chain
or the manifest changes (a fresh `make up`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3 import Web3
from web3._utils.events import get_event_data

from fame.manifest import Manifest, find_manifest
from oracle.report import decode_logged

log = logging.getLogger("stack.web.indexer")

# (contract in the manifest, event names) the frontend reads from the index.
INDEXED: dict[str, tuple[str, ...]] = {
    "FameGovernor": ("ProposalCreated", "ProposalQueued", "ProposalExecuted", "ProposalCanceled", "VoteCast"),
    "PersonaLaunchpad": ("CampaignCreated", "Contributed", "CampaignLaunched", "SharesClaimed", "Refunded"),
    "Reputation": ("Rated",),
    # Each accepted report becomes one "Reputation / EngagementReported" row per persona (see
    # `_engagement_rows`): the engagement component E lives in the oracle's words.
    "EngagementOracle": ("ReportAccepted",),
    "PersonaStaking": ("Staked", "Withdrawn", "RewardPaid"),
    "PersonaRegistry": ("PersonaRegistered",),
    "ContentMarket": (
        "RequestCreated",
        "RequestClaimed",
        "RequestReopened",
        "RequestFulfilled",
        "RequestRejected",
        "RequestReleased",
        "RequestRefunded",
        "RequestCancelled",
        "DisputeSettled",
    ),
}
# Every persona's share token (found through PersonaRegistered): its transfers give the holders.
SHARE_EVENTS = ("Transfer",)
MAX_RANGE = 2_000  # blocks per eth_getLogs call
# Bumped when what is indexed changes: an index written by another version is rebuilt.
INDEX_VERSION = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx TEXT NOT NULL, time INTEGER NOT NULL,
    contract TEXT NOT NULL, event TEXT NOT NULL, persona_id INTEGER, proposal_id TEXT, account TEXT,
    args TEXT NOT NULL, sub INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (block, log_index, sub));
CREATE INDEX IF NOT EXISTS events_by_name ON events (contract, event, block);
CREATE INDEX IF NOT EXISTS events_by_persona ON events (persona_id, event, block);
CREATE INDEX IF NOT EXISTS events_by_proposal ON events (proposal_id, block);
CREATE INDEX IF NOT EXISTS events_by_account ON events (account, event, block);
CREATE TABLE IF NOT EXISTS checkpoints (block INTEGER PRIMARY KEY, hash TEXT NOT NULL);
"""
# Hashes of the last indexed block ranges' end blocks kept to find where a reorganisation forked.
CHECKPOINTS = 128


def _jsonable(value: Any) -> Any:
    """Event arguments as JSON: integers as decimal strings (uint256 overflows JS numbers)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _keys(args: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    persona = args.get("persona_id")
    proposal = args.get("proposalId", args.get("proposal_id"))
    account = next(
        (
            args[k]
            for k in ("voter", "contributor", "account", "owner", "rater", "creator", "proposer", "requester")
            if k in args
        ),
        None,
    )
    return (
        int(persona) if persona is not None else None,
        str(proposal) if proposal is not None else None,
        account.lower() if isinstance(account, str) else None,
    )


@dataclass
class EventIndex:
    """The SQLite side: schema, writes from the follower, reads for the API."""

    path: Path

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def reset(self, identity: str, start_block: int) -> None:
        """Start over (another chain, deployment or index version): the table is rebuilt, so an
        index written with an older schema is replaced too."""
        with self._lock:
            self.db.execute("DROP TABLE IF EXISTS events")
            self.db.executescript(SCHEMA)
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM meta")
            self.db.execute("DELETE FROM checkpoints")
            self.db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("identity", identity), ("next_block", str(start_block))]
            )
            self.db.execute("COMMIT")

    def append(self, rows: list[tuple], next_block: int, checkpoint: tuple[int, str] | None = None) -> None:
        """Rows of one block range, the new cursor and the hash of the range's end block, in one
        transaction. A row is (block, log_index, tx, time, contract, event, persona_id,
        proposal_id, account, args JSON, sub), sub numbering the rows one log gives (0 for most)."""
        with self._lock:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('next_block', ?)", (str(next_block),))
            if checkpoint is not None:
                self.db.execute("INSERT OR REPLACE INTO checkpoints VALUES (?, ?)", checkpoint)
                self.db.execute(
                    "DELETE FROM checkpoints WHERE block NOT IN "
                    "(SELECT block FROM checkpoints ORDER BY block DESC LIMIT ?)",
                    (CHECKPOINTS,),
                )
            self.db.execute("COMMIT")

    def checkpoints(self) -> list[tuple[int, str]]:
        """(block, hash) of the indexed ranges' end blocks, latest first."""
        with self._lock:
            return self.db.execute("SELECT block, hash FROM checkpoints ORDER BY block DESC").fetchall()

    def rewind(self, block: int) -> int:
        """Forget everything indexed after `block` (a reorganisation replaced it); returns the
        number of rows dropped. Indexing resumes at block + 1."""
        with self._lock:
            self.db.execute("BEGIN")
            dropped = self.db.execute("DELETE FROM events WHERE block > ?", (block,)).rowcount
            self.db.execute("DELETE FROM checkpoints WHERE block > ?", (block,))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('next_block', ?)", (str(block + 1),))
            self.db.execute("COMMIT")
        return dropped

    def query(
        self,
        *,
        contract: str | None = None,
        event: str | None = None,
        persona_id: int | None = None,
        proposal_id: str | None = None,
        account: str | None = None,
        limit: int = 100,
        order: str = "desc",
    ) -> list[dict[str, Any]]:
        where, params = [], []
        for column, value in (
            ("contract", contract),
            ("event", event),
            ("persona_id", persona_id),
            ("proposal_id", proposal_id),
            ("account", account.lower() if account else None),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        direction = "ASC" if order == "asc" else "DESC"
        sql = (
            "SELECT block, log_index, tx, time, contract, event, args FROM events"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY block {direction}, log_index {direction}, sub {direction} LIMIT ?"
        )
        with self._lock:
            rows = self.db.execute(sql, (*params, max(1, min(limit, 1000)))).fetchall()
        return [
            {"block": b, "logIndex": i, "tx": tx, "time": t, "contract": c, "event": e, "args": json.loads(a)}
            for b, i, tx, t, c, e, a in rows
        ]

    def persona_of_request(self, request_id: str) -> int | None:
        with self._lock:
            row = self.db.execute(
                "SELECT persona_id FROM events WHERE contract = 'ContentMarket' AND "
                "event = 'RequestCreated' AND json_extract(args, '$.request_id') = ?",
                (str(request_id),),
            ).fetchone()
        return row[0] if row else None

    def share_tokens(self) -> dict[ChecksumAddress, int]:
        """Share token address -> persona id, from the indexed PersonaRegistered events."""
        with self._lock:
            rows = self.db.execute("SELECT args FROM events WHERE event = 'PersonaRegistered'").fetchall()
        return {
            Web3.to_checksum_address(a["share_token"]): int(a["persona_id"])
            for a in map(json.loads, (r[0] for r in rows))
        }

    def holders(self, persona_id: int, limit: int = 50) -> list[dict[str, str]]:
        """Balances of a persona's share token from its Transfer events, largest first."""
        with self._lock:
            rows = self.db.execute(
                "SELECT args FROM events WHERE contract = 'PersonaShare' AND event = 'Transfer' "
                "AND persona_id = ? ORDER BY block, log_index",
                (persona_id,),
            ).fetchall()
        balances: dict[str, int] = {}
        for (raw,) in rows:
            a = json.loads(raw)
            sender, receiver, value = (
                a.get("sender", a.get("from")),
                a.get("receiver", a.get("to")),
                int(a.get("value", a.get("amount", 0))),
            )
            if sender and int(sender, 16):
                balances[sender] = balances.get(sender, 0) - value
            if receiver and int(receiver, 16):
                balances[receiver] = balances.get(receiver, 0) + value
        top = sorted(((v, k) for k, v in balances.items() if v > 0), reverse=True)[:limit]
        return [{"account": k, "balance": str(v)} for v, k in top]

    def status(self) -> dict[str, Any]:
        nb = self.get_meta("next_block")
        return {"identity": self.get_meta("identity"), "indexedThrough": int(nb) - 1 if nb else None}


class Follower:
    """Copies new logs into the index every `every` seconds, in ranges of MAX_RANGE blocks."""

    def __init__(self, index: EventIndex, rpc_url: str, deployments_dir: Path | None = None, every: float = 1.0):
        self.index, self.rpc_url, self.deployments_dir, self.every = index, rpc_url, deployments_dir, every
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 10}))
        self.stop = threading.Event()
        self.caught_up = threading.Event()
        self._manifest: Manifest | None = None
        self._manifest_mtime: float | None = None
        self._topics: dict[HexBytes, tuple[str, dict[str, Any]]] = {}
        self._share_topics: dict[HexBytes, tuple[str, dict[str, Any]]] = {}
        self._block_times: dict[int, int] = {}

    def _load_manifest(self) -> Manifest | None:
        try:
            chain_id = self.w3.eth.chain_id
        except Exception:  # noqa: BLE001 - the node may not be up yet
            return None
        from fame.manifest import manifest_path

        path = manifest_path(chain_id, self.deployments_dir)
        mtime = path.stat().st_mtime if path.is_file() else None
        if mtime != self._manifest_mtime:
            self._manifest_mtime = mtime
            self._manifest = find_manifest(chain_id, self.deployments_dir) if mtime else None
            self._topics, self._share_topics = {}, {}
            if self._manifest and "PersonaShare" in self._manifest.contracts:
                for item in self._manifest.contract("PersonaShare").abi:
                    if item.get("type") == "event" and item["name"] in SHARE_EVENTS:
                        sig = f"{item['name']}({','.join(_abi_type(i) for i in item['inputs'])})"
                        self._share_topics[Web3.keccak(text=sig)] = ("PersonaShare", item)
            if self._manifest:
                for name, events in INDEXED.items():
                    if name not in self._manifest.contracts:
                        continue
                    for item in self._manifest.contract(name).abi:
                        if item.get("type") == "event" and item["name"] in events:
                            sig = f"{item['name']}({','.join(_abi_type(i) for i in item['inputs'])})"
                            self._topics[Web3.keccak(text=sig)] = (name, item)
        return self._manifest

    def identity(self, m: Manifest) -> str:
        # The first contract of the manifest tells one deployment from the next on the same chain.
        first = next(iter(m.contracts), "")
        return f"v{INDEX_VERSION}:{m.chain_id}:{m.created_at}:{m.address(first) if first else ''}"

    def step(self) -> int:
        """Index what is new; returns the number of rows added."""
        m = self._load_manifest()
        if m is None:
            return 0
        ident = self.identity(m)
        if self.index.get_meta("identity") != ident:
            self.index.reset(ident, m.deploy_block)
        self._follow_reorg(ident, m)
        start = int(self.index.get_meta("next_block") or m.deploy_block)
        head = self.w3.eth.block_number
        added = 0
        addresses = {Web3.to_checksum_address(m.address(n)): n for n in INDEXED if n in m.contracts}
        while start <= head and not self.stop.is_set():
            end = min(head, start + MAX_RANGE - 1)
            # The end block's hash is read before its logs: if the chain reorganises in between,
            # the next step sees the hash change and indexes that range again.
            end_hash = self._hash(end)
            rows = self._decode(
                self.w3.eth.get_logs(
                    {"fromBlock": start, "toBlock": end, "address": list(addresses), "topics": [list(self._topics)]}
                ),
                self._topics,
            )
            self._request_personas(rows)
            shares = self.index.share_tokens()
            shares.update(
                {
                    Web3.to_checksum_address(r[9]["share_token"]): int(r[9]["persona_id"])
                    for r in rows
                    if r[5] == "PersonaRegistered"
                }
            )
            if shares and self._share_topics:
                share_rows = self._decode(
                    self.w3.eth.get_logs(
                        {
                            "fromBlock": start,
                            "toBlock": end,
                            "address": list(shares),
                            "topics": [list(self._share_topics)],
                        }
                    ),
                    self._share_topics,
                    persona_of={a.lower(): p for a, p in shares.items()},
                )
                rows += share_rows
            rows = self._engagement_rows(rows, m)
            self.index.append(
                [(*r[:9], json.dumps(r[9]), r[10] if len(r) > 10 else 0) for r in rows], end + 1, (end, end_hash)
            )
            added += len(rows)
            start = end + 1
        self.caught_up.set()
        return added

    def _hash(self, block: int) -> str:
        return "0x" + bytes(self.w3.eth.get_block(block)["hash"]).hex().removeprefix("0x")

    def _follow_reorg(self, ident: str, m: Manifest) -> None:
        """If the chain no longer has the last indexed block, drop what was indexed after the
        newest checkpoint it still has (or start over if it has none of them)."""
        checkpoints = self.index.checkpoints()
        if not checkpoints or self._hash(checkpoints[0][0]) == checkpoints[0][1]:
            return  # the common case: one block read per step
        self._block_times.clear()
        for block, stored in checkpoints[1:]:
            if self._hash(block) == stored:
                dropped = self.index.rewind(block)
                log.warning(
                    "indexer: chain reorganised after block %d; %d rows dropped, indexing again", block, dropped
                )
                return
        log.warning("indexer: chain reorganised below every checkpoint; indexing from the deployment again")
        self.index.reset(ident, m.deploy_block)

    def _engagement_rows(self, rows: list[tuple], m: Manifest) -> list[tuple]:
        """Each oracle report, one row per persona: contract "Reputation", event
        "EngagementReported", with the reported counts, the persona's new engagement component E
        (bits 55..40 of the logged word) and its reputation components at that block (an
        eth_call at the report's block; null where the node keeps no such state). These rows are
        the engagement points of the reputation history chart."""
        out: list[tuple] = []
        reputation = None
        if "Reputation" in m.contracts:
            reputation = self.w3.eth.contract(
                address=Web3.to_checksum_address(m.address("Reputation")), abi=m.contract("Reputation").abi
            )
        for r in rows:
            out.append(r)
            if r[4] != "EngagementOracle" or r[5] != "ReportAccepted":
                continue
            decoded = [decode_logged(int(word)) for word in r[9]["observations"]]
            components = self._components_at(reputation, [e.persona_id for e, _ in decoded], r[0])
            for i, ((e, engagement), c) in enumerate(zip(decoded, components, strict=False), start=1):
                args = {
                    "persona_id": str(e.persona_id),
                    "epoch": r[9]["epoch"],
                    "views": str(e.views),
                    "likes": str(e.likes),
                    "shares": str(e.shares),
                    "comments": str(e.comments),
                    "sentiment": str(e.sentiment_bps),
                    "observed_at": str(e.observed_at),
                    "engagement": str(engagement),
                }
                if c is not None:
                    args.update(feedback=str(c[1]), score=str(c[2]))
                out.append(
                    (r[0], r[1], r[2], r[3], "Reputation", "EngagementReported", e.persona_id, None, None, args, i)
                )
        return out

    def _components_at(self, reputation, persona_ids: list[int], block: int) -> list:
        """Reputation.components of each persona at `block` (eth_call at that block); None where
        the node keeps no state that old (or there is no Reputation)."""
        out = []
        for pid in persona_ids:
            try:
                out.append(
                    None if reputation is None else reputation.functions.components(pid).call(block_identifier=block)
                )
            except Exception:  # noqa: BLE001 - a pruned node: the row keeps E and the counts, no score
                out.append(None)
        return out

    def _request_personas(self, rows: list[tuple]) -> None:
        """Content market events after RequestCreated name only the request: give them its persona."""
        created = {r[9]["request_id"]: r[6] for r in rows if r[5] == "RequestCreated"}
        for i, r in enumerate(rows):
            if r[4] == "ContentMarket" and r[6] is None and "request_id" in r[9]:
                pid = created.get(r[9]["request_id"])
                if pid is None:
                    pid = self.index.persona_of_request(r[9]["request_id"])
                rows[i] = (*r[:6], pid, *r[7:])

    def _decode(self, logs, topics, persona_of: dict[str, int] | None = None) -> list[tuple]:
        rows = []
        for entry in logs:
            topic = bytes(entry["topics"][0])
            if topic not in topics:
                continue
            name, abi = topics[topic]
            args = _jsonable(dict(get_event_data(self.w3.codec, abi, entry)["args"]))
            persona, proposal, account = _keys(args)
            if persona_of is not None:
                persona = persona_of.get(entry["address"].lower())
                account = None
            block = entry["blockNumber"]
            rows.append(
                (
                    block,
                    entry["logIndex"],
                    "0x" + bytes(entry["transactionHash"]).hex().removeprefix("0x"),
                    self._time(block),
                    name,
                    abi["name"],
                    persona,
                    proposal,
                    account,
                    args,
                )
            )
        return rows

    def _time(self, block: int) -> int:
        if block not in self._block_times:
            if len(self._block_times) > 4096:
                self._block_times.clear()
            self._block_times[block] = self.w3.eth.get_block(block)["timestamp"]
        return self._block_times[block]

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.step()
            except Exception as exc:  # noqa: BLE001 - a node restart must not kill the service
                log.warning("indexer: %s", exc)
            self.stop.wait(self.every)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="event-indexer", daemon=True)
        thread.start()
        return thread


def _abi_type(item: dict) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return item["type"]
