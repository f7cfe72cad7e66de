"""Deputies' Facebook pages in a real browser (SOURCES.md §4)."""

from scrapers.facebook_page import FacebookPost
from spiders.base import item_hash
from spiders.items import PostItem


def post_item(post: FacebookPost) -> PostItem:
    """A post as stored, keyed by "<page>/<id>"; its hash covers its text."""
    # Page names are case-insensitive, as stored accounts' handles are.
    page = post.page.lower()
    return PostItem(
        platform="facebook",
        handle=page,
        source_post_id=f"{page}/{post.id}",
        url=post.url,
        posted_at=post.posted_at,
        text=post.text,
        hashtags=post.hashtags,
        photos=[],
        views=None,
        edited=None,
        forwarded_from=None,
        item_hash=item_hash({"text": post.text}),
    )
