"""Downloader middlewares shared by every spider."""

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` header asks to wait: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry, which also waits as long as a 429 or 503 `Retry-After` asks.

    Scrapy retries those codes at once; a rate-limited site then answers 429 again.
    A wait longer than `RETRY_AFTER_MAX` seconds is not waited for: the page fails.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    async def process_response(
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in (429, 503):
            return super().process_response(request, response)
        wait = retry_after_seconds(
            response.headers.get("Retry-After"), datetime.now(UTC)
        )
        if wait is not None:
            if wait > self.max_wait:
                logger.error(
                    "%s asks to retry after %.0f s (more than RETRY_AFTER_MAX=%.0f):"
                    " giving up on %s",
                    response.status,
                    wait,
                    self.max_wait,
                    request.url,
                )
                return response
            await asyncio.sleep(wait)
        return super().process_response(request, response)
