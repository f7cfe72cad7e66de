"""The requests spider's parsers on the shared sample, unchanged (SOURCES.md §1.3),
and the reading of PDFs."""

import json
from datetime import date

import pytest
from fpdf import FPDF

from crawl.pdf import read_pdf
from spiders.mazhilis_requests_page import parse_request

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def page(samples):
    return json.loads(
        (samples / "mazhilis" / "deputy_requests.page1.json").read_text("utf-8")
    )


@pytest.fixture(scope="module")
def requests(page):
    return {item["id"]: parse_request(item) for item in page["result"]}


def test_every_item_of_the_page_is_parsed(page, requests):
    assert page["count"] == 3
    assert sorted(requests) == [5012, 5013, 5020]


def test_request_fields(requests):
    request = requests[5012]
    assert request.number == "ДЗ-8-1-112"
    assert request.request_date == date(2023, 10, 4)
    assert request.title.startswith("О возврате незаконно выведенных активов")
    assert request.addressee == "Премьер-Министру Республики Казахстан Смаилову А.А."
    assert (request.source_convocation_id, request.source_session_id) == (8, 82)
    assert request.document_url == "/media/requests/5012.pdf"


def test_answer_date_and_document(requests):
    assert requests[5012].answer_date == date(2023, 11, 3)
    assert requests[5012].answer_document_url == "/media/requests/5012-answer.pdf"


def test_unanswered_request_has_no_answer(requests):
    assert requests[5013].answer_date is None
    assert requests[5013].answer_document_url is None


def test_initiators_and_signatories_keep_roles_ids_and_names_as_given(requests):
    people = [
        (p.role, p.position, p.source_deputy_id, p.name_as_given)
        for p in requests[5013].participants
    ]
    assert people == [
        ("initiator", 0, 64, "Исабеков Д.Д."),
        ("signatory", 0, 56, "Калыков А.К."),
        ("signatory", 1, 71, "Куспан А. Т."),
    ]


def test_a_request_without_signatories(requests):
    assert [p.role for p in requests[5020].participants] == ["initiator"]


def test_a_participant_without_an_id_is_kept_by_name(page):
    item = page["result"][0] | {"signatories": [{"id": None, "full_name": "Иванов И."}]}
    signatory = parse_request(item).participants[-1]
    assert (signatory.source_deputy_id, signatory.name_as_given) == (None, "Иванов И.")


def test_item_hash_changes_with_the_content(page):
    item = page["result"][1]
    answered = item | {
        "answer": {"answer_date": "2023-12-01", "document_url": "/a.pdf"}
    }
    assert parse_request(item).item_hash == parse_request(dict(item)).item_hash
    assert parse_request(item).item_hash != parse_request(answered).item_hash


def test_request_without_title_is_an_error(page):
    with pytest.raises(ValueError, match="5012"):
        parse_request(page["result"][0] | {"title": ""})


def pdf_with(text: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.line(10, 10, 100, 100)
    else:
        pdf.add_font("DejaVu", fname=DEJAVU)
        pdf.set_font("DejaVu", size=12)
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def test_pdf_text_in_cyrillic_is_read():
    reading = read_pdf(pdf_with("Депутатский запрос ДЗ-8-1-112\nҚұспан Әбенов"))
    assert reading.status == "ok"
    assert reading.pages == 1
    assert "ДЗ-8-1-112" in reading.text
    assert "Құспан Әбенов" in reading.text


def test_pdf_without_text_layer_is_no_text():
    assert read_pdf(pdf_with(None)).status == "no_text"


@pytest.mark.parametrize(
    "body", [b"<html>error</html>", b"%PDF-1.7\n garbage", pdf_with("x")[:200]]
)
def test_broken_pdf_is_broken_not_an_exception(body):
    reading = read_pdf(body)
    assert reading.status == "broken"
    assert reading.detail
