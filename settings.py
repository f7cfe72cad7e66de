"""Settings of mazhilis-watch: the sources' base URLs, the database, and Scrapy's.

Every value that names a host or a file has an environment override, so the same
code crawls the real sites, the bundled replica or a test server.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MWATCH_DATA_DIR", PROJECT_ROOT / "data"))

# The sources' base URLs (../shared/sources/SOURCES.md, "Configuration").
MAZHILIS_URL = os.environ.get("MWATCH_MAZHILIS_URL", "https://mazhilis.parlam.kz")
TELEGRAM_URL = os.environ.get("MWATCH_TELEGRAM_URL", "https://t.me")
INSTAGRAM_URL = os.environ.get("MWATCH_INSTAGRAM_URL", "https://www.instagram.com")
FACEBOOK_URL = os.environ.get("MWATCH_FACEBOOK_URL", "https://www.facebook.com")
AMANAT_URL = os.environ.get("MWATCH_AMANAT_URL", "https://amanatpartiyasy.kz")

# An SQLAlchemy URL; an SQLite file in the project's data folder by default.
DATABASE_URL = os.environ.get(
    "DATABASE_URL", f"sqlite:///{DATA_DIR / 'mazhilis-watch.sqlite'}"
)

# The topics requests, posts and news are tagged with, and their keywords.
TOPICS_FILE = os.environ.get(
    "MWATCH_TOPICS_FILE", str(PROJECT_ROOT / "topics" / "topics.toml")
)

# The Mazhilis has 98 seats and its list shows the sitting deputies (96 objects
# when two seats were vacant): a list outside this band is a broken crawl.
MAZHILIS_DEPUTIES_MIN = int(os.environ.get("MWATCH_MAZHILIS_DEPUTIES_MIN", "80"))
MAZHILIS_DEPUTIES_MAX = int(os.environ.get("MWATCH_MAZHILIS_DEPUTIES_MAX", "110"))

# Requests per page of the requests API (it serves at most 100).
MAZHILIS_REQUESTS_PAGE_SIZE = 100
# Activities per page of a deputy's activities API.
MAZHILIS_ACTIVITIES_PAGE_SIZE = 100
# Read activities from the page rendered in a browser instead of the JSON API
# (which the crawler also falls back to when the API refuses it).
MAZHILIS_ACTIVITIES_VIA_BROWSER = os.environ.get(
    "MWATCH_ACTIVITIES_VIA_BROWSER", ""
).lower() in ("1", "true", "yes")
# How far back a first crawl of a Telegram channel reads.
TELEGRAM_HISTORY_DAYS = int(os.environ.get("MWATCH_TELEGRAM_HISTORY_DAYS", "365"))
# Saved logged-in browser sessions (Playwright storage-state JSON, made by
# `mwatch login instagram|facebook`); without one, a crawl reads what an anonymous
# visitor sees.
INSTAGRAM_STATE = os.environ.get("MWATCH_INSTAGRAM_STATE", "")
FACEBOOK_STATE = os.environ.get("MWATCH_FACEBOOK_STATE", "")
# How far back a first crawl of an Instagram profile or a Facebook page reads.
SOCIAL_HISTORY_DAYS = int(os.environ.get("MWATCH_SOCIAL_HISTORY_DAYS", "365"))
# Seconds to wait for more posts after scrolling a page to its bottom; no new
# post by then is the end of the feed.
SCROLL_WAIT = float(os.environ.get("MWATCH_SCROLL_WAIT", "10"))
# A browser context (its cookies, cache and memory) serves this many pages, then
# is closed and a new one is opened.
PAGES_PER_CONTEXT = int(os.environ.get("MWATCH_PAGES_PER_CONTEXT", "20"))
# A nightly crawl re-reads records this many days older than its last success.
NIGHTLY_OVERLAP_DAYS = int(os.environ.get("MWATCH_NIGHTLY_OVERLAP_DAYS", "7"))
# A PDF larger than this is not downloaded; it is recorded as oversized.
MAX_PDF_BYTES = int(os.environ.get("MWATCH_MAX_PDF_BYTES", str(20 * 1024 * 1024)))
# Processes reading PDFs' text beside the crawl (0: in the crawler's own process).
PDF_READERS = int(
    os.environ.get("MWATCH_PDF_READERS", str(max(1, min(4, (os.cpu_count() or 2) - 1))))
)

# A page type whose records lack fields the contract promises, in more than this
# share of them, fails the run (those records are not stored).
MAX_MISSING_RATE = float(os.environ.get("MWATCH_MAX_MISSING_RATE", "0.1"))

# Alerts: a source listing this much fewer records than at its last successful
# run, or silent this many times longer than its longest gap so far (and at
# least SILENCE_MIN_DAYS), makes `mwatch crawl` exit 1.
MAX_COUNT_DROP = float(os.environ.get("MWATCH_MAX_COUNT_DROP", "0.3"))
SILENCE_FACTOR = float(os.environ.get("MWATCH_SILENCE_FACTOR", "1.5"))
SILENCE_MIN_DAYS = int(os.environ.get("MWATCH_SILENCE_MIN_DAYS", "14"))
# So does a requests run that read less than this share of the PDFs it fetched,
# and a run of social accounts whose window holds no post at all.
MIN_READ_FILES = float(os.environ.get("MWATCH_MIN_READ_FILES", "0.5"))
# The day silence is measured to: today, unless replaying a dataset of the past.
TODAY = os.environ.get("MWATCH_TODAY", "")

# How long an official has to answer a deputy request, counted from the request's
# date: a number of days, "calendar" (the default) or "working" (Monday to
# Friday), e.g. "15" or "10 working". The default is the term of the
# Constitutional Law on the Parliament (art. 27) as docs/database.md ("Answer
# deadlines") cites it, with what could and could not be confirmed there.
ANSWER_DAYS = os.environ.get("MWATCH_ANSWER_DAYS", "15 calendar")

# Scheduling (deploy/, docs/operations.md "Running it every night"): one crawl
# at a time holds this lock; a second exits 3. A --log-file is rotated at
# LOG_MAX_BYTES, keeping LOG_BACKUPS older files (crawl.log.1 ... crawl.log.N).
LOCK_FILE = os.environ.get("MWATCH_LOCK_FILE", str(DATA_DIR / "crawl.lock"))
LOG_MAX_BYTES = int(os.environ.get("MWATCH_LOG_MAX_BYTES", str(10 * 1024 * 1024)))
LOG_BACKUPS = int(os.environ.get("MWATCH_LOG_BACKUPS", "5"))

# Distributed crawling (docs/distributed.md): `mwatch crawl
# --worker` processes share a request queue and a seen-set in this Redis, under
# keys starting with REDIS_PREFIX. A worker silent for three heartbeats (seconds)
# is dead: the requests it had taken go back to the queue.
REDIS_URL = os.environ.get("MWATCH_REDIS_URL", "")
REDIS_PREFIX = os.environ.get("MWATCH_REDIS_PREFIX", "mwatch")
WORKER_HEARTBEAT = float(os.environ.get("MWATCH_WORKER_HEARTBEAT", "10"))
# A worker that cannot reach Redis for this long (seconds) stops its crawl of the
# source, which is recorded failed ("redis unreachable"), instead of waiting for ever.
WORKER_REDIS_GRACE = float(os.environ.get("MWATCH_WORKER_REDIS_GRACE", "60"))

# Scrapy.
BOT_NAME = "mazhilis-watch"
SPIDER_MODULES = ["spiders", "scrapers"]
NEWSPIDER_MODULE = "spiders"
CONTACT = os.environ.get(
    "MWATCH_CONTACT", "https://github.com/mazhilis-watch/mazhilis-watch"
)
USER_AGENT = f"mazhilis-watch/0.1 (civic monitoring crawler; +{CONTACT})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# What one response's callback yields (a page of records, a few requests) is
# handled this many at a time: Scrapy's 100 starts 100 tasks for every response,
# which cost more than the page itself.
CONCURRENT_ITEMS = 16
# Adapts the delay between requests to the site's latency; off only for a site
# of one's own, such as the bundled replica.
AUTOTHROTTLE_ENABLED = os.environ.get("MWATCH_AUTOTHROTTLE", "on").lower() not in (
    "0",
    "off",
    "false",
    "no",
)
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Waits before a retry: what Retry-After asks (up to RETRY_AFTER_MAX), else
# RETRY_BACKOFF_BASE seconds doubled at each attempt (up to RETRY_BACKOFF_MAX).
RETRY_AFTER_MAX = 120.0
RETRY_BACKOFF_BASE = float(os.environ.get("MWATCH_RETRY_BACKOFF", "0.5"))
RETRY_BACKOFF_MAX = 30.0
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = os.environ.get("MWATCH_LOG_LEVEL", "INFO")
# Scrapy's own minutely stats line: the progress extension says more, more often.
LOGSTATS_INTERVAL = 0
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawl.middlewares.RetryAfterMiddleware": 550,
}
EXTENSIONS = {
    "crawl.progress.Progress": 500,
}
# A one-line progress display when stderr is a terminal (else log lines).
PROGRESS_ON_TERMINAL = True
ITEM_PIPELINES = {
    "crawl.pipeline.StoragePipeline": 300,
}

# The browser, for pages that only render in one: Debian's Chromium.
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_ABORT_REQUEST = "scrapers.browser.should_abort_request"
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 8
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("MWATCH_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}
