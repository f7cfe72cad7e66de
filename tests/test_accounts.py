"""The accounts file: accounts the parliament does not list, kept by hand."""

import pytest
from sqlalchemy import select

from replica import ReplicaProcess
from storage import db
from storage.accounts import parse_line
from storage.models import Deputy, NameMention, SocialAccount
from tests.e2e import mwatch, rows


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "71, instagram, https://www.instagram.com/Abzal.Kuspan/",
            (71, "abzal.kuspan"),
        ),
        (
            "56, telegram, @kalykov_official  # his second channel",
            (56, "kalykov_official"),
        ),
        ("88,facebook,nurgul.tau", (88, "nurgul.tau")),
        ("Куспан Абзал, facebook, abzal.kuspan", ("Куспан Абзал", "abzal.kuspan")),
    ],
)
def test_a_line_gives_a_deputy_and_an_account(line, expected):
    deputy, account = parse_line(line)
    assert (deputy, account.handle) == expected
    assert account.learned_from == "accounts-file"


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "  # indented comment"])
def test_blank_and_comment_lines_are_skipped(line):
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("71, instagram", "expected 3 fields"),
        ("-, instagram, abzal", "deputy '-' is neither an id nor a name"),
        ("71, myspace, abzal", "platform 'myspace' is not one of"),
        ("71, telegram, https://www.instagram.com/abzal/", "is not a telegram account"),
    ],
)
def test_a_bad_line_says_what_is_wrong(line, message):
    with pytest.raises(ValueError, match=message):
        parse_line(line)


@pytest.mark.e2e
def test_loading_reports_bad_lines_by_number_and_stores_the_rest(sqlite_url, tmp_path):
    db.upgrade(sqlite_url)
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
        assert mwatch("crawl", "mazhilis-deputies", env=environment).code == 0
    path = tmp_path / "accounts.txt"
    path.write_text(
        "# accounts the Mazhilis does not list\n"
        "71, instagram, https://www.instagram.com/abzal.kuspan.official/\n"
        "71, myspace, abzal\n"
        "\n"
        "9999, telegram, someone_else\n"
        "71, telegram, kuspan_abzal\n"
        "56, facebook, arman.kalykov\n"
        "Arman Kalykov, youtube, kalykov\n"
        "Абасов А.Т., twitter, abasov\n",
        encoding="utf-8",
    )
    environment = {"DATABASE_URL": sqlite_url}
    result = mwatch("accounts", "load", str(path), env=environment)
    assert result.code == 1
    assert f"{path}:3: platform 'myspace' is not one of" in result.stderr
    assert f"{path}:5: no deputy 9999 is stored" in result.stderr
    assert f"{path}:6: telegram kuspan_abzal is already listed" in result.stderr
    # A deputy given by name is found by name matching; a name matching nobody
    # leaves the account without a deputy, and says so.
    assert f"{path}:9: 'Абасов А.Т.' is unlinked (name mention" in result.stderr
    assert "4 accounts added" in result.stdout
    stored = rows(
        sqlite_url,
        select(Deputy.mazhilis_id, SocialAccount.platform, SocialAccount.handle)
        .join(SocialAccount.deputy)
        .where(SocialAccount.learned_from == "accounts-file"),
    )
    assert sorted(stored) == [
        (56, "facebook", "arman.kalykov"),
        (56, "youtube", "kalykov"),
        (71, "instagram", "abzal.kuspan.official"),
    ]
    mentions = rows(
        sqlite_url,
        select(NameMention.raw_name, NameMention.source_key, NameMention.status),
    )
    assert sorted(mentions) == [
        ("Arman Kalykov", "youtube:kalykov", "linked"),
        ("Абасов А.Т.", "twitter:abasov", "unlinked"),
    ]
    again = mwatch("accounts", "load", str(path), env=environment)
    assert "0 accounts added, 0 changed, 4 as they were" in again.stdout


def test_a_missing_accounts_file_is_named(sqlite_url, tmp_path):
    db.upgrade(sqlite_url)
    missing = tmp_path / "nowhere.txt"
    result = mwatch("accounts", "load", str(missing), env={"DATABASE_URL": sqlite_url})
    assert result.code == 2
    assert f"{missing}: no such file" in result.stderr
    assert "Traceback" not in result.stderr
