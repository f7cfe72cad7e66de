"""The accounts file: social accounts the parliament does not list, kept by hand.

Format (UTF-8 text, one account a line, `#` starts a comment):

    # deputy (the Mazhilis's id, as in /ru/deputies/71, or a name), platform,
    # handle or URL
    71, instagram, https://www.instagram.com/abzal.kuspan/
    56, telegram, kalykov_arman_official
    Куспан Абзал, facebook, abzal.kuspan

Platforms: telegram, instagram, facebook, youtube, twitter. A deputy given by name
is found by name matching (storage/mentions.py): the account is tied to the
deputy when the name links, and waits in the review queue (`mwatch match review`)
when it is uncertain. A line that cannot be read is reported with its number and
the rest still load.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.mentions import SOCIAL_ACCOUNT, Mention, MentionLink
from records import SocialAccountItem, parse_social_link
from storage.files import parsed_lines
from storage.mentions import record_mentions
from storage.models import Deputy, SocialAccount
from storage.upsert import Counts, upsert

LEARNED_FROM = "accounts-file"
URLS = {
    "telegram": "https://t.me/{}",
    "instagram": "https://www.instagram.com/{}/",
    "facebook": "https://www.facebook.com/{}",
    "youtube": "https://www.youtube.com/@{}",
    "twitter": "https://x.com/{}",
}


class AccountsFileError(Exception):
    """An accounts file that cannot be read at all."""


@dataclass
class AccountLine:
    number: int
    # The Mazhilis's id of the deputy, or their name as the file gives it.
    deputy: int | str
    account: SocialAccountItem


def parse_line(text: str) -> tuple[int | str, SocialAccountItem] | None:
    """(deputy id or name, account) of one line; None for a blank or comment
    line; ValueError saying what is wrong otherwise."""
    content = text.split("#", 1)[0].strip()
    if not content:
        return None
    parts = [part.strip() for part in content.split(",")]
    if len(parts) != 3:
        raise ValueError(
            "expected 3 fields (deputy id or name, platform, handle or URL), "
            f"got {len(parts)}"
        )
    deputy, platform, handle = parts
    if not deputy.isdigit() and not any(c.isalpha() for c in deputy):
        raise ValueError(f"deputy {deputy!r} is neither an id nor a name")
    platform = platform.lower()
    if platform not in URLS:
        raise ValueError(
            f"platform {platform!r} is not one of {', '.join(sorted(URLS))}"
        )
    url = handle if "://" in handle else URLS[platform].format(handle.lstrip("@"))
    account = parse_social_link(url, LEARNED_FROM)
    if account is None or account.platform != platform:
        raise ValueError(f"{handle!r} is not a {platform} account")
    return (int(deputy) if deputy.isdigit() else deputy), account


def read_accounts(path: Path) -> tuple[list[AccountLine], list[str]]:
    """The accounts of the file, and a message for each line that is wrong."""
    lines, problems = parsed_lines(path, AccountsFileError, parse_line)
    accounts = [AccountLine(number, *parsed) for number, parsed in lines]
    return accounts, [message for _, message in problems]


def load_accounts(
    session: Session, path: Path, accounts: list[AccountLine]
) -> tuple[Counts, list[str], list[str]]:
    """Store the accounts tied to their deputies. Returns the counts, the lines
    refused (a deputy id not stored, an account the Mazhilis lists) and notes on
    the deputies given by name that did not link (in review or unmatched)."""
    known = {
        mazhilis_id: deputy_id
        for mazhilis_id, deputy_id in session.execute(
            select(Deputy.mazhilis_id, Deputy.id)
        )
    }
    listed = {
        (platform, handle)
        for platform, handle in session.execute(
            select(SocialAccount.platform, SocialAccount.handle).where(
                SocialAccount.learned_from != LEARNED_FROM
            )
        )
    }
    counts, problems, notes, rows = Counts(), [], [], []
    kept = []
    for line in accounts:
        if (line.account.platform, line.account.handle) in listed:
            problems.append(
                f"{path}:{line.number}: {line.account.platform} "
                f"{line.account.handle} is already listed by the Mazhilis: skipped"
            )
        else:
            kept.append(line)
    links = _match_names(session, kept)
    for line in kept:
        if isinstance(line.deputy, str):
            link = links[_mention(line).key]
            deputy_id = link.deputy_id
            if deputy_id is None:
                notes.append(
                    f"{path}:{line.number}: {line.deputy!r} is "
                    f"{'in review' if link.status == 'review' else link.status} "
                    f"(name mention {link.id}, score {link.score:.2f}): the account "
                    "is stored without a deputy; see `mwatch match review`"
                )
        elif (deputy_id := known.get(line.deputy)) is None:
            problems.append(
                f"{path}:{line.number}: no deputy {line.deputy} is stored "
                "(run `mwatch crawl mazhilis-deputies` first?)"
            )
            continue
        rows.append(
            {
                "platform": line.account.platform,
                "handle": line.account.handle,
                "url": line.account.url,
                "learned_from": LEARNED_FROM,
                "deputy_id": deputy_id,
            }
        )
    upsert(
        session,
        SocialAccount,
        rows,
        key=("platform", "handle"),
        now=datetime.now(UTC),
        counts=counts,
    )
    return counts, problems, notes


def _mention(line: AccountLine) -> Mention:
    return Mention(
        raw_name=str(line.deputy),
        source_kind=SOCIAL_ACCOUNT,
        source_key=f"{line.account.platform}:{line.account.handle}",
    )


def _match_names(
    session: Session, accounts: list[AccountLine]
) -> dict[tuple[str, str, str], MentionLink]:
    """Resolve the deputies given by name, as name mentions."""
    return record_mentions(
        session, [_mention(line) for line in accounts if isinstance(line.deputy, str)]
    )
