"""PDFs read in reader processes beside the crawl: read as in the crawler, a
reader's death costs no file its reading, and a killed crawler leaves none behind."""

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawl.pdf import PdfReaders, read_pdf
from tests.test_mazhilis_requests_parse import pdf_with

PROJECT = Path(__file__).resolve().parent.parent


def read_all(readers: PdfReaders, bodies: list[bytes]) -> list:
    async def reading() -> list:
        return [await readers.read(body) for body in bodies]

    try:
        return asyncio.run(reading())
    finally:
        readers.close()


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, left for its parent to reap, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_reader_process_reads_each_pdf_as_the_crawler_would():
    bodies = [
        pdf_with("Депутатский запрос ДЗ-8-1-112\nҚұспан Әбенов"),
        pdf_with(None),
        b"%PDF-1.7\n garbage",
        b"<html>error</html>",
    ]
    readings = read_all(PdfReaders(1), bodies)
    assert [r.status for r in readings] == ["ok", "no_text", "broken", "broken"]
    assert readings == [read_pdf(body) for body in bodies]


def test_a_reader_that_dies_leaves_its_files_read_in_the_crawler():
    readers = PdfReaders(1)
    body = pdf_with("Құспан Әбенов")

    async def reading() -> list:
        first = await readers.read(body)
        for reader in multiprocessing.active_children():
            os.kill(reader.pid, signal.SIGKILL)
            reader.join()
        return [first, await readers.read(body), await readers.read(body)]

    try:
        readings = asyncio.run(reading())
    finally:
        readers.close()
    assert [r.status for r in readings] == ["ok", "ok", "ok"]
    assert all("Құспан Әбенов" in r.text for r in readings)


CRAWLER = """
import asyncio, multiprocessing, sys, time
from crawl.pdf import PdfReaders
from tests.test_mazhilis_requests_parse import pdf_with

readers = PdfReaders(2)
print(asyncio.run(readers.read(pdf_with("x"))).status)
print(*(p.pid for p in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""


def test_readers_exit_when_the_crawler_is_killed():
    crawler = subprocess.Popen(
        [sys.executable, "-c", CRAWLER],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert crawler.stdout.readline().strip() == "ok"
        readers = [int(pid) for pid in crawler.stdout.readline().split()]
        assert readers and all(alive(pid) for pid in readers)
    finally:
        crawler.kill()
        crawler.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in readers if alive(pid)]
    if left:
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        pytest.fail(f"reader processes {left} outlived their crawler")
