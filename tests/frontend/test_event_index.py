"""The web service's event index (stack.web.indexer.EventIndex): storage, queries, holders,
and the cursor that lets the follower resume; the follower itself runs against a real chain
in test_frontend.py."""

import json

from stack.web.indexer import EventIndex, _jsonable, _keys

ZERO = "0x" + "00" * 20
A, B = "0x" + "aa" * 20, "0x" + "bb" * 20


def row(block, i, contract, event, args, time=1_000, sub=0):
    persona, proposal, account = _keys(args)
    return (block, i, "0x01", time, contract, event, persona, proposal, account, json.dumps(args), sub)


def transfer(block, i, sender, receiver, value, persona=1):
    r = list(row(block, i, "PersonaShare", "Transfer", {"sender": sender, "receiver": receiver, "value": str(value)}))
    r[6] = persona
    return tuple(r)


def test_queries_filter_and_order(tmp_path):
    index = EventIndex(tmp_path / "i.sqlite")
    index.reset("v:1", 5)
    index.append([
        row(5, 0, "FameGovernor", "ProposalCreated", {"proposalId": "7", "proposer": A}),
        row(6, 0, "FameGovernor", "VoteCast", {"voter": B, "proposalId": "7", "support": "1"}),
        row(7, 1, "Reputation", "Rated", {"persona_id": "2", "rater": A, "score": "3500"}),
    ], next_block=8)
    assert index.status() == {"identity": "v:1", "indexedThrough": 7}
    assert [e["event"] for e in index.query(proposal_id="7")] == ["VoteCast", "ProposalCreated"]
    assert [e["event"] for e in index.query(proposal_id="7", order="asc")] == ["ProposalCreated", "VoteCast"]
    assert index.query(persona_id=2)[0]["args"]["score"] == "3500"
    assert index.query(account=B.upper().replace("0X", "0x"))[0]["event"] == "VoteCast"
    assert len(index.query(limit=1)) == 1


def test_holders_from_transfers(tmp_path):
    index = EventIndex(tmp_path / "i.sqlite")
    index.reset("v:1", 1)
    index.append([transfer(1, 0, ZERO, A, 100), transfer(2, 0, A, B, 30), transfer(3, 0, ZERO, B, 5),
                  transfer(4, 0, ZERO, A, 999, persona=2), transfer(5, 0, B, ZERO, 35)], next_block=6)
    assert index.holders(1) == [{"account": A, "balance": "70"}]
    assert index.holders(2) == [{"account": A, "balance": "999"}]


def test_reset_clears_and_survives_reopen(tmp_path):
    index = EventIndex(tmp_path / "i.sqlite")
    index.reset("v:1", 1)
    index.append([row(1, 0, "FameGovernor", "ProposalExecuted", {"proposalId": "1"})], next_block=2)
    again = EventIndex(tmp_path / "i.sqlite")
    assert again.status()["indexedThrough"] == 1 and len(again.query()) == 1
    again.reset("v:2", 10)
    assert again.query() == [] and again.status() == {"identity": "v:2", "indexedThrough": 9}


def test_rows_of_one_log_keep_their_order(tmp_path):
    """An oracle report gives one EngagementReported row per persona: same block and log index."""
    index = EventIndex(tmp_path / "i.sqlite")
    index.reset("v:1", 1)
    index.append([row(3, 2, "EngagementOracle", "ReportAccepted", {"epoch": "9"})]
                 + [row(3, 2, "Reputation", "EngagementReported", {"persona_id": str(p), "score": str(100 * p)}, sub=p)
                    for p in (1, 2, 3)], next_block=4)
    rows = index.query(contract="Reputation", order="asc")
    assert [r["args"]["persona_id"] for r in rows] == ["1", "2", "3"]
    assert index.query(persona_id=2)[0]["args"]["score"] == "200"


def test_reset_rebuilds_an_index_of_an_older_schema(tmp_path):
    import sqlite3

    db = sqlite3.connect(tmp_path / "i.sqlite")
    db.executescript("CREATE TABLE events (block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx TEXT NOT NULL, "
                     "time INTEGER NOT NULL, contract TEXT NOT NULL, event TEXT NOT NULL, persona_id INTEGER, "
                     "proposal_id TEXT, account TEXT, args TEXT NOT NULL, PRIMARY KEY (block, log_index));"
                     "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
    db.close()
    index = EventIndex(tmp_path / "i.sqlite")
    index.reset("v:4", 1)
    index.append([row(1, 0, "Reputation", "Rated", {"persona_id": "1"})], next_block=2)
    assert len(index.query()) == 1


def test_json_keeps_big_integers_exact():
    assert _jsonable({"x": 2**255, "b": b"\x01", "l": (1, True)}) == {"x": str(2**255), "b": "0x01", "l": ["1", True]}
