"""Records no longer seen by a complete crawl; the process that ran a crawl.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:22:53.137726
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("convocations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))

    with op.batch_alter_table("deputies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("deputy_names", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("deputy_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("request_files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("request_participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_longer_seen_at",
                storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("request_participants", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("request_files", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("deputy_requests", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("deputy_names", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("deputies", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("host")

    with op.batch_alter_table("convocations", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("no_longer_seen_at")
