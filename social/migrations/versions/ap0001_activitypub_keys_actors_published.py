"""ActivityPub's tables (social/activitypub/tables.py): each persona's RSA key pair (ap_keys),
the cache of fediverse actors' keys and inboxes (ap_remote_actors), the posts whose Create has
been queued for the followers (ap_published), the activities other servers delivered that we
acted on (ap_received).

Revision ID: ap0001
Revises: 0001
Created: 2026-12-07 01:58:14.928474
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ap0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ap_remote_actors",
        sa.Column("key_id", sa.String(length=512), nullable=False),
        sa.Column("actor", sa.String(length=512), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("inbox", sa.String(length=512), nullable=False),
        sa.Column("shared_inbox", sa.String(length=512), nullable=True),
        sa.Column("fetched_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_ap_remote_actors")),
    )
    with op.batch_alter_table("ap_remote_actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ap_remote_actors_actor"), ["actor"], unique=False)

    op.create_table(
        "ap_keys",
        sa.Column("persona_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["persona_id"], ["personas.id"], name=op.f("fk_ap_keys_persona_id_personas")),
        sa.PrimaryKeyConstraint("persona_id", name=op.f("pk_ap_keys")),
    )
    op.create_table(
        "ap_published",
        sa.Column("post_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("activity_id", sa.String(length=512), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_ap_published_post_id_posts")),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_ap_published")),
    )
    op.create_table(
        "ap_received",
        sa.Column("id", sa.String(length=512), nullable=False),
        sa.Column("actor", sa.String(length=512), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("object", sa.String(length=512), nullable=False),
        sa.Column("persona_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["persona_id"], ["personas.id"], name=op.f("fk_ap_received_persona_id_personas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ap_received")),
    )


def downgrade() -> None:
    op.drop_table("ap_received")
    op.drop_table("ap_published")
    op.drop_table("ap_keys")
    with op.batch_alter_table("ap_remote_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ap_remote_actors_actor"))

    op.drop_table("ap_remote_actors")
