"""Initial schema: convocations and sessions, deputies with their name forms,
mandates, social accounts, raw source documents and crawl runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 10:19:57.030175
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column(
            "started_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "finished_at", storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("items_inserted", sa.Integer(), nullable=False),
        sa.Column("items_updated", sa.Integer(), nullable=False),
        sa.Column("items_unchanged", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crawl_runs_source"), ["source"], unique=False
        )

    op.create_table(
        "source_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("variant", sa.String(length=40), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "first_fetched_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "fetched_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_documents")),
        sa.UniqueConstraint(
            "url",
            "variant",
            "content_hash",
            name=op.f("uq_source_documents_url_variant_content_hash"),
        ),
    )
    op.create_table(
        "convocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_convocations_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_convocations")),
        sa.UniqueConstraint("number", name=op.f("uq_convocations_number")),
    )
    op.create_table(
        "deputies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mazhilis_id", sa.Integer(), nullable=True),
        sa.Column("last_name", sa.String(length=200), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("patronymic", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=100), nullable=True),
        sa.Column("avatar_url", sa.String(length=2000), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=True),
        sa.Column(
            "first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_deputies_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deputies")),
        sa.UniqueConstraint("mazhilis_id", name=op.f("uq_deputies_mazhilis_id")),
    )
    op.create_table(
        "deputy_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("script", sa.String(length=8), nullable=False),
        sa.Column("full_name", sa.String(length=600), nullable=False),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("first_name", sa.String(length=200), nullable=True),
        sa.Column("patronymic", sa.String(length=200), nullable=True),
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
            name=op.f("fk_deputy_names_deputy_id_deputies"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_deputy_names_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deputy_names")),
        sa.UniqueConstraint(
            "deputy_id",
            "source",
            "lang",
            "full_name",
            name=op.f("uq_deputy_names_deputy_id_source_lang_full_name"),
        ),
    )
    op.create_table(
        "mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("convocation_id", sa.Integer(), nullable=False),
        sa.Column("deputy_type", sa.String(length=20), nullable=False),
        sa.Column("district_number", sa.Integer(), nullable=True),
        sa.Column("region_kk", sa.String(length=300), nullable=True),
        sa.Column("region_ru", sa.String(length=300), nullable=True),
        sa.Column("party", sa.String(length=200), nullable=True),
        sa.Column("faction_kk", sa.String(length=300), nullable=True),
        sa.Column("faction_ru", sa.String(length=300), nullable=True),
        sa.Column("committee_kk", sa.String(length=300), nullable=True),
        sa.Column("committee_ru", sa.String(length=300), nullable=True),
        sa.Column("committee_role", sa.String(length=100), nullable=True),
        sa.Column("position_kk", sa.String(length=300), nullable=True),
        sa.Column("position_ru", sa.String(length=300), nullable=True),
        sa.Column("party_role", sa.String(length=100), nullable=True),
        sa.Column("dep_group_role", sa.String(length=100), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
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
            name=op.f("fk_mandates_convocation_id_convocations"),
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["deputies.id"], name=op.f("fk_mandates_deputy_id_deputies")
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_mandates_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
        sa.UniqueConstraint(
            "deputy_id",
            "convocation_id",
            name=op.f("uq_mandates_deputy_id_convocation_id"),
        ),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convocation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
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
            name=op.f("fk_sessions_convocation_id_convocations"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_sessions_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint(
            "convocation_id", "number", name=op.f("uq_sessions_convocation_id_number")
        ),
    )
    op.create_table(
        "social_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("learned_from", sa.String(length=40), nullable=False),
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
            name=op.f("fk_social_accounts_deputy_id_deputies"),
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["source_documents.id"],
            name=op.f("fk_social_accounts_source_document_id_source_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_accounts")),
        sa.UniqueConstraint(
            "platform", "handle", name=op.f("uq_social_accounts_platform_handle")
        ),
    )


def downgrade() -> None:
    op.drop_table("social_accounts")
    op.drop_table("sessions")
    op.drop_table("mandates")
    op.drop_table("deputy_names")
    op.drop_table("deputies")
    op.drop_table("convocations")
    op.drop_table("source_documents")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_runs_source"))

    op.drop_table("crawl_runs")
