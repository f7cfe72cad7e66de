"""Social accounts from the links sources give (https://t.me/<channel>, ...)."""

from urllib.parse import parse_qs, urlsplit

from spiders.items import SocialAccountItem

PLATFORMS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "youtube.com": "youtube",
    "twitter.com": "twitter",
    "x.com": "twitter",
}


def parse_social_link(url: str, learned_from: str) -> SocialAccountItem | None:
    """The account a link points to, or None when it is not a profile link."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        host = host.removeprefix(prefix)
    platform = PLATFORMS.get(host)
    segments = [segment for segment in parts.path.split("/") if segment]
    if platform is None or not segments:
        return None
    handle = segments[0]
    if platform == "telegram" and handle == "s" and len(segments) > 1:
        handle = segments[1]
    elif platform == "facebook" and handle == "profile.php":
        ids = parse_qs(parts.query).get("id")
        if not ids:
            return None
        handle = ids[0]
    # The column holds 200 characters; no platform allows a handle that long.
    handle = handle.lstrip("@").lower()[:200]
    if not handle:
        return None
    return SocialAccountItem(
        platform=platform, handle=handle, url=url.strip(), learned_from=learned_from
    )
