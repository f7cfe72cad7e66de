"""Deputies' Instagram profiles in a real browser (SOURCES.md §3)."""

from scrapers.instagram_profile import InstagramPost
from spiders.base import item_hash
from spiders.items import PostItem


def post_item(post: InstagramPost, username: str, base_url: str) -> PostItem:
    """A post as stored, keyed by its shortcode; its hash covers what it says (not
    its counts, nor its picture's address, which the CDN signs anew)."""
    return PostItem(
        platform="instagram",
        handle=username,
        source_post_id=post.shortcode,
        url=f"{base_url}/p/{post.shortcode}/",
        posted_at=post.posted_at,
        text=post.text,
        hashtags=post.hashtags,
        photos=post.photos,
        views=None,
        edited=None,
        forwarded_from=None,
        likes=post.likes,
        comments=post.comments,
        item_hash=item_hash({"text": post.text}),
    )
