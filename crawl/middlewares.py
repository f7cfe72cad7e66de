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
    """Scrapy's retry, waiting before each new attempt.

    Scrapy retries at once, and a rate-limited or failing site then answers the
    same. A 429 or 503 with `Retry-After` waits as long as it asks (a wait longer
    than `RETRY_AFTER_MAX` seconds is not waited for: the page fails); other
    retried answers and errors wait `RETRY_BACKOFF_BASE` seconds, doubled at each
    attempt up to `RETRY_BACKOFF_MAX`.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    def backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0)
        return min(self.backoff_max, self.backoff_base * 2**attempt)

    async def process_response(
        self, request: Request, response: Response
    ) -> Request | Response:
        retried = response.status in self.retry_http_codes
        if request.meta.get("dont_retry", False) or not retried:
            return super().process_response(request, response)
        wait = None
        if response.status in (429, 503):
            wait = retry_after_seconds(
                response.headers.get("Retry-After"), datetime.now(UTC)
            )
        if wait is not None and wait > self.max_wait:
            logger.error(
                "%s asks to retry after %.0f s (more than RETRY_AFTER_MAX=%.0f):"
                " giving up on %s",
                response.status,
                wait,
                self.max_wait,
                request.url,
            )
            return response
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            await asyncio.sleep(wait if wait is not None else self.backoff(request))
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await asyncio.sleep(self.backoff(request))
        return retry
