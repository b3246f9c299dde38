"""The live server's tables: attendance per fan and event, and the transcript (chat and
questions, the persona's answers and their captions).

Revision ID: l0001
Revises:
Created: 2026-12-07 13:26:14.709447
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "l0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("attended_ms", sa.BigInteger(), nullable=False),
        sa.Column("counted_until_ms", sa.BigInteger(), nullable=False),
        sa.Column("first_joined_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("event_id", "address", name=op.f("uq_attendance_event_id_address")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("held_reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_event", ["event_id", "kind", "id"], unique=False)

    op.create_table(
        "answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("emotion", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ai_label", sa.String(length=200), nullable=False),
        sa.Column("started_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("ended_at_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["question_id"], ["messages.id"], name=op.f("fk_answers_question_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index("ix_answers_event", ["event_id", "id"], unique=False)
        batch_op.create_index("ix_answers_question", ["question_id"], unique=False)

    op.create_table(
        "captions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("answer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_captions_answer_id_answers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captions")),
    )
    with op.batch_alter_table("captions", schema=None) as batch_op:
        batch_op.create_index("ix_captions_answer", ["answer_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("captions", schema=None) as batch_op:
        batch_op.drop_index("ix_captions_answer")

    op.drop_table("captions")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_question")
        batch_op.drop_index("ix_answers_event")

    op.drop_table("answers")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_event")

    op.drop_table("messages")
    op.drop_table("attendance")
