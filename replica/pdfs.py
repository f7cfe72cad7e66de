"""The PDFs of deputies' requests and of the government's answers.

Their text is made from the request (the topic's sentences, picked by the request's
id), so the same dataset gives the same bytes. DejaVu Sans carries the Cyrillic;
pypdf reads the text back.

A real site serves stored files; the replica writes each document when it is asked
for, which has to cost as little: the font is cut down to the letters the texts use
once per process, and each document is that font file with its own page of text
and its own short widths and map to Unicode, written here directly (fpdf2 took
about 100 ms a document, mostly subsetting the whole font again for each, which a
30x replica's 24,000 documents cannot afford; this takes about 2 ms, and pypdf
reads the result as fast as fpdf2's).
"""

import hashlib
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF

from replica.topics import topic_of

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# What the documents' texts are written in: Latin and Latin-1, Cyrillic with the
# Kazakh letters, dashes and quotes, the numero sign.
LETTERS = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x400, 0x4FF),
    (0x2010, 0x2027),
    (0x2116, 0x2116),
)
HOUSE = "МАЖИЛИС ПАРЛАМЕНТА РЕСПУБЛИКИ КАЗАХСТАН"
CREATOR = "Мажилис Парламента Республики Казахстан"
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
OVERSIZED_LENGTH = 60 * 2**20
CHUNK_LENGTH = 64 * 2**10
# A4 in points, margins of 10 mm (20 mm at the foot), as fpdf2 lays out a page.
MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
MARGIN, FOOT = 10 * MM, 20 * MM
# The objects every document shares; its pages and their contents follow.
(
    CATALOG,
    PAGES,
    TYPE0,
    CID_FONT,
    DESCRIPTOR,
    FONT_FILE,
    TO_UNICODE,
    CID_TO_GID,
    INFO,
) = range(1, 10)


@dataclass(frozen=True)
class Face:
    """The cut-down font: glyph ids and widths (per 1000 of the size) by letter,
    and the PDF objects that embed it, the same in every document (its widths
    and its map back to Unicode are the document's own)."""

    glyphs: dict[str, int]
    widths: dict[str, int]
    objects: dict[int, bytes]


@cache
def face() -> Face:
    """DejaVu Sans with only LETTERS, without hinting, and its PDF objects."""
    font = TTFont(FONT, recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for a, b in LETTERS for c in range(a, b + 1)])
    subsetter.subset(font)
    data = BytesIO()
    font.save(data)
    scale = 1000 / font["head"].unitsPerEm
    glyphs = {
        chr(code): font.getGlyphID(name) for code, name in font.getBestCmap().items()
    }
    widths = {
        chr(code): round(font["hmtx"][name][0] * scale)
        for code, name in font.getBestCmap().items()
    }
    head, hhea = font["head"], font["hhea"]
    # DejaVu's OS/2 table is too old to give its capitals' height.
    cap_height = getattr(font["OS/2"], "sCapHeight", 0) or hhea.ascent
    box = " ".join(
        str(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
    )
    return Face(
        glyphs=glyphs,
        widths=widths,
        objects={
            TYPE0: b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans "
            b"/Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
            % (CID_FONT, TO_UNICODE),
            DESCRIPTOR: (
                "<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 "
                f"/FontBBox [{box}] /ItalicAngle 0 "
                f"/Ascent {round(hhea.ascent * scale)} "
                f"/Descent {round(hhea.descent * scale)} "
                f"/CapHeight {round(cap_height * scale)} /StemV 87 "
                f"/FontFile2 {FONT_FILE} 0 R >>"
            ).encode(),
            FONT_FILE: _stream(data.getvalue(), b"/Length1 %d" % len(data.getvalue())),
        },
    )


def _font_maps(face: Face, letters: list[str]) -> dict[int, bytes]:
    """The document's CID font: its letters numbered 1, 2... in the order they
    came (as a subsetting writer numbers them, which keeps the widths and the map
    to Unicode short for a reader to parse), mapped to the font's glyphs."""
    widths = " ".join(str(face.widths[c]) for c in letters)
    unicode_map = "".join(
        f"<{cid:04X}> <{ord(c):04X}>\n" for cid, c in enumerate(letters, 1)
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(letters)} beginbfchar\n{unicode_map}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    glyphs = b"\0\0" + b"".join(face.glyphs[c].to_bytes(2) for c in letters)
    return {
        CID_FONT: (
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
            f"/Supplement 0 >> /FontDescriptor {DESCRIPTOR} 0 R "
            f"/CIDToGIDMap {CID_TO_GID} 0 R /W [1 [{widths}]] >>"
        ).encode(),
        TO_UNICODE: _stream(cmap.encode()),
        CID_TO_GID: _stream(glyphs),
    }


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 6)
    return (
        b"<< /Filter /FlateDecode /Length %d %s>>\nstream\n" % (len(packed), extra)
        + packed
        + b"\nendstream"
    )


def _literal(code: bytes) -> bytes:
    """A PDF literal string of `code` (faster for a reader than hex)."""
    for special in (b"\\", b"(", b")"):
        code = code.replace(special, b"\\" + special)
    return b"(" + code.replace(b"\r", b"\\r") + b")"


def _pdf_text(text: str) -> str:
    """A PDF text string in UTF-16 (the metadata's)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class Document:
    """A document dated `iso` (the date fixes the metadata, hence the bytes):
    left-aligned paragraphs of DejaVu Sans, page after page."""

    def __init__(self, iso: str) -> None:
        self.day = date.fromisoformat(iso)
        self.face = face()
        self.pages: list[list[bytes]] = [[]]
        # The document's letters by their number in its font (from 1).
        self.cids: dict[str, int] = {}
        self.top = MARGIN

    def paragraph(self, text: str, size: int = 11, space: float = 3) -> None:
        """`text` wrapped to the page's width, lines `size` x 0.55 mm apart, then
        `space` mm (left-aligned: justified lines come out of pypdf with doubled
        spaces)."""
        height = size * 0.55 * MM
        for line in self._lines(text, size):
            if self.top + height > PAGE_HEIGHT - FOOT:
                self.pages.append([])
                self.top = MARGIN
            baseline = PAGE_HEIGHT - self.top - height / 2 - 0.3 * size
            line = "".join(c for c in line if c in self.face.glyphs)
            code = b"".join(self._cid(c).to_bytes(2) for c in line)
            self.pages[-1].append(
                b"BT /F1 %d Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET"
                % (size, MARGIN, baseline, _literal(code))
            )
            self.top += height
        self.top += space * MM

    def _cid(self, letter: str) -> int:
        return self.cids.setdefault(letter, len(self.cids) + 1)

    def _lines(self, text: str, size: int) -> list[str]:
        room = (PAGE_WIDTH - 2 * MARGIN) * 1000 / size
        lines, line, width = [], "", 0
        for word in text.split(" "):
            wide = sum(self.face.widths.get(c, 600) for c in word)
            gap = self.face.widths[" "] if line else 0
            if line and width + gap + wide > room:
                lines.append(line)
                line, width = word, wide
            else:
                line, width = (f"{line} {word}" if line else word), width + gap + wide
        return [*lines, line]

    def output(self) -> bytes:
        """The PDF file."""
        objects = self.face.objects | _font_maps(self.face, list(self.cids))
        first = INFO + 1
        kids = []
        for n, page in enumerate(self.pages):
            number = first + 2 * n
            kids.append(f"{number} 0 R")
            objects[number] = (
                f"<< /Type /Page /Parent {PAGES} 0 R "
                f"/MediaBox [0 0 {PAGE_WIDTH:.2f} {PAGE_HEIGHT:.2f}] "
                f"/Resources << /Font << /F1 {TYPE0} 0 R >> >> "
                f"/Contents {number + 1} 0 R >>"
            ).encode()
            objects[number + 1] = _stream(b"\n".join(page))
        objects[CATALOG] = b"<< /Type /Catalog /Pages %d 0 R >>" % PAGES
        objects[PAGES] = (
            f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
        ).encode()
        created = self.day.strftime("D:%Y%m%d000000Z")
        objects[INFO] = (
            f"<< /Creator {_pdf_text(CREATOR)} /CreationDate ({created}) >>"
        ).encode()
        body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number in range(1, len(objects) + 1):
            offsets.append(len(body))
            body += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
        xref = len(body)
        body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        body += (
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (len(objects) + 1, CATALOG, INFO, xref)
        )
        return bytes(body)


def _dotted(iso: str) -> str:
    """2023-10-04 -> 04.10.2023."""
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def _names(participants: list[dict]) -> str:
    return ", ".join(p["full_name"] for p in participants)


def request_pdf(request: dict) -> bytes:
    """The request: number, date, addressee, title, body and who signed it."""
    pdf = Document(request["request_date"])
    topic = topic_of(request["title"])
    sentences = random.Random(request["id"]).sample(topic.body, min(3, len(topic.body)))
    pdf.paragraph(HOUSE, size=12)
    pdf.paragraph(request["addressee"])
    pdf.paragraph("ДЕПУТАТСКИЙ ЗАПРОС", size=13, space=1)
    pdf.paragraph(f"№ {request['number']} от {_dotted(request['request_date'])} года")
    pdf.paragraph(request["title"], size=12)
    pdf.paragraph(" ".join([*sentences, CLOSING]))
    pdf.paragraph(f"Инициаторы: {_names(request['initiators'])}")
    if request["signatories"]:
        pdf.paragraph(f"Подписали: {_names(request['signatories'])}", size=9)
    return pdf.output()


def answer_pdf(request: dict) -> bytes:
    """The answer: its date, the reply and the request's number."""
    answer = request["answer"]
    pdf = Document(answer["answer_date"])
    topic = topic_of(request["title"])
    sentences = random.Random(-request["id"]).sample(
        topic.reply, min(2, len(topic.reply))
    )
    pdf.paragraph(f"{_dotted(answer['answer_date'])} года", space=1)
    pdf.paragraph("Депутатам Мажилиса Парламента Республики Казахстан", space=1)
    pdf.paragraph(f"Инициаторы запроса: {_names(request['initiators'])}")
    pdf.paragraph("ОТВЕТ НА ДЕПУТАТСКИЙ ЗАПРОС", size=13, space=1)
    pdf.paragraph(
        f"На депутатский запрос № {request['number']} от "
        f"{_dotted(request['request_date'])} года «{request['title']}» сообщаем "
        "следующее.",
    )
    pdf.paragraph(" ".join([*sentences, "Вопрос находится на контроле."]))
    signer = _signer(request["addressee"])
    if signer:
        pdf.paragraph(signer)
    return pdf.output()


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
