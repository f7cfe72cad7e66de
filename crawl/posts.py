"""What the spiders of deputies' own accounts share (Telegram, Instagram,
Facebook): the stored accounts to read, the history a first crawl reads, and which
posts of a page are in the window."""

from datetime import timedelta

from crawl.base import SourceSpider
from records import PostItem, PostsRead
from storage.state import accounts_of, crawl_state


class AccountsSpider(SourceSpider):
    """A spider reading every stored account of `platform`."""

    platform: str
    # The setting of how many days back a first crawl reads.
    history_setting: str
    # What the run warns when no account of the platform is stored.
    no_accounts: str

    def accounts(self) -> list[str]:
        """The stored accounts' handles; a nightly crawl also learns where the last
        one ended (`cutoff`, `known`), and a first one reads `history_setting` days
        back unless a window is given."""
        url = self.settings["DATABASE_URL"]
        self.cutoff, self.known = None, {}
        if self.mode == "nightly":
            last, self.known = crawl_state(url, self.name, "posts")
            self.cutoff = self.nightly_cutoff(last)
            if last is None and self.window.since is None:
                days = self.settings.getint(self.history_setting)
                self.window.since = self.today() - timedelta(days=days)
        handles = accounts_of(url, self.platform)
        if not handles:
            self.warn(self.no_accounts)
        self.accounts_read = len(handles)
        return handles

    def posts_read(self) -> PostsRead | None:
        """The accounts read and the window (a first crawl's history included)."""
        accounts = getattr(self, "accounts_read", 0)
        if not accounts:
            return None
        first = self.mode == "nightly" and self.cutoff is None
        return PostsRead(
            self.platform,
            accounts,
            self.window.since,
            self.window.until,
            history_setting=self.history_setting if first else None,
        )

    def posts_in_window(
        self, items: list[PostItem]
    ) -> tuple[list[PostItem], bool, bool]:
        """The posts in the window, whether some are older than it, and whether
        all are stored unchanged (`known`: id -> hash) and older than the nightly
        cutoff: a channel or profile is read until then."""
        kept, older, settled = [], False, bool(items)
        for item in items:
            day = item.posted_at.date()
            position = self.window.position(day)
            older = older or position < 0
            known = self.known.get(item.source_post_id) == item.item_hash
            settled = settled and known and self.before_cutoff(day)
            if position == 0:
                kept.append(item)
        return kept, older, settled
