"""Deputy requests, their participants and files; activities.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:40:16.402699
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mazhilis_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("source_deputy_id", sa.Integer(), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("fetched_via", sa.String(length=10), nullable=False),
        sa.Column("item_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputies.id"],
            name=op.f("fk_activities_deputy_id_deputies"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_activities_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("mazhilis_id", name=op.f("uq_activities_mazhilis_id")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activities_activity_date"), ["activity_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_activities_deputy_id"), ["deputy_id"], unique=False
        )

    op.create_table(
        "deputy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mazhilis_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("request_date", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("addressee", sa.Text(), nullable=True),
        sa.Column("convocation_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("source_convocation_id", sa.Integer(), nullable=True),
        sa.Column("source_session_id", sa.Integer(), nullable=True),
        sa.Column("document_url", sa.String(length=2000), nullable=True),
        sa.Column("answer_date", sa.Date(), nullable=True),
        sa.Column("answer_document_url", sa.String(length=2000), nullable=True),
        sa.Column("item_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["convocation_id"],
            ["convocations.id"],
            name=op.f("fk_deputy_requests_convocation_id_convocations"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_deputy_requests_session_id_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_deputy_requests_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deputy_requests")),
        sa.UniqueConstraint("mazhilis_id", name=op.f("uq_deputy_requests_mazhilis_id")),
    )
    with op.batch_alter_table("deputy_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deputy_requests_request_date"),
            ["request_date"],
            unique=False,
        )

    op.create_table(
        "request_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["deputy_requests.id"],
            name=op.f("fk_request_files_request_id_deputy_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_request_files_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_files")),
        sa.UniqueConstraint(
            "request_id", "kind", name=op.f("uq_request_files_request_id_kind")
        ),
    )
    op.create_table(
        "request_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_as_given", sa.String(length=600), nullable=False),
        sa.Column("source_deputy_id", sa.Integer(), nullable=True),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("link_status", sa.String(length=20), nullable=False),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["deputies.id"],
            name=op.f("fk_request_participants_deputy_id_deputies"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["deputy_requests.id"],
            name=op.f("fk_request_participants_request_id_deputy_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_request_participants_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_participants")),
        sa.UniqueConstraint(
            "request_id",
            "role",
            "name_as_given",
            name=op.f("uq_request_participants_request_id_role_name_as_given"),
        ),
    )
    with op.batch_alter_table("request_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_participants_deputy_id"), ["deputy_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("request_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_participants_deputy_id"))

    op.drop_table("request_participants")
    op.drop_table("request_files")
    with op.batch_alter_table("deputy_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputy_requests_request_date"))

    op.drop_table("deputy_requests")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_deputy_id"))
        batch_op.drop_index(batch_op.f("ix_activities_activity_date"))

    op.drop_table("activities")
