"""The replica's command line: `python -m replica serve|generate`."""

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from aiohttp import web

from replica.app import build_app
from replica.dataset import dump_dataset, generate_dataset, load_dataset, present_day
from replica.faults import PROFILES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replica",
        description="A local replica of the sites mazhilis-watch crawls, served over "
        "HTTP from a dataset, with injectable faults.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the replica until interrupted",
        description="Serve the replica. Prints 'replica serving on URL (...)' "
        "once it listens, then the environment that crawls it (each site's URL "
        "and MWATCH_TODAY, the dataset's present day); stops on SIGINT or SIGTERM.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    serve.add_argument(
        "--dataset",
        type=Path,
        metavar="FILE",
        help="dataset JSON written by 'generate' (default: generate seed 8, scale 1 "
        "in memory)",
    )
    serve.add_argument(
        "--faults",
        default="none",
        metavar="PROFILE",
        help=f"fault profile, one of {', '.join(PROFILES)}: slow delays about a third "
        "of requests by 0.3-1.5 s, flaky answers some URLs with 503, 429 or 500 at "
        "most twice each, chaos does both; encodings serves JSON without or with a "
        "wrong charset or in cp1251, garbled cuts or replaces some JSON on the "
        "first attempt; renamed-fields and empty-lists change the JSON's layout "
        "for good (default: %(default)s)",
    )
    serve.set_defaults(run=_serve)

    generate = commands.add_parser(
        "generate",
        help="write a dataset file",
        description="Generate a deterministic dataset and write it as JSON.",
    )
    generate.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="file to write"
    )
    generate.add_argument(
        "--seed", type=int, default=8, help="random seed (default: %(default)s)"
    )
    generate.add_argument(
        "--scale",
        type=int,
        default=1,
        metavar="K",
        help="fill the 98 seats K times, for growth benchmarks (default: %(default)s)",
    )
    generate.set_defaults(run=_generate)
    return parser


def _serve(args: argparse.Namespace) -> int:
    try:
        if args.dataset is None:
            dataset = generate_dataset()
            source = f"generated seed {dataset['seed']}"
        else:
            dataset = load_dataset(args.dataset)
            source = str(args.dataset)
        app = build_app(dataset, args.faults)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    about = f"dataset: {source}, faults: {args.faults}"
    today = present_day(dataset).isoformat()
    try:
        asyncio.run(_run(app, args.host, args.port, about, today))
    except OSError as error:
        print(
            f"error: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr
        )
        return 2
    return 0


def crawl_environment(url: str, today: str) -> list[str]:
    """The environment that crawls the replica at `url` as the real sites are
    crawled: each site's base URL and the dataset's present day (`today`), to
    which silence is measured, not the calendar's."""
    return [
        f"MWATCH_MAZHILIS_URL={url}",
        *(f"MWATCH_{site.upper()}_URL={url}/{site}" for site in PREFIXED_SITES),
        "MWATCH_AUTOTHROTTLE=off",
        f"MWATCH_TODAY={today}",
    ]


# The sites served under a prefix of their own; the Mazhilis is at the root.
PREFIXED_SITES = ("telegram", "instagram", "facebook", "amanat")


async def _run(
    app: web.Application, host: str, port: int, about: str, today: str
) -> None:
    """Serve `app` until SIGINT or SIGTERM; say where, and the environment that
    crawls it."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_port = runner.addresses[0][1]
        # Stopping is set up before the line that says it serves: whoever reads
        # that line may stop it at once.
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        url = f"http://{host}:{bound_port}"
        print(f"replica serving on {url} ({about})")
        print("crawl it with this environment (e.g. `export` each line):")
        for line in crawl_environment(url, today):
            print(f"  {line}")
        sys.stdout.flush()
        await stop.wait()
    finally:
        await runner.cleanup()


def _generate(args: argparse.Namespace) -> int:
    try:
        dataset = generate_dataset(args.seed, args.scale)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        dump_dataset(dataset, args.out)
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    activities = sum(map(len, dataset["activities"].values()))
    posts = sum(
        len(account["posts"])
        for site in ("telegram", "instagram", "facebook")
        for account in dataset[site].values()
    )
    print(
        f"wrote {args.out}: {len(dataset['deputies'])} deputies, "
        f"{len(dataset['requests'])} requests, {activities} activities, "
        f"{posts} social posts"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the replica's command line; returns the exit status."""
    args = _parser().parse_args(argv)
    return args.run(args)
