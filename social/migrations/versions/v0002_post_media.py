"""A post's audio or video file: posts.media_cid, posts.media_type (video/mp4 | audio/mp4) and
posts.subtitles_cid (WebVTT), all nullable, so every post made before stays as it was (no media).

Revision ID: 0002
Revises: ap0001
Created: 2026-12-07 09:45:48.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "ap0001"
branch_labels = None
depends_on = None

COLUMNS = ("media_cid", "media_type", "subtitles_cid")


def upgrade() -> None:
    # In place on SQLite too (ALTER TABLE ADD/DROP COLUMN of a plain column, SQLite 3.35+): a
    # batch copy of posts would drop the table that comments, likes, shares and the rest point
    # at, which their foreign keys refuse while rows refer to it.
    with op.batch_alter_table("posts", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("media_cid", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("media_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("subtitles_cid", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts", schema=None, recreate="never") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
