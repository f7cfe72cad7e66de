"""`python -m bench [NAME ...]`: run the benchmarks (all by default) and print
their tables, each with the ratio to its baseline measured in the same run. The
crawl, nightly and distributed ones use the 1x replica unless `--scale` says
otherwise (`--scale 30` is the size the goals of issue 19 name)."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import (
    browser_memory,
    crawl,
    distributed,
    growth,
    matching_blocking,
    nightly,
    site,
    storage,
)

BENCHMARKS = {
    "crawl": crawl.run,
    "storage": storage.run,
    "nightly": nightly.run,
    "distributed": distributed.run,
    "growth": growth.run,
    "matching": matching_blocking.run,
    "browser": browser_memory.run,
    "site": site.run,
}

SCALED = ("crawl", "nightly", "distributed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="replica size of the crawl, nightly and distributed benchmarks "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--scales",
        default="1,10,30",
        help="replica sizes of the growth benchmark (default: %(default)s)",
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=1000,
        help="Instagram profiles the browser benchmark reads (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}: {', '.join(BENCHMARKS)}")
    with tempfile.TemporaryDirectory(prefix="mwatch-bench-") as folder:
        for name in args.names or BENCHMARKS:
            started = time.monotonic()
            print(f"## {name}", flush=True)
            if name == "growth":
                scales = [int(s) for s in args.scales.split(",")]
                print(growth.run(Path(folder), scales), flush=True)
            elif name == "browser":
                print(browser_memory.run(Path(folder), args.pages), flush=True)
            elif name in SCALED:
                print(BENCHMARKS[name](Path(folder), args.scale), flush=True)
            else:
                print(BENCHMARKS[name](Path(folder)), flush=True)
            print(f"({name}: {time.monotonic() - started:.0f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
