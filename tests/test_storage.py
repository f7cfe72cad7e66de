"""Storage on SQLite and PostgreSQL: migrations, and idempotent upserts that count
what they did."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, Table, func, inspect, select

from records import RawDocument
from spiders.mazhilis_deputies_page import (
    merge_deputy,
    parse_convocations,
    parse_deputy,
)
from storage import db
from storage.models import (
    Base,
    Deputy,
    DeputyName,
    Mandate,
    SocialAccount,
    SourceDocument,
)
from storage.upsert import Counts
from storage.writers import Writer

TABLES = {table.name for table in Base.metadata.sorted_tables}


def test_upgrade_downgrade_upgrade(database_url):
    db.upgrade(database_url)
    engine = db.make_engine(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    db.downgrade(database_url, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    db.upgrade(database_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert db.current_revision(engine) == db.head_revision(database_url)
    engine.dispose()


def test_models_and_migrations_agree(database_url):
    db.upgrade(database_url)
    db.check(database_url)


def test_check_fails_when_a_model_has_no_migration(sqlite_url):
    db.upgrade(sqlite_url)
    table = Table("scratch", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        with pytest.raises(db.DatabaseError, match="differ from the migrations"):
            db.check(sqlite_url)
    finally:
        Base.metadata.remove(table)
    db.check(sqlite_url)


def test_a_schema_behind_head_is_refused_with_the_fix(sqlite_url):
    engine = db.make_engine(sqlite_url)
    with pytest.raises(db.DatabaseError, match="run `mwatch db upgrade`"):
        db.require_current_schema(engine, sqlite_url)
    engine.dispose()


def write_samples(url, samples, now, kk_override=None):
    """Write the sample convocations and deputies as the spider's items."""
    counts = Counts()
    engine = db.make_engine(url)
    sessions = db.make_sessionmaker(engine)
    kk_payload = json.loads((samples / "mazhilis/deputies.kk.json").read_bytes())
    if kk_override:
        kk_payload[0].update(kk_override)
    ru_payload = json.loads((samples / "mazhilis/deputies.ru.json").read_bytes())
    conv_body = (samples / "mazhilis/convocations.json").read_bytes()
    documents = {}
    with sessions.begin() as session:
        writer = Writer(session, counts, {})
        conv_doc = RawDocument("mazhilis", "https://x/conv", 200, conv_body, now)
        writer.write_document(conv_doc, now)
        for convocation in parse_convocations(json.loads(conv_body)):
            convocation.document = conv_doc.ref
            writer.write_convocation(convocation, now)
        for lang, payload in (("kk", kk_payload), ("ru", ru_payload)):
            body = json.dumps(payload, ensure_ascii=False).encode()
            doc = RawDocument("mazhilis", "https://x/dep", 200, body, now, None, lang)
            writer.write_document(doc, now)
            documents[lang] = doc.ref
        kk = {d["id"]: parse_deputy(d, "kk") for d in kk_payload}
        ru = {d["id"]: parse_deputy(d, "ru") for d in ru_payload}
        for i in kk:
            writer.write_deputy(
                merge_deputy({"kk": kk[i], "ru": ru[i]}, 8, documents), now
            )
    return counts, engine


def snapshot(engine, ignore=("last_seen_at", "fetched_at")):
    """Every row of every table, without the last-seen times."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (
                    tuple((k, v) for k, v in row._mapping.items() if k not in ignore)
                    for row in connection.execute(table.select())
                ),
                key=repr,
            )
            for table in Base.metadata.sorted_tables
        }


def test_writing_the_same_data_twice_changes_nothing(database_url, samples):
    db.upgrade(database_url)
    first = datetime(2026, 1, 1, tzinfo=UTC)
    counts, engine = write_samples(database_url, samples, first)
    assert counts.inserted > 0 and counts.updated == 0
    before = snapshot(engine)
    again, _ = write_samples(database_url, samples, first + timedelta(days=1))
    assert (again.inserted, again.updated) == (0, 0)
    assert again.unchanged == counts.inserted
    assert snapshot(engine) == before
    with engine.connect() as connection:
        seen = connection.scalar(select(func.max(Deputy.last_seen_at)))
        first_seen = connection.scalar(select(func.min(Deputy.first_seen_at)))
    assert seen.astimezone(UTC) == first + timedelta(days=1)
    assert first_seen.astimezone(UTC) == first
    engine.dispose()


def test_a_changed_value_is_an_update_of_that_record(database_url, samples):
    db.upgrade(database_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    _, engine = write_samples(database_url, samples, now)
    counts, _ = write_samples(
        database_url, samples, now, kk_override={"phone": "+7 (7172) 74-11-11"}
    )
    assert counts.by_table["deputies"] == {"inserted": 0, "updated": 1, "unchanged": 2}
    # The Kazakh list's payload changed: one new raw document, the old one kept.
    assert counts.by_table["source_documents"]["inserted"] == 1
    with engine.connect() as connection:
        phone = connection.scalar(select(Deputy.phone).where(Deputy.mazhilis_id == 56))
        documents = connection.scalar(select(func.count()).select_from(SourceDocument))
    assert phone == "+7 (7172) 74-11-11"
    assert documents == 4
    engine.dispose()


def test_stored_deputy_has_names_mandate_and_accounts(database_url, samples):
    db.upgrade(database_url)
    _, engine = write_samples(database_url, samples, datetime(2026, 1, 1, tzinfo=UTC))
    with db.make_sessionmaker(engine)() as session:
        deputy = session.scalars(select(Deputy).where(Deputy.mazhilis_id == 71)).one()
        names = {(n.lang, n.full_name) for n in deputy.names}
        assert names == {
            ("kk", "ҚҰСПАН Абзал Темірғалиұлы"),
            ("ru", "Куспан Абзал Темиргалиулы"),
        }
        mandate = session.scalars(select(Mandate).where(Mandate.deputy == deputy)).one()
        assert (mandate.district_number, mandate.deputy_type) == (14, "single_mandate")
        assert mandate.region_ru == "Западно-Казахстанская область"
        handles = {(a.platform, a.handle) for a in deputy.social_accounts}
        assert ("telegram", "kuspan_abzal") in handles
        name = session.scalars(
            select(DeputyName).where(
                DeputyName.deputy == deputy, DeputyName.lang == "ru"
            )
        ).one()
        document = session.get(SourceDocument, name.source_document_id)
        assert (document.variant, document.url) == ("ru", "https://x/dep")
        assert json.loads(document.payload)[1]["last_name"] == "Куспан"
        account = session.scalars(
            select(SocialAccount).where(SocialAccount.handle == "kuspan_abzal")
        ).one()
        assert account.learned_from == "mazhilis-api"
    engine.dispose()
