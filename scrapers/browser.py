"""How the crawler's browser behaves: what it does not download."""

from playwright.async_api import Request as BrowserRequest

# A crawler reads text: pictures, video, fonts and styles only cost time and memory.
BLOCKED_RESOURCES = frozenset({"image", "media", "font", "stylesheet"})


def should_abort_request(request: BrowserRequest) -> bool:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: skip what no parser reads."""
    return request.resource_type in BLOCKED_RESOURCES
