"""published_counts: the totals sources publish about themselves, for reconciliation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 12:23:14.603416
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("collected", sa.Integer(), nullable=True),
        sa.Column(
            "collected_at", storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "no_longer_seen_at", storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_published_counts_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_counts")),
        sa.UniqueConstraint(
            "source",
            "subject",
            "scope",
            name=op.f("uq_published_counts_source_subject_scope"),
        ),
    )


def downgrade() -> None:
    op.drop_table("published_counts")
