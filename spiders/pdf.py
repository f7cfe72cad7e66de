"""Reading the text layer of the PDFs sources publish."""

import logging
from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from spiders.text import without_controls

# pypdf logs every repair it makes of a damaged file; the status says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


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
