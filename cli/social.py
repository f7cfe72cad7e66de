"""Instagram and Facebook on the command line: `mwatch login`, which saves the
logged-in browser session the crawlers read from MWATCH_INSTAGRAM_STATE and
MWATCH_FACEBOOK_STATE."""

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.common import EXIT_FAILED, EXIT_OK, UsageError

# Playwright and Scrapy (cli.crawling) are imported when a command runs, so that
# `mwatch --help` starts fast.


@dataclass(frozen=True)
class Site:
    """Where a person logs in, and the cookie that says they did."""

    name: str
    base_setting: str
    login_path: str
    session_cookie: str
    state_variable: str


SITES = {
    "instagram": Site(
        "Instagram", "INSTAGRAM_URL", "/accounts/login/", "sessionid",
        "MWATCH_INSTAGRAM_STATE",
    ),
    "facebook": Site(
        "Facebook", "FACEBOOK_URL", "/login/", "c_user", "MWATCH_FACEBOOK_STATE"
    ),
}  # fmt: skip


class StateFileError(Exception):
    """A storage-state file that cannot be written; the message names it."""


class LoginFailed(Exception):
    """Nobody logged in: the time ran out or the window was closed."""


def check_state_path(path: Path) -> None:
    """A file can be written at `path`, or StateFileError says why not."""
    if path.is_dir():
        raise StateFileError(f"{path}: is a folder, not a file")
    if not path.parent.is_dir():
        raise StateFileError(f"{path}: there is no folder {path.parent}")
    if not os.access(path.parent, os.W_OK):
        raise StateFileError(f"{path}: the folder {path.parent} is not writable")


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Write a storage state readable by its owner only (0600), whole or not at
    all: it is worth a password."""
    check_state_path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            # A partial file left by an earlier, killed run keeps its mode.
            os.fchmod(file.fileno(), 0o600)
            json.dump(state, file, ensure_ascii=False, indent=1)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StateFileError(f"{path}: {exc.strerror}") from None


def log_in(
    site: Site,
    base_url: str,
    path: Path,
    launch_options: dict[str, Any],
    timeout: float,
    headless: bool = False,
    person: Callable[[Any], None] | None = None,
) -> None:
    """Open the site's login page in Chromium, wait until someone has logged in
    (the session cookie is set), then save the browser's state to `path`.

    `person` acts in the page as the person at the window would (tests)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    check_state_path(path)
    base_url = base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=launch_options["executable_path"],
            args=launch_options["args"],
            headless=headless,
        )
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(base_url + site.login_path)
            if person is not None:
                person(page)
            waited = 0.0
            while not any(
                cookie["name"] == site.session_cookie
                for cookie in context.cookies(base_url + "/")
            ):
                if waited >= timeout:
                    raise LoginFailed(
                        f"nobody logged in to {site.name} within {timeout:.0f} s: "
                        "nothing saved"
                    )
                page.wait_for_timeout(500)
                waited += 0.5
            save_state(path, context.storage_state())
        except PlaywrightError as exc:
            raise LoginFailed(
                f"the browser window was closed before logging in to {site.name} "
                f"({exc.message.splitlines()[0]}): nothing saved"
            ) from None
        finally:
            browser.close()


def cmd_login(args: argparse.Namespace) -> int:
    from cli.crawling import project_settings

    site = SITES[args.platform]
    settings = project_settings()
    state = args.state or os.environ.get(site.state_variable)
    if not state:
        raise UsageError(
            f"say where to save the session: --state FILE (or set "
            f"{site.state_variable})"
        )
    path = Path(state).expanduser()
    try:
        check_state_path(path)
    except StateFileError as exc:
        raise UsageError(str(exc)) from None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise UsageError(
            "mwatch login opens a browser window for you to log in, and there is "
            "no display (DISPLAY, WAYLAND_DISPLAY): run it on a desktop (or over "
            "ssh -X), then copy the file to the crawler's machine (chmod 600)"
        )
    base_url = settings[site.base_setting]
    print(f"log in to {site.name} in the browser window ({base_url}) ...")
    try:
        log_in(
            site,
            base_url,
            path,
            settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"),
            args.timeout,
        )
    except (LoginFailed, StateFileError) as exc:
        print(f"mwatch: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"saved the {site.name} session to {path} (readable by you only); crawl "
        f"with {site.state_variable}={path} mwatch crawl {args.platform}"
    )
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch login`."""
    login = commands.add_parser(
        "login",
        help="log in to Instagram or Facebook once, for the crawler to reuse",
        description="Open a browser window on the site's login page; once you "
        "have logged in, save the browser's session (cookies) to FILE, readable "
        "by you only (0600). Crawls use it when MWATCH_INSTAGRAM_STATE or "
        "MWATCH_FACEBOOK_STATE names FILE; without it they read only what an "
        "anonymous visitor sees. Log in again when `mwatch status` says a session "
        "is logged out (expired), or after passing a checkpoint, an identity "
        "check or an unsupported-browser page in a browser.",
    )
    login.add_argument("platform", choices=sorted(SITES))
    login.add_argument(
        "--state",
        metavar="FILE",
        help="where to save the session (default: MWATCH_<PLATFORM>_STATE)",
    )
    login.add_argument(
        "--timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="how long to wait for the login (default: %(default)s)",
    )
    login.set_defaults(handler=cmd_login)
