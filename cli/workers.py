"""`mwatch crawl --worker`: the settings of a worker of a distributed crawl."""

from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError

import settings
from cli.common import UsageError
from crawl.distributed import worker_settings


def worker_overrides() -> dict[str, Any]:
    """The worker's Scrapy settings; UsageError when Redis is not set or not
    reachable, naming MWATCH_REDIS_URL."""
    url = settings.REDIS_URL
    if not url:
        raise UsageError(
            "--worker needs MWATCH_REDIS_URL, the Redis the workers share, "
            "e.g. redis://127.0.0.1:6379/0"
        )
    try:
        overrides = worker_settings(url, settings.REDIS_PREFIX)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        client = Redis.from_url(url, socket_connect_timeout=5)
        client.ping()
        client.close()
    except (RedisError, ValueError) as exc:
        raise UsageError(
            f"cannot reach Redis at MWATCH_REDIS_URL {_safe(url)!r}: {exc}"
        ) from None
    return overrides


def _safe(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()
