"""meetings and meeting_sources: meetings clustered from posts and activities

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:16:02.622751
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("who", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column(
            "created_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputies.id"], name=op.f("fk_meetings_deputy_id_deputies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_deputy_id"), ["deputy_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_meeting_date"), ["meeting_date"], unique=False
        )

    op.create_table(
        "meeting_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=True),
        sa.Column("stated_date", sa.Date(), nullable=True),
        sa.Column("stated_place", sa.Text(), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "matched_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_meeting_sources_activity_id_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_sources_meeting_id_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_meeting_sources_post_id_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_sources")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_meeting_sources_activity_id")),
        sa.UniqueConstraint("post_id", name=op.f("uq_meeting_sources_post_id")),
    )
    with op.batch_alter_table("meeting_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_sources_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_sources_meeting_id"))

    op.drop_table("meeting_sources")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_meeting_date"))
        batch_op.drop_index(batch_op.f("ix_meetings_deputy_id"))

    op.drop_table("meetings")
