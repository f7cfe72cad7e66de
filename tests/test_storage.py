"""Storage on SQLite and PostgreSQL: migrations, and idempotent upserts that count
what they did."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, Table, func, inspect, select

from matching.mentions import SOCIAL_ACCOUNT, Mention
from records import RawDocument, RequestItem
from spiders.mazhilis_deputies_page import (
    merge_deputy,
    parse_convocations,
    parse_deputy,
)
from spiders.mazhilis_requests_page import parse_request
from storage import db
from storage.mentions import SITTING_NAMESAKE, record_mentions, resolve_pending
from storage.models import (
    Base,
    Deputy,
    DeputyName,
    Mandate,
    NameMention,
    RequestParticipant,
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


def former_deputies(samples) -> list:
    """19 Кенжебеков of the by-alphabet sample, and a former 27 Калыков Асылбек
    Ерланович who shares a surname and a first initial with sitting 56."""
    groups = json.loads(
        (samples / "mazhilis/deputies_by_alphabet.ru.json").read_bytes()
    )
    kenzhebekov = next(d for g in groups for d in g["deputies"] if d["id"] == 19)
    kalykov = next(d for g in groups for d in g["deputies"] if d["id"] == 56) | {
        "id": 27,
        "first_name": "Асылбек",
        "patronymic": "Ерланович",
        "is_active": False,
        "telegram_link": None,
        "instagram_link": None,
    }
    return [
        merge_deputy({"ru": parse_deputy(obj, "ru")}, 8, {})
        for obj in (kenzhebekov, kalykov)
    ]


@pytest.fixture
def with_former(database_url, samples) -> str:
    db.upgrade(database_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    _, engine = write_samples(database_url, samples, now)
    with db.make_sessionmaker(engine).begin() as session:
        writer = Writer(session, Counts(), {})
        for deputy in former_deputies(samples):
            writer.write_deputy(deputy, now)
    engine.dispose()
    return database_url


def test_a_former_deputy_is_stored_not_sitting_with_a_mandate(with_former):
    with db.session_for(with_former) as session:
        deputies = {d.mazhilis_id: d.is_active for d in session.scalars(select(Deputy))}
        assert deputies == {56: True, 71: True, 88: True, 19: False, 27: False}
        mandate = session.scalars(
            select(Mandate).join(Deputy).where(Deputy.mazhilis_id == 19)
        ).one()
        assert (mandate.deputy_type, mandate.party) == ("party_list", "AMANAT")
        assert mandate.end_date is None  # the API does not say when it ended


def request_named(*names: str) -> RequestItem:
    return parse_request(
        {
            "id": 5100,
            "number": "ДЗ-8-2-200",
            "request_date": "2024-03-06",
            "title": "О водоснабжении",
            "addressee": "Премьер-Министру Республики Казахстан",
            "initiators": [{"id": 64, "full_name": "Исабеков Д.Д."}],
            "signatories": [{"id": None, "full_name": name} for name in names],
            "document_url": "/media/requests/5100.pdf",
            "answer": None,
            "convocation_id": 8,
            "session_id": 82,
        }
    )


def test_a_name_without_an_id_never_links_a_sitting_namesake(with_former):
    """SOURCES.md §1.3: the API gives every sitting deputy's id, so a participant
    without one is evidence against every sitting deputy."""
    now = datetime(2026, 1, 2, tzinfo=UTC)
    item = request_named(
        "Калыков А.", "Куспан А.Т.", "Кенжебеков Е.", "Калыков А.К.", "Абасов Т.Б."
    )
    with db.session_for(with_former, write=True) as session:
        Writer(session, Counts(), {}).write_request(item, now)
    with db.session_for(with_former) as session:
        by_id = {d.id: d.mazhilis_id for d in session.scalars(select(Deputy))}
        mentions = {
            m.raw_name: (
                m.status,
                by_id.get(m.deputy_id),
                by_id.get(m.candidate_deputy_id),
                m.reason,
            )
            for m in session.scalars(select(NameMention))
        }
        participants = {
            p.name_as_given: (p.link_status, by_id.get(p.deputy_id))
            for p in session.scalars(select(RequestParticipant))
        }
    # A surname and an initial: the former Калыков, not sitting 56.
    assert mentions["Калыков А."][:2] == ("linked", 27)
    assert "sitting ҚАЛЫҚОВ Арман Қобыландыұлы left out" in mentions["Калыков А."][3]
    assert mentions["Кенжебеков Е."][:2] == ("linked", 19)
    # Names that fit a sitting deputy alone go to review, saying why.
    for name, sitting in (("Куспан А.Т.", 71), ("Калыков А.К.", 56)):
        status, linked, candidate, reason = mentions[name]
        assert (status, linked, candidate) == ("review", None, sitting), name
        assert SITTING_NAMESAKE in reason
    assert mentions["Абасов Т.Б."][:2] == ("unlinked", None)
    assert participants == {
        "Исабеков Д.Д.": ("unknown_deputy", None),
        "Калыков А.": ("matched", 27),
        "Куспан А.Т.": ("review", None),
        "Кенжебеков Е.": ("matched", 19),
        "Калыков А.К.": ("review", None),
        "Абасов Т.Б.": ("unlinked", None),
    }
    # Resolving again after deputies change keeps the rule.
    with db.session_for(with_former, write=True) as session:
        assert resolve_pending(session) == 0


def test_a_name_in_other_records_still_links_a_sitting_deputy(with_former):
    """Names in accounts and party news come with no id for anyone: the rule
    about sitting deputies is the requests' alone."""
    mention = Mention("Куспан А.Т.", SOCIAL_ACCOUNT, "telegram:kuspan", convocation=8)
    with db.session_for(with_former, write=True) as session:
        (link,) = record_mentions(session, [mention]).values()
        kuspan = session.scalar(select(Deputy.id).where(Deputy.mazhilis_id == 71))
    assert (link.status, link.deputy_id) == ("linked", kuspan)
