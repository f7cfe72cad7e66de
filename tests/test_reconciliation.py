"""Reconciliation of published totals: scopes, and the differences listed."""

from datetime import UTC, datetime

import pytest

from records import parse_scope, scope_of
from storage import db
from storage.models import PublishedCount
from storage.published import collect, differences, format_differences

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


def test_scopes_name_the_filters_in_a_fixed_order():
    assert scope_of() == "all"
    assert scope_of(deputy=71, session=82) == "session:82 deputy:71"
    assert scope_of(lang="kk", convocation=None) == "lang:kk"
    assert parse_scope("session:82 deputy:71") == {"session": "82", "deputy": "71"}
    assert parse_scope("all") == {}
    with pytest.raises(ValueError, match="party"):
        parse_scope("party:amanat")


def count(subject, scope, published, collected=None, detail=None):
    return PublishedCount(
        source="mazhilis-deputies" if subject == "deputies" else "mazhilis-requests",
        subject=subject,
        scope=scope,
        published=published,
        collected=collected,
        collected_at=NOW if collected is not None else None,
        detail=detail,
        first_seen_at=NOW,
        last_seen_at=NOW,
    )


def test_lists_that_differ_by_language_and_totals_not_collected(database_url):
    db.upgrade(database_url)
    with db.session_for(database_url, write=True) as session:
        session.add_all(
            [
                count("requests", "all", 540, 540),
                count("requests", "deputy:61", 14, 11),
                count("requests", "deputy:71", 9, 9),
                count("activities", "deputy:71", 30, 31),
                count("deputies", "lang:kk", 3, 3, {"ids": [40, 61, 71]}),
                count("deputies", "lang:ru", 3, 3, {"ids": [40, 61, 88]}),
            ]
        )
    with db.session_for(database_url) as session:
        found = differences(session)
    assert [(d.subject, d.scope) for d in found] == [
        ("activities", "deputy:71"),
        ("requests", "deputy:61"),
        ("deputies", "lang:kk lang:ru"),
    ]
    assert found[1].problem == "the source says 14, the database holds 11 (-3)"
    assert found[2].problem == "kk lists 3, ru lists 3; only in kk: 71; only in ru: 88"
    text = format_differences(found)
    assert text.startswith("reconciliation: 3 published totals disagree")
    assert "requests [deputy:61]" in text


def test_nothing_to_list_when_every_total_matches(sqlite_url):
    db.upgrade(sqlite_url)
    with db.session_for(sqlite_url, write=True) as session:
        session.add(count("requests", "all", 540, 540))
    with db.session_for(sqlite_url) as session:
        assert differences(session) == []
    assert "every published total matches" in format_differences([])


def test_a_total_never_counted_is_listed_not_taken_as_a_match(database_url):
    """A distributed crawl once left `collected` empty, and `mwatch status` said
    every published total matched: the deputy whose total disagreed vanished."""
    db.upgrade(database_url)
    with db.session_for(database_url, write=True) as session:
        session.add_all(
            [count("requests", "all", 540, 540), count("requests", "deputy:61", 14)]
        )
    with db.session_for(database_url) as session:
        [found] = differences(session)
    assert (found.scope, found.collected) == ("deputy:61", None)
    assert "never counted" in found.problem
    assert "mwatch crawl mazhilis-requests" in found.problem
    assert "every published total matches" not in format_differences([found])


def test_collecting_counts_the_totals_an_earlier_run_left_uncounted(database_url):
    db.upgrade(database_url)
    with db.session_for(database_url, write=True) as session:
        session.add(count("requests", "all", 0))
    later = datetime(2026, 7, 1, tzinfo=UTC)
    with db.session_for(database_url, write=True) as session:
        assert collect(session, "mazhilis-requests", later) == 1
    with db.session_for(database_url) as session:
        assert differences(session) == []
