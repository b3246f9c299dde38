"""`fame social ...`: add a persona without a chain, list the holds, apply the migrations.

Invariants: the commands work on the database the settings (or --database-url) name, with
no service running; a persona added by hand is what the API serves; a conflict is one
`error:` line with exit status 2, not a traceback."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fame.moderation import moderate
from social.cli import social
from social.store import posts, reactions
from social.store.db import Database


def run(*args: str):
    return CliRunner().invoke(social, list(args), catch_exceptions=False)


def test_add_persona_holds_and_migrate(tmp_path):
    url = f"sqlite:///{tmp_path / 'social.db'}"
    out = run("add-persona", "Nova Lumen", "--database-url", url)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == {"id": 1, "handle": "nova_lumen", "name": "Nova Lumen"}
    out = run("add-persona", "Lux", "--id", "7", "--handle", "lux", "--database-url", url)
    assert json.loads(out.output)["id"] == 7
    again = run("add-persona", "Other", "--id", "7", "--database-url", url)
    assert again.exit_code == 2 and again.output.strip() == "error: persona 7 exists already"

    assert run("holds", "--database-url", url).output.strip() == "no pending holds"
    db = Database(url)
    with db.sessions() as s:
        post, _ = posts.create(
            s,
            persona_id=1,
            body="hello",
            image_cid=None,
            manifest_cid="bafy",
            ai_label="AI-generated",
            idempotency_key="k",
            source="runtime",
            verdict=moderate("hello"),
            now=1_796_000_000,
        )
        reactions.comment(s, post, "0x" + "ab" * 20, "local", "shit happens", moderate("shit happens"), 1_796_000_001)
    db.dispose()
    listed = run("holds", "--database-url", url)
    assert listed.exit_code == 0 and "#1 comment 1 [pending]" in listed.output and "shit happens" in listed.output
    (item,) = [json.loads(line) for line in run("holds", "--json", "--database-url", url).output.splitlines()]
    assert item["target"] == "comment" and item["post_id"] == post.id and item["decision"] is None
    assert "revision" in run("migrate", "--database-url", url).output


def test_an_unusable_database_is_one_line(tmp_path):
    (tmp_path / "dir.db").mkdir()
    out = CliRunner().invoke(social, ["holds", "--database-url", f"sqlite:///{tmp_path / 'dir.db'}"])
    assert out.exit_code == 2 and out.output.startswith("error: cannot open the social database")
