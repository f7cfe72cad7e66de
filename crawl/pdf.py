"""Reading the text layer of the PDFs sources publish, in worker processes."""

import asyncio
import logging
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from io import BytesIO
from multiprocessing import get_context

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from crawl.text import without_controls

# pypdf logs every repair it makes of a damaged file; the status says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)
logger = logging.getLogger(__name__)


@dataclass
class PdfReading:
    status: str  # "ok", "no_text" or "broken"
    pages: int | None = None
    text: str | None = None
    detail: str | None = None


def read_pdf(body: bytes) -> PdfReading:
    """The text of every page; "no_text" for a scan, "broken" for no PDF at all."""
    if body.lstrip()[:5] != b"%PDF-":
        return PdfReading("broken", detail="no %PDF- header")
    try:
        reader = PdfReader(BytesIO(body))
        texts = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        return PdfReading("broken", detail=f"{exc.__class__.__name__}: {exc}")
    text = without_controls("\n".join(t.strip() for t in texts)).strip()
    if not text:
        return PdfReading("no_text", pages=len(texts), detail="no text layer")
    return PdfReading("ok", pages=len(texts), text=text)


def _reader_started(crawler_pid: int) -> None:
    """In a reader process: Ctrl-C and a service's stop are the crawler's to
    handle (it finishes the files it fetched), and a reader whose crawler was
    killed exits instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == crawler_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class PdfReaders:
    """Processes reading PDFs beside the crawl: pypdf is pure Python, and on the
    reactor's thread its parsing holds up every download and write. Started on
    the first file, closed with the spider; with no workers, or once a reader
    died, files are read in the crawler's own process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    async def read(self, body: bytes) -> PdfReading:
        if self.workers < 1:
            return read_pdf(body)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers,
                # Not forked: the crawler runs threads that a fork would copy
                # mid-step.
                mp_context=get_context("spawn"),
                initializer=_reader_started,
                initargs=(os.getpid(),),
            )
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self.pool, read_pdf, body
            )
        except BrokenProcessPool as exc:
            if self.workers:
                logger.warning("a PDF reader died (%s): reading PDFs here", exc)
                self.workers = 0
            return read_pdf(body)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
