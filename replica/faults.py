"""Fault profiles: latency and error responses, injected as middleware.

Every decision is a pure function of the profile, the dataset's seed, the request's
path+query and its attempt number (how many times that path+query was requested
before, since start or the last /__replica__/reset), so tests can predict it:

- slow: an attempt is delayed when fraction(seed, "delay", path_qs, attempt) < 1/3;
  the delay is 0.3 + 1.2 * fraction(seed, "delay-length", path_qs, attempt) seconds.
- flaky: y = fraction(seed, "flaky", path_qs) picks the URL's fault: y < 0.15 -> 503
  on attempts 0 and 1; y < 0.25 -> 429 with Retry-After: 1 on attempt 0; y < 0.30 ->
  500 on attempt 0; otherwise none. A URL thus fails at most twice, so a crawler
  that tries three times gets every page.
- chaos: slow and flaky together (the delay comes first, then any error).
- renamed-fields, empty-lists: not passing faults but a changed layout, on every
  JSON answer: list items' keys renamed (title -> name, last_name -> surname,
  date -> day), or every list empty (and its count 0). A crawler must notice.
- encodings: each JSON answer (by fraction(seed, "encoding", path_qs)) comes as
  UTF-8 without a charset, UTF-8 labelled windows-1251, cp1251 labelled so, or
  cp1251 without a charset (those two only where cp1251 has every letter).
- garbled: on attempt 0, one JSON answer in five (fraction(seed, "garbled",
  path_qs) < 0.2) is cut in the middle, or is a 200 holding an error message;
  attempt 1 is whole.

- the social profiles, what SOURCES.md §3-4 say Instagram and Facebook meet a
  monitor with, each on the accounts `targeted(seed, profile, handle)` picks
  (fraction(seed, profile, handle) < 1/2), the others served as usual:
  - anonymous-401, anonymous-403: Instagram's web_profile_info answers 401
    ("Please wait a few minutes") or 403 to a request without `sessionid`;
  - rate-limited: web_profile_info answers 429, with or without a session;
  - checkpoint: a profile or page asked for with a session (`sessionid`,
    `c_user`) redirects to the confirmation a person must pass: Instagram's
    /instagram/challenge/<id>/?next=..., Facebook's identity check
    /facebook/checkpoint/<id>/?next=...;
  - unsupported-browser: a Facebook page asked for with a session redirects to
    /facebook/unsupportedbrowser;
  - expired-session: on every account, the sites no longer know the session
    the browser's cookies name (logins.SESSION_EXPIRED): logged out silently.

fraction(*parts) is the first 8 bytes of SHA-256 over the parts joined by "|", as an
integer, divided by 2**64. /robots.txt and /__replica__/ are never faulted.
"""

import asyncio
import hashlib
import json
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from replica.http import json_response
from replica.logins import SESSION_EXPIRED, token
from replica.stats import ReplicaStats

# Which faults each profile injects: (delays, errors, layout change).
PROFILES = {
    "none": (False, False, None),
    "slow": (True, False, None),
    "flaky": (False, True, None),
    "chaos": (True, True, None),
    "renamed-fields": (False, False, "renamed-fields"),
    "empty-lists": (False, False, "empty-lists"),
    "encodings": (False, False, "encodings"),
    "garbled": (False, False, "garbled"),
}
# The social profiles, by name: what each does is `social_fault`'s.
SOCIAL_PROFILES = (
    "anonymous-401",
    "anonymous-403",
    "rate-limited",
    "checkpoint",
    "unsupported-browser",
    "expired-session",
)
PROFILES |= {name: (False, False, None) for name in SOCIAL_PROFILES}
TARGETED_SHARE = 0.5
GARBLED_SHARE = 0.2
# What a Django site behind a proxy answers, with status 200, when its backend is
# down: a message, not the data.
ERROR_IN_200 = {"detail": "Сервис временно недоступен, повторите запрос позже."}
# The renames of "renamed-fields": what a site's new API version might do.
RENAMES = {"title": "name", "last_name": "surname", "date": "day"}
CONTROL_PREFIX = "/__replica__/"
UNFAULTED_PATHS = frozenset({"/robots.txt"})
DELAYED_SHARE = 1 / 3
# (upper bound of y, status, attempts that fail)
ERROR_BANDS = ((0.15, 503, 2), (0.25, 429, 1), (0.30, 500, 1))

# The bodies the real servers send: nginx in front answers 503, Django REST
# framework throttles with 429, Django's own error page is the 500.
NGINX_503 = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center>"
    "<hr><center>nginx</center></body></html>"
)
THROTTLED = {"detail": "Request was throttled. Expected available in 1 second."}
SERVER_ERROR = "<h1>Server Error (500)</h1>"


def fraction(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class Fault:
    delay: float = 0.0
    status: int | None = None


INSTAGRAM = "/instagram"
FACEBOOK = "/facebook"
PROFILE_INFO = f"{INSTAGRAM}/api/v1/users/web_profile_info/"
# Instagram's answers to an anonymous visitor it refuses, and to one asking too
# often (SOURCES.md §3).
PLEASE_WAIT = {
    "message": "Please wait a few minutes before you try again.",
    "require_login": True,
    "status": "fail",
}
FORBIDDEN = {"message": "login_required", "require_login": True, "status": "fail"}
RATE_LIMITED = {
    "message": "Please wait a few minutes before you try again.",
    "status": "fail",
}
# The paths of the pages the social profiles redirect to, and a page of each.
CHECKPOINTS = {INSTAGRAM: "/challenge/", FACEBOOK: "/checkpoint/"}
UNSUPPORTED_BROWSER = f"{FACEBOOK}/unsupportedbrowser"
SESSION_COOKIES = {INSTAGRAM: "sessionid", FACEBOOK: "c_user"}
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
    '</head><body><main role="main"><h1>{title}</h1><p>{text}</p></main>'
    "</body></html>"
)
PAGES = {
    "checkpoint": (
        "Help us confirm it's you",
        "We detected an unusual login attempt. To secure your account, we'll "
        "send you a security code.",
    ),
    "identity": (
        "Confirm your identity",
        "For your security, we need to confirm that this account belongs to you.",
    ),
    "unsupported": (
        "Facebook is not available on this browser",
        "To continue using Facebook, get one of the browsers below.",
    ),
}
# Paths under a site's prefix that are not an account.
NOT_ACCOUNTS = frozenset(
    {"", "api", "graphql", "p", "accounts", "login", "challenge", "checkpoint"}
)


def targeted(seed: int, profile: str, handle: str) -> bool:
    """Whether a social profile's fault falls on the account `handle`."""
    return fraction(seed, profile, handle) < TARGETED_SHARE


def _redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def _page(kind: str) -> web.Response:
    title, text = PAGES[kind]
    return web.Response(
        text=PAGE.format(title=title, text=text), content_type="text/html"
    )


def _account(request: web.Request) -> tuple[str, str] | None:
    """(site prefix, handle) of a request for a profile or a page itself."""
    for site in (INSTAGRAM, FACEBOOK):
        if request.path.startswith(site + "/"):
            parts = request.path[len(site) :].strip("/").split("/")
            if len(parts) == 1 and parts[0] not in NOT_ACCOUNTS:
                return site, parts[0].lower()
    return None


def social_fault(
    profile: str, seed: int, request: web.Request
) -> web.StreamResponse | None:
    """The answer a social profile gives instead of the site's, if any; an
    expired session is marked on the request for the site to see."""
    if profile == "expired-session":
        request[SESSION_EXPIRED] = True
        return None
    for site, path in CHECKPOINTS.items():
        if request.path.startswith(site + path):
            return _page("checkpoint" if site == INSTAGRAM else "identity")
    if request.path == UNSUPPORTED_BROWSER:
        return _page("unsupported")
    if request.path == PROFILE_INFO:
        username = request.query.get("username", "").lower()
        if not targeted(seed, profile, username):
            return None
        if profile == "rate-limited":
            return json_response(RATE_LIMITED, status=429)
        anonymous = SESSION_COOKIES[INSTAGRAM] not in request.cookies
        if anonymous and profile == "anonymous-401":
            return json_response(PLEASE_WAIT, status=401)
        if anonymous and profile == "anonymous-403":
            return json_response(FORBIDDEN, status=403)
        return None
    account = _account(request)
    if account is None or not targeted(seed, profile, account[1]):
        return None
    site, handle = account
    if SESSION_COOKIES[site] not in request.cookies:
        return None
    back = f"?next={request.path}"
    if profile == "checkpoint":
        code = token(seed, "checkpoint", handle)[:12]
        return _redirect(f"{site}{CHECKPOINTS[site]}{code}/{back}")
    if profile == "unsupported-browser" and site == FACEBOOK:
        return _redirect(UNSUPPORTED_BROWSER)
    return None


class FaultPlan:
    """Decides the fault of each request under one profile and seed."""

    def __init__(self, profile: str, seed: int) -> None:
        if profile not in PROFILES:
            valid = ", ".join(PROFILES)
            raise ValueError(f"unknown fault profile {profile!r} (valid: {valid})")
        self.seed = seed
        self.delays, self.errors, self.layout = PROFILES[profile]
        self.social = profile if profile in SOCIAL_PROFILES else None

    def decide(self, path_qs: str, attempt: int) -> Fault:
        """The fault for the `attempt`-th request (from 0) of `path_qs`."""
        delay = 0.0
        if (
            self.delays
            and fraction(self.seed, "delay", path_qs, attempt) < DELAYED_SHARE
        ):
            length = fraction(self.seed, "delay-length", path_qs, attempt)
            delay = round(0.3 + 1.2 * length, 3)
        status = None
        if self.errors:
            y = fraction(self.seed, "flaky", path_qs)
            for bound, band_status, failing_attempts in ERROR_BANDS:
                if y < bound:
                    if attempt < failing_attempts:
                        status = band_status
                    break
        return Fault(delay, status)


def _error_response(status: int) -> web.Response:
    if status == 429:
        response = json_response(THROTTLED, status=429)
        response.headers["Retry-After"] = "1"
        return response
    body = NGINX_503 if status == 503 else SERVER_ERROR
    return web.Response(status=status, text=body, content_type="text/html")


def _renamed(value: object) -> object:
    if isinstance(value, list):
        return [
            {RENAMES.get(k, k): v for k, v in item.items()}
            if isinstance(item, dict)
            else item
            for item in value
        ]
    if isinstance(value, dict):
        return {k: _renamed(v) if k == "result" else v for k, v in value.items()}
    return value


def _emptied(value: object) -> object:
    if isinstance(value, list):
        return []
    if isinstance(value, dict) and "result" in value:
        return value | {"result": [], "count": 0}
    return value


def _with_headers(answer: web.Response, original: web.Response) -> web.Response:
    for header in ("Content-Language", "Vary"):
        if header in original.headers:
            answer.headers[header] = original.headers[header]
    return answer


def _encoded(response: web.Response, choice: float) -> web.Response:
    """The same JSON, encoded and labelled as `choice` picks."""
    text = response.body.decode("utf-8")
    try:
        cp1251 = text.encode("cp1251")
    except UnicodeEncodeError:  # Kazakh letters (ә, қ, ұ ...) are not in cp1251
        cp1251 = None
        choice = choice / 2
    if choice < 0.25:
        body, content_type = text.encode(), "application/json"
    elif choice < 0.5 or cp1251 is None:
        body, content_type = text.encode(), "application/json; charset=windows-1251"
    elif choice < 0.75:
        body, content_type = cp1251, "application/json; charset=windows-1251"
    else:
        body, content_type = cp1251, "application/json"
    answer = web.Response(status=response.status, body=body)
    answer.headers["Content-Type"] = content_type
    return _with_headers(answer, response)


def transformed(
    plan: "FaultPlan", response: web.StreamResponse, path_qs: str, attempt: int
) -> tuple[web.StreamResponse, str | None]:
    """The JSON answer changed by the plan's layout or encoding fault, and the
    fault's name when one was applied."""
    if not isinstance(response, web.Response) or response.content_type != (
        "application/json"
    ):
        return response, None
    layout = plan.layout
    if layout == "encodings":
        return _encoded(response, fraction(plan.seed, "encoding", path_qs)), layout
    if layout == "garbled":
        if attempt or fraction(plan.seed, "garbled", path_qs) >= GARBLED_SHARE:
            return response, None
        if fraction(plan.seed, "garbled-kind", path_qs) < 0.5:
            cut = web.Response(
                status=200, body=response.body[: len(response.body) // 2]
            )
            cut.headers["Content-Type"] = "application/json; charset=utf-8"
            return _with_headers(cut, response), layout
        return _with_headers(json_response(ERROR_IN_200), response), layout
    payload = json.loads(response.body)
    changed = _renamed(payload) if layout == "renamed-fields" else _emptied(payload)
    answer = json_response(changed, status=response.status)
    return _with_headers(answer, response), layout


def fault_middleware(plan: FaultPlan, stats: ReplicaStats) -> Middleware:
    """Counts each request outside /__replica__/ and applies the plan's fault."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        attempt = stats.record(request.path, request.path_qs)
        if request.path in UNFAULTED_PATHS:
            return await handler(request)
        if plan.social:
            answer = social_fault(plan.social, plan.seed, request)
            if answer is not None:
                stats.faults[plan.social] += 1
                return answer
        fault = plan.decide(request.path_qs, attempt)
        if fault.delay:
            stats.faults["delay"] += 1
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            stats.faults[str(fault.status)] += 1
            return _error_response(fault.status)
        response = await handler(request)
        if plan.layout:
            response, applied = transformed(plan, response, request.path_qs, attempt)
            if applied:
                stats.faults[applied] += 1
        return response

    return middleware
