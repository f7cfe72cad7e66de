"""`mwatch demo`: crawl the bundled replica of the sources into a fresh SQLite
file, then print what was stored."""

import argparse
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from cli.common import add_logging, log_overrides
from cli.status import print_runs
from storage.models import Base, Convocation, Deputy, Mandate

# The replica, Scrapy (cli.crawling) and Alembic (storage.db) are imported when
# the demo runs, so that `mwatch --help` starts fast.

SHOWN_DEPUTIES = 6


def summary(url: str) -> str:
    from storage import db

    lines = ["stored:"]
    with db.session_for(url) as session:
        for table in Base.metadata.sorted_tables:
            count = session.scalar(select(func.count()).select_from(table))
            lines.append(f"  {table.name:<18} {count:>6}")
        deputies = session.scalars(
            select(Deputy)
            .options(selectinload(Deputy.names), selectinload(Deputy.mandates))
            .order_by(Deputy.mazhilis_id)
            .limit(SHOWN_DEPUTIES)
        ).all()
        lines.append(f"\nthe first {len(deputies)} deputies, with every name form:")
        for deputy in deputies:
            mandate: Mandate | None = deputy.mandates[0] if deputy.mandates else None
            where = ""
            if mandate is not None:
                where = (
                    f"district {mandate.district_number}, {mandate.region_ru}"
                    if mandate.deputy_type == "single_mandate"
                    else "party list"
                )
                where += f"; {mandate.party or 'independent'}"
            lines.append(f"  #{deputy.mazhilis_id} ({where})")
            for name in deputy.names:
                lines.append(f"      {name.lang}: {name.full_name}")
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace) -> int:
    from cli.crawling import (
        BROWSER_SOURCES,
        SOURCES,
        crawl_sources,
        exit_code,
        interrupted,
    )
    from cli.meetings import match_after_crawl
    from replica import ReplicaProcess, generate_dataset, present_day
    from storage import db

    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="mwatch-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "demo.sqlite"
    for stale in folder.glob("demo.sqlite*"):
        stale.unlink()
    url = f"sqlite:///{database}"
    print(f"starting the replica of the sources (faults: {args.faults}) ...")
    with ReplicaProcess(faults=args.faults) as replica:
        print(f"replica at {replica.url}; database {database}")
        db.upgrade(url)
        overrides = log_overrides(args) | {
            "DATABASE_URL": url,
            "MAZHILIS_URL": replica.urls["mazhilis"],
            "TELEGRAM_URL": replica.urls["telegram"],
            "AMANAT_URL": replica.urls["amanat"],
            # The replica's data stands for its own present, not today.
            "TODAY": present_day(generate_dataset()).isoformat(),
        }
        # The browser's sources take minutes (docs/sources.md, "Social media").
        sources = [source for source in SOURCES if source not in BROWSER_SOURCES]
        results = crawl_sources(sources, overrides, lock=None, mode="nightly")
    print()
    if not interrupted(results):
        # As `mwatch crawl` does: the meetings with voters of every source.
        match_after_crawl(url, [r.source for r in results if r.outcome != "failed"])
    print(summary(url))
    print()
    print_runs(url, [r.run_id for r in results if r.run_id])
    print(f"\nthe demo database stays at {database}: try")
    print(f"  DATABASE_URL=sqlite:///{database} mwatch status")
    report = report_command(url, date.fromisoformat(overrides["TODAY"]))
    if report:
        print(f"  DATABASE_URL=sqlite:///{database} {report}")
    return exit_code(results)


def report_command(url: str, today: date) -> str | None:
    """The session report whose window holds the demo's present and so its
    posts (the replica's year of them ends on its present day): the
    convocation sitting on that day, whole."""
    from storage import db

    with db.session_for(url) as session:
        number = session.scalar(
            select(Convocation.number)
            .where(
                Convocation.start_date <= today,
                or_(Convocation.end_date.is_(None), Convocation.end_date >= today),
            )
            .order_by(Convocation.number.desc())
            .limit(1)
        )
    return None if number is None else f"mwatch report session --convocation {number}"


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch demo`."""
    demo = commands.add_parser(
        "demo",
        help="crawl the bundled replica into a fresh SQLite file (no internet)",
        description="Start the local replica of the sources, crawl it into a "
        "fresh SQLite database and print what was stored.",
    )
    demo.add_argument("--dir", help="folder for demo.sqlite (default: a new one)")
    demo.add_argument(
        "--faults",
        default="none",
        help="the replica's fault profile: none, slow, flaky or chaos",
    )
    add_logging(demo, default="WARNING")
    demo.set_defaults(handler=cmd_demo)
