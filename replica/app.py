"""Assembles the replica: every source's routes, the fault middleware, controls.

The Mazhilis is served at the root, the other sites under their prefixes
(/telegram, /instagram, /facebook, /amanat) as sub-applications, which the fault
middleware and the stats cover too.
"""

from collections.abc import Callable

from aiohttp import web

from replica import (
    activities,
    amanat,
    deputy_requests,
    facebook,
    instagram,
    mazhilis,
    telegram,
)
from replica.faults import CONTROL_PREFIX, FaultPlan, fault_middleware
from replica.http import json_response
from replica.stats import ReplicaStats

STATS = web.AppKey("stats", ReplicaStats)
# Each source adds its own routes from the dataset.
SOURCES: tuple[Callable[[web.Application, dict], None], ...] = (
    mazhilis.add_routes,
    deputy_requests.add_routes,
    activities.add_routes,
    telegram.add_routes,
    instagram.add_routes,
    facebook.add_routes,
    amanat.add_routes,
)
ROBOTS_TXT = "User-agent: *\nAllow: /\n"


async def robots(request: web.Request) -> web.Response:
    return web.Response(text=ROBOTS_TXT)


async def show_stats(request: web.Request) -> web.Response:
    """GET /__replica__/stats: requests served and faults injected."""
    return json_response(request.app[STATS].as_json())


async def reset_stats(request: web.Request) -> web.Response:
    """POST /__replica__/reset: zero the counts (and the attempts faults follow)."""
    request.app[STATS].reset()
    return json_response(request.app[STATS].as_json())


def build_app(dataset: dict, faults: str = "none") -> web.Application:
    """The replica's application; ValueError for an unknown fault profile."""
    plan = FaultPlan(faults, dataset["seed"])
    stats = ReplicaStats()
    app = web.Application(middlewares=[fault_middleware(plan, stats)])
    app[STATS] = stats
    app.router.add_get("/robots.txt", robots)
    app.router.add_get(CONTROL_PREFIX + "stats", show_stats)
    app.router.add_post(CONTROL_PREFIX + "reset", reset_stats)
    for add_routes in SOURCES:
        add_routes(app, dataset)
    return app
