"""record_changes: every insert, update, disappearance and return of a record

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.String(length=600), nullable=False),
        sa.Column("change", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column(
            "changed_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_record_changes_run_id_crawl_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_changes")),
    )
    op.create_index(
        "ix_record_changes_record",
        "record_changes",
        ["record_type", "record_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_record_changes_run_id"), "record_changes", ["run_id"], unique=False
    )
    op.create_index(
        op.f("ix_record_changes_changed_at"),
        "record_changes",
        ["changed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_record_changes_changed_at"), table_name="record_changes")
    op.drop_index(op.f("ix_record_changes_run_id"), table_name="record_changes")
    op.drop_index("ix_record_changes_record", table_name="record_changes")
    op.drop_table("record_changes")
