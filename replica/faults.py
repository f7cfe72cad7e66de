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
from replica.stats import ReplicaStats

# Which faults each profile injects: (delays, errors, layout change).
PROFILES = {
    "none": (False, False, None),
    "slow": (True, False, None),
    "flaky": (False, True, None),
    "chaos": (True, True, None),
    "renamed-fields": (False, False, "renamed-fields"),
    "empty-lists": (False, False, "empty-lists"),
}
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


class FaultPlan:
    """Decides the fault of each request under one profile and seed."""

    def __init__(self, profile: str, seed: int) -> None:
        if profile not in PROFILES:
            valid = ", ".join(PROFILES)
            raise ValueError(f"unknown fault profile {profile!r} (valid: {valid})")
        self.seed = seed
        self.delays, self.errors, self.layout = PROFILES[profile]

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


def changed_layout(layout: str, response: web.StreamResponse) -> web.StreamResponse:
    """The JSON answer as a site whose layout changed would give it."""
    if not isinstance(response, web.Response) or response.content_type != (
        "application/json"
    ):
        return response
    payload = json.loads(response.body)
    changed = _renamed(payload) if layout == "renamed-fields" else _emptied(payload)
    answer = json_response(changed, status=response.status)
    for header in ("Content-Language", "Vary"):
        if header in response.headers:
            answer.headers[header] = response.headers[header]
    return answer


def fault_middleware(plan: FaultPlan, stats: ReplicaStats) -> Middleware:
    """Counts each request outside /__replica__/ and applies the plan's fault."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        attempt = stats.record(request.path, request.path_qs)
        if request.path in UNFAULTED_PATHS:
            return await handler(request)
        fault = plan.decide(request.path_qs, attempt)
        if fault.delay:
            stats.faults["delay"] += 1
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            stats.faults[str(fault.status)] += 1
            return _error_response(fault.status)
        response = await handler(request)
        if plan.layout:
            stats.faults[plan.layout] += 1
            return changed_layout(plan.layout, response)
        return response

    return middleware
