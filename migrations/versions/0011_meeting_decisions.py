"""meeting_decisions: people merge or split meetings

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 12:52:01.220038
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_key", sa.String(length=40), nullable=False),
        sa.Column("second_key", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column(
            "decided_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decisions")),
        sa.UniqueConstraint(
            "first_key",
            "second_key",
            name=op.f("uq_meeting_decisions_first_key_second_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("meeting_decisions")
