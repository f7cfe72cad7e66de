"""What the Instagram and Facebook crawlers share: a real browser per account
page, a saved session when given, the login wall, and browser hygiene.

Each account's page is opened in Chromium through scrapy-playwright and kept
open (`playwright_include_page`) while the callback scrolls it; the callback or
errback always closes it. A context serves `PAGES_PER_CONTEXT` pages, then is
closed, so cookies, cache and the renderer's memory do not pile up over a long
crawl. Images, media, fonts and styles are never downloaded (settings.py).

An account that cannot be read as a visitor or session should is left in one of
the `ACCOUNT_STATES`, each kept in the run's report (`accounts`: handle ->
state, detail, what a person should do) and shown by `mwatch status`: the
crawl goes on with the other accounts.
"""

import asyncio
import json
import os
import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as BrowserPage
from playwright.async_api import Response as BrowserResponse
from scrapy import Request
from twisted.python.failure import Failure

from crawl.posts import AccountsSpider
from records import RawDocument

# Scrolling a little up, then to the bottom: the page's scroll handler sees a
# move even when the page was already at its bottom.
SCROLL_UP = (
    "window.scrollTo(0, Math.max(0, document.documentElement.scrollHeight"
    " - window.innerHeight - 400))"
)
SCROLL_TO_BOTTOM = "window.scrollTo(0, document.documentElement.scrollHeight)"
# How long to wait after each scroll before scrolling again.
SCROLL_STEP = 0.5
LOGIN_HINT = (
    "run `mwatch login {platform} --state FILE` once (a person logs in in the "
    "browser window it opens) and set {variable}=FILE"
)
# What a person should do about each state an account can be left in
# (SOURCES.md §3-4: each is a different outcome for a monitor).
ACCOUNT_STATES = {
    # Nothing (more) is visible without a session.
    "needs-session": "log in once with `mwatch login {platform} --state FILE` "
    "and set {variable}=FILE",
    # A session was given, and the site treats it as logged out.
    "session-expired": "log in again with `mwatch login {platform} --state "
    "FILE` (the session in {variable} is logged out)",
    # Asked too often: insisting prolongs the block.
    "rate-limited": "wait: rate limited until the next run (the account was left "
    "alone for this one; crawling again sooner prolongs the block)",
    # The site wants a person to confirm the session.
    "checkpoint": "open {site} in a browser as the monitoring account, pass the "
    "check it asks for, then log in again with `mwatch login {platform} --state "
    "FILE`",
    "identity-check": "open {site} in a browser as the monitoring account, "
    "confirm its identity as asked, then log in again with `mwatch login "
    "{platform} --state FILE`",
    # The site refuses the crawler's browser for this session.
    "unsupported-browser": "log in again with `mwatch login {platform} --state "
    "FILE` (in the crawler's Chromium); if the page stays, update Chromium",
}
SITE_NAMES = {"instagram": "Instagram", "facebook": "Facebook"}


class StorageStateError(ValueError):
    """A saved session file that cannot be used; the message names it."""


def read_storage_state(path: str, variable: str) -> dict[str, Any]:
    """The Playwright storage state saved in `path` (named by `variable`)."""
    where = f"{variable}={path}"
    try:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StorageStateError(f"{where}: no such file") from None
    except OSError as exc:
        raise StorageStateError(f"{where}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise StorageStateError(f"{where}: not a storage-state JSON ({exc})") from None
    if not isinstance(state, dict) or not isinstance(state.get("cookies"), list):
        raise StorageStateError(f"{where}: not a storage state (no cookies list)")
    return state


def readable_by_others(path: str) -> bool:
    return bool(os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO))


@dataclass
class Captured:
    """One answer to a fetch the page made, as the browser received it."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    fetched_at: datetime


class ResponseCapture:
    """Keeps the answers to a page's fetches whose URL holds one of `parts`, in
    the order they arrive; attached before the page loads, so the first fetch of
    the page's script is not missed."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts
        self.answers: list[Captured] = []
        self.tasks: set[asyncio.Task] = set()
        self.arrived = asyncio.Event()

    def on_response(self, response: BrowserResponse) -> None:
        """The page's "response" event handler."""
        if any(part in response.url for part in self.parts):
            task = asyncio.ensure_future(self._read(response))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _read(self, response: BrowserResponse) -> None:
        try:
            body = await response.body()
        except PlaywrightError:  # the page closed before the body came
            body = b""
        self.answers.append(
            Captured(
                response.url,
                response.status,
                body,
                response.headers.get("content-type"),
                datetime.now(UTC),
            )
        )
        self.arrived.set()

    async def wait_for(self, count: int, timeout: float) -> bool:
        """Whether `count` answers have come within `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.answers) < count:
            self.arrived.clear()
            left = deadline - loop.time()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                return len(self.answers) >= count
        return True


class BrowserSocialSpider(AccountsSpider):
    """A spider reading each stored account of `platform` in the browser."""

    history_setting = "SOCIAL_HISTORY_DAYS"
    # The settings naming the saved session file, and its environment variable.
    state_setting: str
    state_variable: str

    @property
    def no_accounts(self) -> str:  # type: ignore[override]
        return (
            f"no {self.platform} account is stored: crawl mazhilis-deputies "
            "first, or load an accounts file (mwatch accounts load)"
        )

    async def start(self) -> Any:
        self.scroll_wait = self.settings.getfloat("SCROLL_WAIT")
        self.pages_per_context = max(1, self.settings.getint("PAGES_PER_CONTEXT"))
        self.pages_opened = 0
        self.open_pages: dict[str, int] = {}
        self.walled: dict[str, dict[str, Any]] = {}
        self.account_states: dict[str, dict[str, Any]] = {}
        self.state_path = self.settings[self.state_setting] or None
        if self.state_path:
            try:
                read_storage_state(self.state_path, self.state_variable)
            except StorageStateError as exc:
                self.failure = str(exc)
                self.logger.error("run failed: %s", exc)
                return
            if readable_by_others(self.state_path):
                self.warn(
                    f"{self.state_variable}={self.state_path} can be read by other "
                    f"users: it holds a logged-in session (chmod 600 it)"
                )
        self.report["session"] = bool(self.state_path)
        for handle in self.accounts():
            yield self.account_request(handle)

    def account_request(self, handle: str) -> Request:
        """The request of an account's page, opened in the browser."""
        raise NotImplementedError

    def browser_meta(self, **extra: Any) -> dict[str, Any]:
        """Meta of a page kept open for the callback, in the current context."""
        context = f"{self.name}-{self.pages_opened // self.pages_per_context}"
        self.pages_opened += 1
        self.open_pages[context] = self.open_pages.get(context, 0) + 1
        context_kwargs: dict[str, Any] = {"service_workers": "block"}
        if self.state_path:
            context_kwargs["storage_state"] = self.state_path
        return {
            "playwright": True,
            "playwright_include_page": True,
            "playwright_context": context,
            "playwright_context_kwargs": context_kwargs,
            **extra,
        }

    async def release(self, page: BrowserPage | None, context: str) -> None:
        """Close a page; close its context once every page it will serve is done."""
        if page is not None and not page.is_closed():
            await page.close()
        # A worker may take requests another worker made (and counted).
        if context not in self.open_pages:
            return
        self.open_pages[context] -= 1
        current = f"{self.name}-{self.pages_opened // self.pages_per_context}"
        if page is not None and self.open_pages[context] == 0 and context != current:
            del self.open_pages[context]
            try:
                await page.context.close()
            except PlaywrightError as exc:
                self.logger.debug("context %s already closed: %s", context, exc)

    async def on_browser_error(self, failure: Failure) -> None:
        """Errback: the page is recorded as failed (an account asked too often
        as rate limited), and closed."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        handle = next(iter(request.cb_kwargs.values()), None)
        if response is not None and response.status == 429 and handle:
            self.rate_limited(request.url, handle, 0, "the page answered 429")
        else:
            self.on_error(failure)
        await self.release(
            request.meta.get("playwright_page"), request.meta["playwright_context"]
        )

    async def scroll_until(
        self, page: BrowserPage, arrived: Callable[[float], Awaitable[bool]]
    ) -> bool:
        """Scroll to the bottom, again and again, until `arrived(timeout)` says
        the page answered; False when `SCROLL_WAIT` seconds pass without."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.scroll_wait
        while (left := deadline - loop.time()) > 0:
            await page.evaluate(SCROLL_UP)
            await page.evaluate(SCROLL_TO_BOTTOM)
            if await arrived(min(SCROLL_STEP, left)):
                return True
        return False

    def captured_document(self, answer: Captured) -> RawDocument:
        return RawDocument(
            source=self.site,
            url=answer.url,
            http_status=answer.status,
            body=answer.body,
            content_type=answer.content_type,
            fetched_at=answer.fetched_at,
        )

    def account_state(
        self, url: str, handle: str, state: str, detail: str, read: int = 0
    ) -> str:
        """Leave an account in `state` (one of ACCOUNT_STATES) for this run: kept
        in the report with what a person should do, the page recorded as not
        (fully) read. Returns what to do."""
        todo = ACCOUNT_STATES[state].format(
            platform=self.platform,
            variable=self.state_variable,
            site=SITE_NAMES[self.platform],
        )
        self.account_states[handle] = {
            "state": state,
            "detail": detail,
            "read": read,
            "todo": todo,
        }
        self.report["accounts"] = self.account_states
        self.page_failed(url, f"{state}: {detail}")
        return todo

    def needs_session(self, url: str, handle: str, detail: str, read: int) -> None:
        """Nothing (more) of the account without a session; a session that was
        given is logged out."""
        if self.state_path:
            todo = self.account_state(
                url,
                handle,
                "session-expired",
                f"{detail} although a session was given: the session in "
                f"{self.state_variable}={self.state_path} is not logged in",
                read,
            )
            self.warn(f"{self.platform}: the saved session is logged out; {todo}")
        else:
            self.account_state(url, handle, "needs-session", detail, read)
            hint = LOGIN_HINT.format(
                platform=self.platform, variable=self.state_variable
            )
            self.warn(
                f"{self.platform} shows an anonymous or logged-out visitor only an "
                f"account's newest posts, or none; to read the rest, {hint}"
            )

    def rate_limited(self, url: str, handle: str, read: int, detail: str) -> None:
        """Asked too often: the account is left for this run (insisting prolongs
        the block), what was read is kept, the others go on."""
        todo = self.account_state(url, handle, "rate-limited", detail, read)
        self.warn(
            f"{self.platform} {handle}: rate limited ({detail}), left for this run "
            f"after {read} posts; the other accounts go on; {todo}"
        )

    def sent_away(self, url: str, handle: str, state: str, detail: str) -> None:
        """The session was sent to a page that wants a person (a checkpoint, an
        identity check, an unsupported-browser page): nothing of the account."""
        todo = self.account_state(url, handle, state, detail)
        self.warn(f"{self.platform} {handle}: {detail}; {todo}")

    def login_wall(self, url: str, handle: str, read: int, total: int | None) -> None:
        """The platform shows no more without a session: what was read is kept,
        the page is recorded as not fully read, and the way out is said."""
        of = f" of {total}" if total is not None else ""
        self.walled[handle] = {"read": read, "total": total}
        self.report["login_wall"] = self.walled
        if self.state_path:
            detail = f"login wall after {read}{of} posts"
        else:
            detail = f"login wall after {read}{of} posts: the rest needs a session"
        self.needs_session(url, handle, detail, read)
