"""The PDFs of deputies' requests and of the government's answers.

Their text is made from the request (the topic's sentences, picked by the request's
id), so the same dataset gives the same bytes. DejaVu Sans carries the Cyrillic;
pypdf reads the text back.
"""

import hashlib
import json
import os
import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from fpdf import FPDF

from replica.topics import topic_of

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HOUSE = "МАЖИЛИС ПАРЛАМЕНТА РЕСПУБЛИКИ КАЗАХСТАН"
CLOSING = (
    "Просим рассмотреть данный вопрос и в установленный законом срок "
    "проинформировать о принятых мерах."
)
PRIME_MINISTER = ("Премьер-Министру", "Премьер-Министр Республики Казахстан")
# Who signs an answer, from the addressee in the dative.
SIGNERS = (
    ("Генеральному Прокурору", "Генеральный Прокурор"),
    ("Председателю", "Председатель"),
    ("Министру", "Министр"),
    ("Акиму", "Аким"),
)
# Writing a PDF with an embedded font takes fpdf2 about 70 ms: a replica serving
# a dataset's 800 PDFs keeps them on disk for the next replica with the same data.
CACHE = Path(
    os.environ.get(
        "MWATCH_REPLICA_CACHE", Path.home() / ".cache" / "mazhilis-watch" / "replica"
    )
)
# Bump when the documents' layout changes, so no cached file of the old one is used.
LAYOUT_VERSION = 1
OVERSIZED_LENGTH = 60 * 2**20
CHUNK_LENGTH = 64 * 2**10


def cached(make: Callable[[dict], bytes], request: dict) -> bytes:
    """`make(request)`, from the disk cache when an earlier replica made it."""
    key = json.dumps(
        [LAYOUT_VERSION, make.__name__, request], sort_keys=True, ensure_ascii=False
    )
    path = CACHE / f"{hashlib.sha256(key.encode()).hexdigest()}.pdf"
    try:
        return path.read_bytes()
    except OSError:
        pass
    body = make(request)
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(body)
        partial.replace(path)
    except OSError:
        pass  # a read-only home: the replica still serves, only slower
    return body


def _dotted(iso: str) -> str:
    """2023-10-04 -> 04.10.2023."""
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def _pdf(iso: str) -> FPDF:
    """An A4 document dated `iso` (the date fixes the metadata, hence the bytes)."""
    pdf = FPDF(format="A4")
    day = date.fromisoformat(iso)
    pdf.set_creation_date(datetime(day.year, day.month, day.day, tzinfo=UTC))
    pdf.set_creator("Мажилис Парламента Республики Казахстан")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    return pdf


def _paragraph(pdf: FPDF, text: str, size: int = 11, space: float = 3) -> None:
    # Left-aligned: justified lines come out of pypdf with doubled spaces.
    pdf.set_font(size=size)
    pdf.multi_cell(0, size * 0.55, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(space)


def _names(participants: list[dict]) -> str:
    return ", ".join(p["full_name"] for p in participants)


def request_pdf(request: dict) -> bytes:
    """The request: number, date, addressee, title, body and who signed it."""
    pdf = _pdf(request["request_date"])
    topic = topic_of(request["title"])
    sentences = random.Random(request["id"]).sample(topic.body, min(3, len(topic.body)))
    _paragraph(pdf, HOUSE, size=12)
    _paragraph(pdf, request["addressee"])
    _paragraph(pdf, "ДЕПУТАТСКИЙ ЗАПРОС", size=13, space=1)
    _paragraph(pdf, f"№ {request['number']} от {_dotted(request['request_date'])} года")
    _paragraph(pdf, request["title"], size=12)
    _paragraph(pdf, " ".join([*sentences, CLOSING]))
    _paragraph(pdf, f"Инициаторы: {_names(request['initiators'])}")
    if request["signatories"]:
        _paragraph(pdf, f"Подписали: {_names(request['signatories'])}", size=9)
    return bytes(pdf.output())


def answer_pdf(request: dict) -> bytes:
    """The answer: its date, the reply and the request's number."""
    answer = request["answer"]
    pdf = _pdf(answer["answer_date"])
    topic = topic_of(request["title"])
    sentences = random.Random(-request["id"]).sample(
        topic.reply, min(2, len(topic.reply))
    )
    _paragraph(pdf, f"{_dotted(answer['answer_date'])} года", space=1)
    _paragraph(pdf, "Депутатам Мажилиса Парламента Республики Казахстан", space=1)
    _paragraph(pdf, f"Инициаторы запроса: {_names(request['initiators'])}")
    _paragraph(pdf, "ОТВЕТ НА ДЕПУТАТСКИЙ ЗАПРОС", size=13, space=1)
    _paragraph(
        pdf,
        f"На депутатский запрос № {request['number']} от "
        f"{_dotted(request['request_date'])} года «{request['title']}» сообщаем "
        "следующее.",
    )
    _paragraph(pdf, " ".join([*sentences, "Вопрос находится на контроле."]))
    signer = _signer(request["addressee"])
    if signer:
        _paragraph(pdf, signer)
    return bytes(pdf.output())


def _signer(addressee: str) -> str:
    """Who signs the answer: "Министр транспорта Республики Казахстан" for
    "Министру транспорта Республики Казахстан", the Prime Minister's title without
    the name, "" for an addressee of another kind."""
    if addressee.startswith(PRIME_MINISTER[0]):
        return PRIME_MINISTER[1]
    for dative, nominative in SIGNERS:
        if addressee.startswith(dative + " "):
            return nominative + addressee.removeprefix(dative)
    return ""


def scan_pdf(url: str) -> bytes:
    """A scanned page without a text layer: only shapes where the lines were."""
    rng = random.Random(url)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_fill_color(60, 60, 60)
    pdf.rect(20, 15, 170, 12, style="F")
    pdf.line(20, 32, 190, 32)
    top = 40.0
    for _ in range(rng.randint(18, 30)):
        pdf.rect(20, top, rng.uniform(90, 170), 2.2, style="F")
        top += rng.choice((6.0, 6.0, 6.0, 11.0))
    return bytes(pdf.output())


def broken_pdf(url: str) -> bytes:
    """Not a PDF: a truncated header and garbage, as a failed upload leaves."""
    garbage = b"".join(
        hashlib.sha256(f"{url}|{n}".encode()).digest() for n in range(64)
    )
    return b"%PDF-1." + garbage


def oversized_chunks() -> tuple[bytes, bytes]:
    """(first, every other) chunk of the 60 MiB document, CHUNK_LENGTH each."""
    filler = hashlib.sha256(b"oversized").digest() * (CHUNK_LENGTH // 32)
    header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    return header + filler[len(header) :], filler
